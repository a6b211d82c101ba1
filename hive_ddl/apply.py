"""Apply the numbered DDL files through HiveServer2, in order."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from string import Template

from clients import hive, sql_script
from hbase_setup.news2 import TEXT_SQL
from settings import Settings

DDL_DIR = Path(__file__).parent
log = logging.getLogger(__name__)


def statements(settings: Settings) -> list[tuple[str, str]]:
    """(file name, statement) pairs with the database and warehouse filled in from settings (and the NEWS2 text
    expressions the alerts use, for the news2_scores view)."""
    values = {"database": settings.names.hive_database, "warehouse": settings.hdfs.warehouse_uri, **TEXT_SQL}
    found = []
    for path in sorted(DDL_DIR.glob("*.sql")):
        text = Template(path.read_text()).substitute(values)
        found += [(path.name, statement) for statement in sql_script.statements(text)]
    return found


_CREATE_VIEW = re.compile(r"CREATE OR REPLACE VIEW (\S+)")
_CREATE_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\S+) \((.*?)\n\)", re.DOTALL)
_COLUMN = re.compile(r"^\s+(\w+)\s+([A-Z]+)", re.MULTILINE)


def declared_columns(statement: str) -> tuple[str, dict[str, str]] | None:
    """(table, {column: type}) of a CREATE TABLE statement (its data columns, in order); None for others."""
    match = _CREATE_TABLE.search(statement)
    if match is None:
        return None
    return match.group(1), {name: kind for name, kind in _COLUMN.findall(match.group(2))}


def _added_columns(cursor, table: str, declared: dict[str, str]) -> str | None:
    """ALTER TABLE ... ADD COLUMNS for the declared columns an existing table lacks (a table made by an older
    version of these files keeps its rows and gains the new columns, null in old rows)."""
    cursor.execute(f"DESCRIBE {table}")
    present = {row[0].strip() for row in cursor.fetchall() if row[0] and not row[0].startswith("#")}
    missing = [f"`{name}` {kind}" for name, kind in declared.items() if name not in present]
    return f"ALTER TABLE {table} ADD COLUMNS ({', '.join(missing)})" if missing else None


def _table_where_a_view_goes(cursor, statement: str) -> str | None:
    """ALTER TABLE ... RENAME for a table an older version made where a view is now declared (news2_scores was a
    table before its scores became columns of vitals_raw): the old rows are kept under ``<name>_table``."""
    match = _CREATE_VIEW.search(statement)
    if match is None:
        return None
    database, name = match.group(1).split(".")
    cursor.execute(f"SHOW TABLES IN {database} LIKE '{name}'")
    exists = bool(cursor.fetchall())
    cursor.execute(f"SHOW VIEWS IN {database} LIKE '{name}'")
    is_view = bool(cursor.fetchall())
    return f"ALTER TABLE {database}.{name} RENAME TO {database}.{name}_table" if exists and not is_view else None


def apply(settings: Settings) -> list[str]:
    """Run every statement (all are idempotent), adding new columns to tables that exist already; return the
    names of the tables now in the database."""
    connection = hive.connect(settings.hive)
    try:
        cursor = connection.cursor()
        for file_name, statement in statements(settings):
            try:
                rename = _table_where_a_view_goes(cursor, statement)
                if rename:
                    cursor.execute(rename)
                    log.info("hive_ddl/%s: %s (now a view)", file_name, rename)
                cursor.execute(statement)
                declared = declared_columns(statement)
                alter = declared and _added_columns(cursor, *declared)
                if alter:
                    cursor.execute(alter)
                    log.info("hive_ddl/%s: %s", file_name, alter)
            except Exception as error:
                raise RuntimeError(
                    f"hive_ddl/{file_name} failed on HiveServer2 "
                    f"{settings.hive.server2_host}:{settings.hive.server2_port}: "
                    f"{hive.error_message(error)}"
                ) from error
        cursor.execute(f"SHOW TABLES IN {settings.names.hive_database}")
        return sorted(row[1] if len(row) > 1 else row[0] for row in cursor.fetchall())
    finally:
        connection.close()
