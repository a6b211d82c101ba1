"""The alert record: its kinds, its fields and how urgent it is.

It carries the minimum a doctor needs to act (patient id and name, ward, bed, age, the vital or score, the
times); the patient's address and phone number stay in Hive's ``patients`` table.

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
    """How urgent an alert is: from its threshold rule (``alert:severity``, else urgent for an alerting rule),
    its NEWS2 risk (high critical; medium, or a single red parameter, urgent), advisory for data quality.
    Emails lead with it and SNS subscription filter policies select on it; ordered by :data:`SEVERITY_RANK`."""

    CRITICAL = "critical"
    URGENT = "urgent"
    ADVISORY = "advisory"


SEVERITY_RANK: dict[str, int] = {Severity.ADVISORY: 0, Severity.URGENT: 1, Severity.CRITICAL: 2}


class NotificationKind(enum.StrEnum):
    """Why a doctor is sent a message about a patient's episode; SNS's ``notification`` attribute carries it.

    Physiological alarms (opened, worse, escalation, reminder, all_clear) are kept apart from the technical ones
    (monitoring_lost, monitoring_restored), as IEC 60601-1-8 keeps them; data_quality is about the record.
    """

    OPENED = "opened"  # the patient's first confirmed finding
    WORSE = "worse"  # the episode's severity rose, or its NEWS2 by 2 or more
    ESCALATION = "escalation"  # nobody acknowledged it: the next tier is told
    REMINDER = "reminder"  # still unacknowledged at the last tier
    ALL_CLEAR = "all_clear"  # every finding normal in enough consecutive readings: evidence, never silence
    MONITORING_LOST = "monitoring_lost"  # the bed's readings stopped: a technical alarm, never an all-clear
    MONITORING_RESTORED = "monitoring_restored"  # readings came back after a monitoring-lost alarm
    DATA_QUALITY = "data_quality"  # the record cannot be judged (unknown patient, no band, a gap)


class AlertOutcome(enum.StrEnum):
    """How an alert ended at the notifier (RDS ``notifier_alerts.outcome``): every alert ends in one of them."""

    NOTIFIED = "notified"  # it caused a notification SNS accepted
    SUPPRESSED = "suppressed"  # folded into its patient's episode (unconfirmed, capped, or nothing new to tell)
    DEAD_LETTERED = "dead_lettered"  # SNS refused its notification: kept on the dead-letter topic to re-drive


TECHNICAL_NOTIFICATIONS = (NotificationKind.MONITORING_LOST, NotificationKind.MONITORING_RESTORED)


def finding_subject(kind: str, attribute: str | None) -> str:
    """What an alert is about within its patient's episode: the vital (or ``news2``) for a clinical alert, the
    kind and vital for a data-quality one. The stream computes the same text for its observation records
    (:func:`evaluation.evaluate.finding_subject_column`), so the two always agree."""
    if kind in (Outcome.VITAL_OUT_OF_RANGE, Outcome.NEWS2):
        return str(attribute)
    return f"{kind}:{attribute or '-'}"


# the alert record's fields -> Hive / Spark SQL type, in the order the table and the message have them
ALERT_FIELDS: dict[str, str] = {
    "alert_id": "string",
    "reading_id": "bigint",
    "patient_id": "bigint",
    "kind": "string",
    "severity": "string",
    "attribute": "string",
    "rule_id": "string",
    "observed_value": "double",
    "patient_name": "string",
    "age": "int",
    "admitted_ward": "string",
    "device_id": "string",
    "bp": "double",
    "heart_rate": "double",
    "input_message_time": "timestamp",
    "alert_generated_time": "timestamp",
    "alert_message": "string",
    "rule_low_value": "double",
    "rule_high_value": "double",
    "late": "boolean",
    "arrival_delay_s": "double",
    "age_months": "int",
}


# the observation record: one per reading of a known patient, on PA_TOPIC_OBSERVATIONS, so the notifier sees normal
# readings too (an all-clear needs evidence) and when a bed goes quiet (monitoring lost); ``findings`` lists the
# reading's alert subjects (:func:`finding_subject`), empty when every vital was normal
OBSERVATION_FIELDS: dict[str, str] = {
    "reading_id": "bigint",
    "patient_id": "bigint",
    "patient_name": "string",
    "age": "int",
    "admitted_ward": "string",
    "device_id": "string",
    "input_message_time": "timestamp",
    "news2_score": "int",
    "findings": "array<string>",
    "age_months": "int",
}
