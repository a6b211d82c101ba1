"""The notifier tests' fixture and helpers: scoped settings, alerts as the stream queues them, an SNS inbox."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from clients import kafka, kafka_acls
from contract.alerts import Outcome, Severity
from contract.records import AlertRecord, ObservationRecord
from notifier.alert_record import parse_alert, parse_observation
from rds_schema import migrate
from settings import KafkaPrincipal
from testkit import inbox as doctors_inbox
from testkit import scratch
from testkit.alerts import alert_record

START = dt.datetime(2026, 11, 24, 10, 0, 0)


@pytest.fixture
def notify_settings(running_stack, unique_name):
    migrate.apply(running_stack)
    scoped = running_stack.changed(
        names={
            "topic_alerts": unique_name,
            "sns_topic": unique_name,
            "notifier_group": unique_name,
            "topic_notify_dead_letter": unique_name + "_dlq",
            "topic_observations": unique_name + "_observations",
        },
        notifier={
            "alarm_confirm_readings": 1,
            "escalation_tiers": f"ward doctor={unique_name}-doctor,rapid response={unique_name}-rapid",
            "notify_backoff_s": 0.1,
            "notify_backoff_max_s": 1.0,
        },
    )
    # the topics made before the notifier subscribes, with the ACLs of the pipeline's own (the dead letters' topic
    # is the notifier's to make)
    kafka_acls.provision(
        scoped,
        {scoped.names.topic_alerts: 1, scoped.names.topic_observations: 1},
        groups=(scoped.names.notifier_group, scoped.names.topic_notify_dead_letter),
    )
    yield scoped
    scratch.drop_notifier_slice(scoped)  # its beds, tier topics and inboxes, topics and their ACLs


def inbox(settings, tier: int = 0) -> str:
    """An SQS queue subscribed to the topic of escalation tier ``tier`` (0: the ward team's)."""
    return doctors_inbox.subscribe(settings, topic=settings.alarm_tiers[tier].topic)


def delivered(settings, url: str) -> list[dict]:
    return doctors_inbox.read_all(settings, url)


def alert(
    patient: int,
    second: int,
    value: float = 60.0,
    rule: str = "1",
    kind: str = Outcome.VITAL_OUT_OF_RANGE,
    attribute: str | None = "heartBeat",
    severity: str | None = None,
) -> dict:
    """An alert as the stream puts it on doctors-queue (heart rate in rule 1's band 0-69 by default)."""
    vital = kind == Outcome.VITAL_OUT_OF_RANGE
    return alert_record(
        alert_id=uuid.uuid4().hex,
        reading_id=second,
        patient_id=patient,
        kind=kind,
        severity=severity or (Severity.URGENT if vital else Severity.ADVISORY),
        attribute=attribute,
        rule_id=rule if vital else None,
        observed_value=value,
        patient_name="Ana Forty",
        age=40,
        admitted_ward="ICU",
        device_id=f"bed-{patient}",
        bp=200.0,
        heart_rate=value,
        input_message_time=(START + dt.timedelta(seconds=second)).isoformat() + ".000Z",
        alert_generated_time="2026-11-24T10:30:00.000Z",
        alert_message="Low Heart Rate than Normal" if vital else f"{kind} problem",
        rule_low_value=0.0 if vital else None,
        rule_high_value=69.0 if vital else None,
        late=False,
        arrival_delay_s=0.5,
    )


def received_alert(record: dict) -> AlertRecord:
    """An alert record as the notifier holds it once it passed the edge (JSON on the wire, then parsed)."""
    return parse_alert(json.dumps(record).encode())


def received_observation(record: dict) -> ObservationRecord:
    return parse_observation(json.dumps(record).encode())


def observation(patient: int, second: int, findings: list[str] | tuple = ()) -> dict:
    """A reading's observation record as the stream puts it on the observations topic."""
    return {
        "reading_id": second,
        "patient_id": patient,
        "patient_name": "Ana Forty",
        "age": 40,
        "admitted_ward": "ICU",
        "device_id": f"bed-{patient}",
        "input_message_time": (START + dt.timedelta(seconds=second)).isoformat() + ".000Z",
        "news2_score": None,
        "findings": list(findings),
    }


def queue(settings, alerts: list[dict], observations: list[dict] = (), stamped_from: float | None = None) -> None:
    """Alerts on doctors-queue and observations on theirs, as the stream sends them. ``stamped_from``: Kafka record
    times (the notifier's clock) follow the records' event times from this epoch second, as if the stream had
    sent each when it happened; default: now."""

    def send(topic: str, item: dict) -> None:
        at = None
        if stamped_from is not None:
            offset = dt.datetime.fromisoformat(item["input_message_time"].replace("Z", "")) - START
            at = int((stamped_from + offset.total_seconds()) * 1000)
        producer.send(topic, key=str(item["patient_id"]).encode(), value=json.dumps(item).encode(), timestamp_ms=at)

    producer = kafka.producer(settings.kafka, KafkaPrincipal.ADMIN)
    for item in alerts:
        send(settings.names.topic_alerts, item)
    for item in observations:
        send(settings.names.topic_observations, item)
    producer.flush()
    producer.close()


def committed(settings) -> int:
    """Offsets the notifier's consumer group has committed on its alert topic (0 when none)."""
    return kafka.committed(settings.kafka, settings.names.notifier_group, settings.names.topic_alerts)
