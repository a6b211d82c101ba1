"""Shared helpers of the streaming tests: test patients, readings to send, what Hive and the queue hold."""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import pytest

from clients import hive, kafka
from settings import KafkaPrincipal
from settings.choices import AlertPath
from streaming.app import StreamingApp
from streaming.landing import LandingQuery
from testkit import scratch

BATCH_S = 5.0  # the real-time query's batch duration in tests

PATIENTS = [  # patientid, name, address, phone, ward, age
    (2001, "Ana Forty", "1 Elm St", "+1-555-0001", "ICU", 40),
    (2002, "Bo FortyOne", "2 Oak Ave", "+1-555-0002", "Cardiology", 41),
    (2003, "Cy Hundred-and-one", "3 Pine Ct", "+1-555-0003", "General", 101),
]


def add_patients(spark, settings, patients=PATIENTS) -> None:
    scratch.add_patients(spark, settings, patients)


def reading(reading_id: int, patient_id: int, heart_rate, bp, second: int = 0, **extra) -> dict:
    return {
        "reading_id": reading_id,
        "patient_id": patient_id,
        "device_id": f"bed-{patient_id}",
        "event_time": f"2026-11-24T10:00:{second:02d}.000Z",
        "heart_rate": heart_rate,
        "bp_systolic": bp,
        "bp_diastolic": 80,
        "spo2": 97,
        "body_temperature": 36.8,
        "respiratory_rate": 16,
        **extra,
    }


def stamped(value: dict, moment: dt.datetime) -> dict:
    """``value`` with its event time set to ``moment`` (UTC)."""
    return {**value, "event_time": moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}


@contextlib.contextmanager
def scratch_stream(spark, base, name: str):
    """A scratch copy of the stream's surroundings with the test patients, dropped afterwards; the landing query
    publishes alerts itself (micro-batch path)."""
    scoped = scratch.scratch_settings(base, name).changed(stream={"alert_path": AlertPath.MICROBATCH})
    add_patients(spark, scoped)
    try:
        yield scoped
    finally:
        scratch.drop(spark, scoped)


@pytest.fixture
def stream_settings(spark, running_stack, hive_schema, unique_name):
    with scratch_stream(spark, running_stack, unique_name) as scoped:
        yield scoped


def run_available_now(spark, settings) -> LandingQuery:
    """Catch the landing query up with Kafka from its checkpoint, then stop."""
    job = LandingQuery(spark, settings, available_now=True)
    job.start().awaitTermination(timeout=180)
    return job


@pytest.fixture
def realtime_settings(spark, running_stack, hive_schema, unique_name):
    scoped = scratch.scratch_settings(running_stack, unique_name).changed(
        stream={"alert_path": AlertPath.REALTIME, "alert_batch_s": BATCH_S, "trigger_s": 1.0}
    )
    add_patients(spark, scoped)
    yield scoped
    scratch.drop(spark, scoped)


class Queue:
    """Everything on the doctors' queue so far, read incrementally."""

    def __init__(self, settings):
        self.consumer = kafka.consumer(
            settings.kafka, KafkaPrincipal.ADMIN, settings.names.topic_alerts, consumer_timeout_ms=500
        )
        self.messages: list[dict] = []

    def read(self) -> list[dict]:
        self.messages += [json.loads(message.value) for message in self.consumer]
        return self.messages

    @property
    def ids(self) -> set[str]:
        return {message["alert_id"] for message in self.read()}


def spark_count(spark, table: str) -> int:
    """Rows of ``table`` as the test's SparkSession sees them now (its cached file listing refreshed)."""
    spark.catalog.refreshTable(table)
    return spark.table(table).count()


def hive_alert_ids(spark, settings) -> set[str]:
    table = f"{settings.names.hive_database}.alerts"
    spark.catalog.refreshTable(table)
    return {row.alert_id for row in spark.table(table).select("alert_id").collect()}


@contextlib.contextmanager
def running_app(spark, settings):
    """The streaming application (landing + real-time alerting) in this process, and the queue it feeds."""
    queue = Queue(settings)
    app = StreamingApp(spark, settings)
    app.start()
    try:
        yield app, queue
    finally:
        app.stop()


def send(settings, values: list) -> None:
    producer = kafka.producer(settings.kafka, KafkaPrincipal.ADMIN)
    for value in values:
        payload = value if isinstance(value, bytes) else json.dumps(value).encode()
        producer.send(settings.names.topic_vitals, value=payload)
    producer.flush()
    producer.close()


def hive_rows(settings, sql: str) -> list[tuple]:
    """Query through HiveServer2, as analysts do (no REFRESH TABLE: each batch adds partitions of its own)."""
    return hive.query(settings.hive, sql)


def alert_messages(settings) -> list[dict]:
    return topic_messages(settings, settings.names.topic_alerts)


def topic_messages(settings, topic: str) -> list[dict]:
    consumer = kafka.consumer(settings.kafka, KafkaPrincipal.ADMIN, topic, consumer_timeout_ms=3000)
    messages = [json.loads(message.value) for message in consumer]
    consumer.close()
    return messages


def expected_capstone_alerts(sent: list[dict]) -> list[tuple]:
    """(reading id, rule or kind, attribute) of every alert the capstone rules and NEWS2 raise for ``sent``, from the
    plain-Python reference evaluator and the NEWS2 chart by hand, never from the code under test."""
    from contract.alerts import Outcome
    from hbase_setup.ages import months_of_years
    from hbase_setup.repository import ThresholdIndex
    from hbase_setup.rules import parse_rows
    from hbase_setup.sources import CAPSTONE_SOURCE, read_rows
    from testkit.reference_evaluator import ReferenceEvaluator

    evaluator = ReferenceEvaluator(ThresholdIndex(parse_rows(read_rows(CAPSTONE_SOURCE, "threshold_ref"))))
    ages = {patient[0]: patient[5] for patient in PATIENTS}
    expected = []
    for value in sent:
        if value["patient_id"] not in ages:
            expected.append((value["reading_id"], Outcome.UNKNOWN_PATIENT.value, None))
            continue
        for rule_or_kind, attribute in evaluator.alerts(value, months_of_years(ages[value["patient_id"]])):
            expected.append((value["reading_id"], rule_or_kind, attribute))
        # NEWS2, the other vitals normal (SpO2 97, 36.8 degrees, 16 breaths): systolic 220 or more scores 3, a single
        # red parameter; heart rate 91-99 adds 1 at most: low-medium
        if value["bp_systolic"] >= 220:
            expected.append((value["reading_id"], "news2:low-medium", Outcome.NEWS2.value))
    return sorted(expected)
