"""What a doctors-queue record must be before the notifier acts on it: pure validation, no I/O.

A record that fails here is a poison record: the notifier sets it aside on its
dead-letter topic with the reason and its Kafka coordinates, commits past it
and carries on, so one bad record can never stop every doctor's notifications.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from contract.alerts import ALERT_KINDS, DECIMAL_ALERT_FIELDS


class PoisonRecord(ValueError):
    """The record cannot become a notification; the message says why."""


def parse_alert(value: bytes | None) -> dict[str, Any]:
    """The alert in a doctors-queue record, or :class:`PoisonRecord` naming the first problem."""
    alert = _json_object(value)
    if not isinstance(alert.get("alert_id"), str) or not alert["alert_id"]:
        raise PoisonRecord("missing or non-string alert_id")
    if alert.get("kind") not in ALERT_KINDS:
        raise PoisonRecord(f"unknown kind {alert.get('kind')!r} (known: {', '.join(ALERT_KINDS)})")
    _check_patient_and_time(alert)
    for field in DECIMAL_ALERT_FIELDS:
        value_of = alert.get(field)
        if value_of is not None and (isinstance(value_of, bool) or not isinstance(value_of, (int, float))):
            raise PoisonRecord(f"{field} {value_of!r} is not a number")
    return alert


def parse_observation(value: bytes | None) -> dict[str, Any]:
    """The observation in an observations-topic record (:data:`contract.alerts.OBSERVATION_FIELDS`), or
    :class:`PoisonRecord` naming the first problem."""
    observation = _json_object(value)
    _check_patient_and_time(observation)
    findings = observation.get("findings", [])
    if not isinstance(findings, list) or not all(isinstance(item, str) for item in findings):
        raise PoisonRecord(f"findings {findings!r} is not a list of texts")
    return observation


def _json_object(value: bytes | None) -> dict[str, Any]:
    """The record's value as a JSON object, which every record of the notifier's topics is."""
    if value is None:
        raise PoisonRecord("empty record (no value)")
    try:
        record = json.loads(value)
    except (ValueError, UnicodeDecodeError) as error:
        raise PoisonRecord(f"not JSON: {error}") from None
    if not isinstance(record, dict):
        raise PoisonRecord(f"not a JSON object but {type(record).__name__}")
    return record


def _check_patient_and_time(record: dict[str, Any]) -> None:
    """Whose reading it is, and when it was taken: what the episodes are keyed and ordered by."""
    if not isinstance(record.get("patient_id"), (int, str)) or isinstance(record.get("patient_id"), bool):
        raise PoisonRecord("missing patient_id")
    try:
        dt.datetime.fromisoformat(str(record.get("input_message_time")).replace("Z", "+00:00"))
    except ValueError:
        raise PoisonRecord(f"input_message_time {record.get('input_message_time')!r} is not an ISO-8601 time") from None
