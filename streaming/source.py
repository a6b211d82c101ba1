"""The Kafka topics the queries read as streams, with the options every query of the application shares."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import DataStreamReader

from settings import Settings


def vitals_stream(spark: SparkSession, settings: Settings, *, rate_limited: bool = True) -> DataFrame:
    """``patient-vitals`` records; ``rate_limited`` caps micro-batches (Real-time Mode reads continuously)."""
    reader = _reader(spark, settings).option("subscribe", settings.topic_vitals)
    if rate_limited:
        reader = reader.option("maxOffsetsPerTrigger", settings.stream_max_offsets_per_trigger)
    return reader.load()


def landing_stream(spark: SparkSession, settings: Settings) -> DataFrame:
    """``patient-vitals`` and ``doctors-queue`` records with their headers, for the landing query.

    Both topics in one subscription, whatever the alert path: the landing query lands what the real-time path
    published, and a checkpoint that once read a topic fails if the topic leaves its subscription, so switching
    PA_ALERT_PATH must not change what the query subscribes to.
    """
    return (
        _reader(spark, settings)
        .option("subscribe", f"{settings.topic_vitals},{settings.topic_alerts}")
        .option("includeHeaders", "true")
        .option("maxOffsetsPerTrigger", settings.stream_max_offsets_per_trigger)
        .load()
    )


def _reader(spark: SparkSession, settings: Settings) -> DataStreamReader:
    return (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", settings.kafka_bootstrap)
        .option("startingOffsets", settings.stream_starting_offsets)
        .option("failOnDataLoss", str(settings.stream_fail_on_data_loss).lower())
        .option("kafka.max.partition.fetch.bytes", str(settings.stream_kafka_fetch_bytes))
        .option("kafka.fetch.max.bytes", str(settings.stream_kafka_fetch_bytes))
    )
