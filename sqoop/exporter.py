"""``export``: a Hive table or Parquet directory into an RDS table, idempotent with an update key.

Spark's JDBC writer fills a private staging table in parallel (batched
INSERTs); one SQL statement then moves the rows into the target inside one
transaction. Readers of the target never see a half export, a failed run
changes nothing in it, and with ``--update-key`` running the same export twice
leaves the same rows (Sqoop's ``--staging-table`` idea, made the default).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from uuid import uuid4

import mysql.connector
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from settings import Settings
from sqoop.jdbc_source import identifier
from sqoop.options import ExportOptions, SqoopError, required

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportResult:
    rows: int
    table: str
    seconds: float

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def describe(self) -> str:
        speed = f"{self.seconds:.1f} s ({self.rows_per_s:,.0f} rows/s)"
        return f"Exported {self.rows:,} record(s) into {self.table} in {speed}"


def _source(spark: SparkSession, options: ExportOptions) -> DataFrame:
    frame = (
        spark.table(options.hive_table)
        if options.hive_table
        else spark.read.parquet(required(options.export_dir, "--export-dir or --hive-table"))
    )
    if options.columns:
        frame = frame.select(*options.columns)
    if options.input_null_string is None:
        return frame
    return frame.select(
        [
            F.when(F.col(f"`{field.name}`") == options.input_null_string, None)
            .otherwise(F.col(f"`{field.name}`"))
            .alias(field.name)
            if isinstance(field.dataType, StringType)
            else F.col(f"`{field.name}`")
            for field in frame.schema.fields
        ]
    )


def _move_statement(options: ExportOptions, table: str, stage: str, columns: list[str]) -> str:
    """The one statement that applies the staged rows to the target."""
    listed = ", ".join(f"`{column}`" for column in columns)
    others = [column for column in columns if column not in options.update_key]
    if not options.update_key:
        return f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {stage}"
    if options.update_mode == "allowinsert":
        updates = (
            ", ".join(f"`{column}` = VALUES(`{column}`)" for column in others)
            or f"`{options.update_key[0]}` = `{options.update_key[0]}`"
        )
        return f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {stage} ON DUPLICATE KEY UPDATE {updates}"
    joined = " AND ".join(f"t.`{key}` <=> s.`{key}`" for key in options.update_key)
    sets = ", ".join(f"t.`{column}` = s.`{column}`" for column in others)
    return f"UPDATE {table} t JOIN {stage} s ON {joined} SET {sets}"


def _check_unique_key(cursor, table: str, key: tuple[str, ...]) -> None:
    """ON DUPLICATE KEY UPDATE upserts only on a unique index over exactly the update key."""
    cursor.execute(
        "SELECT INDEX_NAME, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) "
        "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s AND NON_UNIQUE = 0 "
        "GROUP BY INDEX_NAME",
        (table.split(".")[-1],),
    )
    unique = {tuple(columns.lower().split(",")) for _, columns in cursor.fetchall()}
    if tuple(column.lower() for column in key) not in unique:
        raise SqoopError(
            f"--update-mode allowinsert needs a PRIMARY KEY or UNIQUE index on ({', '.join(key)}) in "
            f"RDS table {table}; add one or export with --update-mode updateonly."
        )


def export(spark: SparkSession, settings: Settings, options: ExportOptions) -> ExportResult:
    """Run one export; return how many rows it applied to the target."""
    started = time.monotonic()
    table = identifier(options.table, "--table")
    for key in options.update_key:
        identifier(key, "--update-key")
    frame = _source(spark, options)
    missing_keys = [key for key in options.update_key if key not in frame.columns]
    if missing_keys:
        raise SqoopError(
            f"--update-key column(s) {', '.join(missing_keys)} are not in the exported data "
            f"(columns: {', '.join(frame.columns)})."
        )
    # the staging database is the one place the Sqoop account may create and drop tables (rds_schema.grants)
    stage = f"`{settings.rds.staging_database}`.`{table.split('.')[-1][:40]}__stage_{uuid4().hex[:12]}`"
    connection = mysql.connector.connect(**options.connection.mysql_options(settings.rds))
    try:
        cursor = connection.cursor()
        if options.update_mode == "allowinsert":
            _check_unique_key(cursor, table, options.update_key)
        cursor.execute(f"CREATE TABLE {stage} LIKE {table}")
        try:
            log.info(
                "exporting %s into %s with %d writer(s)",
                options.hive_table or options.export_dir,
                table,
                options.num_mappers,
            )
            (
                frame.coalesce(options.num_mappers)
                .write.format("jdbc")
                .mode("append")
                .options(**options.connection.spark_options(settings))
                .option("dbtable", stage)
                .option("batchsize", str(options.batch_size))
                .option("rewriteBatchedStatements", "true")
                .option("isolationLevel", "NONE")
                .save()
            )
            cursor.execute(f"SELECT COUNT(*) FROM {stage}")
            staged = cursor.fetchone()[0]
            cursor.execute(_move_statement(options, table, stage, frame.columns))
            connection.commit()
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
    finally:
        connection.close()
    result = ExportResult(staged, table, time.monotonic() - started)
    log.info(result.describe())
    return result
