"""The batch mode of the streaming rules: re-evaluate a day's readings and compare with what the stream alerted.

Both sides run :func:`evaluation.evaluate.evaluate` (the same code as the
stream), so a difference means the inputs differ: thresholds or patients
changed since the stream ran, or a reading was processed wrongly. Differences
are written to ``alert_recheck_differences`` (the day's partition is replaced)
and returned for the task log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from batch.partitions import overwrite_partition
from clients import hbase
from evaluation.evaluate import evaluate
from hbase_setup.repository import ThresholdRepository
from settings import Settings

DIFFERENCE_COLUMNS = (
    "alert_id",
    "reading_id",
    "patient_id",
    "kind",
    "attribute",
    "rule_id",
    "observed_value",
    "alert_message",
)


@dataclass(frozen=True)
class RecheckResult:
    day: dt.date
    rechecked_alerts: int
    streamed_alerts: int
    missing_in_stream: int
    not_raised_now: int
    examples: list[str] = field(default_factory=list)

    @property
    def in_parity(self) -> bool:
        return self.missing_in_stream == 0 and self.not_raised_now == 0

    def summary(self) -> str:
        verdict = "in parity" if self.in_parity else "DIFFERENCES"
        return (
            f"{self.day}: {verdict}: the rules raise {self.rechecked_alerts:,} alert(s) now, the stream raised "
            f"{self.streamed_alerts:,}; missing in stream {self.missing_in_stream:,}, "
            f"not raised now {self.not_raised_now:,}"
        )


def recheck_day(spark: SparkSession, settings: Settings, day: dt.date, examples: int = 20) -> RecheckResult:
    database = settings.names.hive_database
    thresholds = ThresholdRepository(lambda: hbase.connect(settings.hbase), settings.names.threshold_table)
    thresholds.refresh_if_changed()
    readings = (
        spark.table(f"{database}.vitals_raw")
        .where(F.col("event_date") == F.lit(day))
        .dropDuplicates(["source", "reading_id"])
    )
    rechecked = evaluate(
        readings, spark.table(f"{database}.patients"), thresholds.index, settings.stream.news2_scoring
    ).select(*DIFFERENCE_COLUMNS)
    streamed = (
        spark.table(f"{database}.alerts")
        .where(F.col("alert_date") == F.lit(day))
        .dropDuplicates(["alert_id"])
        .select(*DIFFERENCE_COLUMNS)
    )
    differences = (
        rechecked.join(streamed.select("alert_id"), "alert_id", "left_anti")
        .select(F.lit("missing_in_stream").alias("difference"), *DIFFERENCE_COLUMNS)
        .unionByName(
            streamed.join(rechecked.select("alert_id"), "alert_id", "left_anti").select(
                F.lit("not_raised_now").alias("difference"), *DIFFERENCE_COLUMNS
            )
        )
        .withColumn("checked_at", F.current_timestamp())
    ).cache()
    try:
        overwrite_partition(differences, f"{database}.alert_recheck_differences", {"check_date": day})
        by_kind = {row["difference"]: row["count"] for row in differences.groupBy("difference").count().collect()}
        sample = [
            f"{row.difference}: alert {row.alert_id} patient {row.patient_id} {row.kind} "
            f"{row.attribute or ''} {row.observed_value if row.observed_value is not None else ''}: "
            f"{row.alert_message}"
            for row in differences.limit(examples).collect()
        ]
    finally:
        differences.unpersist()
    return RecheckResult(
        day,
        rechecked.count(),
        streamed.count(),
        by_kind.get("missing_in_stream", 0),
        by_kind.get("not_raised_now", 0),
        sample,
    )
