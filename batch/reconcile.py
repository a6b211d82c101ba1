"""Reconciliation of readings: RDS vs Kafka vs Hive, per hour, naming the missing and doubled reading ids.

The universe is RDS: every reading whose event time falls in [start, end). Each
is looked up by its reading id (the RDS primary key every message carries) on
the vitals topic, on the producer's dead-letter topic (rows it could not
encode), in ``vitals_raw`` and in ``vitals_rejected`` (the id read from the raw
payload). A reading is *accounted for* when it landed or was rejected, or the
producer dead-lettered it with its reason; *missing* when none of these holds;
*doubled* when it landed more than once, or both landed and was rejected. Kafka
may hold an id several times (replays, producer restarts), and a bad reading
sent again is rejected again (``vitals_rejected`` records every Kafka record it
refused, with its coordinates): both are counted, neither is a fault.

Everything is joined in Spark, so an hour of a large hospital costs one scan
of each place rather than lists in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from clients import kafka
from clients.spark import rds_query
from producers.rows import ReadingsTable
from settings import RdsAccount, Settings
from streaming.parse import parse_field_map

SAMPLE_IDS = 20  # missing or doubled ids named per hour


@dataclass(frozen=True)
class HourReconciliation:
    hour: dt.datetime
    rds: int
    on_kafka: int  # distinct RDS ids on the vitals topic
    kafka_records: int  # their records, repeats included
    producer_dead_lettered: int
    landed: int
    rejected: int
    rejected_again: int  # bad readings a replay sent again, rejected once more
    missing: int
    doubled: int
    missing_ids: list[int]
    doubled_ids: list[int]

    @property
    def accounted(self) -> bool:
        return self.missing == 0 and self.doubled == 0


def reconcile(
    spark: SparkSession, settings: Settings, start: dt.datetime, end: dt.datetime
) -> list[HourReconciliation]:
    """One row per hour of [start, end) that has RDS readings (naive UTC times, as RDS stores them)."""
    table = ReadingsTable(settings, RdsAccount.QUALITY)
    id_column, time_column = table.columns["id"], table.columns.get("event_time", "event_time")
    universe = rds_query(
        spark,
        settings,
        RdsAccount.QUALITY,
        (
            f"SELECT `{id_column}` AS reading_id, `{time_column}` AS event_time FROM `{table.table}` "
            f"WHERE `{time_column}` >= '{start:%Y-%m-%d %H:%M:%S}' AND `{time_column}` < '{end:%Y-%m-%d %H:%M:%S}'"
        ),
    )
    places = {
        "kafka": _topic_ids(spark, settings, settings.topic_vitals, _reading_id_key(settings)),
        "dlq": _topic_ids(spark, settings, settings.topic_dead_letter, "row.id"),
        "landed": _landed_ids(spark, settings, start, end),
        "rejected": _rejected_ids(spark, settings, start),
    }
    joined = universe.select("reading_id", F.date_trunc("hour", "event_time").alias("hour"))
    for name, ids in places.items():
        joined = joined.join(ids.groupBy("reading_id").agg(F.count(F.lit(1)).alias(name)), "reading_id", "left")
    joined = joined.fillna(0, subset=list(places))
    in_hive = F.col("landed") + F.col("rejected")
    missing = (in_hive == 0) & (F.col("dlq") == 0)
    doubled = (F.col("landed") > 1) | ((F.col("landed") > 0) & (F.col("rejected") > 0))
    rows = (
        joined.groupBy("hour")
        .agg(
            F.count(F.lit(1)).alias("rds"),
            F.count(F.when(F.col("kafka") > 0, 1)).alias("on_kafka"),
            F.sum("kafka").alias("kafka_records"),
            F.count(F.when(F.col("dlq") > 0, 1)).alias("producer_dead_lettered"),
            F.count(F.when(F.col("landed") > 0, 1)).alias("landed"),
            F.count(F.when(F.col("rejected") > 0, 1)).alias("rejected"),
            F.count(F.when((F.col("rejected") > 1) & (F.col("landed") == 0), 1)).alias("rejected_again"),
            F.count(F.when(missing, 1)).alias("missing"),
            F.count(F.when(doubled, 1)).alias("doubled"),
            F.slice(F.sort_array(F.collect_list(F.when(missing, F.col("reading_id")))), 1, SAMPLE_IDS).alias(
                "missing_ids"
            ),
            F.slice(F.sort_array(F.collect_list(F.when(doubled, F.col("reading_id")))), 1, SAMPLE_IDS).alias(
                "doubled_ids"
            ),
        )
        .orderBy("hour")
        .collect()
    )
    return [HourReconciliation(**row.asDict()) for row in rows]


def _reading_id_key(settings: Settings) -> str:
    return parse_field_map(settings.stream_field_map).get("reading_id", "reading_id")


def _topic_ids(spark: SparkSession, settings: Settings, topic: str, json_path: str) -> DataFrame:
    """Reading ids of every record on ``topic`` (as far back as Kafka keeps it); none when it does not exist (a
    dead-letter topic is created by its first record)."""
    if not kafka.topic_exists(settings, topic):
        return spark.createDataFrame([], "reading_id bigint")
    records = (
        spark.read.format("kafka")
        .options(**kafka.spark_options(settings))
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("endingOffsets", "latest")
        .option("failOnDataLoss", "false")
        .load()
    )
    return records.select(
        F.get_json_object(F.col("value").cast("string"), f"$.{json_path}").cast("bigint").alias("reading_id")
    ).where(F.col("reading_id").isNotNull())


def _landed_ids(spark: SparkSession, settings: Settings, start: dt.datetime, end: dt.datetime) -> DataFrame:
    name = f"{settings.hive_database}.vitals_raw"
    spark.catalog.refreshTable(name)
    return spark.table(name).where(F.col("event_date").between(start.date(), end.date())).select("reading_id")


def _rejected_ids(spark: SparkSession, settings: Settings, start: dt.datetime) -> DataFrame:
    """Ids of rejected records, read from their payload; rejected on or after the range's first day (a replay
    rejects later, never earlier)."""
    name = f"{settings.hive_database}.vitals_rejected"
    spark.catalog.refreshTable(name)
    return (
        spark.table(name)
        .where(F.col("rejected_date") >= start.date() - dt.timedelta(days=1))
        .select(F.get_json_object("raw_payload", f"$.{_reading_id_key(settings)}").cast("bigint").alias("reading_id"))
        .where(F.col("reading_id").isNotNull())
    )


def report(hours: list[HourReconciliation]) -> str:
    """The reconciliation as a table, with the ids to look at under each hour that does not add up."""
    header = (
        f"{'hour (UTC)':<17} {'RDS':>8} {'on Kafka':>9} {'records':>8} {'prod DLQ':>8} {'landed':>8} "
        f"{'rejected':>8} {'again':>6} {'missing':>8} {'doubled':>8}"
    )
    lines = [header]
    for hour in hours:
        lines.append(
            f"{hour.hour:%Y-%m-%d %H:%M} {hour.rds:>8,} {hour.on_kafka:>9,} {hour.kafka_records:>8,} "
            f"{hour.producer_dead_lettered:>8,} {hour.landed:>8,} {hour.rejected:>8,} "
            f"{hour.rejected_again:>6,} {hour.missing:>8,} {hour.doubled:>8,}"
        )
        if hour.missing_ids:
            lines.append(f"  missing reading ids (first {SAMPLE_IDS}): {hour.missing_ids}")
        if hour.doubled_ids:
            lines.append(f"  doubled reading ids (first {SAMPLE_IDS}): {hour.doubled_ids}")
    total_missing, total_doubled = sum(h.missing for h in hours), sum(h.doubled for h in hours)
    lines.append(
        f"{sum(h.rds for h in hours):,} readings in RDS: {total_missing:,} missing, {total_doubled:,} doubled"
        + (" — every reading accounted for" if not (total_missing or total_doubled) else "")
    )
    return "\n".join(lines)
