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

from py4j.protocol import Py4JError
from pyspark.sql import SparkSession

from hbase_setup import coverage
from runtime.backoff import Backoff, Stopped
from settings import Settings
from settings.choices import AlertPath
from streaming.alerting import AlertingQuery, check_can_run
from streaming.landing import LandingQuery
from streaming.owned_query import OwnedQuery
from streaming.reference_data import ReferenceData

log = logging.getLogger(__name__)

HEALTHY_AFTER_S = 120.0  # a restarted query that has run this long resets the backoff


class StreamingApp:
    """Starts, watches and stops the application's queries; ``tick()`` is called by its main loop."""

    def __init__(self, spark: SparkSession, settings: Settings, stopping: threading.Event | None = None):
        self.spark = spark
        self.settings = settings
        self.landing = LandingQuery(spark, settings)
        # its own reference data: the landing query's is used from Spark's foreachBatch thread
        self.alerting = (
            AlertingQuery(spark, settings, ReferenceData(spark, settings, audits_rules=False))
            if settings.stream.alert_path is AlertPath.REALTIME
            else None
        )
        self.restarts = 0
        self._restarted_at = 0.0
        self.backoff = Backoff(
            "streaming query",
            settings.service.backoff_s,
            settings.service.backoff_max_s,
            stopping or threading.Event(),
            log,
        )

    @property
    def queries(self) -> list[OwnedQuery]:
        """The landing query, then the alert query when there is one (started in this order of need)."""
        return [self.landing] if self.alerting is None else [self.landing, self.alerting]

    def start(self, available_now: bool = False) -> None:
        """Start both queries; ``available_now`` catches the landing query up and leaves alerting to the service."""
        self.landing.available_now = available_now
        self._warn_uncovered()
        if self.alerting is not None and not available_now:
            check_can_run(self.spark, self.settings)
            self.alerting.start()
        self.landing.start()

    def _warn_uncovered(self) -> None:
        """Name each vital and age range the thresholds leave without a band: readings there raise no clinical
        alert from the table (NEWS2 still scores adults), which an operator must hear of before they arrive."""
        try:
            index = self.landing.reference.thresholds()
        except Exception as error:  # HBase away at start: the queries load the rules once it is back
            log.error(
                "threshold coverage not checked at start (HBase %s): %s", self.settings.names.threshold_table, error
            )
            return
        for gap in coverage.uncovered(index.rules):
            log.warning(
                "thresholds in HBase %s have no band for %s: no clinical alert from the table there "
                "(python -m hbase_setup show; load a table that covers it)",
                self.settings.names.threshold_table,
                gap.describe(),
            )

    @property
    def active(self) -> bool:
        return self.landing.active

    @property
    def finished(self) -> bool:
        """The landing query ended without an error (an --available-now run that caught up)."""
        return self.landing.finished

    def tick(self) -> None:
        """Restart a failed query from its checkpoint (with backoff); apply changed reference data to the alert
        query."""
        try:
            for owned in self.queries:
                if owned.failed:
                    self._restart(owned)
        except Stopped:
            return
        if self.backoff.attempts and time.monotonic() - self._restarted_at > HEALTHY_AFTER_S:
            self.backoff.reset()
        if self.alerting is not None and self.active:
            try:
                self.alerting.restart_if_reference_changed()
            except Exception as error:  # the metastore or HDFS is away: keep the data the query has
                log.error(
                    "reference data check failed, the alert query keeps its current thresholds and patients: %s", error
                )

    def _restart(self, owned: OwnedQuery) -> None:
        self.backoff.wait(f"query {owned.name} failed: {owned.failure()}")
        try:
            owned.start()
        except Exception as error:  # a server it needs is still away: the next tick tries again
            log.error("restarting the query %s failed: %s", owned.name, str(error).splitlines()[0])
            return
        self.restarts += 1
        self._restarted_at = time.monotonic()
        log.warning("query %s restarted from its checkpoint (restart %d)", owned.name, self.restarts)

    def stop(self) -> None:
        """Stop the alert query, then the landing query (between micro-batches when it can).

        A signal sent to the whole process group (``kill -- -PID``, systemd's default KillMode) reaches Spark's
        JVM too, whose shutdown hook may stop Spark before this runs: then there is nothing left to stop, and the
        checkpoints say where the next start resumes."""
        for owned in reversed(self.queries):
            try:
                owned.stop()
            except (Py4JError, OSError):  # OSError: the JVM's socket closed with it
                if not spark_stopped(self.spark):
                    raise
                log.warning(
                    "Spark had already stopped (its JVM received the signal too): the queries resume from their "
                    "checkpoints at the next start"
                )
                return


def spark_stopped(spark: SparkSession) -> bool:
    """Whether the session's SparkContext has stopped or its JVM is gone."""
    try:
        return bool(spark.sparkContext._jsc.sc().isStopped())
    except (Py4JError, OSError):
        return True
