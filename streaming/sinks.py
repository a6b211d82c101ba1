"""Where each micro-batch's rows go: Hive tables (idempotent per batch) and the doctors' queue on Kafka."""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from clients import kafka
from clients.spark import jvm
from contract.alerts import ALERT_FIELDS, OBSERVATION_FIELDS
from evaluation.evaluate import OBSERVATION_KIND
from settings import KafkaPrincipal, Names, Settings


class BatchTable:
    """A Hive table the stream writes one micro-batch at a time.

    The tables are partitioned by (date, stream_batch). A batch's rows are
    written straight to its own partition folders with dynamic overwrite, so a
    batch Spark re-runs after a crash replaces its earlier, maybe partial,
    output instead of adding to it; then only that batch's new partitions are
    registered in the metastore. (Inserting through the catalog would list
    every partition of the table on every batch, slower with each batch.)
    Layout and location are read once, when the job starts.
    """

    def __init__(self, spark: SparkSession, name: str):
        self._spark = spark
        self.partitions = [column.name for column in spark.catalog.listColumns(name) if column.isPartition]
        if self.partitions[-1:] != ["stream_batch"]:
            # overwriting by date alone would replace other batches' rows: refuse rather than lose data
            raise RuntimeError(
                f"Hive table {name} is partitioned by {self.partitions}, not by (date, stream_batch):"
                f" it predates the current hive_ddl. Recreate it (DROP TABLE, then 'python -m hive_ddl')."
            )
        self.name = name
        self.columns = spark.table(name).columns
        self.types = {field.name: field.dataType for field in spark.table(name).schema}
        details = {row[0]: row[1] for row in spark.sql(f"DESCRIBE TABLE EXTENDED {name}").collect()}
        self.location = details["Location"]

    def overwrite_batch(self, frame: DataFrame, batch_id: int) -> None:
        """Write ``frame`` (one batch's rows, columns matched by name; a column the frame no longer has, in a table
        made by an older version, is written null) and register its partitions."""
        (
            frame.select(
                *[F.col(c) if c in frame.columns else F.lit(None).cast(self.types[c]).alias(c) for c in self.columns]
            )
            .write.mode("overwrite")
            .option("partitionOverwriteMode", "dynamic")
            .partitionBy(*self.partitions)
            .parquet(self.location)
        )
        written = sorted(date for date, _ in self._batch_folders(str(batch_id)))
        if written:
            specs = " ".join(
                f"PARTITION ({self.partitions[0]}='{value}', stream_batch={batch_id})" for value in written
            )
            self._spark.sql(f"ALTER TABLE {self.name} ADD IF NOT EXISTS {specs}")

    def highest_batch(self) -> int | None:
        """The highest stream_batch with a folder in the table (registered or not), None when there is none."""
        return max((int(batch) for _, batch in self._batch_folders("*")), default=None)

    def _batch_folders(self, batch: str) -> list[tuple[str, str]]:
        """(date, stream_batch) of the folders matching ``batch`` (one glob call to the NameNode)."""
        gateway = jvm(self._spark)
        pattern = gateway.org.apache.hadoop.fs.Path(f"{self.location}/*/stream_batch={batch}")
        filesystem = pattern.getFileSystem(self._spark.sparkContext._jsc.hadoopConfiguration())
        return [
            (status.getPath().getParent().getName().split("=", 1)[1], status.getPath().getName().split("=", 1)[1])
            for status in filesystem.globStatus(pattern) or []
        ]


def alert_records(rows: DataFrame, names: Names) -> DataFrame:
    """Alerts as Kafka records for the doctors' queue, and observations (when ``rows`` has them, see
    :func:`evaluation.evaluate.alerts_of`) for the notifier's bed watch: keyed by patient, the message as JSON, the
    topic per row (one query, one sink: Real-time Mode allows no second one)."""
    alert = F.to_json(F.struct(*ALERT_FIELDS))
    if "findings" not in rows.columns:
        return rows.select(
            F.col("patient_id").cast("string").alias("key"),
            alert.alias("value"),
            F.lit(names.topic_alerts).alias("topic"),
        )
    observation = F.col("kind") == OBSERVATION_KIND
    return rows.select(
        F.col("patient_id").cast("string").alias("key"),
        F.when(observation, F.to_json(F.struct(*OBSERVATION_FIELDS))).otherwise(alert).alias("value"),
        F.when(observation, F.lit(names.topic_observations)).otherwise(F.lit(names.topic_alerts)).alias("topic"),
    )


def alert_sink_options(settings: Settings, bulk: bool) -> dict[str, str]:
    """Kafka sink options for doctors-queue and the observations (each record names its topic, see
    :func:`alert_records`); ``bulk`` (a micro-batch at once) also fills large producer batches."""
    options = kafka.spark_options(settings.kafka, KafkaPrincipal.STREAM) | {
        "kafka.acks": "all",
        "kafka.compression.type": settings.stream.alert_kafka_compression,
    }
    if bulk:
        options |= {
            "kafka.linger.ms": str(settings.stream.alert_kafka_linger_ms),
            "kafka.batch.size": str(settings.stream.alert_kafka_batch_bytes),
        }
    return options


def publish_alerts(alerts: DataFrame, settings: Settings) -> None:
    """One micro-batch's alerts (and observations) to Kafka (at-least-once; ids make repeats droppable)."""
    alert_records(alerts, settings.names).write.format("kafka").options(
        **alert_sink_options(settings, bulk=True)
    ).save()
