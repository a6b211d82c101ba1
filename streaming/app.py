"""The streaming application: the landing query, plus the real-time alert query when PA_ALERT_PATH=realtime."""

from __future__ import annotations

import time

from pyspark.sql import SparkSession

from settings import Settings
from streaming.alerting import AlertingQuery, AlertPathError, check_can_run
from streaming.job import LandingJob
from streaming.reference_data import ReferenceData

ALERT_PATHS = ("realtime", "microbatch")


class StreamingApp:
    """Starts, watches and stops the application's queries; ``tick()`` is called by its main loop."""

    def __init__(self, spark: SparkSession, settings: Settings):
        if settings.alert_path not in ALERT_PATHS:
            raise AlertPathError(f"PA_ALERT_PATH={settings.alert_path!r}: choose one of {', '.join(ALERT_PATHS)}.")
        self.spark = spark
        self.landing = LandingJob(spark, settings)
        # its own reference data: the landing query's is used from Spark's foreachBatch thread
        self.alerting = (AlertingQuery(spark, settings, ReferenceData(spark, settings))
                         if settings.alert_path == "realtime" else None)
        self.landing_query = None

    def start(self, available_now: bool = False) -> None:
        """Start both queries; ``available_now`` catches the landing query up and leaves alerting to the service."""
        if self.alerting is not None and not available_now:
            check_can_run(self.spark, self.landing.settings)
            self.alerting.start()
        self.landing_query = self.landing.start(available_now=available_now)

    @property
    def queries(self) -> list:
        alerting = [self.alerting.query] if self.alerting is not None and self.alerting.query is not None else []
        return [query for query in [self.landing_query, *alerting] if query is not None]

    @property
    def active(self) -> bool:
        return self.landing_query is not None and self.landing_query.isActive

    def tick(self) -> None:
        """Fail loudly if a query died; apply changed reference data to the alert query."""
        for query in self.queries:
            if not query.isActive and query.exception() is not None:
                raise RuntimeError(f"streaming query {query.name} failed: {query.exception()}")
        if self.alerting is not None and self.active:
            self.alerting.restart_if_reference_changed()

    def stop(self) -> None:
        """Stop the alert query, then the landing query between micro-batches when it can.

        A micro-batch cut short is redone after a restart (nothing is lost), but letting the running one
        finish, for up to PA_STREAM_STOP_GRACE_S, spares the restart that work and the log a stack trace.
        """
        if self.alerting is not None:
            self.alerting.stop()
        if self.landing_query is not None and self.landing_query.isActive:
            deadline = time.monotonic() + self.landing.settings.stream_stop_grace_s
            while self.landing_query.status["isTriggerActive"] and time.monotonic() < deadline:
                time.sleep(0.1)
            self.landing_query.stop()
