"""The alert record: its kinds, its fields and how urgent a notification about it is.

The same record is a row of Hive's ``alerts`` table (hive_ddl/040_alerts.sql,
checked against :data:`ALERT_FIELDS` by the unit tests) and a JSON message on
``doctors-queue``.
"""

from __future__ import annotations

import enum


class Outcome(enum.StrEnum):
    """What checking one vital of one reading found; the values are what Hive's ``kind`` column and the queue carry.

    Every outcome in :data:`ALERT_KINDS` becomes an alert row; ``normal`` and ``not_monitored`` do not.
    """

    NORMAL = "normal"  # a rule with alert_flag 0 matched
    NOT_MONITORED = "not_monitored"  # no rule exists for this vital at all
    VITAL_OUT_OF_RANGE = "vital_out_of_range"  # a rule with alert_flag 1 matched
    VALUE_IN_GAP = "value_in_gap"  # bands exist for the age, the value falls between them
    NO_BAND_FOR_AGE = "no_band_for_age"  # no band covers the patient's age (or the age is unknown)
    UNKNOWN_PATIENT = "unknown_patient"  # the reading's patient id is not in ``patients``
    NEWS2 = "news2"  # the reading's NEWS2 risk is medium or high, or one parameter scored 3


ALERT_KINDS: tuple[Outcome, ...] = (
    Outcome.VITAL_OUT_OF_RANGE,
    Outcome.VALUE_IN_GAP,
    Outcome.NO_BAND_FOR_AGE,
    Outcome.UNKNOWN_PATIENT,
    Outcome.NEWS2,
)
# the kinds about the data, not the patient: their episodes close quietly, without an all-clear
DATA_QUALITY_KINDS: tuple[Outcome, ...] = (Outcome.VALUE_IN_GAP, Outcome.NO_BAND_FOR_AGE, Outcome.UNKNOWN_PATIENT)


class Severity(enum.StrEnum):
    """How urgent a notification is; SNS subscription filter policies select on these values."""

    HIGH = "high"  # a vital newly out of range, or worse than when the doctor was told
    MEDIUM = "medium"  # a reminder: still out of range after the quiet period
    DATA_QUALITY = "data-quality"  # the data, not the patient, needs someone's attention
    INFO = "info"  # all clear


# the alert record's fields -> Hive / Spark SQL type, in the order the table and the message have them
ALERT_FIELDS: dict[str, str] = {
    "alert_id": "string",
    "reading_id": "bigint",
    "patient_id": "bigint",
    "kind": "string",
    "attribute": "string",
    "rule_id": "string",
    "observed_value": "double",
    "patient_name": "string",
    "age": "int",
    "patient_address": "string",
    "phone_number": "string",
    "admitted_ward": "string",
    "bp": "double",
    "heart_rate": "double",
    "input_message_time": "timestamp",
    "alert_generated_time": "timestamp",
    "alert_message": "string",
    "rule_low_value": "double",
    "rule_high_value": "double",
    "late": "boolean",
    "arrival_delay_s": "double",
}
DECIMAL_ALERT_FIELDS: tuple[str, ...] = tuple(name for name, kind in ALERT_FIELDS.items() if kind == "double")
