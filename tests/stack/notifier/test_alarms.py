"""The alarm rules through the real notifier: Kafka's two topics, RDS, moto's SNS with a topic per escalation tier.

Records are stamped with Kafka times that follow their readings (as the stream stamps them when it runs in real
time), ending now, so the notifier's clock replays the minutes the test covers without waiting for them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from clients import mysql
from contract.alerts import Severity
from notifier.service import Notifier
from runtime.waiting import wait_until
from settings import RdsAccount, environment
from tests.notifier_fixtures import alert, delivered, inbox, observation, queue


@pytest.fixture
def alarm_settings(notify_settings):
    """The alarm rules' defaults (two readings confirm a finding), tiers of the test's own."""
    return notify_settings.changed(notifier={"alarm_confirm_readings": 2})


def readings(patient: int, seconds, *vitals: tuple[str, float, str]) -> tuple[list[dict], list[dict]]:
    """Each second's alerts for (vital, value, severity), and each reading's observation."""
    alerts = [
        alert(patient, second, value=value, attribute=attribute, severity=severity, rule=attribute)
        for second in seconds
        for attribute, value, severity in vitals
    ]
    observations = [observation(patient, second, [attribute for attribute, _, _ in vitals]) for second in seconds]
    return alerts, observations


def kinds(messages: list[dict]) -> list[str]:
    return [message["MessageAttributes"]["notification"]["Value"] for message in messages]


def run_until_idle(settings, alerts: list[dict], observations: list[dict], span_s: float) -> None:
    queue(settings, alerts, observations, stamped_from=time.time() - span_s)
    Notifier(settings).run(until_idle_s=2)


def test_a_septic_patient_for_ten_minutes_gets_at_most_the_capped_number_of_emails(alarm_settings):
    s = alarm_settings
    ward, doctor, rapid = inbox(s, 0), inbox(s, 1), inbox(s, 2)
    critical = [("heartBeat", 140, "critical"), ("bp", 85, "critical"), ("respiratory_rate", 30, "critical")]
    alerts, observations = readings(2001, range(0, 605, 5), *critical, ("spo2", 88, "critical"))
    run_until_idle(s, alerts, observations, span_s=605)
    told = [delivered(s, ward), delivered(s, doctor), delivered(s, rapid)]
    assert [kinds(messages) for messages in told] == [["opened"], ["escalation"], ["escalation"]]
    assert sum(len(messages) for messages in told) <= s.notifier.alarm_max_per_hour
    opened = told[0][0]
    assert opened["Subject"].startswith("CRITICAL ICU: A.F. (2001) ") and "+3 more" in opened["Subject"]
    for vital in ("Heart rate 140", "Systolic BP 85", "Respiratory rate 30", "SpO2 88"):
        assert vital in opened["Message"]
    connection = mysql.connect(s.rds, RdsAccount.MIGRATION)
    cursor = connection.cursor()
    cursor.execute(
        "SELECT notification, tier, tier_name FROM alarm_escalations WHERE sns_topic IN (%s, %s) ORDER BY id",
        [s.alarm_tiers[1].topic, s.alarm_tiers[2].topic],
    )
    assert cursor.fetchall() == [("escalation", 1, "ward doctor"), ("escalation", 2, "rapid response")]
    connection.close()


def test_a_value_flapping_between_bands_sends_no_worse(alarm_settings):
    s = alarm_settings
    url = inbox(s)
    alerts, observations = [], []
    for index, second in enumerate(range(0, 300, 5)):
        severity = Severity.CRITICAL if index % 2 else Severity.URGENT
        more_alerts, more_observations = readings(2001, [second], ("spo2", 91 if index % 2 else 92, severity))
        alerts += more_alerts
        observations += more_observations
    run_until_idle(s, alerts, observations, span_s=300)
    assert kinds(delivered(s, url)) == ["opened"]


def test_a_monitor_gone_silent_while_critical_is_monitoring_lost_never_all_clear(alarm_settings):
    s = alarm_settings
    url = inbox(s)
    silent_alerts, silent_observations = readings(2001, range(0, 15, 5), ("spo2", 85, "critical"))
    _, other_observations = readings(2002, range(0, 300, 5))  # another patient's readings go on, normal
    run_until_idle(s, silent_alerts, silent_observations + other_observations, span_s=300)
    messages = delivered(s, url)
    assert kinds(messages) == ["opened", "monitoring_lost"]
    lost = messages[1]
    assert "(2001) no readings: monitoring lost" in lost["Subject"]
    assert lost["MessageAttributes"]["alarm"]["Value"] == "technical"
    assert lost["MessageAttributes"]["severity"]["Value"] == "critical"


def test_a_device_clock_290_s_fast_changes_no_other_patients_episode(alarm_settings):
    s = alarm_settings
    url = inbox(s)
    first_alerts, first_observations = readings(2001, range(0, 30, 5), ("spo2", 85, "critical"))
    fast_alerts, fast_observations = readings(2002, range(290, 320, 5), ("heartBeat", 45, "urgent"))
    queue(s, first_alerts + fast_alerts, first_observations + fast_observations)
    Notifier(s).run(until_idle_s=2)
    by_patient = {"2001": [], "2002": []}
    for message in delivered(s, url):
        by_patient["2001" if "(2001)" in message["Subject"] else "2002"].append(kinds([message])[0])
    assert by_patient == {"2001": ["opened"], "2002": ["opened"]}


def test_an_unacknowledged_critical_escalates_once_and_an_acknowledgement_stops_it(alarm_settings):
    s = alarm_settings.changed(notifier={"escalate_after_s": 4.0, "monitoring_lost_s": 600.0})
    ward, doctor, rapid = inbox(s, 0), inbox(s, 1), inbox(s, 2)
    alerts, observations = readings(2001, [0, 5], ("spo2", 85, "critical"))
    queue(s, alerts, observations)
    notifier = Notifier(s)
    running = threading.Thread(target=notifier.run, kwargs={"until_idle_s": 14})
    running.start()
    try:
        escalated = wait_until(lambda: delivered(s, doctor), 60, every_s=0)
        assert kinds(escalated) == ["escalation"]
        code = next(line for line in escalated[0]["Message"].splitlines() if line.startswith("Acknowledgement code:"))
        code = code.split()[2]
        answer = subprocess.run(
            [sys.executable, "-m", "notifier", "ack", code, "--by", "Dr Rao, ward doctor"],
            capture_output=True,
            text=True,
            env={**os.environ, **environment(s)},
        )
        assert answer.returncode == 0, answer.stderr
        assert f"acknowledged: patient 2001's alarm episode ({code}) by Dr Rao, ward doctor" in answer.stdout
    finally:
        running.join(timeout=60)
    assert not running.is_alive()
    assert kinds(delivered(s, ward)) == ["opened"]
    assert delivered(s, doctor) == [] and delivered(s, rapid) == []  # acknowledged: no further tier, no reminder
    assert notifier.counts["acknowledged"] == 1 and notifier.tracker.beds["2001"].acknowledged_by == (
        "Dr Rao, ward doctor"
    )
    again = subprocess.run(
        [sys.executable, "-m", "notifier", "ack", "NOSUCHCODE", "--by", "someone"],
        capture_output=True,
        text=True,
        env={**os.environ, **environment(s)},
    )
    assert again.returncode == 1 and "no acknowledgement recorded for NOSUCHCODE" in again.stderr
