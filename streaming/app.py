"""The streaming application: the landing query, plus the real-time alert query when PA_ALERT_PATH=realtime.

The application supervises its queries rather than dying with them: a query
that fails (Kafka, HDFS, the metastore or HBase went away) is started again
from its checkpoint, after a backoff that doubles while failures repeat, and
the log says why. The checkpoint makes a restart lose and repeat nothing. A
reference-data check that fails keeps the data the alert query has.
"""

from __future__ import annotations

import logging
import threading
import time

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from runtime.backoff import Backoff, Stopped
from settings import Settings
from streaming.alerting import AlertingQuery, check_can_run
from streaming.job import LandingJob
from streaming.reference_data import ReferenceData

log = logging.getLogger(__name__)

HEALTHY_AFTER_S = 120.0  # a restarted query that has run this long resets the backoff


class StreamingApp:
    """Starts, watches and stops the application's queries; ``tick()`` is called by its main loop."""

    def __init__(self, spark: SparkSession, settings: Settings, stopping: threading.Event | None = None):
        self.spark = spark
        self.landing = LandingJob(spark, settings)
        # its own reference data: the landing query's is used from Spark's foreachBatch thread
        self.alerting = (AlertingQuery(spark, settings, ReferenceData(spark, settings))
                         if settings.alert_path == "realtime" else None)
        self.landing_query: StreamingQuery | None = None
        self.available_now = False
        self.restarts = 0
        self._restarted_at = 0.0
        self.backoff = Backoff("streaming query", settings.service_backoff_s, settings.service_backoff_max_s,
                               stopping or threading.Event(), log)

    def start(self, available_now: bool = False) -> None:
        """Start both queries; ``available_now`` catches the landing query up and leaves alerting to the service."""
        self.available_now = available_now
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

    @property
    def finished(self) -> bool:
        """The landing query ended without an error (an --available-now run that caught up)."""
        return self.landing_query is not None and not self.landing_query.isActive and not self._failed(self.landing_query)

    def tick(self) -> None:
        """Restart a failed query from its checkpoint (with backoff); apply changed reference data to the alert query."""
        try:
            if self.landing_query is not None and self._failed(self.landing_query):
                self._restart("landing", self.landing_query,
                              lambda: setattr(self, "landing_query", self.landing.start(self.available_now)))
            alerting = self.alerting.query if self.alerting is not None else None
            if alerting is not None and self._failed(alerting):
                self._restart("alerting", alerting, self.alerting.start)
        except Stopped:
            return
        if self.backoff.attempts and time.monotonic() - self._restarted_at > HEALTHY_AFTER_S:
            self.backoff.reset()
        if self.alerting is not None and self.active:
            try:
                self.alerting.restart_if_reference_changed()
            except Exception as error:  # the metastore or HDFS is away: keep the data the query has
                log.error("reference data check failed, the alert query keeps its current thresholds and patients: "
                          "%s", error)

    @staticmethod
    def _failed(query: StreamingQuery) -> bool:
        return not query.isActive and query.exception() is not None

    def _restart(self, name: str, query: StreamingQuery, start) -> None:
        self.backoff.wait(f"{name} query {query.name} failed: {str(query.exception()).splitlines()[0]}")
        try:
            start()
        except Exception as error:  # a server it needs is still away: the next tick tries again
            log.error("restarting the %s query failed: %s", name, str(error).splitlines()[0])
            return
        self.restarts += 1
        self._restarted_at = time.monotonic()
        log.warning("%s query restarted from its checkpoint (restart %d)", name, self.restarts)

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
