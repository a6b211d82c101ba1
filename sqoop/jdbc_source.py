"""Reading RDS the way Sqoop does: bounds first, then one JDBC query per mapper on the split column.

Spark's JDBC source does the partitioned reads; this module writes the SQL
(the selection, the incremental condition, the bounds query) and picks the
split column, so every import reads exactly the rows Sqoop would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyspark.sql import DataFrame, Row, SparkSession

from settings import Settings
from sqoop.options import Connection, ImportOptions, SqoopError, required

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def identifier(name: str | None, flag: str) -> str:
    """``name`` if it is a plain (optionally schema-qualified) SQL name; flags are pasted into SQL, so check them."""
    name = required(name, flag)
    if not _IDENTIFIER.match(name):
        raise SqoopError(f"{flag} {name!r} is not a plain table or column name.")
    return name


def literal(value: str) -> str:
    """A saved last value as SQL: numbers bare (exact for BIGINT keys), timestamps quoted."""
    return value if _NUMBER.match(value) else "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Increment:
    """The slice of rows one incremental run imports: ``lower`` (exclusive for append) up to ``upper``."""

    mode: str
    column: str
    lower: str | None
    upper: str

    def condition(self) -> str:
        column = self.column
        if self.mode == "append":
            above = f"{column} > {literal(self.lower)} AND " if self.lower is not None else ""
            return f"{above}{column} <= {literal(self.upper)}"
        since = f"{column} >= {literal(self.lower)} AND " if self.lower is not None else ""
        return f"{since}{column} < {literal(self.upper)}"


class JdbcSource:
    """The RDS side of one import."""

    def __init__(self, spark: SparkSession, settings: Settings, options: ImportOptions) -> None:
        self._spark = spark
        self._settings = settings
        self._options = options

    def reader(self, connection: Connection, fetch_size: int):
        return (
            self._spark.read.format("jdbc")
            .options(**connection.spark_options(self._settings))
            .option("fetchsize", str(fetch_size))
        )

    def first_row(self, sql: str) -> Row:
        """Run a one-row query in RDS (bounds, clock, keys), as Sqoop runs its boundary query."""
        rows = self.reader(self._options.connection, 1).option("query", sql).load().collect()
        return rows[0] if rows else Row()

    def selection(self, increment: Increment | None) -> str:
        """The SELECT of the rows to import."""
        options = self._options
        conditions = [f"({options.where})"] if options.where else []
        if increment is not None:
            conditions.append(increment.condition())
        if options.query:
            return options.query.replace("$CONDITIONS", "(" + (" AND ".join(conditions) or "1=1") + ")")
        columns = ", ".join(identifier(column, "--columns") for column in options.columns) or "*"
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        return f"SELECT {columns} FROM {identifier(options.table, '--table')}{where}"

    def increment(self) -> Increment | None:
        """This run's slice, with the upper bound fixed now so rows arriving mid-run wait for the next run."""
        options = self._options
        if not options.incremental:
            return None
        column = identifier(options.check_column, "--check-column")
        if options.incremental == "append":
            upper = self.first_row(f"SELECT CAST(MAX({column}) AS CHAR) AS upper FROM ({self.selection(None)}) q")[0]
            upper = upper if upper is not None else options.last_value
        else:
            upper = self.first_row("SELECT CAST(CURRENT_TIMESTAMP(3) AS CHAR) AS upper")[0]
        return Increment(options.incremental, column, options.last_value, upper) if upper is not None else None

    def split_column(self) -> str | None:
        """--split-by, else the table's single-column primary key, as Sqoop chooses; None for one mapper."""
        options = self._options
        if options.num_mappers == 1:
            return None
        if options.split_by:
            return identifier(options.split_by, "--split-by")
        table = identifier(options.table, "--table").split(".")[-1]
        keys = (
            self.reader(options.connection, 100)
            .option(
                "query",
                "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                f"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' "
                "AND CONSTRAINT_NAME = 'PRIMARY'",
            )
            .load()
            .collect()
        )
        if len(keys) != 1:
            raise SqoopError(
                f"No {'single-column ' if keys else ''}primary key could be found for table {table}. "
                f"Please specify one with --split-by or perform a sequential import with '-m 1'."
            )
        return keys[0][0]

    def read(self, increment: Increment | None) -> DataFrame:
        """The rows to import, read by ``--num-mappers`` parallel queries between the split column's bounds."""
        options = self._options
        selection = self.selection(increment)
        reader = self.reader(options.connection, options.fetch_size).option("dbtable", f"({selection}) sqoop_import")
        split = self.split_column()
        if split is not None:
            # Sqoop's --boundary-query: the user's own query for the MIN and MAX (its first two columns)
            bounds = options.boundary_query or (
                f"SELECT CAST(MIN({split}) AS CHAR) AS low, CAST(MAX({split}) AS CHAR) AS high FROM ({selection}) q"
            )
            low, high = (None if value is None else str(value) for value in self.first_row(bounds)[:2])
            if low is not None and low != high:
                reader = (
                    reader.option("partitionColumn", split)
                    .option("lowerBound", low)
                    .option("upperBound", high)
                    .option("numPartitions", str(options.num_mappers))
                )
        return reader.load()
