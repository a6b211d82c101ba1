"""The demo's alarm walk-through: a patient's critical SpO2 is told to the ward team, escalated to the ward doctor
when nobody acknowledges it, then acknowledged with the code its email carries, after which nothing more is sent.

It runs the real notifier, Kafka, RDS and SNS on topics and a notifier group of its own (removed afterwards), with
a short escalation interval so the walk-through takes seconds, not the default five minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import uuid

from clients import kafka, kafka_acls, mysql
from contract.alerts import Outcome, Severity
from notifier.service import Notifier
from runtime.waiting import wait_until
from settings import KafkaPrincipal, RdsAccount, Settings, environment
from testkit import inbox, scratch
from testkit.alerts import alert_record

ESCALATE_AFTER_S = 8.0
PATIENT = 910001


def walk_through(settings: Settings) -> None:
    name = f"demo_alarm_{uuid.uuid4().hex[:6]}"
    scoped = settings.changed(
        names={
            "topic_alerts": name,
            "topic_observations": f"{name}_observations",
            "topic_notify_dead_letter": f"{name}_dlq",
            "notifier_group": name,
            "sns_topic": name,
        },
        notifier={
            "escalation_tiers": f"ward doctor={name}-doctor,rapid response={name}-rapid",
            "escalate_after_s": ESCALATE_AFTER_S,
        },
    )
    kafka_acls.provision(
        scoped,
        {scoped.names.topic_alerts: 1, scoped.names.topic_observations: 1},
        groups=(scoped.names.notifier_group, scoped.names.topic_notify_dead_letter),
    )
    ward, doctor = (
        inbox.subscribe(scoped, topic=scoped.alarm_tiers[0].topic),
        inbox.subscribe(scoped, topic=scoped.alarm_tiers[1].topic),
    )
    try:
        _queue_two_critical_readings(scoped)
        notifier = Notifier(scoped)
        running = threading.Thread(target=notifier.run, kwargs={"until_idle_s": 3 * ESCALATE_AFTER_S})
        running.start()
        try:
            [opened] = _wait_for(scoped, ward)
            print(f"ward team told:  {opened['Subject']}")
            [escalated] = _wait_for(scoped, doctor)
            print(f"nobody acknowledged it in {ESCALATE_AFTER_S:g} s; ward doctor told:\n")
            print("\n".join(f"  {line}" for line in escalated["Message"].splitlines()))
            code = _ack_code(escalated["Message"])
            print(f"\n$ python -m notifier ack {code} --by 'Dr Rao, ward doctor'")
            answer = subprocess.run(
                [sys.executable, "-m", "notifier", "ack", code, "--by", "Dr Rao, ward doctor"],
                capture_output=True,
                text=True,
                env={**os.environ, **environment(scoped)},
                check=True,
            )
            print(answer.stdout.strip())
            print(f"(the email's link {scoped.dashboard.url}/?ack={code} records the same from the dashboard)")
        finally:
            running.join()
        later = inbox.read_all(scoped, doctor) + inbox.read_all(scoped, ward)
        print(f"after the acknowledgement, {3 * ESCALATE_AFTER_S:g} s more: {len(later)} further email(s)")
        for row in _audit(scoped, code):
            print(f"audit: {row}")
    finally:
        _remove(scoped)


def _queue_two_critical_readings(settings: Settings) -> None:
    """Two readings of SpO2 84 % (critical), as the stream sends them: the alert, then the reading's observation."""
    producer = kafka.producer(settings.kafka, KafkaPrincipal.STREAM)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for second in (2, 1):
        moment = (now - dt.timedelta(seconds=second)).isoformat() + "Z"
        alert = alert_record(
            alert_id=uuid.uuid4().hex,
            reading_id=second,
            patient_id=PATIENT,
            kind=Outcome.VITAL_OUT_OF_RANGE.value,
            severity=Severity.CRITICAL.value,
            attribute="spo2",
            observed_value=84.0,
            patient_name="Demo Patient",
            age=67,
            admitted_ward="ICU",
            device_id="icu-bed-7",
            input_message_time=moment,
            alert_message="SpO2 critically low",
        )
        observation = {
            **{k: alert[k] for k in ("reading_id", "patient_id", "patient_name", "age")},
            "findings": ["spo2"],
        }
        observation |= {"admitted_ward": "ICU", "device_id": "icu-bed-7", "input_message_time": moment}
        key = str(PATIENT).encode()
        producer.send(settings.names.topic_alerts, key=key, value=json.dumps(alert).encode())
        producer.send(settings.names.topic_observations, key=key, value=json.dumps(observation).encode())
    producer.flush()
    producer.close()


def _wait_for(settings: Settings, url: str, timeout_s: float = 60.0) -> list[dict]:
    found = wait_until(lambda: inbox.read_all(settings, url), timeout_s, every_s=0)
    if found:
        return found
    raise RuntimeError(f"no email arrived within {timeout_s:.0f} s; is the notifier's SNS endpoint up?")


def _ack_code(message: str) -> str:
    line = next(line for line in message.splitlines() if line.startswith("Acknowledgement code:"))
    return line.split()[2]


def _audit(settings: Settings, code: str) -> list[str]:
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT notification, tier_name, severity FROM alarm_escalations WHERE ack_code = %s ORDER BY id", [code]
        )
        rows = [f"{kind} to {tier} ({severity})" for kind, tier, severity in cursor.fetchall()]
        cursor.execute("SELECT acknowledged_by, via FROM alarm_acknowledgements WHERE ack_code = %s", [code])
        return rows + [f"acknowledged by {who} via {via}" for who, via in cursor.fetchall()]
    finally:
        connection.close()


def _remove(settings: Settings) -> None:
    scratch.drop_notifier_slice(settings)
