"""The audit trail of threshold changes in RDS: who loaded which file into which table, when, and the diff.

A load is recorded before it writes to HBase and marked applied after, so a
write never happens unrecorded, and a recorded change that failed half-way
shows as not applied.
"""

from __future__ import annotations

import datetime as dt
import getpass
import socket
from dataclasses import dataclass

from clients import mysql
from settings import RdsAccount, Settings


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


def record(settings: Settings, *, actor: str, source: str, added: int, changed: int, removed: int, diff: str) -> int:
    """Record a change about to be written; return its id for :func:`mark_applied`."""
    connection = mysql.connect(settings, RdsAccount.RULES, autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "INSERT INTO threshold_audit (changed_by, threshold_table, source, added, changed, removed, diff) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (actor, settings.threshold_table, source, added, changed, removed, diff),
        )
        return int(cursor.lastrowid or 0)
    finally:
        connection.close()


def mark_applied(settings: Settings, entry_id: int) -> None:
    connection = mysql.connect(settings, RdsAccount.RULES, autocommit=True)
    try:
        connection.cursor().execute("UPDATE threshold_audit SET applied = TRUE WHERE id = %s", (entry_id,))
    finally:
        connection.close()


def history(settings: Settings, limit: int = 20) -> list[AuditEntry]:
    """The latest ``limit`` changes of PA_THRESHOLD_TABLE, newest first."""
    connection = mysql.connect(settings, RdsAccount.RULES)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT changed_at, changed_by, threshold_table, source, added, changed, removed, diff, applied "
            "FROM threshold_audit WHERE threshold_table = %s ORDER BY id DESC LIMIT %s",
            (settings.threshold_table, limit),
        )
        return [
            AuditEntry(at, by, name, source, added, changed, removed, diff, bool(applied))
            for at, by, name, source, added, changed, removed, diff, applied in cursor.fetchall()
        ]
    finally:
        connection.close()
