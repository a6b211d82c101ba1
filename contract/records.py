"""The alert and observation records as typed values, for the process that reads them off Kafka (the notifier).

The stream writes them as JSON (fields and types in :data:`contract.alerts.ALERT_FIELDS` and
:data:`OBSERVATION_FIELDS`); a consumer checks a record once at its edge (``notifier.alert_record``) and from then
on handles these values, never a ``dict`` whose keys a typo could miss. ``as_json`` gives back the wire form with
exactly the contract's fields, which is also how the notifier keeps them in its state and dead letters, so state
saved before these classes existed reads back unchanged.

Times stay the ISO-8601 text the stream wrote (what a message shows and the state keeps); ``event_s`` is the
reading's time on the epoch clock, parsed once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any, Self

from contract.alerts import ALERT_FIELDS, DATA_QUALITY_KINDS, OBSERVATION_FIELDS, Outcome, Severity


def event_seconds(iso_time: str) -> float:
    """An ISO-8601 time (``Z`` or an offset) on the epoch clock."""
    return dt.datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


@dataclass(frozen=True)
class PatientContext:
    """Who and where a record is about: the minimum a doctor needs to find the patient (both records carry it)."""

    patient_id: int | None = None
    patient_name: str | None = None
    age: int | None = None
    age_months: int | None = None
    admitted_ward: str | None = None
    device_id: str | None = None

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Self:
        return cls(**{item.name: record.get(item.name) for item in fields(cls)})

    def as_json(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}

    def updated(self, newer: PatientContext) -> PatientContext:
        """This context with what ``newer`` knows (a field ``newer`` lacks keeps its value)."""
        known = {name: value for name, value in newer.as_json().items() if value is not None}
        return replace(self, **known)


class _ReadingRecord:
    """What both records say of their reading: when it was taken and whose it is."""

    input_message_time: str

    def as_json(self) -> dict[str, Any]:
        raise NotImplementedError

    @cached_property
    def event_s(self) -> float:
        return event_seconds(self.input_message_time)

    @property
    def context(self) -> PatientContext:
        """Read straight off the record's attributes (it is asked of every record the notifier takes)."""
        return PatientContext(**{item.name: getattr(self, item.name) for item in fields(PatientContext)})


@dataclass(frozen=True)
class AlertRecord(_ReadingRecord):
    """One alert of one reading, as the stream queued it on doctors-queue (fields: :data:`ALERT_FIELDS`)."""

    alert_id: str
    reading_id: int | None
    patient_id: int
    kind: Outcome
    severity: Severity  # resolved at the edge: alerts queued before severities existed get their kind's default
    attribute: str | None
    rule_id: str | None
    observed_value: float | None
    patient_name: str | None
    age: int | None
    admitted_ward: str | None
    device_id: str | None
    bp: float | None
    heart_rate: float | None
    input_message_time: str
    alert_generated_time: str | None
    alert_message: str | None
    rule_low_value: float | None
    rule_high_value: float | None
    late: bool | None
    arrival_delay_s: float | None
    age_months: int | None

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Self:
        """The record of a checked JSON object (unknown fields, which a newer stream may add, are left out)."""
        kind = Outcome(record["kind"])
        default = Severity.ADVISORY if kind in DATA_QUALITY_KINDS else Severity.URGENT
        values: dict[str, Any] = {name: record.get(name) for name in ALERT_FIELDS}
        return cls(**{**values, "kind": kind, "severity": Severity(record.get("severity") or default)})

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ALERT_FIELDS}


@dataclass(frozen=True)
class ObservationRecord(_ReadingRecord):
    """One reading of a known patient, with the subjects of its alerts (fields: :data:`OBSERVATION_FIELDS`)."""

    reading_id: int | None
    patient_id: int
    patient_name: str | None
    age: int | None
    admitted_ward: str | None
    device_id: str | None
    input_message_time: str
    news2_score: int | None
    findings: tuple[str, ...]  # empty: every vital of the reading was normal
    age_months: int | None

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> Self:
        values: dict[str, Any] = {name: record.get(name) for name in OBSERVATION_FIELDS}
        return cls(**{**values, "findings": tuple(record.get("findings") or ())})

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OBSERVATION_FIELDS} | {"findings": list(self.findings)}
