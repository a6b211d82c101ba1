"""Reference data the stream joins with, refreshed while it runs (never read once at start only)."""

from __future__ import annotations

import logging
import time

from pyspark.sql import DataFrame, SparkSession

from clients import hbase
from clients.spark import jvm
from hbase_setup import verify
from hbase_setup.repository import ThresholdIndex, ThresholdRepository
from hbase_setup.rules import InvalidThresholds
from runtime import operations
from settings import Settings

log = logging.getLogger(__name__)


class ReferenceData:
    """Patients (Hive) and thresholds (HBase), each refreshed on its own interval on the driver."""

    def __init__(self, spark: SparkSession, settings: Settings, audits_rules: bool = True):
        """``audits_rules``: this copy checks reloaded rules against the audit trail and tells operators; an
        application with two copies (landing and real-time alerting) lets one do it, not both."""
        self._spark = spark
        self._settings = settings
        self._thresholds = ThresholdRepository(lambda: hbase.connect(settings.hbase), settings.names.threshold_table)
        self._thresholds_checked = 0.0
        self._told = ""  # the last finding told to operators
        self._audits_rules = audits_rules
        self._patients: DataFrame | None = None
        self._patients_read = 0.0

    def thresholds(self) -> ThresholdIndex:
        """The current rules; HBase is asked whether they changed at most every PA_THRESHOLD_REFRESH_S.

        Rules fail closed: a table that is invalid, empty, or withdraws a band the rules in force have is refused
        (the last good rules stay, an ERROR is logged and operators are told on the operations topic); rules that
        match no audited load are taken but reported the same way."""
        now = time.monotonic()
        if now - self._thresholds_checked >= self._settings.hbase.threshold_refresh_s:
            self._thresholds_checked = now
            try:
                if self._thresholds.refresh_if_changed():
                    log.info(
                        "thresholds (re)loaded from HBase %s: %d rules",
                        self._settings.names.threshold_table,
                        len(self._thresholds.index.rules),
                    )
                    if self._audits_rules:
                        self._check_audited()
            except Exception as error:  # keep evaluating with the last good rules, and say so loudly
                if self._thresholds.loads == 0:
                    raise
                log.error("threshold refresh from HBase failed, keeping the last good rules: %s", error)
                if isinstance(error, InvalidThresholds) and self._audits_rules:
                    self._tell_operators("alert rules refused, the last good rules stay", str(error))
        return self._thresholds.index

    def _check_audited(self) -> None:
        """Report rules in force that no audited load left (changed through ``hbase shell`` or happybase)."""
        try:
            status = verify.status_of(self._settings, self._thresholds.rows)
        except Exception as error:  # RDS away: the rules are used all the same; the check waits for the next change
            log.warning("rules in force not checked against the audit trail (RDS): %s", error)
            return
        if status.audited is None:
            report = "\n".join(status.describe())
            log.error("thresholds in HBase %s: %s", self._settings.names.threshold_table, report)
            self._tell_operators("alert rules changed outside hbase_setup", report)

    def _tell_operators(self, what: str, details: str) -> None:
        """One notice per distinct finding on the operations topic (a refusal repeats at every refresh)."""
        if details == self._told:
            return
        self._told = details
        try:
            operations.announce(
                self._settings,
                f"{what} ({self._settings.names.threshold_table})",
                f"Thresholds in HBase table {self._settings.names.threshold_table}: {what}.\n\n{details}\n\n"
                "python -m hbase_setup show names the rules in force; python -m hbase_setup load FILE loads "
                "the intended rules (audited).",
                "alert_rules",
            )
        except Exception as error:  # the stream goes on; the ERROR above is the record
            log.error("could not tell operators on %s: %s", self._settings.names.sns_operations_topic, error)

    def patients(self) -> DataFrame:
        """health.patients, one row per patient id, cached and re-read every PA_PATIENTS_REFRESH_S.

        One row per id because readings are joined to it before they land: a patient listed twice (a table
        written by hand, not the Sqoop import of RDS's primary key) must not land a reading twice."""
        now = time.monotonic()
        if self._patients is None or now - self._patients_read >= self._settings.stream.patients_refresh_s:
            if self._patients is not None:
                self._patients.unpersist()
            self._spark.catalog.refreshTable(f"{self._settings.names.hive_database}.patients")
            self._patients = (
                self._spark.table(f"{self._settings.names.hive_database}.patients")
                .dropDuplicates(["patientid"])
                .cache()
            )
            self._patients_read = now
        return self._patients

    def patients_signature(self) -> tuple[str, ...]:
        """health.patients' location and files as the metastore and HDFS see them now.

        Read from the catalog and the file system, not through a DataFrame: a
        cached DataFrame of the table (the landing query keeps one) lists no
        files. A Sqoop import switches the location; any rewrite changes files.
        """
        table = f"{self._settings.names.hive_database}.patients"
        details = {row.col_name: row.data_type for row in self._spark.sql(f"DESCRIBE TABLE EXTENDED {table}").collect()}
        gateway = jvm(self._spark)
        location = gateway.org.apache.hadoop.fs.Path(details["Location"])
        filesystem = location.getFileSystem(self._spark.sparkContext._jsc.hadoopConfiguration())
        files = [
            f"{status.getPath().getName()}:{status.getLen()}:{status.getModificationTime()}"
            for status in filesystem.listStatus(location)
        ]
        return (details["Location"], *sorted(files))
