"""A throwaway, isolated copy of the stream's surroundings, for tests and benchmarks.

Its own Hive database (the full schema), vitals and alert topics, checkpoint
folder and a threshold table (the capstone rules the tests' hand counts are
written for, unless told otherwise), so a run never touches the pipeline's real
data and runs side by side with others.
"""

from __future__ import annotations

from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from clients import hbase, kafka_acls
from hbase_setup.load import load
from hbase_setup.sources import CAPSTONE_SOURCE
from hive_ddl.apply import apply
from rds_schema import migrate
from settings import Settings
from sqoop.jobs import JobStore
from testkit import inbox

PATIENT_SCHEMA = (
    "patientid bigint, patientname string, patientaddress string, phone_number string, "
    "admitted_ward string, age int, other_details string, spo2_scale2 boolean, pregnant boolean, updated_at timestamp, "
    "date_of_birth date"
)


def scratch_settings(
    base: Settings, name: str, vitals_partitions: int = 2, threshold_source: Path = CAPSTONE_SOURCE
) -> Settings:
    """Settings whose database, topics, checkpoint and threshold table are ``name``'s own, created here
    (:func:`drop` removes them all)."""
    scoped = base.changed(
        names=base.names.scratch(name),
        hbase={"threshold_refresh_s": 0.0},
        stream={"patients_refresh_s": 0.0},
    )
    load(scoped, threshold_source, replace=True)
    apply(scoped)
    kafka_acls.provision(
        scoped,
        {name: vitals_partitions, scoped.names.topic_alerts: 1, scoped.names.topic_observations: 1},
        groups=(
            scoped.names.notifier_group,
            scoped.names.topic_notify_dead_letter,
        ),  # the dead letters' topic: the notifier's
    )
    return scoped


def patients_frame(spark: SparkSession, patients: list[tuple]) -> DataFrame:
    """(patientid, name, address, phone, ward, age[, date of birth]) tuples as rows of the patients table (SpO2
    scale 1, not pregnant)."""
    return spark.createDataFrame(
        [(*patient[:6], "scratch patient", False, False, None, (patient[6:7] or (None,))[0]) for patient in patients],
        PATIENT_SCHEMA,
    )


def add_patients(spark: SparkSession, settings: Settings, patients: list[tuple]) -> None:
    """Replace the scratch patients with (patientid, name, address, phone, ward, age[, date of birth]) tuples."""
    patients_frame(spark, patients).write.insertInto(f"{settings.names.hive_database}.patients", overwrite=True)


def drop(spark: SparkSession, settings: Settings) -> None:
    """Remove what :func:`scratch_settings` created: the database, the topics, the threshold table, and the saved
    Sqoop jobs named after the database (the pipeline's jobs, when a test ran them for the slice)."""
    spark.sql(f"DROP DATABASE IF EXISTS {settings.names.hive_database} CASCADE")
    jobs = JobStore(settings)
    for name in jobs.names():
        if name.startswith(f"{settings.names.hive_database}."):
            jobs.delete(name)
    kafka_acls.remove(settings, [settings.names.topic_vitals, *_notifier_names(settings)])
    drop_threshold_table(settings)


def drop_threshold_table(settings: Settings) -> None:
    """Delete ``settings.names.threshold_table`` from HBase (a test's or benchmark's own copy)."""
    connection = hbase.connect(settings.hbase)
    try:
        if settings.names.threshold_table.encode() in connection.tables():
            connection.delete_table(settings.names.threshold_table, disable=True)
    finally:
        connection.close()


def drop_notifier_slice(settings: Settings) -> None:
    """Remove a slice's notifier state (its group's beds), every escalation tier's SNS topic and the SQS inboxes
    subscribed to them, and its alert and observation topics (a slice's own: never the pipeline's)."""
    migrate.execute_as_owner(
        settings.rds, "DELETE FROM notifier_episodes WHERE notifier = %s", (settings.names.notifier_group,)
    )
    for tier in settings.alarm_tiers:
        inbox.remove(settings, tier.topic)
    kafka_acls.remove(settings, _notifier_names(settings))


def _notifier_names(settings: Settings) -> list[str]:
    """A slice's topics and group between the stream and the notifier (the ACLs on them go with them)."""
    return [
        settings.names.topic_alerts,
        settings.names.topic_observations,
        settings.names.topic_notify_dead_letter,
        settings.names.notifier_group,
    ]
