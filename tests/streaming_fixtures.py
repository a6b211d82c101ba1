"""Shared helpers of the streaming tests: test patients, readings to send, what Hive and the queue hold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from clients import hive, kafka
from streaming import scratch
from streaming.job import LandingJob

PATIENTS = [  # patientid, name, address, phone, ward, age
    (2001, "Ana Forty", "1 Elm St", "+1-555-0001", "ICU", 40),
    (2002, "Bo FortyOne", "2 Oak Ave", "+1-555-0002", "Cardiology", 41),
    (2003, "Cy Hundred-and-one", "3 Pine Ct", "+1-555-0003", "General", 101),
]


def add_patients(spark, settings, patients=PATIENTS) -> None:
    scratch.add_patients(spark, settings, patients)


def reading(reading_id: int, patient_id: int, heart_rate, bp, second: int = 0, **extra) -> dict:
    return {"reading_id": reading_id, "patient_id": patient_id, "device_id": f"bed-{patient_id}",
            "event_time": f"2026-11-24T10:00:{second:02d}.000Z", "heart_rate": heart_rate, "bp_systolic": bp,
            "bp_diastolic": 80, "spo2": 97, "body_temperature": 36.8, "respiratory_rate": 16, **extra}


def stamped(value: dict, moment: dt.datetime) -> dict:
    """``value`` with its event time set to ``moment`` (UTC)."""
    return {**value, "event_time": moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"}


@pytest.fixture
def stream_settings(spark, running_stack, hive_schema, unique_name):
    """A scratch copy of the stream's surroundings; the landing query publishes alerts itself (micro-batch path)."""
    scoped = dataclasses.replace(scratch.scratch_settings(running_stack, unique_name), alert_path="microbatch")
    add_patients(spark, scoped)
    yield scoped
    scratch.drop(spark, scoped)


def run_available_now(spark, settings) -> LandingJob:
    """Catch the landing query up with Kafka from its checkpoint, then stop."""
    job = LandingJob(spark, settings)
    job.start(available_now=True).awaitTermination(timeout=180)
    return job


def send(settings, values: list) -> None:
    producer = kafka.producer(settings)
    for value in values:
        payload = value if isinstance(value, bytes) else json.dumps(value).encode()
        producer.send(settings.topic_vitals, value=payload)
    producer.flush()
    producer.close()


def hive_rows(settings, sql: str) -> list[tuple]:
    """Query through HiveServer2 (what analysts use), after refreshing the table's cached file listing."""
    table = sql.split(" FROM ")[1].split()[0]
    hive.query(settings, f"REFRESH TABLE {table}")
    return hive.query(settings, sql)


def alert_messages(settings) -> list[dict]:
    consumer = kafka.consumer(settings, settings.topic_alerts, consumer_timeout_ms=3000)
    messages = [json.loads(message.value) for message in consumer]
    consumer.close()
    return messages
