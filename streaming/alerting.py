"""The alert path on Spark's Real-time Mode: Kafka → parse/validate → enrich → evaluate → doctors-queue.

Records flow through long-running tasks as they arrive instead of waiting for a
micro-batch, so a reading's alert reaches the doctors' queue in milliseconds.
It runs the same parse and evaluate code as the landing query, so Hive's
``alerts`` and ``doctors-queue`` carry the same alert ids for the same input.

Reference data is static in a real-time query (the plan is fixed while it
runs). At every ``PA_ALERT_BATCH_S`` boundary the application checks HBase's
thresholds and the patients table; if either changed, the query is restarted
from its checkpoint with the new data. A change therefore applies within one
batch duration plus a restart (a few seconds), and no reading is skipped: the
restart resumes from the last committed offsets. Delivery is at-least-once;
alert ids are deterministic, so the notifier drops repeats.
"""

from __future__ import annotations

import logging
import time

import pyspark
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from clients import kafka
from contract.vitals import parse_field_map
from evaluation.evaluate import evaluate
from hbase_setup.repository import ThresholdIndex
from settings import KafkaPrincipal, Settings
from streaming.owned_query import OwnedQuery
from streaming.parse import TimeRules, parse
from streaming.reference_data import ReferenceData
from streaming.sinks import alert_records, alert_sink_options
from streaming.source import vitals_stream

log = logging.getLogger(__name__)

REAL_TIME_MODE_SINCE = (4, 1)


class AlertPathError(RuntimeError):
    """The configuration cannot run the real-time alert path; the message names the setting to change."""


def vitals_partitions(settings: Settings) -> int:
    admin = kafka.admin(settings.kafka, KafkaPrincipal.STREAM)
    try:
        described = admin.describe_topics([settings.names.topic_vitals])
    finally:
        admin.close()
    return len(described[0]["partitions"]) if described else 0


def check_can_run(spark: SparkSession, settings: Settings) -> None:
    """Refuse clearly when Real-time Mode cannot work here, before any query starts."""
    version = tuple(int(part) for part in pyspark.__version__.split(".")[:2])
    if version < REAL_TIME_MODE_SINCE:
        raise AlertPathError(
            f"PA_ALERT_PATH=realtime needs Spark >= 4.1 (Real-time Mode); this is Spark "
            f"{pyspark.__version__}. Set PA_ALERT_PATH=microbatch."
        )
    partitions = vitals_partitions(settings)
    slots = task_slots(spark)
    needed = partitions + 1
    if slots < needed:
        raise AlertPathError(
            f"PA_ALERT_PATH=realtime needs {needed} task slots: Real-time Mode keeps one task per partition of "
            f"{settings.names.topic_vitals} ({partitions}) running all the time, and the landing query needs at least "
            f"one more; this Spark has {slots}. Set PA_SPARK_MASTER=local[{needed + 1}] (slots are threads, not "
            f"cores), or on a cluster give the application >= {needed} executor cores in total "
            f"(spark.executor.instances x spark.executor.cores), or set PA_ALERT_PATH=microbatch."
        )


def task_slots(spark: SparkSession) -> int:
    """Task slots of the application: local[N]'s threads, or on a cluster the executors' cores as configured (at
    start executors may not have registered yet, and the count Spark reports would be too low)."""
    conf = spark.sparkContext.getConf()
    instances, cores = conf.get("spark.executor.instances"), conf.get("spark.executor.cores")
    if (spark.sparkContext.master or "").startswith("local") or not (instances and cores):
        return spark.sparkContext.defaultParallelism
    return int(instances) * int(cores)


class AlertingQuery(OwnedQuery):
    """The real-time alert query, restarted with fresh reference data when thresholds or patients change."""

    def __init__(self, spark: SparkSession, settings: Settings, reference: ReferenceData):
        super().__init__(spark, settings, f"{settings.names.stream_checkpoint_name}-alerting")
        self.reference = reference
        self.restarts = 0
        self._thresholds: ThresholdIndex | None = None
        self._patients: tuple[str, ...] = ()
        self._checked = 0.0

    def start(self) -> StreamingQuery:
        self._thresholds = self.reference.thresholds()
        self._patients = self.reference.patients_signature()
        self._checked = time.monotonic()
        database = self.settings.names.hive_database
        readings = parse(
            vitals_stream(self.spark, self.settings, rate_limited=False),
            parse_field_map(self.settings.stream.field_map),
            TimeRules.of(self.settings.stream),
        ).where(F.col("reason").isNull())
        alerts = evaluate(
            readings,
            self.spark.table(f"{database}.patients"),
            self._thresholds,
            self.settings.stream.news2_scoring,
            observations=True,
        )
        self.query = (
            alert_records(alerts, self.settings.names)
            .writeStream.queryName(self.name)
            .format("kafka")
            .options(**alert_sink_options(self.settings, bulk=False))
            .option("checkpointLocation", self.checkpoint)
            .outputMode("update")
            # Real-time Mode (Spark >= 4.1): pyspark's type hints do not list this trigger yet
            .trigger(realTime=f"{self.settings.stream.alert_batch_s:g} seconds")  # type: ignore[call-overload]
            .start()
        )
        return self.query

    def restart_if_reference_changed(self) -> bool:
        """At most once per batch duration: restart on new thresholds or patients; return whether it did."""
        if time.monotonic() - self._checked < self.settings.stream.alert_batch_s:
            return False
        self._checked = time.monotonic()
        thresholds_changed = self.reference.thresholds() is not self._thresholds
        patients_changed = self.reference.patients_signature() != self._patients
        if not (thresholds_changed or patients_changed):
            return False
        log.warning(
            "alert query %s restarts with new %s",
            self.name,
            " and ".join(
                what
                for what, changed in (("thresholds", thresholds_changed), ("patients", patients_changed))
                if changed
            ),
        )
        self.stop()
        self.start()
        self.restarts += 1
        return True
