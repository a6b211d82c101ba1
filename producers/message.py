"""The message the producer publishes for one reading: pure conversion, no I/O.

Value (JSON): reading_id, patient_id, device_id, event_time (ISO-8601 UTC with
milliseconds), the vitals (numbers or null where a device has no sensor),
ingest_time and source. Key: the patient id, so one patient's readings stay in
one partition, in order.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from typing import Any

VITAL_FIELDS = ("heart_rate", "bp_systolic", "bp_diastolic", "spo2", "body_temperature", "respiratory_rate")
FIELDS = ("id", "patient_id", "device_id", "event_time", *VITAL_FIELDS, "ingest_time")


class Unpublishable(ValueError):
    """A row that cannot become a message; the reason goes to the dead-letter topic."""


def to_message(row: dict[str, Any], source: str) -> tuple[bytes | None, bytes]:
    """(key, value) for a row keyed by :data:`FIELDS` names; raises :class:`Unpublishable` with the reason."""
    reading_id = row.get("id")
    if reading_id is None:
        raise Unpublishable("the row has no id (the reading's primary key)")
    patient_id = _patient_id(row.get("patient_id"))
    value = {
        "reading_id": int(reading_id),
        "patient_id": patient_id,
        "device_id": _text(row.get("device_id"), "device_id"),
        "event_time": _timestamp(row.get("event_time"), "event_time"),
        **{field: _number(row.get(field), field) for field in VITAL_FIELDS},
        "ingest_time": _timestamp(row.get("ingest_time"), "ingest_time"),
        "source": source,
    }
    key = None if patient_id is None else str(patient_id).encode()
    return key, json.dumps(value, separators=(",", ":"), allow_nan=False).encode()


def dead_letter(row: dict[str, Any], reason: str, source: str) -> bytes:
    """The dead-letter record: the reason, where the row came from, and the row as text."""
    return json.dumps({"reason": reason, "source": source, "row": {k: repr(v) for k, v in row.items()}},
                      separators=(",", ":")).encode()


def _patient_id(raw: Any) -> int | None:
    if raw is None:
        return None
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise Unpublishable(f"patient id {raw!r} is not an integer") from None
    return number


def _number(raw: Any, field: str) -> float | None:
    if raw is None:
        return None
    if not isinstance(raw, (int, float, Decimal, str)):
        raise Unpublishable(f"{field} {raw!r} is not a number")
    try:
        number = float(raw)
    except ValueError:
        raise Unpublishable(f"{field} {raw!r} is not a number") from None
    if not math.isfinite(number):
        raise Unpublishable(f"{field} {raw!r} is not a finite number")
    return number


def _text(raw: Any, field: str) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, (bytes, bytearray)):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Unpublishable(f"{field} is not valid UTF-8") from None
    return str(raw)


def _timestamp(raw: Any, field: str) -> str | None:
    """RDS DATETIME values are UTC; they travel as ISO-8601 with milliseconds and 'Z'."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        moment = raw if raw.tzinfo is None else raw.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment.isoformat(timespec="milliseconds") + "Z"
    raise Unpublishable(f"{field} {raw!r} is not a timestamp")
