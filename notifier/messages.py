"""What a doctor reads: a short subject led by the alert's severity, and a body of only the allowed fields.

SNS email is not a secure channel, so a notification carries the minimum a
doctor needs to act: which patient (id and, by ``PA_NOTIFY_PATIENT_NAME``,
initials or the full name), where (ward, bed), what (the vital or the NEWS2
score, the rule's message), and when. ``PA_NOTIFY_EMAIL_FIELDS`` lists the
alert fields a body may show; the address and phone number are not alert fields
at all (they stay in Hive's ``patients``). Pure formatting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from contract.alerts import ALERT_FIELDS
from notifier.episodes import Notification, severity_of
from settings import Settings
from settings.choices import PatientName

LABELS = {"worse": "WORSE", "reminder": "REMINDER", "data_quality": "DATA QUALITY", "all_clear": "ALL CLEAR"}
FIELD_LABELS = {
    "patient_id": "Patient id",
    "patient_name": "Patient",
    "admitted_ward": "Ward",
    "device_id": "Bed / device",
    "age": "Age",
    "kind": "Kind",
    "severity": "Severity",
    "attribute": "Vital",
    "observed_value": "Value (or NEWS2 score)",
    "rule_id": "Rule",
    "input_message_time": "Reading time",
    "alert_generated_time": "Alert raised",
    "alert_id": "Alert id",
}


@dataclass(frozen=True)
class Composer:
    """Formats notifications with the fields and the patient naming the settings allow."""

    email_fields: tuple[str, ...]
    patient_name: PatientName

    @classmethod
    def of(cls, settings: Settings) -> Composer:
        fields = tuple(filter(None, (name.strip() for name in settings.notify_email_fields.split(","))))
        unknown = [name for name in fields if name not in ALERT_FIELDS]
        if unknown:
            raise ValueError(
                f"PA_NOTIFY_EMAIL_FIELDS names {unknown}, which are not alert fields ({', '.join(ALERT_FIELDS)})"
            )
        return cls(fields, settings.notify_patient_name)

    def name(self, alert: dict) -> str:
        full = alert.get("patient_name") or ""
        if not full:
            return "unknown patient"
        return full if self.patient_name is PatientName.FULL else "".join(f"{part[0]}." for part in full.split())

    def subject(self, notification: Notification) -> str:
        """`URGENT ICU: A.F. (2001) Low Heart Rate than Normal` — SNS allows 100 ASCII characters."""
        alert = notification.alert
        label = LABELS.get(notification.type) or severity_of(alert).upper()
        what = "back within normal range" if notification.type == "all_clear" else alert.get("alert_message") or ""
        text = (
            f"{label} {alert.get('admitted_ward') or 'no ward'}: {self.name(alert)} ({alert.get('patient_id')}) {what}"
        )
        return text.encode("ascii", "replace").decode()[:99]

    def body(self, notification: Notification) -> str:
        alert = notification.alert
        opened = dt.datetime.fromtimestamp(notification.opened_at, dt.UTC).isoformat(timespec="seconds")
        first = (
            f"ALL CLEAR: no {alert.get('attribute')} alert since the one below."
            if notification.type == "all_clear"
            else f"{LABELS.get(notification.type) or severity_of(alert).upper()}: {alert.get('alert_message')}"
        )
        shown = {**alert, "patient_name": self.name(alert)}
        lines = [first, ""] + [
            f"{FIELD_LABELS.get(name, name) + ':':<24}{shown.get(name)}" for name in self.email_fields
        ]
        return "\n".join([*lines, f"{'Episode since:':<24}{opened}"])

    @staticmethod
    def attributes(notification: Notification) -> dict[str, dict[str, str]]:
        """SNS message attributes that subscription filter policies select on."""
        alert = notification.alert
        values = {
            "ward": alert.get("admitted_ward") or "unknown",
            "kind": alert.get("kind") or "unknown",
            "severity": severity_of(alert),
            "notification": notification.type,
        }
        return {name: {"DataType": "String", "StringValue": str(value)} for name, value in values.items()}
