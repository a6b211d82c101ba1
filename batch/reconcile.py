"""Reconciliation of readings: RDS vs Kafka vs Hive, per hour, naming the missing, doubled and altered ids.

The universe is RDS: every reading whose event time falls in [start, end). Each
is looked up by its reading id (the RDS primary key every message carries) on
the vitals topic, on the producer's dead-letter topic (rows it could not
encode), in ``vitals_raw`` (rows of this table's source only: the stream
deduplicates by source and id) and in ``vitals_rejected`` (the id read from the
raw payload). A reading is *accounted for* when it landed or was rejected, or
the producer dead-lettered it with its reason; *missing* when none of these
holds; *doubled* when it landed more than once, or both landed and was
rejected; *altered* when what landed under its id is not what RDS holds (the
patient, the event time or a vital differs; a vital the stream rejected on its
own landed empty and is not compared): a forged or corrupted copy counted by
id alone would pass. Kafka may hold an id several times (replays, producer
restarts), and a bad reading sent again is rejected again (``vitals_rejected``
records every Kafka record it refused, with its coordinates): both are
counted, neither is a fault.

Everything is joined in Spark, so an hour of a large hospital costs one scan
of each place rather than lists in Python.
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from clients import kafka
from clients.spark import rds_query
from contract.vitals import VITAL_FIELDS, parse_field_map
from producers.rows import ReadingsTable
from settings import KafkaPrincipal, KafkaSettings, Names, RdsAccount, Settings, StreamSettings

SAMPLE_IDS = 20  # missing, doubled or altered ids named per hour
# what a landed reading must hold as RDS does (besides its id and event time)
CONTENT_FIELDS = ("patient_id", *VITAL_FIELDS, "supplemental_oxygen", "consciousness")


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
    altered: int  # landed with other content than RDS holds
    missing_ids: list[int]
    doubled_ids: list[int]
    altered_ids: list[int]

    @property
    def accounted(self) -> bool:
        return self.missing == 0 and self.doubled == 0 and self.altered == 0


def reconcile(
    spark: SparkSession, settings: Settings, start: dt.datetime, end: dt.datetime
) -> list[HourReconciliation]:
    """One row per hour of [start, end) that has RDS readings (naive UTC times, as RDS stores them)."""
    table = ReadingsTable(settings, RdsAccount.QUALITY)
    time_column = table.columns.get("event_time", "event_time")
    compared = [field for field in CONTENT_FIELDS if field in table.columns]
    selected = ", ".join(f"`{table.columns[field]}` AS {field}" for field in ["id", "event_time", *compared])
    universe = rds_query(
        spark,
        settings,
        RdsAccount.QUALITY,
        (
            f"SELECT {selected} FROM `{table.table}` "
            f"WHERE `{time_column}` >= '{start:%Y-%m-%d %H:%M:%S}' AND `{time_column}` < '{end:%Y-%m-%d %H:%M:%S}'"
        ),
    ).withColumnRenamed("id", "reading_id")
    landed = _landed(spark, settings.names, table.source, start, end)
    places = {
        "kafka": _topic_ids(spark, settings.kafka, settings.names.topic_vitals, _reading_id_key(settings.stream)),
        "dlq": _topic_ids(spark, settings.kafka, settings.names.topic_dead_letter, "row.id"),
        "landed": landed.select("reading_id"),
        "rejected": _rejected_ids(spark, settings, start),
    }
    joined = universe.select("reading_id", F.date_trunc("hour", "event_time").alias("hour"))
    for name, ids in places.items():
        joined = joined.join(ids.groupBy("reading_id").agg(F.count(F.lit(1)).alias(name)), "reading_id", "left")
    joined = joined.join(_altered_ids(universe, landed, ["event_time", *compared]), "reading_id", "left")
    joined = joined.fillna(0, subset=[*places, "altered"])
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
            F.count(F.when(F.col("altered") > 0, 1)).alias("altered"),
            F.slice(F.sort_array(F.collect_list(F.when(missing, F.col("reading_id")))), 1, SAMPLE_IDS).alias(
                "missing_ids"
            ),
            F.slice(F.sort_array(F.collect_list(F.when(doubled, F.col("reading_id")))), 1, SAMPLE_IDS).alias(
                "doubled_ids"
            ),
            F.slice(
                F.sort_array(F.collect_list(F.when(F.col("altered") > 0, F.col("reading_id")))), 1, SAMPLE_IDS
            ).alias("altered_ids"),
        )
        .orderBy("hour")
        .collect()
    )
    return [HourReconciliation(**row.asDict()) for row in rows]


def _reading_id_key(stream: StreamSettings) -> str:
    return parse_field_map(stream.field_map).get("reading_id", "reading_id")


def _topic_ids(spark: SparkSession, kafka_settings: KafkaSettings, topic: str, json_path: str) -> DataFrame:
    """Reading ids of every record on ``topic`` (as far back as Kafka keeps it); none when it does not exist (a
    dead-letter topic is created by its first record)."""
    if not kafka.topic_exists(kafka_settings, topic):
        return spark.createDataFrame([], "reading_id bigint")
    records = (
        spark.read.format("kafka")
        .options(**kafka.spark_options(kafka_settings, KafkaPrincipal.AUDITOR))
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("endingOffsets", "latest")
        .option("failOnDataLoss", "false")
        .load()
    )
    return records.select(
        F.get_json_object(F.col("value").cast("string"), f"$.{json_path}").cast("bigint").alias("reading_id")
    ).where(F.col("reading_id").isNotNull())


def _landed(spark: SparkSession, names: Names, source: str, start: dt.datetime, end: dt.datetime) -> DataFrame:
    """The landed rows of ``source`` (the RDS table's) in the range's days, with what is compared."""
    name = f"{names.hive_database}.vitals_raw"
    spark.catalog.refreshTable(name)
    return (
        spark.table(name)
        .where(F.col("event_date").between(start.date(), end.date()) & (F.col("source") == source))
        .select("reading_id", "event_time", "rejected_fields", *CONTENT_FIELDS)
    )


def _altered_ids(universe: DataFrame, landed: DataFrame, columns: list[str]) -> DataFrame:
    """(reading_id, altered): how many landed rows of each id differ from RDS in ``columns``; a vital the stream
    rejected on its own (null, named in ``rejected_fields``) is not a difference."""
    rds, hive = universe.alias("rds"), landed.alias("hive")
    differs = [
        ~F.col(f"rds.{column}").eqNullSafe(F.col(f"hive.{column}"))
        & ~(F.col(f"hive.{column}").isNull() & F.col("hive.rejected_fields").isNotNull())
        for column in columns
    ]
    return (
        rds.join(hive, "reading_id")
        .where(reduce(operator.or_, differs))
        .groupBy("reading_id")
        .agg(F.count(F.lit(1)).alias("altered"))
    )


def _rejected_ids(spark: SparkSession, settings: Settings, start: dt.datetime) -> DataFrame:
    """Ids of rejected records, read from their payload; rejected on or after the range's first day (a replay
    rejects later, never earlier)."""
    name = f"{settings.names.hive_database}.vitals_rejected"
    spark.catalog.refreshTable(name)
    return (
        spark.table(name)
        .where(F.col("rejected_date") >= start.date() - dt.timedelta(days=1))
        .select(
            F.get_json_object("raw_payload", f"$.{_reading_id_key(settings.stream)}").cast("bigint").alias("reading_id")
        )
        .where(F.col("reading_id").isNotNull())
    )


def report(hours: list[HourReconciliation]) -> str:
    """The reconciliation as a table, with the ids to look at under each hour that does not add up."""
    header = (
        f"{'hour (UTC)':<17} {'RDS':>8} {'on Kafka':>9} {'records':>8} {'prod DLQ':>8} {'landed':>8} "
        f"{'rejected':>8} {'again':>6} {'missing':>8} {'doubled':>8} {'altered':>8}"
    )
    lines = [header]
    for hour in hours:
        lines.append(
            f"{hour.hour:%Y-%m-%d %H:%M} {hour.rds:>8,} {hour.on_kafka:>9,} {hour.kafka_records:>8,} "
            f"{hour.producer_dead_lettered:>8,} {hour.landed:>8,} {hour.rejected:>8,} "
            f"{hour.rejected_again:>6,} {hour.missing:>8,} {hour.doubled:>8,} {hour.altered:>8,}"
        )
        if hour.missing_ids:
            lines.append(f"  missing reading ids (first {SAMPLE_IDS}): {hour.missing_ids}")
        if hour.doubled_ids:
            lines.append(f"  doubled reading ids (first {SAMPLE_IDS}): {hour.doubled_ids}")
        if hour.altered_ids:
            lines.append(f"  altered reading ids (first {SAMPLE_IDS}): {hour.altered_ids}")
    totals = {kind: sum(getattr(hour, kind) for hour in hours) for kind in ("missing", "doubled", "altered")}
    lines.append(
        f"{sum(h.rds for h in hours):,} readings in RDS: "
        + ", ".join(f"{count:,} {kind}" for kind, count in totals.items())
        + (" — every reading accounted for" if not any(totals.values()) else "")
    )
    return "\n".join(lines)
