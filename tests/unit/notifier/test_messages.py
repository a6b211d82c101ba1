"""What an email shows, without a server: what happened and how bad first, every finding in plain words, local
times, who is told, how to acknowledge; only the allowed fields; the patient by initials."""

from __future__ import annotations

import dataclasses

import pytest

import settings as settings_module
from contract.alerts import NotificationKind, Severity
from notifier.episodes import Notification
from notifier.messages import Composer
from settings.choices import PatientName
from tests.notifier_fixtures import START, alert, received_alert

SETTINGS = settings_module.load({})


def notification(kind: NotificationKind = NotificationKind.OPENED, tier: int = 0, **changes) -> Notification:
    worst = received_alert(
        {**alert(2001, 0, value=140.0, severity=Severity.CRITICAL), "alert_message": "High heart rate", **changes}
    )
    spo2 = received_alert(alert(2001, 0, value=88.0, attribute="spo2", severity=Severity.URGENT))
    return Notification(
        kind=kind,
        patient_id="2001",
        severity=worst.severity,
        alert=worst,
        context=worst.context,
        findings=(worst, spo2),
        opened_at=START.timestamp(),
        tier=tier,
        ack_code="K7Q2M9XP4T",
        alert_id=worst.alert_id,
    )


def test_the_subject_leads_with_the_severity_names_the_vital_plainly_and_the_patient_by_initials():
    composer = Composer.of(SETTINGS)
    assert composer.subject(notification()) == "CRITICAL ICU: A.F. (2001) Heart rate 140 beats/min (critical) +1 more"
    full = dataclasses.replace(composer, patient_name=PatientName.FULL)
    assert full.subject(notification()).startswith("CRITICAL ICU: Ana Forty (2001)")
    assert composer.subject(notification(NotificationKind.ESCALATION, tier=1)).startswith("ESCALATED CRITICAL ICU")
    assert composer.subject(notification(NotificationKind.MONITORING_LOST)).endswith("no readings: monitoring lost")


def test_the_body_lists_every_finding_in_local_time_with_the_tier_and_how_to_acknowledge():
    body = Composer.of(SETTINGS).body(notification(NotificationKind.ESCALATION, tier=2))
    assert "  - Heart rate 140 beats/min (critical), reading at 2026-11-24 10:00:00 GMT: High heart rate" in body
    assert "  - SpO2 88 % (urgent), reading at 2026-11-24 10:00:00 GMT" in body
    assert "heartBeat" not in body
    assert "Told:                   rapid response (tier 3 of 3)" in body
    assert "Bed on the dashboard:   http://127.0.0.1:8501/?ward=ICU#bed-2001" in body
    assert "Acknowledge:            http://127.0.0.1:8501/?ack=K7Q2M9XP4T" in body
    assert "python -m notifier ack K7Q2M9XP4T --by NAME" in body


def test_times_follow_the_wards_time_zone():
    composer = Composer.of(settings_module.load({"PA_ALARM_TIMEZONE": "America/New_York"}))
    assert "Episode since:          2026-11-24 05:00:00 EST" in composer.body(notification())
    with pytest.raises(settings_module.SettingsError, match="PA_ALARM_TIMEZONE"):
        settings_module.load({"PA_ALARM_TIMEZONE": "Mars/Olympus"})


def test_the_body_shows_only_the_fields_the_setting_allows():
    composer = Composer.of(settings_module.load({"PA_NOTIFY_EMAIL_FIELDS": "patient_id,admitted_ward"}))
    body = composer.body(notification())
    assert "Patient id:             2001" in body and "Ward:                   ICU" in body
    assert "Patient:" not in body and "Bed / device:" not in body and "A.F." not in body


def test_a_field_that_is_not_an_alert_field_is_refused_naming_the_setting():
    with pytest.raises(ValueError, match="PA_NOTIFY_EMAIL_FIELDS names \\['phone_number'\\]"):
        Composer.of(settings_module.load({"PA_NOTIFY_EMAIL_FIELDS": "patient_id,phone_number"}))


def test_a_malformed_escalation_tier_is_refused_naming_the_setting():
    with pytest.raises(settings_module.SettingsError, match="PA_ESCALATION_TIERS"):
        settings_module.load({"PA_ESCALATION_TIERS": "rapid response"})


def test_a_subject_stays_ascii_and_readable():
    temperature = received_alert(alert(2001, 0, value=34.0, attribute="body_temperature", severity=Severity.CRITICAL))
    note = Notification(
        NotificationKind.OPENED,
        "2001",
        Severity.CRITICAL,
        temperature,
        temperature.context,
        (temperature,),
        0.0,
        0,
        "K7Q2M9XP4T",
    )
    subject = Composer.of(SETTINGS).subject(note)
    assert subject == "CRITICAL ICU: A.F. (2001) Temperature 34 deg C (critical)" and subject.isascii()


def test_the_age_is_said_as_a_doctor_says_it_and_a_missing_field_as_not_known():
    composer = Composer.of(SETTINGS)
    assert "Age:                    7 months" in composer.body(notification(age=0, age_months=7))
    assert "Age:                    40 years" in composer.body(notification(age=40, age_months=None))
    assert "Bed / device:           not known" in composer.body(notification(device_id=None))
