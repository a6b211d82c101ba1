"""Hive's alerts on the real-time path come from doctors-queue: what the real-time query sent lands once, whatever
repeats its at-least-once delivery makes, and what the micro-batch path sent (it lands its own) is left alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from clients import kafka
from contract.alerts import ALERT_FIELDS
from streaming.landing import LandingQuery
from streaming.queued_alerts import HEADER_KEY, REALTIME
from tests.streaming_fixtures import hive_rows


def sent_alert(alert_id: str, reading_id: int, moment: dt.datetime) -> dict:
    """An alert record as the real-time path writes it on doctors-queue (every field of the contract)."""
    values = {name: None for name in ALERT_FIELDS}
    return values | {
        "alert_id": alert_id,
        "reading_id": reading_id,
        "patient_id": 2001,
        "kind": "vital_out_of_range",
        "severity": "urgent",
        "attribute": "heartBeat",
        "rule_id": "1",
        "observed_value": 60.0,
        "input_message_time": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "alert_generated_time": moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "alert_message": "heart rate lower than normal",
        "late": True,
    }


def publish(settings, alerts: list[dict], realtime: bool = True) -> None:
    producer = kafka.producer(settings)
    headers = [(HEADER_KEY, REALTIME)] if realtime else []
    for alert in alerts:
        producer.send(settings.topic_alerts, key=b"2001", value=json.dumps(alert).encode(), headers=headers)
    producer.flush()
    producer.close()


def land(spark, settings) -> LandingQuery:
    """The landing query as it runs beside the real-time query: it evaluates nothing itself."""
    job = LandingQuery(spark, settings, available_now=True, evaluates=False)
    job.start().awaitTermination(timeout=180)
    return job


def test_the_real_time_paths_alerts_land_once_and_the_micro_batch_paths_are_left_alone(spark, stream_settings):
    s = stream_settings
    db = s.hive_database
    two_hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)  # older than the deduplication window
    first, second = sent_alert("rt-1", 1, two_hours_ago), sent_alert("rt-2", 2, two_hours_ago)
    publish(s, [first, first, second])  # delivered at least once: rt-1 twice
    publish(s, [sent_alert("mb-1", 3, two_hours_ago)], realtime=False)  # the micro-batch path's: it lands its own
    job = land(spark, s)

    landed = hive_rows(s, f"SELECT alert_id, reading_id, alert_date, late FROM {db}.alerts ORDER BY alert_id")
    day = two_hours_ago.date().isoformat()
    assert landed == [("rt-1", 1, day, True), ("rt-2", 2, day, True)]
    assert job.outcomes == {"vital_out_of_range": 2} and job.landed == 0 and job.rejected == 0

    # a new checkpoint reads every copy again, beyond what any state remembers: Hive's alerts are checked
    reset = dataclasses.replace(s, stream_checkpoint_name=s.stream_checkpoint_name + "_reset")
    publish(s, [sent_alert("rt-3", 4, two_hours_ago), second])
    land(spark, reset)

    ids = [row[0] for row in hive_rows(s, f"SELECT alert_id FROM {db}.alerts")]
    assert sorted(ids) == ["rt-1", "rt-2", "rt-3"]
