"""What a doctors-queue or observations record must be before the notifier acts on it: the edge where JSON becomes
a typed record (:mod:`contract.records`). Pure validation, no I/O.

Every field is checked against the contract (:data:`contract.alerts.ALERT_FIELDS`, :data:`OBSERVATION_FIELDS`):
its type, a text's length within the column that stores it, a time's format, an id's shape. A record that fails
here is a poison record: the notifier sets it aside on its dead-letter topic with the reason and its Kafka
coordinates, commits past it and carries on, so one bad record can never stop every doctor's notifications, nor
be emailed and then fail to be recorded (and so be emailed again at every restart).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from typing import Any

from contract.alerts import ALERT_FIELDS, ALERT_KINDS, OBSERVATION_FIELDS, Severity
from contract.records import AlertRecord, ObservationRecord

ALERT_ID = re.compile(r"[0-9a-f]{32}")  # the stream's sha-256 prefix (notifier_alerts.alert_id is CHAR(32))
BIGINT = (-(2**63), 2**63 - 1)
INT = (-(2**31), 2**31 - 1)
TEXT_LIMIT = 2_000  # any other text: an alert message with its NEWS2 drivers and response is a few hundred
# texts stored or shown within a column's size (RDS patients_information, patients_vital_info)
TEXT_LIMITS = {"patient_name": 100, "admitted_ward": 32, "device_id": 64, "attribute": 64, "rule_id": 64}
FINDINGS_LIMIT = 64  # an observation names at most one finding per vital and NEWS2


class PoisonRecord(ValueError):
    """The record cannot become a notification; the message says why."""


def parse_alert(value: bytes | None) -> AlertRecord:
    """The alert in a doctors-queue record, or :class:`PoisonRecord` naming the first problem."""
    alert = _json_object(value)
    _check_fields(alert, ALERT_FIELDS)
    if not isinstance(alert.get("alert_id"), str) or not ALERT_ID.fullmatch(alert["alert_id"]):
        raise PoisonRecord(f"alert_id {_shown(alert.get('alert_id'))} is not 32 lower-case hex digits")
    if alert.get("kind") not in ALERT_KINDS:
        raise PoisonRecord(f"unknown kind {_shown(alert.get('kind'))} (known: {', '.join(ALERT_KINDS)})")
    if alert.get("severity") is not None and alert["severity"] not in set(Severity):
        raise PoisonRecord(f"unknown severity {_shown(alert['severity'])} (known: {', '.join(Severity)})")
    _check_patient_and_time(alert)
    return AlertRecord.from_json(alert)


def parse_observation(value: bytes | None) -> ObservationRecord:
    """The observation in an observations-topic record, or :class:`PoisonRecord` naming the first problem."""
    observation = _json_object(value)
    _check_fields(observation, OBSERVATION_FIELDS)
    _check_patient_and_time(observation)
    return ObservationRecord.from_json(observation)


def _json_object(value: bytes | None) -> dict[str, Any]:
    """The record's value as a JSON object, which every record of the notifier's topics is."""
    if value is None:
        raise PoisonRecord("empty record (no value)")
    try:
        record = json.loads(value)
    except (ValueError, UnicodeDecodeError) as error:
        raise PoisonRecord(f"not JSON: {error}") from None
    except RecursionError:  # nested past Python's recursion limit: a JSON value no producer of ours writes
        raise PoisonRecord("not JSON the notifier reads: nested too deeply") from None
    if not isinstance(record, dict):
        raise PoisonRecord(f"not a JSON object but {type(record).__name__}")
    return record


def _check_fields(record: dict[str, Any], contract: dict[str, str]) -> None:
    """Each field the contract names is absent, null, or of its type (JSON Spark wrote: numbers as numbers, times
    as ISO-8601 text); fields the contract does not name are ignored (a newer stream may add some)."""
    for name, kind in contract.items():
        value = record.get(name)
        if value is not None:
            problem = _CHECKS[kind](name, value)
            if problem:
                raise PoisonRecord(problem)


def _check_patient_and_time(record: dict[str, Any]) -> None:
    """Whose reading it is, and when it was taken: what the episodes are keyed and ordered by."""
    if record.get("patient_id") is None:
        raise PoisonRecord("missing patient_id")
    if record.get("input_message_time") is None:
        raise PoisonRecord("missing input_message_time")


def _shown(value: Any) -> str:
    """A value in a reason, cut short: a reason is read by an operator, not a second copy of the record."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _text(name: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{name} {_shown(value)} is not text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (JSON allows its escape): SNS could not take the message
        return f"{name} {_shown(value)} is not UTF-8 text"
    limit = TEXT_LIMITS.get(name, TEXT_LIMIT)
    if len(value) > limit:
        return f"{name} is {len(value):,} characters, more than the {limit} its column holds"
    return None


def _whole(bounds: tuple[int, int]) -> Callable[[str, Any], str | None]:
    def check(name: str, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} {_shown(value)} is not a whole number"
        if not bounds[0] <= value <= bounds[1]:
            return f"{name} {_shown(value)} is out of range"
        return None

    return check


def _number(name: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"{name} {_shown(value)} is not a finite number"
    return None


def _boolean(name: str, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{name} {_shown(value)} is not true or false"


def _time(name: str, value: Any) -> str | None:
    """An ISO-8601 time the notifier can place on its clock (epoch seconds, years 1970 to 9999: the year 1 read
    as local time is out of Python's range, and no reading is that old)."""
    if not isinstance(value, str) or len(value) > 40:
        return f"{name} {_shown(value)} is not an ISO-8601 time"
    try:
        seconds = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except (ValueError, OverflowError, OSError):
        return f"{name} {_shown(value)} is not an ISO-8601 time"
    if seconds < 0:
        return f"{name} {_shown(value)} is before 1970"
    return None


def _texts(name: str, value: Any) -> str | None:
    if not isinstance(value, list) or len(value) > FINDINGS_LIMIT:
        return f"{name} is not a list of at most {FINDINGS_LIMIT} texts"
    return next(filter(None, (_text(name, item) for item in value)), None)


_CHECKS: dict[str, Callable[[str, Any], str | None]] = {
    "string": _text,
    "bigint": _whole(BIGINT),
    "int": _whole(INT),
    "double": _number,
    "boolean": _boolean,
    "timestamp": _time,
    "array<string>": _texts,
}
