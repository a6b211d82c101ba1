"""Saved jobs, Sqoop's job metastore: named tool invocations and their incremental state, kept in RDS.

A run's new last value is first written as *pending* with the location it is
about to switch Hive to; after the switch it becomes the last value. If the
process dies in between, the next run compares the table's location with the
pending one and knows whether the switch happened: no rows are imported twice
and none are skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from mysql.connector.errors import IntegrityError

from clients import mysql
from settings import RdsAccount, Settings
from sqoop.options import SqoopError

TOOLS = ("import", "export")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class SavedJob:
    name: str
    tool: str
    arguments: tuple[str, ...]
    last_value: str | None
    pending_last_value: str | None
    pending_location: str | None
    last_rows: int | None
    last_run_at: str | None

    def describe(self) -> str:
        lines = [f"Job: {self.name}", f"Tool: {self.tool}", "Options:"]
        lines += [f"  {argument}" for argument in self.arguments]
        lines.append(f"incremental.last.value = {self.last_value or '(none yet)'}")
        if self.last_run_at:
            lines.append(f"last run: {self.last_run_at}, {self.last_rows:,} record(s)")
        if self.pending_location:
            lines.append(f"pending: {self.pending_last_value} at {self.pending_location} (settled on the next run)")
        return "\n".join(lines)


_COLUMNS = "job_name, tool, arguments, last_value, pending_last_value, pending_location, last_rows, last_run_at"


class JobStore:
    """CRUD on the ``sqoop_jobs`` table; every call is its own short autocommitted statement."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def _execute(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        connection = mysql.connect(self._settings.rds, RdsAccount.SQOOP, autocommit=True)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, parameters)
            return cursor.fetchall() if cursor.description else [(cursor.rowcount,)]
        finally:
            connection.close()

    def create(self, name: str, tool: str, arguments: list[str], *, replace: bool = False) -> None:
        """Save a job; ``replace`` updates its flags, keeping its last value only if they did not change."""
        if not _NAME.match(name):
            raise SqoopError(f"Job name {name!r}: use letters, digits, '_', '.' or '-' (at most 64).")
        if tool not in TOOLS:
            raise SqoopError(f"A saved job runs one of {', '.join(TOOLS)}; got {tool!r}.")
        # A job whose flags changed (another table, another target) starts over; MySQL applies these in order.
        on_duplicate = (
            (
                " ON DUPLICATE KEY UPDATE last_value = IF(arguments = VALUES(arguments), last_value, NULL), "
                "tool = VALUES(tool), arguments = VALUES(arguments)"
            )
            if replace
            else ""
        )
        try:
            self._execute(
                f"INSERT INTO sqoop_jobs (job_name, tool, arguments) VALUES (%s, %s, %s){on_duplicate}",
                (name, tool, json.dumps(arguments)),
            )
        except IntegrityError:
            raise SqoopError(f"Job {name} already exists; delete it first with: job --delete {name}") from None

    def get(self, name: str) -> SavedJob:
        rows = self._execute(f"SELECT {_COLUMNS} FROM sqoop_jobs WHERE job_name = %s", (name,))
        if not rows:
            raise SqoopError(f"No such sqoop job: {name} (list them with: job --list)")
        row = rows[0]
        return SavedJob(
            row[0], row[1], tuple(json.loads(row[2])), row[3], row[4], row[5], row[6], str(row[7]) if row[7] else None
        )

    def names(self) -> list[str]:
        return [row[0] for row in self._execute("SELECT job_name FROM sqoop_jobs ORDER BY job_name")]

    def delete(self, name: str) -> None:
        if self._execute("DELETE FROM sqoop_jobs WHERE job_name = %s", (name,))[0][0] == 0:
            raise SqoopError(f"No such sqoop job: {name}")

    def mark_pending(self, name: str, last_value: str | None, location: str) -> None:
        self._execute(
            "UPDATE sqoop_jobs SET pending_last_value = %s, pending_location = %s WHERE job_name = %s",
            (last_value, location, name),
        )

    def settle_pending(self, name: str, switched: bool) -> None:
        """Promote the pending last value if its switch happened, else forget it."""
        promote = "last_value = pending_last_value, " if switched else ""
        self._execute(
            f"UPDATE sqoop_jobs SET {promote}pending_last_value = NULL, pending_location = NULL WHERE job_name = %s",
            (name,),
        )

    def record_run(self, name: str, last_value: str | None, rows: int) -> None:
        self._execute(
            "UPDATE sqoop_jobs SET last_value = %s, pending_last_value = NULL, pending_location = NULL, "
            "last_rows = %s, last_run_at = CURRENT_TIMESTAMP(3) WHERE job_name = %s",
            (last_value, rows, name),
        )
