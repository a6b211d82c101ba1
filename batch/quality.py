"""Data-quality checks of one interval of the pipeline (the data_quality and sqoop_import_patients DAGs).

Each check states what it measured and the bound it holds the data to, so a
failing run's log reads as a summary an on-call engineer can act on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from clients import kafka, mysql
from clients.spark import single_row
from producers.rows import ReadingsTable, RowSelection
from settings import RdsAccount, Settings


class QualityCheckFailed(Exception):
    """At least one bound is broken; the message lists every check."""


@dataclass(frozen=True)
class Check:
    name: str
    observed: str
    bound: str
    passed: bool

    def line(self) -> str:
        return f"{'ok  ' if self.passed else 'FAIL'} {self.name:<28} {self.observed:<34} (bound: {self.bound})"


def report(checks: list[Check], title: str) -> str:
    """The checks as a readable block; raises :class:`QualityCheckFailed` with that block if any failed."""
    text = "\n".join([title, *[check.line() for check in checks]])
    if not all(check.passed for check in checks):
        raise QualityCheckFailed(text)
    return text


def _utc_naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def interval_checks(spark: SparkSession, settings: Settings, start: dt.datetime, end: dt.datetime) -> list[Check]:
    """Freshness, rejected share, unknown-patient alerts and RDS vs Kafka vs Hive counts for [start, end)."""
    database = settings.names.hive_database
    start, end = _utc_naive(start), _utc_naive(end)
    days = F.lit(start.date()), F.lit((end - dt.timedelta(microseconds=1)).date())
    landed = single_row(
        spark.table(f"{database}.vitals_raw")
        .where(F.col("event_date").between(*days))
        .where((F.col("event_time") >= F.lit(start)) & (F.col("event_time") < F.lit(end)))
        .agg(F.countDistinct("reading_id").alias("readings"), F.max("event_time").alias("newest"))
    )
    rejected = (
        spark.table(f"{database}.vitals_rejected")
        .where((F.col("kafka_timestamp") >= F.lit(start)) & (F.col("kafka_timestamp") < F.lit(end)))
        .count()
    )
    unknown = (
        spark.table(f"{database}.alerts")
        .where(F.col("alert_date").between(*days))
        .where(
            (F.col("input_message_time") >= F.lit(start))
            & (F.col("input_message_time") < F.lit(end))
            & (F.col("kind") == "unknown_patient")
        )
        .select("alert_id")
        .distinct()
        .count()
    )
    in_rds = ReadingsTable(settings, RdsAccount.QUALITY).count(RowSelection(start_time=start, end_time=end))
    grace = dt.timedelta(seconds=settings.quality.max_staleness_s)
    epoch_ms = lambda moment: int(moment.replace(tzinfo=dt.UTC).timestamp() * 1000)  # noqa: E731
    in_kafka = kafka.count_between(settings.kafka, settings.names.topic_vitals, epoch_ms(start), epoch_ms(end + grace))

    readings = landed["readings"]
    behind = (end - landed["newest"]).total_seconds() if landed["newest"] else None
    share = rejected / (readings + rejected) if readings + rejected else 0.0
    missing = in_rds - readings - rejected
    return [
        Check(
            "freshness of vitals_raw",
            "no readings" if behind is None else f"newest {behind:,.0f} s before end",
            f"<= {settings.quality.max_staleness_s:,.0f} s",
            behind is not None and behind <= grace.total_seconds(),
        ),
        Check(
            "rejected share",
            f"{share:.2%} ({rejected:,} of {readings + rejected:,})",
            f"<= {settings.quality.max_reject_share:.2%}",
            share <= settings.quality.max_reject_share,
        ),
        Check(
            "unknown-patient alerts",
            f"{unknown:,}",
            f"<= {settings.quality.max_unknown_patient_alerts:,}",
            unknown <= settings.quality.max_unknown_patient_alerts,
        ),
        Check("RDS readings published", f"RDS {in_rds:,}, Kafka {in_kafka:,}", "Kafka >= RDS", in_kafka >= in_rds),
        Check(
            "RDS readings in Hive",
            f"{missing:,} missing (landed {readings:,} + rejected {rejected:,})",
            "<= 0 missing",
            missing <= 0,
        ),
    ]


def patients_import_checks(spark: SparkSession, settings: Settings) -> list[Check]:
    """RDS patients_information and Hive patients hold the same patients after an import."""
    connection = mysql.connect(settings.rds, RdsAccount.QUALITY)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM patients_information")
        in_rds = cursor.fetchone()[0]
    finally:
        connection.close()
    table = f"{settings.names.hive_database}.patients"
    spark.catalog.refreshTable(table)
    counts = single_row(spark.table(table).agg(F.count(F.lit(1)), F.countDistinct("patientid")))
    return [
        Check("patients RDS vs Hive", f"RDS {in_rds:,}, Hive {counts[0]:,}", "equal", in_rds == counts[0]),
        Check(
            "patient ids unique in Hive",
            f"{counts[1]:,} distinct of {counts[0]:,}",
            "all distinct",
            counts[0] == counts[1],
        ),
    ]
