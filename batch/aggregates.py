"""Hourly vital-sign aggregates per patient and the daily rollup per ward (the vitals_batch_aggregates DAG).

Both are idempotent per interval: each hour's partition (and the day's rollup)
is recomputed from vitals_raw and alerts and replaced as a whole. Readings and
alerts are de-duplicated by id first, so a replay into the stream cannot
inflate the numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from batch.partitions import overwrite_partition
from clients.spark import single_row
from contract.alerts import ALERT_KINDS
from contract.vitals import VITAL_FIELDS
from settings import Names

ALERT_COUNT_COLUMNS = [f"alerts_{kind}" for kind in ALERT_KINDS]


@dataclass(frozen=True)
class HourResult:
    hour_start: dt.datetime
    patients: int
    readings: int


def hours_of(start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The whole hours an interval covers (an hourly DAG run covers one)."""
    first = start.replace(minute=0, second=0, microsecond=0)
    return [first + dt.timedelta(hours=n) for n in range(max(1, -(-int((end - first).total_seconds()) // 3600)))]


def _between(frame: DataFrame, time_column: str, date_column: str, start: dt.datetime, end: dt.datetime) -> DataFrame:
    """Rows in [start, end), with partition pruning on the date column."""
    last_day = (end - dt.timedelta(microseconds=1)).date()
    return frame.where(
        F.col(date_column).between(F.lit(start.date()), F.lit(last_day))
        & (F.col(time_column) >= F.lit(start))
        & (F.col(time_column) < F.lit(end))
    )


def hourly_frame(spark: SparkSession, names: Names, hour_start: dt.datetime) -> DataFrame:
    """The vitals_hourly rows of one hour (data columns in table order)."""
    database, hour_end = names.hive_database, hour_start + dt.timedelta(hours=1)
    readings = _between(
        spark.table(f"{database}.vitals_raw"), "event_time", "event_date", hour_start, hour_end
    ).dropDuplicates(["reading_id"])
    alerts = _between(
        spark.table(f"{database}.alerts"), "input_message_time", "alert_date", hour_start, hour_end
    ).dropDuplicates(["alert_id"])
    vitals = readings.groupBy("patient_id").agg(
        F.count(F.lit(1)).alias("readings"),
        *[
            aggregate(F.col(vital)).alias(f"{vital}_{name}")
            for vital in VITAL_FIELDS
            for name, aggregate in (("min", F.min), ("avg", F.avg), ("max", F.max))
        ],
    )
    alert_counts = alerts.groupBy("patient_id").agg(
        *[F.count(F.when(F.col("kind") == kind.value, 1)).alias(f"alerts_{kind}") for kind in ALERT_KINDS]
    )
    joined = vitals.join(alert_counts, "patient_id", "full")
    return joined.select(
        "patient_id",
        F.lit(hour_start).alias("hour_start"),
        F.coalesce("readings", F.lit(0)).alias("readings"),
        *[f"{vital}_{name}" for vital in VITAL_FIELDS for name in ("min", "avg", "max")],
        *[F.coalesce(column, F.lit(0)).alias(column) for column in ALERT_COUNT_COLUMNS],
        F.current_timestamp().alias("computed_at"),
    )


def aggregate_hours(spark: SparkSession, names: Names, start: dt.datetime, end: dt.datetime) -> list[HourResult]:
    """Recompute and replace vitals_hourly for every hour in [start, end)."""
    results = []
    for hour_start in hours_of(start, end):
        frame = hourly_frame(spark, names, hour_start).cache()
        try:
            overwrite_partition(
                frame,
                f"{names.hive_database}.vitals_hourly",
                {"agg_date": hour_start.date(), "agg_hour": hour_start.hour},
            )
            totals = single_row(frame.agg(F.count(F.lit(1)), F.coalesce(F.sum("readings"), F.lit(0))))
        finally:
            frame.unpersist()
        results.append(HourResult(hour_start, totals[0], totals[1]))
    return results


def ward_rollup(spark: SparkSession, names: Names, day: dt.date) -> int:
    """Recompute and replace the day's ward_daily_vitals partition from vitals_hourly; return the ward count."""
    database = names.hive_database
    hourly = spark.table(f"{database}.vitals_hourly").where(F.col("agg_date") == F.lit(day))
    wards = spark.table(f"{database}.patients").select(F.col("patientid").alias("patient_id"), "admitted_ward")
    rows = hourly.join(F.broadcast(wards), "patient_id", "left").withColumn(
        "ward", F.coalesce("admitted_ward", F.lit("(unknown)"))
    )
    weighted = {
        vital: F.sum(F.col(f"{vital}_avg") * F.col("readings"))
        / F.sum(F.when(F.col(f"{vital}_avg").isNotNull(), F.col("readings")))
        for vital in VITAL_FIELDS
    }
    rollup = (
        rows.groupBy("ward")
        .agg(
            F.countDistinct("patient_id").alias("patients"),
            F.sum("readings").alias("readings"),
            *[weighted[vital].alias(f"{vital}_avg") for vital in VITAL_FIELDS],
            *[F.sum(column).alias(column) for column in ALERT_COUNT_COLUMNS],
            F.current_timestamp().alias("computed_at"),
        )
        .cache()
    )
    try:
        overwrite_partition(rollup, f"{database}.ward_daily_vitals", {"agg_date": day})
        return rollup.count()
    finally:
        rollup.unpersist()
