"""The notifier's record checks without a server: every field against the contract, each refusal named."""

from __future__ import annotations

import json

import pytest

from contract.alerts import Outcome, Severity
from notifier.alert_record import PoisonRecord, parse_alert, parse_observation
from tests.notifier_fixtures import alert


def encoded(**changes) -> bytes:
    return json.dumps({**alert(2001, 0), **changes}).encode()


def test_an_alert_as_the_stream_writes_it_is_accepted_whole():
    sent = {**alert(2001, 0), "admitted_ward": "W" * 32, "device_id": "d" * 64}
    record = parse_alert(json.dumps(sent).encode())
    assert record.patient_id == 2001 and record.admitted_ward == "W" * 32 and record.kind is Outcome.VITAL_OUT_OF_RANGE
    assert record.as_json() == sent  # the wire form back, as the notifier's state and dead letters keep it


def test_an_alert_queued_before_severities_gets_its_kinds_default_and_a_newer_field_is_left_out():
    assert parse_alert(encoded(severity=None, added_later=1)).severity is Severity.URGENT
    unknown = encoded(severity=None, kind=Outcome.UNKNOWN_PATIENT, attribute=None, rule_id=None)
    assert parse_alert(unknown).severity is Severity.ADVISORY
    assert "added_later" not in parse_alert(encoded(added_later=1)).as_json()


@pytest.mark.parametrize(
    "value, reason",
    [
        (b"[" * 100_000 + b"]" * 100_000, "not JSON the notifier reads: nested too deeply"),
        (encoded(alert_id="f" * 33), "alert_id 'fffffffffffffffffffffffffffffffff' is not 32 lower-case hex digits"),
        (encoded(alert_id="F" * 32), "alert_id 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF' is not 32 lower-case hex digits"),
        (encoded(severity=["critical"]), "severity ['critical'] is not text"),
        (encoded(severity="apocalyptic"), "unknown severity 'apocalyptic'"),
        (encoded(patient_name={"first": "A"}), "patient_name {'first': 'A'} is not text"),
        (encoded(admitted_ward="W" * 33), "admitted_ward is 33 characters, more than the 32 its column holds"),
        (encoded(alert_message="m" * 2_001), "alert_message is 2,001 characters, more than the 2000 its column holds"),
        (encoded(patient_id=2**63), f"patient_id {2**63} is out of range"),
        (encoded(patient_id=True), "patient_id True is not a whole number"),
        (encoded(age=1.5), "age 1.5 is not a whole number"),
        (encoded(observed_value="NaN"), "observed_value 'NaN' is not a finite number"),
        (b'{"observed_value": NaN}', "observed_value nan is not a finite number"),
        (encoded(late="yes"), "late 'yes' is not true or false"),
        (encoded(input_message_time="yesterday"), "input_message_time 'yesterday' is not an ISO-8601 time"),
        (encoded(input_message_time=None), "missing input_message_time"),
        (encoded(patient_id=None), "missing patient_id"),
    ],
)
def test_a_record_outside_the_contract_is_refused_with_its_reason(value, reason):
    assert refusal(value).startswith(reason)


def refusal(value: bytes) -> str:
    """Why the notifier refuses ``value``; any other outcome fails the test (an exception would stop the
    notifier)."""
    try:
        parse_alert(value)
    except PoisonRecord as refused:
        return str(refused)
    except Exception as error:
        pytest.fail(f"not refused as a poison record but raised {error!r}")
    pytest.fail("accepted")


def test_an_observation_names_its_findings_as_texts():
    observation = {key: alert(2001, 0)[key] for key in ("reading_id", "patient_id", "input_message_time")}
    assert parse_observation(json.dumps({**observation, "findings": ["spo2"]}).encode()).findings == ("spo2",)
    with pytest.raises(PoisonRecord, match="findings is not a list of at most 64 texts"):
        parse_observation(json.dumps({**observation, "findings": "spo2"}).encode())
    with pytest.raises(PoisonRecord, match="findings is not a list of at most 64 texts"):
        parse_observation(json.dumps({**observation, "findings": ["x"] * 65}).encode())


@pytest.mark.parametrize(
    "value, reason",
    [
        (encoded(alert_generated_time="0001-01-01T00:00:00"), "alert_generated_time '0001-01-01T00:00:00' is not"),
        (
            encoded(input_message_time="1960-01-01T00:00:00Z"),
            "input_message_time '1960-01-01T00:00:00Z' is before 1970",
        ),
        (encoded(patient_name="A\ud800B"), "patient_name 'A\\ud800B' is not UTF-8 text"),
    ],
)
def test_times_the_clock_cannot_place_and_text_sns_cannot_carry_are_refused(value, reason):
    """Found by make fuzz: the year 1 made the email's local time fail; a lone surrogate would fail SNS's encoding."""
    assert refusal(value).startswith(reason)
