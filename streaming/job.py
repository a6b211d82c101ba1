"""The landing query: Kafka → vitals_raw / vitals_rejected / alerts in Hive, and alerts → doctors-queue.

Reads like the data-flow diagram: source → parse and validate → drop repeated
reading ids within the event-time watermark → per micro-batch: land, reject,
evaluate, alert. The checkpoint (on HDFS) records Kafka offsets; the sinks are
idempotent per batch, so a restart after kill -9 loses and duplicates nothing.
"""

from __future__ import annotations

import logging
from collections import Counter

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from streaming.evaluate import evaluate
from streaming.parse import VITALS, dedup_key, parse, parse_field_map
from streaming.reference_data import ReferenceData
from streaming.sinks import BatchTable, publish_alerts
from streaming.source import vitals_stream
from settings import Settings

log = logging.getLogger("streaming.job")


class LandingJob:
    """One streaming application's landing query; ``outcomes`` counts alerts by kind since start."""

    def __init__(self, spark: SparkSession, settings: Settings):
        self.spark = spark
        self.settings = settings
        self.reference = ReferenceData(spark, settings)
        self.field_map = parse_field_map(settings.stream_field_map)
        database = settings.hive_database
        self.raw, self.rejects, self.alerts = (BatchTable(spark, f"{database}.{name}")
                                               for name in ("vitals_raw", "vitals_rejected", "alerts"))
        self.outcomes: Counter[str] = Counter()
        self.landed = 0
        self.rejected = 0

    @property
    def checkpoint(self) -> str:
        return f"{self.settings.hdfs_uri}{self.settings.checkpoint_dir}/{self.settings.stream_checkpoint_name}"

    def source(self) -> DataFrame:
        return vitals_stream(self.spark, self.settings)

    def readings(self) -> DataFrame:
        parsed = parse(self.source(), self.field_map)
        return (parsed
                # only a rejected record keeps its payload: valid ones are fully parsed, and the payload is most of
                # the bytes the deduplication shuffles and the batch cache holds
                .withColumn("raw_payload", F.when(F.col("reason").isNotNull(), F.col("raw_payload")))
                .withColumn("dedup_key", dedup_key())
                .withColumn("watermark_time", F.coalesce("event_time", "kafka_timestamp"))
                .withWatermark("watermark_time", self.settings.stream_dedup_window)
                .dropDuplicatesWithinWatermark(["dedup_key"]))

    def start(self, available_now: bool = False) -> StreamingQuery:
        writer = (self.readings().writeStream.queryName(self.settings.stream_checkpoint_name)
                  .foreachBatch(self.process_batch).option("checkpointLocation", self.checkpoint))
        writer = (writer.trigger(availableNow=True) if available_now
                  else writer.trigger(processingTime=f"{self.settings.stream_trigger_s} seconds"))
        return writer.start()

    def process_batch(self, batch: DataFrame, batch_id: int) -> None:
        batch.persist()
        try:
            counts = {row["valid"]: row["count"] for row in
                      batch.groupBy(F.col("reason").isNull().alias("valid")).count().collect()}
            if counts.get(False):
                self.rejects.overwrite_batch(self._rejected(batch, batch_id), batch_id)
            if counts.get(True):
                valid = self._valid(batch, batch_id)
                self.raw.overwrite_batch(valid, batch_id)
                self._alert(valid, batch_id)
            self.landed += counts.get(True, 0)
            self.rejected += counts.get(False, 0)
        finally:
            batch.unpersist()

    def _alert(self, valid: DataFrame, batch_id: int) -> None:
        alerts = (evaluate(valid, self.reference.patients(), self.reference.thresholds())
                  .withColumn("alert_date", F.to_date("input_message_time"))
                  .withColumn("stream_batch", F.lit(batch_id).cast("bigint"))
                  .persist())
        try:
            kinds = {row["kind"]: row["count"] for row in alerts.groupBy("kind").count().collect()}
            if kinds:
                self.alerts.overwrite_batch(alerts, batch_id)
                if self.settings.alert_path == "microbatch":  # else the real-time alert query publishes them
                    publish_alerts(alerts, self.settings)
                self.outcomes.update(kinds)
                log.warning("batch %d alerts: %s", batch_id, dict(sorted(kinds.items())))
        finally:
            alerts.unpersist()

    @staticmethod
    def _valid(batch: DataFrame, batch_id: int) -> DataFrame:
        return batch.where(F.col("reason").isNull()).select(
            "reading_id", "patient_id", "device_id", "event_time", *VITALS, "source", "ingest_time",
            "kafka_partition", "kafka_offset", F.current_timestamp().alias("landed_at"),
            F.to_date("event_time").alias("event_date"), F.lit(batch_id).cast("bigint").alias("stream_batch"))

    @staticmethod
    def _rejected(batch: DataFrame, batch_id: int) -> DataFrame:
        return batch.where(F.col("reason").isNotNull()).select(
            "raw_payload", "reason", "kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp",
            F.current_timestamp().alias("rejected_at"), F.to_date("kafka_timestamp").alias("rejected_date"),
            F.lit(batch_id).cast("bigint").alias("stream_batch"))
