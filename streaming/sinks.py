"""Where each micro-batch's rows go: Hive tables (idempotent per batch) and the doctors' queue on Kafka."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from settings import Settings

# fields of the alert message on doctors-queue: the public capstones' alert fields plus ids and kind
ALERT_MESSAGE_FIELDS = ("alert_id", "reading_id", "patient_id", "kind", "attribute", "rule_id", "observed_value",
                        "patient_name", "age", "patient_address", "phone_number", "admitted_ward", "bp",
                        "heart_rate", "input_message_time", "alert_generated_time", "alert_message")


def overwrite_batch_partitions(frame: DataFrame, table: str) -> None:
    """Insert into a Hive table replacing only the partitions this frame has (one micro-batch's).

    The tables are partitioned by (date, stream_batch); re-running a batch after
    a crash therefore replaces its earlier, maybe partial, output instead of
    adding to it. Columns are matched by name, whatever the frame's order.
    """
    spark = frame.sparkSession
    partitions = [column.name for column in spark.catalog.listColumns(table) if column.isPartition]
    if "stream_batch" not in partitions:
        # overwriting by date alone would replace other batches' rows: refuse rather than lose data
        raise RuntimeError(f"Hive table {table} is partitioned by {partitions}, not by stream_batch: it predates "
                           f"the current hive_ddl. Recreate it (DROP TABLE, then 'python -m hive_ddl').")
    frame.select(*spark.table(table).columns).write.insertInto(table, overwrite=True)


def publish_alerts(alerts: DataFrame, settings: Settings, topic: str | None = None) -> None:
    """Alerts as JSON to the doctors' queue, keyed by patient (at-least-once; ids make repeats droppable)."""
    (alerts.select(F.col("patient_id").cast("string").alias("key"),
                   F.to_json(F.struct(*ALERT_MESSAGE_FIELDS)).alias("value"))
     .write.format("kafka")
     .option("kafka.bootstrap.servers", settings.kafka_bootstrap_servers)
     .option("kafka.acks", "all")
     .option("topic", topic or settings.topic_alerts)
     .save())
