"""The audit trail of threshold changes in RDS: who loaded which file into which table, when, and the diff.

A load is recorded before it writes to HBase and marked applied after, so a
write never happens unrecorded, and a recorded change that failed half-way
shows as not applied.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import socket
from dataclasses import dataclass

from clients import mysql
from hbase_setup.rules import Cells, rows_fingerprint
from settings import RdsAccount, RdsSettings, Settings


@dataclass(frozen=True)
class AuditEntry:
    changed_at: dt.datetime
    changed_by: str
    threshold_table: str
    source: str
    added: int
    changed: int
    removed: int
    diff: str
    applied: bool

    def describe(self) -> str:
        state = "" if self.applied else "  (NOT APPLIED: the write to HBase did not finish)"
        return (
            f"{self.changed_at:%Y-%m-%d %H:%M:%S} {self.changed_by} loaded {self.source} into {self.threshold_table}: "
            f"{self.added} added, {self.changed} changed, {self.removed} removed{state}\n"
            + "\n".join(f"    {line}" for line in self.diff.splitlines())
        )


def who() -> str:
    """The person or service changing the rules, as far as this process can tell."""
    return f"{getpass.getuser()}@{socket.gethostname()}"


def record(
    settings: Settings,
    *,
    actor: str,
    source: str,
    added: int,
    changed: int,
    removed: int,
    diff: str,
    rows_after: dict[str, Cells],
) -> int:
    """Record a change about to be written, with the rows it leaves in the table (and their fingerprint); return
    its id for :func:`mark_applied`."""
    connection = mysql.connect(settings.rds, RdsAccount.RULES, autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "INSERT INTO threshold_audit (changed_by, threshold_table, source, added, changed, removed, diff, "
            "rules_fingerprint, rules_after) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                actor,
                settings.names.threshold_table,
                source,
                added,
                changed,
                removed,
                diff,
                rows_fingerprint(rows_after),
                rows_to_json(rows_after),
            ),
        )
        return int(cursor.lastrowid or 0)
    finally:
        connection.close()


def rows_to_json(rows: dict[str, Cells]) -> str:
    """Rows as JSON text (bytes that are not UTF-8 kept through surrogate escapes, so they come back the same)."""

    def text(value: bytes) -> str:
        return value.decode("utf-8", "surrogateescape")

    return json.dumps(
        {key: {text(column): text(value) for column, value in cells.items()} for key, cells in rows.items()},
        sort_keys=True,
    )


def rows_from_json(text: str) -> dict[str, Cells]:
    def raw(value: str) -> bytes:
        return value.encode("utf-8", "surrogateescape")

    return {
        key: {raw(column): raw(value) for column, value in cells.items()} for key, cells in json.loads(text).items()
    }


@dataclass(frozen=True)
class AuditedRules:
    """The rules an applied, audited load left in the table."""

    entry_id: int
    changed_at: dt.datetime
    changed_by: str
    source: str
    rows: dict[str, Cells]


def audited(settings: Settings, fingerprint: str, account: RdsAccount = RdsAccount.QUALITY) -> AuditedRules | None:
    """The latest applied load of PA_THRESHOLD_TABLE that left exactly the rules of ``fingerprint``; None when no
    audited load did (the table was changed outside hbase_setup)."""
    return _latest(settings, account, "AND rules_fingerprint = %s", (fingerprint,))


def last_audited(settings: Settings, account: RdsAccount = RdsAccount.QUALITY) -> AuditedRules | None:
    """The latest applied load of PA_THRESHOLD_TABLE that recorded its rules."""
    return _latest(settings, account, "AND rules_after IS NOT NULL", ())


def _latest(settings: Settings, account: RdsAccount, condition: str, values: tuple) -> AuditedRules | None:
    connection = mysql.connect(settings.rds, account)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT id, changed_at, changed_by, source, rules_after FROM threshold_audit "
            f"WHERE threshold_table = %s AND applied {condition} ORDER BY id DESC LIMIT 1",
            (settings.names.threshold_table, *values),
        )
        found = cursor.fetchone()
    finally:
        connection.close()
    if found is None:
        return None
    entry_id, changed_at, changed_by, source, rows = found
    return AuditedRules(int(entry_id), changed_at, changed_by, source, rows_from_json(rows) if rows else {})


def mark_applied(rds: RdsSettings, entry_id: int) -> None:
    connection = mysql.connect(rds, RdsAccount.RULES, autocommit=True)
    try:
        connection.cursor().execute("UPDATE threshold_audit SET applied = TRUE WHERE id = %s", (entry_id,))
    finally:
        connection.close()


def history(settings: Settings, limit: int = 20) -> list[AuditEntry]:
    """The latest ``limit`` changes of PA_THRESHOLD_TABLE, newest first."""
    connection = mysql.connect(settings.rds, RdsAccount.RULES)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT changed_at, changed_by, threshold_table, source, added, changed, removed, diff, applied "
            "FROM threshold_audit WHERE threshold_table = %s ORDER BY id DESC LIMIT %s",
            (settings.names.threshold_table, limit),
        )
        return [
            AuditEntry(at, by, name, source, added, changed, removed, diff, bool(applied))
            for at, by, name, source, added, changed, removed, diff, applied in cursor.fetchall()
        ]
    finally:
        connection.close()
