"""Read readings from RDS in primary-key order, in batches, with the configured column mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clients import mysql
from contract.mapping import parse_mapping
from producers.message import FIELDS
from settings import RdsAccount, Settings


def utc_time(text: str) -> dt.datetime:
    """ISO-8601 time; a trailing Z or offset is converted to naive UTC, as RDS stores it."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def parse_column_map(text: str) -> dict[str, str]:
    """PA_VITALS_COLUMN_MAP: {message field: column of the readings table}."""
    return parse_mapping(text, FIELDS, "PA_VITALS_COLUMN_MAP")


@dataclass(frozen=True)
class RowSelection:
    """Which rows: after a primary key (the producer), or an id and/or event-time range (replay)."""

    after_id: int | None = None
    first_id: int | None = None
    last_id: int | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None


class ReadingsTable:
    """The readings table as the producer sees it: message fields selected under their own names."""

    def __init__(self, settings: Settings, account: RdsAccount):
        """``account``: the producer publishing, or the quality account counting what there is."""
        self.table = settings.names.vitals_table
        self._settings = settings
        self._account = account
        mapping = parse_column_map(settings.producer.vitals_column_map)
        present = self._columns()
        # id first: keyset pagination reads it from the last row of each batch
        self.columns = {field: mapping.get(field, field) for field in FIELDS if mapping.get(field, field) in present}
        missing = [field for field in ("id", "patient_id") if field not in self.columns]
        if missing:
            raise ValueError(
                f"RDS table {self.table} has no column for {missing}; set PA_VITALS_COLUMN_MAP "
                f"(table columns: {sorted(present)})"
            )

    @property
    def source(self) -> str:
        return f"rds:{self.table}"

    @property
    def fields(self) -> list[str]:
        """Message field of each column of the rows :meth:`batches` yields (``id`` first)."""
        return list(self.columns)

    def batches(self, selection: RowSelection, batch_rows: int) -> Iterator[list[tuple]]:
        """Raw rows (MySQL text, bytes or None) in id order, ``batch_rows`` at a time.

        Keyset pagination: each query resumes after the last id it saw.
        """
        after = selection.after_id
        while True:
            batch = self._query(*self._fetch_sql(selection, after, batch_rows), raw=True)
            if not batch:
                return
            yield batch
            after = int(batch[-1][0])

    def rows_in(self, ranges: list[tuple[int, int]], ranges_per_query: int = 200) -> Iterator[list[tuple]]:
        """Raw rows whose id lies in one of the inclusive ``ranges``, in id order, a query per chunk of ranges."""
        id_column = f"`{self.columns['id']}`"
        select = ", ".join(f"`{column}`" for column in self.columns.values())
        for start in range(0, len(ranges), ranges_per_query):
            chunk = ranges[start : start + ranges_per_query]
            where = " OR ".join([f"{id_column} BETWEEN %s AND %s"] * len(chunk))
            rows = self._query(
                f"SELECT {select} FROM `{self.table}` WHERE {where} ORDER BY {id_column}",
                [bound for pair in chunk for bound in pair],
                raw=True,
            )
            if rows:
                yield rows

    def count(self, selection: RowSelection) -> int:
        where, params = self._where(selection, selection.after_id)
        return self._query(f"SELECT COUNT(*) FROM `{self.table}` WHERE {where}", params)[0][0]

    def _fetch_sql(self, selection: RowSelection, after: int | None, limit: int) -> tuple[str, list[Any]]:
        where, params = self._where(selection, after)
        select = ", ".join(f"`{column}`" for column in self.columns.values())
        return (
            f"SELECT {select} FROM `{self.table}` WHERE {where} ORDER BY `{self.columns['id']}` LIMIT %s",
            [*params, limit],
        )

    def _where(self, selection: RowSelection, after: int | None) -> tuple[str, list[Any]]:
        id_column = f"`{self.columns['id']}`"
        time_column = f"`{self.columns.get('event_time', 'event_time')}`"
        clauses, params = ["1=1"], []
        for clause, value in (
            (f"{id_column} > %s", after),
            (f"{id_column} >= %s", selection.first_id),
            (f"{id_column} <= %s", selection.last_id),
            (f"{time_column} >= %s", selection.start_time),
            (f"{time_column} < %s", selection.end_time),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        return " AND ".join(clauses), params

    def _columns(self) -> set[str]:
        rows = self._query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s",
            [self.table],
        )
        if not rows:
            raise ValueError(
                f"RDS table {self.table} does not exist in {self._settings.rds.database} "
                f"(run 'python -m rds_schema migrate' or set PA_VITALS_TABLE)"
            )
        return {row[0] for row in rows}

    def _query(self, sql: str, params: list[Any], raw: bool = False) -> list[tuple]:
        connection = mysql.connect(self._settings.rds, self._account, autocommit=True)
        try:
            cursor = connection.cursor(raw=raw)
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            connection.close()
