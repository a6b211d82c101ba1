"""``import``: RDS rows into a Hive table (atomically) or an HDFS directory, full or incremental."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from pyspark.sql import DataFrame, Observation, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType
from pyspark.sql.utils import AnalysisException

from settings import Settings
from sqoop.hive_versions import HiveTableVersions
from sqoop.jdbc_source import JdbcSource
from sqoop.options import ImportOptions, SqoopError, required
from sqoop.text_format import TextFormat, non_string_columns, sqoop_strings, text_format

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """What one import did; ``last_value`` is what the next incremental run starts from."""

    rows: int
    last_value: str | None
    location: str
    seconds: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def describe(self) -> str:
        """Sqoop's closing line, with what the next incremental run starts from."""
        return (
            f"Transferred {self.rows:,} record(s) in {self.seconds:.1f} s ({self.rows_per_s:,.0f} rows/s) "
            f"into {self.location}" + (f"; next --last-value {self.last_value}" if self.last_value else "")
        )


def _with_null_string(frame: DataFrame, null_string: str | None) -> DataFrame:
    if null_string is None:
        return frame
    return frame.select(
        [
            F.coalesce(F.col(f"`{field.name}`"), F.lit(null_string)).alias(field.name)
            if isinstance(field.dataType, StringType)
            else F.col(f"`{field.name}`")
            for field in frame.schema.fields
        ]
    )


# --map-column-java's Java types as Spark types
_JAVA_TYPES = {
    "string": "string",
    "integer": "int",
    "int": "int",
    "long": "bigint",
    "short": "smallint",
    "byte": "tinyint",
    "double": "double",
    "float": "float",
    "boolean": "boolean",
    "java.math.bigdecimal": "decimal(38,10)",
    "bigdecimal": "decimal(38,10)",
    "java.sql.timestamp": "timestamp",
    "java.sql.date": "date",
}


def _with_java_types(frame: DataFrame, mapping: tuple[tuple[str, str], ...]) -> DataFrame:
    """--map-column-java: each named column read as that Java type."""
    kinds = {}
    for column, java_type in mapping:
        if column.lower() not in {name.lower() for name in frame.columns}:
            raise SqoopError(f"--map-column-java {column}={java_type}: no column {column} in the rows imported.")
        if java_type.lower() not in _JAVA_TYPES:
            raise SqoopError(
                f"--map-column-java {column}={java_type}: expected one of String, Integer, Long, Short, Byte, "
                "Double, Float, Boolean, BigDecimal, java.sql.Timestamp, java.sql.Date."
            )
        kinds[column.lower()] = _JAVA_TYPES[java_type.lower()]
    return frame.select(
        [
            frame[f"`{name}`"].cast(kinds[name.lower()]).alias(name) if name.lower() in kinds else frame[f"`{name}`"]
            for name in frame.columns
        ]
    )


def _merge(current: DataFrame, changed: DataFrame, key: str, check_column: str) -> DataFrame:
    """Current rows with every changed key replaced by its newest imported row (one pass, one read of each)."""
    both = current.withColumn("_sqoop_new", F.lit(1)).unionByName(changed.withColumn("_sqoop_new", F.lit(2)))
    newest_first = Window.partitionBy(key).orderBy(F.col("_sqoop_new").desc(), F.col(check_column).desc())
    return (
        both.withColumn("_sqoop_rank", F.row_number().over(newest_first))
        .where("_sqoop_rank = 1")
        .drop("_sqoop_rank", "_sqoop_new")
    )


class Importer:
    """Runs imports on one SparkSession."""

    def __init__(self, spark: SparkSession, settings: Settings) -> None:
        self._spark = spark
        self._settings = settings

    def run(
        self, options: ImportOptions, before_switch: Callable[[str | None, str], None] | None = None
    ) -> ImportResult:
        """Import; ``before_switch(last_value, location)`` runs just before Hive readers see the new data.

        Saved jobs record the pending last value there, so a crash between the
        switch and saving the last value can be told apart from a failed run.
        """
        started = time.monotonic()
        source = JdbcSource(self._spark, self._settings, options)
        increment = source.increment()
        if options.incremental and increment is None:
            log.info("%s is empty: nothing to import", options.source_name)
            return ImportResult(
                0, options.last_value, options.target_dir or required(options.hive_table, "--hive-table"), 0.0
            )
        new_last_value = increment.upper if increment else None
        observed = Observation(f"sqoop_import_{id(self)}")
        read = _with_java_types(source.read(increment), options.map_column_java)
        non_string = non_string_columns(read)
        text = self._text_format(options)
        if text is None:
            read = _with_null_string(read, options.text.null_string)
        elif options.hive_import:
            read = sqoop_strings(read)
        rows = read.observe(observed, F.count(F.lit(1)).alias("rows"))
        log.info(
            "importing %s with %d mapper(s)%s",
            options.source_name,
            options.num_mappers,
            f", {increment.condition()}" if increment else "",
        )
        hook = before_switch or (lambda last_value, location: None)
        if options.hive_import:
            location = self._into_hive(options, text, rows, non_string, lambda where: hook(new_last_value, where))
        else:
            location = self._into_directory(options, text, rows, non_string)
            hook(new_last_value, location)
        count = observed.get["rows"]
        result = ImportResult(count, new_last_value, location, time.monotonic() - started)
        log.info(result.describe())
        return result

    def _text_format(self, options: ImportOptions) -> TextFormat | None:
        """The text format the import writes, or None for Parquet: as asked, else an existing Hive table's own
        format (an import never mixes formats in one table), else text, Sqoop's default."""
        chosen = options.file_format
        if options.hive_import:
            table = HiveTableVersions(
                self._spark, required(options.hive_table, "--hive-table"), self._settings.sqoop.keep_versions
            )
            if table.exists():
                stored = "text" if table.stored_as_text() else "parquet"
                if chosen not in (None, stored):
                    raise SqoopError(
                        f"Hive table {options.hive_table} is stored as {stored}; import into it with "
                        f"--as-{stored}file, or into a new table."
                    )
                chosen = stored
        return text_format(options.text, options.hive_import) if chosen in (None, "text") else None

    def _into_hive(
        self,
        options: ImportOptions,
        text: TextFormat | None,
        rows: DataFrame,
        non_string: frozenset[str],
        before_switch: Callable[[str], None],
    ) -> str:
        table = HiveTableVersions(
            self._spark, required(options.hive_table, "--hive-table"), self._settings.sqoop.keep_versions, text
        )
        if table.exists():
            if options.create_hive_table:
                raise SqoopError(
                    f"Hive table {options.hive_table} already exists (--create-hive-table asks to "
                    f"create it); drop it or leave out --create-hive-table."
                )
        else:
            table.create(rows.schema, {column.lower(): kind for column, kind in options.map_column_hive})
        rows = table.conform(rows)
        if options.hive_overwrite:
            result = rows
        elif options.merge_key:
            result = _merge(table.current(), rows, options.merge_key, required(options.check_column, "--check-column"))
        else:
            if options.incremental == "lastmodified" and not options.append and table.current().take(1):
                raise SqoopError(
                    f"--incremental lastmodified into {options.hive_table}, which has rows: add "
                    f"--merge-key to update changed rows or --append to add them as new rows."
                )
            result = table.current().unionByName(rows)
        return table.publish(result, before_switch, options.compression_codec, non_string)

    @staticmethod
    def _into_directory(
        options: ImportOptions, text: TextFormat | None, rows: DataFrame, non_string: frozenset[str]
    ) -> str:
        target = required(options.target_dir, "--target-dir or --hive-import")
        adding = options.incremental or options.append
        mode = "overwrite" if options.delete_target_dir else "append" if adding else "errorifexists"
        try:
            if text is not None:
                text.write(rows, target, mode, options.compression_codec, non_string)
            else:
                writer = rows.write.mode(mode)
                if options.compression_codec:
                    writer = writer.option("compression", options.compression_codec)
                writer.parquet(target)
        except AnalysisException as error:
            if "already exists" in str(error):
                raise SqoopError(
                    f"Output directory {options.target_dir} already exists; add --delete-target-dir, "
                    f"--append or --incremental append."
                ) from None
            raise
        return target
