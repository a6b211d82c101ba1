"""The alerts the real-time path sent doctors, read back from ``doctors-queue`` into Hive's ``alerts``.

With PA_ALERT_PATH=realtime both queries used to evaluate every reading: the
real-time query to alert, the landing query to fill Hive's ``alerts``. Now the
real-time query alone evaluates, marks each record it publishes with a
header, and the landing query lands those records (it reads ``doctors-queue``
beside the vitals, in the same checkpoint, so the alerts land exactly once as
the readings do). Hive then holds exactly what doctors were sent, by alert id:
the real-time path delivers at least once, and the landing query's
deduplication drops a repeated alert id as it drops a repeated reading id.

Records on the queue without the header were published by the micro-batch
path, which evaluated them in the landing query and landed them itself; they
are skipped. So a switch of PA_ALERT_PATH either way loses nothing: the
real-time path's last records still land after a switch to micro-batch.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from contract.alerts import ALERT_FIELDS

HEADER_KEY = "alert-path"
REALTIME = b"realtime"
ALERT_SCHEMA = ", ".join(f"{name} {kind}" for name, kind in ALERT_FIELDS.items())
COLUMN = "queued_alert"


def realtime_header() -> Column:
    """The Kafka ``headers`` column of a record the real-time path publishes."""
    return F.array(F.struct(F.lit(HEADER_KEY).alias("key"), F.lit(bytearray(REALTIME)).alias("value")))


def tagged(records: DataFrame, alerts_topic: str) -> DataFrame:
    """Landing-stream records (both topics) as the parser takes them: a vitals record unchanged; a record of the
    real-time path with its alert parsed into ``queued_alert`` and no value (nothing for the reading parser);
    a record the micro-batch path published dropped."""
    is_alert = F.col("topic") == alerts_topic
    from_realtime = F.array_contains("headers", realtime_header()[0])
    return records.where(~is_alert | from_realtime).select(
        F.when(~is_alert, F.col("value")).alias("value"),
        "topic",
        "partition",
        "offset",
        "timestamp",
        F.when(is_alert, F.from_json(F.col("value").cast("string"), ALERT_SCHEMA)).alias(COLUMN),
    )


def event_time() -> Column:
    """The event time of the reading a queued alert is about (null for other rows)."""
    return F.col(f"{COLUMN}.input_message_time")


def is_queued() -> Column:
    return F.col(COLUMN).isNotNull()


def alert_rows(batch: DataFrame) -> DataFrame:
    """The queued alerts of a landing micro-batch, as rows of Hive's ``alerts`` (without the partition columns)."""
    return batch.where(is_queued()).select(f"{COLUMN}.*")
