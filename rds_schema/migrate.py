"""Apply the versioned RDS schema as the migration account; each version runs once and is recorded in
``schema_versions``; then every service account gets its grants (:mod:`rds_schema.grants`)."""

from __future__ import annotations

import re
from pathlib import Path

from clients import mysql, sql_script
from rds_schema import grants
from settings import RdsAccount, RdsSettings, Settings

SCHEMA_DIR = Path(__file__).parent
_VERSION = re.compile(r"^V(\d+)__(\w+)\.sql$")


def versions() -> list[tuple[int, str, Path]]:
    found = []
    for path in SCHEMA_DIR.glob("V*.sql"):
        match = _VERSION.match(path.name)
        if match:
            found.append((int(match.group(1)), match.group(2), path))
    return sorted(found)


def apply(settings: Settings) -> list[int]:
    """Apply versions not applied yet and the services' grants; return the versions applied now (empty when up to
    date)."""
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION, autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions (version INT PRIMARY KEY, "
            "name VARCHAR(100) NOT NULL, applied_at TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3))"
        )
        cursor.execute("SELECT version FROM schema_versions")
        done = {row[0] for row in cursor.fetchall()}
        applied = []
        for number, name, path in versions():
            if number in done:
                continue
            for statement in sql_script.statements(path.read_text()):
                cursor.execute(statement)
            cursor.execute("INSERT INTO schema_versions (version, name) VALUES (%s, %s)", (number, name))
            applied.append(number)
    finally:
        connection.close()
    grants.apply(settings)
    return applied


def create_readings_table(settings: Settings) -> None:
    """The schema, then the readings table PA_VITALS_TABLE names shaped like patients_vital_info, with its grants.

    A test's or benchmark's scratch table, or a second source table: the devices,
    producer, Sqoop and quality accounts get on it what they have on the main one.
    """
    apply(settings)
    execute_as_owner(
        settings.rds, f"CREATE TABLE IF NOT EXISTS `{settings.names.vitals_table}` LIKE patients_vital_info"
    )
    grants.apply(settings)


def drop_table(rds: RdsSettings, table: str) -> None:
    """A scratch table dropped with the grants made on it (create_readings_table's or grant_table's)."""
    execute_as_owner(rds, f"DROP TABLE IF EXISTS `{table}`")
    grants.revoke_table(rds, table)


def execute_as_owner(rds: RdsSettings, statement: str, params: tuple = ()) -> None:
    """One statement as the migration account (schema changes, and tests' and benchmarks' set-up and clean-up)."""
    connection = mysql.connect(rds, RdsAccount.MIGRATION, autocommit=True)
    try:
        connection.cursor().execute(statement, params)
    finally:
        connection.close()
