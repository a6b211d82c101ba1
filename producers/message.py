"""The message the producer publishes for one reading: pure conversion, no I/O.

Value (JSON): reading_id, patient_id, device_id, event_time (ISO-8601 UTC with
milliseconds), the vitals (numbers or null where a device has no sensor),
ingest_time and source. Key: the patient id, so one patient's readings stay in
one partition, in order.

Rows arrive as MySQL's text protocol gives them (bytes, or None for NULL):
the JSON is written straight from that text, because converting every value
to a Python object first cost more than everything else the producer does.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence

from contract.vitals import OBSERVATION_TYPES, VITAL_FIELDS

FIELDS = ("id", "patient_id", "device_id", "event_time", *VITAL_FIELDS, *OBSERVATION_TYPES, "ingest_time")

RawValue = bytes | bytearray | None
_TIMESTAMP = re.compile(rb"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?$")


class Unpublishable(ValueError):
    """A row that cannot become a message; the reason goes to the dead-letter topic."""


class MessageEncoder:
    """Encodes raw rows whose columns are ``fields`` (a subset of :data:`FIELDS`, ``id`` and ``patient_id`` first
    among the required ones) into (key, value) pairs."""

    def __init__(self, fields: Sequence[str], source: str):
        position = {field: index for index, field in enumerate(fields)}
        self._fields = list(fields)
        self._id, self._patient = position["id"], position["patient_id"]
        self._device = position.get("device_id")
        self._times = [(field, position.get(field)) for field in ("event_time", "ingest_time")]
        self._vitals = [(field, position.get(field)) for field in VITAL_FIELDS]
        self._oxygen = position.get("supplemental_oxygen")
        self._consciousness = position.get("consciousness")
        self._tail = b',"source":' + json.dumps(source).encode() + b"}"

    def encode(self, row: Sequence[RawValue]) -> tuple[bytes | None, bytes]:
        """(key, value) for one raw row; raises :class:`Unpublishable` with the reason."""
        raw_id = row[self._id]
        if raw_id is None:
            raise Unpublishable("the row has no id (the reading's primary key)")
        patient = _integer(row[self._patient], "patient id")
        key = None if patient is None else b"%d" % patient
        parts = [
            b'{"reading_id":%d,"patient_id":' % int(raw_id),
            key or b"null",
            b',"device_id":',
            _text(None if self._device is None else row[self._device], "device_id"),
        ]
        times = {field: _timestamp(None if index is None else row[index], field) for field, index in self._times}
        parts += [b',"event_time":', times["event_time"]]
        for field, index in self._vitals:
            parts += [b',"%s":' % field.encode(), _number(None if index is None else row[index], field)]
        if self._oxygen is not None:
            parts += [b',"supplemental_oxygen":', _flag(row[self._oxygen], "supplemental_oxygen")]
        if self._consciousness is not None:
            parts += [b',"consciousness":', _text(row[self._consciousness], "consciousness")]
        parts += [b',"ingest_time":', times["ingest_time"], self._tail]
        return key, b"".join(parts)

    def as_text(self, row: Sequence[RawValue]) -> dict[str, str | None]:
        """The row for a dead-letter record: each column as text."""
        return {
            field: None if value is None else bytes(value).decode(errors="replace")
            for field, value in zip(self._fields, row)
        }


def dead_letter(row: dict[str, str | None], reason: str, source: str) -> bytes:
    """The dead-letter record: the reason, where the row came from, and the row as text."""
    return json.dumps({"reason": reason, "source": source, "row": row}, separators=(",", ":")).encode()


def _integer(raw: RawValue, what: str) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Unpublishable(f"{what} {bytes(raw).decode(errors='replace')!r} is not an integer") from None


def _number(raw: RawValue, field: str) -> bytes:
    if raw is None:
        return b"null"
    try:
        number = float(raw)
    except ValueError:
        raise Unpublishable(f"{field} {bytes(raw).decode(errors='replace')!r} is not a number") from None
    if not math.isfinite(number):
        raise Unpublishable(f"{field} {bytes(raw).decode(errors='replace')!r} is not a finite number")
    return repr(number).encode()  # canonical JSON number whatever the column's text looked like


def _flag(raw: RawValue, field: str) -> bytes:
    """A MySQL BOOLEAN (TINYINT) as JSON true/false."""
    if raw is None:
        return b"null"
    if bytes(raw) not in (b"0", b"1"):
        raise Unpublishable(f"{field} {bytes(raw).decode(errors='replace')!r} is not 0 or 1")
    return b"true" if bytes(raw) == b"1" else b"false"


def _text(raw: RawValue, field: str) -> bytes:
    if raw is None:
        return b"null"
    try:
        return json.dumps(bytes(raw).decode("utf-8")).encode()
    except UnicodeDecodeError:
        raise Unpublishable(f"{field} is not valid UTF-8") from None


def _timestamp(raw: RawValue, field: str) -> bytes:
    """RDS DATETIME text is UTC; it travels as ISO-8601 with milliseconds and 'Z'."""
    if raw is None:
        return b"null"
    match = _TIMESTAMP.match(raw)
    if match is None:
        raise Unpublishable(f"{field} {bytes(raw).decode(errors='replace')!r} is not a timestamp")
    fraction = (match.group(3) or b".")[1:4].ljust(3, b"0")
    return b'"%s"' % (match.group(1) + b"T" + match.group(2) + b"." + fraction + b"Z")
