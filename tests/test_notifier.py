"""The notifier against moto's SNS server, reading deliveries back from a subscribed SQS queue."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import threading
import time
import uuid

import pytest

from clients import aws, kafka, mysql
from notifier import inbox as doctors_inbox
from notifier.service import Notifier
from producers import schema

START = dt.datetime(2026, 11, 24, 10, 0, 0)


@pytest.fixture
def notify_settings(running_stack, unique_name):
    schema.apply(running_stack)
    return dataclasses.replace(
        running_stack, topic_alerts=unique_name, sns_topic_name=unique_name, notifier_group=unique_name,
        topic_notify_dead_letter=unique_name + "_dlq", notify_quiet_s=120.0, notify_all_clear_s=60.0,
        notify_worsen_step=10.0, notify_max_attempts=3, notify_backoff_s=0.1)


def inbox(settings) -> str:
    return doctors_inbox.subscribe(settings)


def delivered(settings, url: str) -> list[dict]:
    return doctors_inbox.read_all(settings, url)


def alert(patient: int, second: int, value: float = 60.0, rule: str = "1", kind: str = "vital_out_of_range",
          attribute: str | None = "heartBeat") -> dict:
    """An alert as the stream puts it on doctors-queue (heart rate in rule 1's band 0-69 by default)."""
    return {"alert_id": uuid.uuid4().hex, "reading_id": second, "patient_id": patient, "kind": kind,
            "attribute": attribute, "rule_id": rule if kind == "vital_out_of_range" else None,
            "observed_value": value, "patient_name": "Ana Forty", "age": 40, "patient_address": "1 Elm St",
            "phone_number": "+1-555-0001", "admitted_ward": "ICU", "bp": 200.0, "heart_rate": value,
            "input_message_time": (START + dt.timedelta(seconds=second)).isoformat() + ".000Z",
            "alert_generated_time": "2026-11-24T10:30:00.000Z",
            "alert_message": "Low Heart Rate than Normal" if kind == "vital_out_of_range" else f"{kind} problem",
            "rule_low_value": 0.0 if kind == "vital_out_of_range" else None,
            "rule_high_value": 69.0 if kind == "vital_out_of_range" else None}


def queue(settings, alerts: list[dict]) -> None:
    producer = kafka.producer(settings)
    for item in alerts:
        producer.send(settings.topic_alerts, key=str(item["patient_id"]).encode(), value=json.dumps(item).encode())
    producer.flush()
    producer.close()


def subjects(messages: list[dict]) -> list[str]:
    return [message["Subject"] for message in messages]


def test_a_notification_carries_what_a_doctor_needs(notify_settings):
    url = inbox(notify_settings)
    item = alert(2001, 0)
    queue(notify_settings, [item])
    Notifier(notify_settings).run(until_idle_s=2)
    [message] = delivered(notify_settings, url)
    assert message["Subject"] == "URGENT ICU: Ana Forty (2001) Low Heart Rate than Normal"
    for text in ("Patient:        Ana Forty (id 2001), age 40", "Ward:           ICU", "Phone:          +1-555-0001",
                 "Address:        1 Elm St", "Vital:          heartBeat = 60.0 (rule 1)", "BP (systolic):  200.0",
                 "Reading time:   2026-11-24T10:00:00.000Z", f"Alert id:       {item['alert_id']}"):
        assert text in message["Message"]
    attributes = {name: value["Value"] for name, value in message["MessageAttributes"].items()}
    assert attributes == {"ward": "ICU", "kind": "vital_out_of_range", "severity": "high", "notification": "opened"}


def test_three_hundred_abnormal_readings_give_one_opening_and_reminders_not_a_storm(notify_settings):
    url = inbox(notify_settings)
    alerts = [alert(2001, second) for second in range(300)]
    queue(notify_settings, alerts)
    counts = Notifier(notify_settings).run(until_idle_s=2)
    assert subjects(delivered(notify_settings, url)) == [
        "URGENT ICU: Ana Forty (2001) Low Heart Rate than Normal",
        "REMINDER ICU: Ana Forty (2001) Low Heart Rate than Normal",    # 120 s quiet period
        "REMINDER ICU: Ana Forty (2001) Low Heart Rate than Normal"]    # 240 s
    connection = mysql.connect(notify_settings)
    cursor = connection.cursor()
    cursor.execute(f"SELECT outcome, COUNT(*) FROM notifier_alerts WHERE alert_id IN "
                   f"({', '.join(['%s'] * 300)}) GROUP BY outcome", [a["alert_id"] for a in alerts])
    outcomes = dict(cursor.fetchall())
    connection.close()
    assert outcomes == {"notified": 3, "suppressed": 297}
    assert counts["alerts"] == 300


def test_getting_worse_notifies_once_more_and_recovery_sends_all_clear(notify_settings):
    url = inbox(notify_settings)
    queue(notify_settings, [alert(2001, 0, 60), alert(2001, 10, 55),   # 5 further out: under the 10 step
                            alert(2001, 20, 45), alert(2001, 30, 44),   # 15 further: worse, once
                            alert(2002, 100)])                           # time moves on: 2001 silent for 70 s
    Notifier(notify_settings).run(until_idle_s=2)
    assert [subject.split(":")[0] for subject in subjects(delivered(notify_settings, url))] == [
        "URGENT ICU", "WORSE ICU", "URGENT ICU", "ALL CLEAR ICU"]


def test_data_quality_alerts_go_out_clearly_marked(notify_settings):
    url = inbox(notify_settings)
    queue(notify_settings, [alert(990001, 0, kind="unknown_patient", attribute=None),
                            alert(990001, 5, kind="unknown_patient", attribute=None)])
    Notifier(notify_settings).run(until_idle_s=2)
    [message] = delivered(notify_settings, url)
    assert message["Subject"].startswith("DATA QUALITY ICU:")
    assert message["MessageAttributes"]["severity"]["Value"] == "data-quality"


def test_a_crash_between_publish_and_offset_commit_sends_nothing_twice(notify_settings):
    url = inbox(notify_settings)
    queue(notify_settings, [alert(2001, 0), alert(2002, 0), alert(2003, 0)])
    first = Notifier(notify_settings)
    deadline = time.monotonic() + 30
    while first.counts["opened"] < 3 and time.monotonic() < deadline:
        first.poll_and_handle()
    first.close()  # dies here: published and recorded, offsets never committed
    restarted = Notifier(notify_settings)
    counts = restarted.run(until_idle_s=2)
    assert counts["repeat"] == 3 and counts["opened"] == 0
    assert len(delivered(notify_settings, url)) == 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_sns_endpoint_down_for_a_while_is_retried_and_delivers_when_back(notify_settings):
    from moto.server import ThreadedMotoServer

    port = _free_port()
    own = dataclasses.replace(notify_settings, sns_port=port, notify_max_attempts=8, notify_backoff_s=0.2)
    server = ThreadedMotoServer(ip_address=own.stack_host, port=port)
    server.start()
    url = inbox(own)
    notifier = Notifier(own)
    server.stop()  # the endpoint goes away; moto keeps the topic and queue in memory
    queue(own, [alert(2001, 0)])
    comeback = threading.Timer(2.0, lambda: ThreadedMotoServer(ip_address=own.stack_host, port=port).start())
    comeback.start()
    counts = notifier.run(until_idle_s=3)
    comeback.join()
    assert counts["opened"] == 1 and counts["dead_lettered"] == 0
    assert subjects(delivered(own, url)) == ["URGENT ICU: Ana Forty (2001) Low Heart Rate than Normal"]


def test_a_permanent_failure_goes_to_the_dead_letter_topic_and_the_service_goes_on(notify_settings):
    notifier = Notifier(notify_settings)
    aws.client(notify_settings, "sns").delete_topic(TopicArn=notifier.topic_arn)  # every publish now fails for good
    failing = alert(2001, 0)
    queue(notify_settings, [failing])
    counts = notifier.run(until_idle_s=2)
    consumer = kafka.consumer(notify_settings, notify_settings.topic_notify_dead_letter, consumer_timeout_ms=5000)
    dead = [json.loads(message.value) for message in consumer]
    consumer.close()
    assert counts["dead_lettered"] == 1
    assert dead[0]["alert"]["alert_id"] == failing["alert_id"] and "NotFound" in dead[0]["error"]
