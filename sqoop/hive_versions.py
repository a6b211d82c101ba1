"""Atomic replacement of a Hive table's data: write a new version directory, then switch the table to it.

Hive readers see the old data until one metastore call (``ALTER TABLE … SET
LOCATION``) points the table at the new, complete directory; a run that fails
before that call leaves the table as it was. The previous version is kept for
queries still reading it and older ones are deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from clients.spark import jvm
from sqoop.options import SqoopError
from sqoop.text_format import TextFormat

VERSIONS_SUFFIX = ".versions"


def _sql_character(character: str) -> str:
    """A delimiter as a Hive SQL string literal (octal, so control characters such as \\001 survive)."""
    return f"'\\{ord(character):03o}'"


class HiveTableVersions:
    """One unpartitioned Hive table, Parquet or delimited text (``text``: its format), whose data is replaced
    version by version."""

    def __init__(self, spark: SparkSession, table: str, keep: int, text: TextFormat | None = None) -> None:
        self._spark = spark
        self.table = table
        self._keep = max(1, keep)
        self._text = text

    def exists(self) -> bool:
        return self._spark.catalog.tableExists(self.table)

    def stored_as_text(self) -> bool:
        """Whether the existing table keeps its data as text files (else Parquet)."""
        details = self._spark.sql(f"DESCRIBE TABLE EXTENDED {self.table}").collect()
        return any(row.col_name == "InputFormat" and "TextInputFormat" in row.data_type for row in details)

    def create(self, schema: StructType, hive_types: dict[str, str]) -> None:
        """CREATE TABLE from the imported rows' schema (``hive_types``: --map-column-hive), as
        ``--create-hive-table`` and a first import do: text with the import's field delimiter and escape, as Sqoop
        creates it (Hive reads only \\n as the line end), or Parquet."""
        columns = ", ".join(
            f"`{field.name}` {hive_types.get(field.name.lower(), field.dataType.simpleString())}"
            for field in schema.fields
        )
        if self._text is None:
            storage = "STORED AS PARQUET"
        else:
            escape = f" ESCAPED BY {_sql_character(self._text.escaped_by)}" if self._text.escaped_by else ""
            storage = (
                f"ROW FORMAT DELIMITED FIELDS TERMINATED BY {_sql_character(self._text.fields)}{escape} "
                "STORED AS TEXTFILE"
            )
        self._spark.sql(f"CREATE TABLE {self.table} ({columns}) {storage}")

    def current(self) -> DataFrame:
        return self._spark.table(self.table)

    def location(self) -> str:
        details = self._spark.sql(f"DESCRIBE TABLE EXTENDED {self.table}").collect()
        found = {row.col_name: row.data_type for row in details}
        if "# Partition Information" in found:
            raise SqoopError(f"Hive table {self.table} is partitioned; imports replace unpartitioned tables only.")
        return found["Location"]

    def conform(self, frame: DataFrame) -> DataFrame:
        """``frame`` with the table's columns, names and types; a column the table lacks is an error, not dropped."""
        table_columns = {field.name.lower(): field for field in self.current().schema.fields}
        unknown = [name for name in frame.columns if name.lower() not in table_columns]
        if unknown:
            raise SqoopError(
                f"Hive table {self.table} has no column(s) {', '.join(unknown)}; "
                f"add them to the table or leave them out with --columns."
            )
        given = {name.lower(): name for name in frame.columns}
        return frame.select(
            [
                (F.col(f"`{given[name]}`") if name in given else F.lit(None)).cast(field.dataType).alias(field.name)
                for name, field in table_columns.items()
            ]
        )

    def publish(
        self,
        frame: DataFrame,
        before_switch: Callable[[str], None],
        codec: str | None = None,
        non_string: frozenset[str] = frozenset(),
    ) -> str:
        """Write ``frame`` as the table's next version, call ``before_switch(location)``, switch, prune
        (``non_string``: text columns whose NULL is written as ``--null-non-string``, see TextFormat)."""
        old = self.location()
        root = old.rsplit("/", 1)[0] if old.rsplit("/", 1)[0].endswith(VERSIONS_SUFFIX) else old + VERSIONS_SUFFIX
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        new = f"{root}/{stamp}-{uuid4().hex[:8]}"
        if self._text is None:
            writer = frame.write.option("compression", codec) if codec else frame.write
            writer.parquet(new)
        else:
            self._text.write(frame, new, "errorifexists", codec, non_string)
        before_switch(new)
        self._spark.sql(f"ALTER TABLE {self.table} SET LOCATION '{new}'")
        self._spark.catalog.refreshTable(self.table)
        self._prune(root, old)
        return new

    def _prune(self, root: str, old: str) -> None:
        """Keep the newest versions; the table's first location (outside the versions folder) goes at once."""
        gateway = jvm(self._spark)
        hadoop_conf = self._spark.sparkContext._jsc.hadoopConfiguration()
        root_path = gateway.org.apache.hadoop.fs.Path(root)
        filesystem = root_path.getFileSystem(hadoop_conf)
        versions = sorted(status.getPath().toString() for status in filesystem.listStatus(root_path))
        stale = versions[: -self._keep]
        if not old.startswith(root):
            stale.append(old)
        for path in stale:
            filesystem.delete(gateway.org.apache.hadoop.fs.Path(path), True)
