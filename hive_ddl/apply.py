"""Apply the numbered DDL files through HiveServer2, in order."""

from __future__ import annotations

import sys
from pathlib import Path
from string import Template

from clients import hive, sql_script
from settings import Settings

DDL_DIR = Path(__file__).parent


def statements(settings: Settings) -> list[tuple[str, str]]:
    """(file name, statement) pairs with the database and warehouse filled in from settings."""
    values = {"database": settings.hive_database, "warehouse": settings.warehouse_uri}
    found = []
    for path in sorted(DDL_DIR.glob("*.sql")):
        text = Template(path.read_text()).substitute(values)
        found += [(path.name, statement) for statement in sql_script.statements(text)]
    return found


def apply(settings: Settings) -> list[str]:
    """Run every statement (all are idempotent); return the names of the tables now in the database."""
    connection = hive.connect(settings)
    try:
        cursor = connection.cursor()
        for file_name, statement in statements(settings):
            try:
                cursor.execute(statement)
            except Exception as error:
                raise RuntimeError(
                    f"hive_ddl/{file_name} failed on HiveServer2 "
                    f"{settings.hive_server2_host}:{settings.hive_server2_port}: "
                    f"{hive.error_message(error)}"
                ) from error
        cursor.execute(f"SHOW TABLES IN {settings.hive_database}")
        return sorted(row[1] if len(row) > 1 else row[0] for row in cursor.fetchall())
    finally:
        connection.close()


def main() -> int:
    import settings as settings_module

    tables = apply(settings_module.get())
    print(f"[hive_ddl] {settings_module.get().hive_database}: {', '.join(tables)}", file=sys.stderr)
    return 0
