"""The vitals topic as a stream, with the Kafka options every query of the application shares."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession

from clients import kafka
from settings import KafkaPrincipal, Settings


def vitals_stream(spark: SparkSession, settings: Settings, *, rate_limited: bool = True) -> DataFrame:
    """``patient-vitals`` records; ``rate_limited`` caps micro-batches (Real-time Mode reads continuously)."""
    reader = (
        spark.readStream.format("kafka")
        .options(**kafka.spark_options(settings.kafka, KafkaPrincipal.STREAM))
        .option("subscribe", settings.names.topic_vitals)
        .option("startingOffsets", settings.stream.starting_offsets)
        .option("failOnDataLoss", str(settings.stream.fail_on_data_loss).lower())
        .option("kafka.max.partition.fetch.bytes", str(settings.stream.kafka_fetch_bytes))
        .option("kafka.fetch.max.bytes", str(settings.stream.kafka_fetch_bytes))
    )
    if rate_limited:
        reader = reader.option("maxOffsetsPerTrigger", settings.stream.max_offsets_per_trigger)
    return reader.load()
