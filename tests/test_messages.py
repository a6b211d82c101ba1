"""What an email shows, without a server: the allowed fields only, the patient by initials, severity first."""

from __future__ import annotations

import dataclasses

import pytest

import settings as settings_module
from notifier.episodes import Notification
from notifier.messages import Composer
from settings.choices import PatientName
from tests.notifier_fixtures import alert


def opened(**changes) -> Notification:
    return Notification("opened", {**alert(2001, 0), **changes}, "2001/heartBeat", 0.0)


def test_the_subject_leads_with_the_severity_and_names_the_patient_by_initials():
    composer = Composer.of(settings_module.load({}))
    assert composer.subject(opened()) == "URGENT ICU: A.F. (2001) Low Heart Rate than Normal"
    assert composer.subject(opened(severity="critical")).startswith("CRITICAL ICU: A.F. (2001)")
    full = dataclasses.replace(composer, patient_name=PatientName.FULL)
    assert full.subject(opened()) == "URGENT ICU: Ana Forty (2001) Low Heart Rate than Normal"


def test_the_body_shows_only_the_fields_the_setting_allows():
    composer = Composer.of(settings_module.load({"PA_NOTIFY_EMAIL_FIELDS": "patient_id,admitted_ward"}))
    body = composer.body(opened())
    assert "Patient id:             2001" in body and "Ward:                   ICU" in body
    assert "A.F." not in body and "heartBeat" not in body and "bed-2001" not in body


def test_a_field_that_is_not_an_alert_field_is_refused_naming_the_setting():
    with pytest.raises(ValueError, match="PA_NOTIFY_EMAIL_FIELDS names \\['phone_number'\\]"):
        Composer.of(settings_module.load({"PA_NOTIFY_EMAIL_FIELDS": "patient_id,phone_number"}))
