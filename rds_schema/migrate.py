"""Apply the versioned RDS schema; each version runs once and is recorded in ``schema_versions``."""

from __future__ import annotations

import re
from pathlib import Path

from clients import mysql, sql_script
from settings import Settings

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
    """Apply versions not applied yet; return the ones applied now (empty when up to date)."""
    connection = mysql.connect(settings, autocommit=True)
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
        return applied
    finally:
        connection.close()
