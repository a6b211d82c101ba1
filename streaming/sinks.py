"""Where each micro-batch's rows go: Hive tables (idempotent per batch) and the doctors' queue on Kafka."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from settings import Settings

# fields of the alert message on doctors-queue: the public capstones' alert fields plus ids and kind
ALERT_MESSAGE_FIELDS = ("alert_id", "reading_id", "patient_id", "kind", "attribute", "rule_id", "observed_value",
                        "patient_name", "age", "patient_address", "phone_number", "admitted_ward", "bp",
                        "heart_rate", "input_message_time", "alert_generated_time", "alert_message")


class BatchTable:
    """A Hive table the stream writes one micro-batch at a time.

    The tables are partitioned by (date, stream_batch); writing a batch
    replaces only the partitions it has, so a batch re-run after a crash
    replaces its earlier, maybe partial, output instead of adding to it.
    The layout is checked once, when the job starts, not on every batch.
    """

    def __init__(self, spark: SparkSession, name: str):
        partitions = [column.name for column in spark.catalog.listColumns(name) if column.isPartition]
        if "stream_batch" not in partitions:
            # overwriting by date alone would replace other batches' rows: refuse rather than lose data
            raise RuntimeError(f"Hive table {name} is partitioned by {partitions}, not by stream_batch: it "
                               f"predates the current hive_ddl. Recreate it (DROP TABLE, then 'python -m hive_ddl').")
        self.name = name
        self.columns = spark.table(name).columns

    def overwrite_batch(self, frame: DataFrame) -> None:
        """Insert ``frame`` (columns matched by name), replacing the partitions it covers."""
        frame.select(*self.columns).write.insertInto(self.name, overwrite=True)


def publish_alerts(alerts: DataFrame, settings: Settings, topic: str | None = None) -> None:
    """Alerts as JSON to the doctors' queue, keyed by patient (at-least-once; ids make repeats droppable)."""
    (alerts.select(F.col("patient_id").cast("string").alias("key"),
                   F.to_json(F.struct(*ALERT_MESSAGE_FIELDS)).alias("value"))
     .write.format("kafka")
     .option("kafka.bootstrap.servers", settings.kafka_bootstrap_servers)
     .option("kafka.acks", "all")
     .option("topic", topic or settings.topic_alerts)
     .save())
