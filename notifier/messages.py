"""What a doctor reads: a subject led by what happened and how bad, a body a doctor can act on. Pure formatting.

A doctor acts on: which patient (id and, by ``PA_NOTIFY_PATIENT_NAME``, initials or the full name), where (ward,
bed, and a link to the bed on the dashboard), what (every open finding in plain words, the worst first: the
digest of what happened since the last message), since when (local time, ``PA_ALARM_TIMEZONE``), who is told
(the escalation tier) and how to acknowledge (a link and a code). SNS email is not a secure channel, so a message
carries only that minimum: ``PA_NOTIFY_EMAIL_FIELDS`` lists the alert fields a body may show; the address and
phone number are not alert fields at all (they stay in Hive's ``patients``).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from urllib.parse import quote

from contract.alerts import ALERT_FIELDS, NotificationKind, Outcome
from contract.records import AlertRecord, PatientContext, event_seconds
from contract.vitals import VITAL_OF_ATTRIBUTE
from hbase_setup import ages
from notifier.episodes import Notification
from settings import Settings
from settings.alarm_tiers import AlarmTier
from settings.choices import PatientName

SUBJECT_LIMIT = 99  # SNS allows 100 ASCII characters
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # control characters: SNS refuses them in a subject
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
TIME_FIELDS = ("input_message_time", "alert_generated_time")


def vital_name(attribute: str | None) -> str:
    """A vital as a doctor names it (never ``heartBeat``)."""
    if attribute == Outcome.NEWS2.value:
        return "NEWS2"
    vital = VITAL_OF_ATTRIBUTE.get(attribute or "")
    return vital.label if vital else str(attribute or "record")


def finding_text(alert: AlertRecord) -> str:
    """'Heart rate 140 beats/min (critical)', 'NEWS2 9 (critical)', or a data-quality problem's own message."""
    if alert.kind not in (Outcome.VITAL_OUT_OF_RANGE, Outcome.NEWS2):
        return alert.alert_message or alert.kind.value
    vital = VITAL_OF_ATTRIBUTE.get(alert.attribute or "")
    value = alert.observed_value
    shown = "?" if value is None else f"{value:g}"
    unit = f" {vital.unit}" if vital else ""
    return f"{vital_name(alert.attribute)} {shown}{unit} ({alert.severity})"


@dataclass(frozen=True)
class Composer:
    """Formats notifications with the fields, patient naming, time zone, tiers and links the settings give."""

    email_fields: tuple[str, ...]
    patient_name: PatientName
    timezone: zoneinfo.ZoneInfo
    tiers: tuple[AlarmTier, ...]
    dashboard_url: str

    @classmethod
    def of(cls, settings: Settings) -> Composer:
        fields = tuple(filter(None, (name.strip() for name in settings.notifier.notify_email_fields.split(","))))
        unknown = [name for name in fields if name not in ALERT_FIELDS]
        if unknown:
            raise ValueError(
                f"PA_NOTIFY_EMAIL_FIELDS names {unknown}, which are not alert fields ({', '.join(ALERT_FIELDS)})"
            )
        return cls(
            fields,
            settings.notifier.notify_patient_name,
            zoneinfo.ZoneInfo(settings.notifier.alarm_timezone),
            settings.alarm_tiers,
            settings.dashboard.url,
        )

    def name(self, context: PatientContext) -> str:
        full = context.patient_name or ""
        if not full:
            return "unknown patient"
        return full if self.patient_name is PatientName.FULL else "".join(f"{part[0]}." for part in full.split())

    def local(self, seconds: float) -> str:
        """A time as the ward reads it: local, with its zone's abbreviation."""
        return dt.datetime.fromtimestamp(seconds, self.timezone).strftime("%Y-%m-%d %H:%M:%S %Z")

    def label(self, notification: Notification) -> str:
        """The subject's first word(s): the severity for an opening, else what happened."""
        kind = notification.kind
        if kind == NotificationKind.OPENED:
            return notification.severity.upper()
        if kind == NotificationKind.ESCALATION:
            return f"ESCALATED {notification.severity.upper()}"
        return kind.value.replace("_", " ").upper()

    def headline(self, notification: Notification) -> str:
        """What happened, in a few words: the worst finding, or what the technical alarm is."""
        kind = notification.kind
        if kind == NotificationKind.ALL_CLEAR:
            return "back within normal range"
        if kind == NotificationKind.MONITORING_LOST:
            return "no readings: monitoring lost"
        if kind == NotificationKind.MONITORING_RESTORED:
            return "readings resumed"
        more = len(notification.findings) - 1
        worst = finding_text(notification.alert) if notification.alert else "no open finding"
        return worst + (f" +{more} more" if more > 0 else "")

    def subject(self, notification: Notification) -> str:
        """`CRITICAL ICU: A.F. (2001) Heart rate 140 beats/min (critical) +3 more` — SNS allows 100 ASCII
        characters."""
        context = notification.context
        text = (
            f"{self.label(notification)} {context.admitted_ward or 'no ward'}: {self.name(context)} "
            f"({notification.patient_id}) {self.headline(notification)}"
        )
        # SNS takes ASCII subjects only, on one line without control characters: the degree sign would arrive as
        # "?" (the body keeps it), and a line break from the data (a name, a device id) would make SNS refuse it
        ascii_text = text.replace("\u00b0", "deg ").encode("ascii", "replace").decode()
        return _CONTROL.sub(" ", ascii_text)[:SUBJECT_LIMIT]

    def body(self, notification: Notification) -> str:
        context = notification.context
        tier = self.tiers[min(notification.tier, len(self.tiers) - 1)]
        lines = [f"{self.label(notification)}: {self.headline(notification)}", ""]
        if notification.findings:
            lines += ["Findings (worst first):"] + [
                f"  - {finding_text(finding)}, reading at {self.local(finding.event_s)}"
                + (f": {finding.alert_message}" if finding.alert_message else "")
                for finding in notification.findings
            ]
            lines.append("")
        alert = notification.alert.as_json() if notification.alert else {}
        shown = {**alert, **context.as_json(), "patient_name": self.name(context)}
        shown["attribute"] = vital_name(shown.get("attribute"))
        if context.age_months is not None:
            shown["age"] = ages.describe(context.age_months)
        elif context.age is not None:
            shown["age"] = f"{context.age} years"
        for name in self.email_fields:
            value = shown.get(name)
            if name in TIME_FIELDS and value:
                value = self.local(event_seconds(value))
            elif value is None:
                value = "not known"
            lines.append(f"{FIELD_LABELS.get(name, name) + ':':<24}{value}")
        ward = quote(context.admitted_ward or "")
        lines += [
            f"{'Episode since:':<24}{self.local(notification.opened_at)}",
            f"{'Told:':<24}{tier.name} (tier {notification.tier + 1} of {len(self.tiers)})",
            f"{'Bed on the dashboard:':<24}{self.dashboard_url}/?ward={ward}#bed-{notification.patient_id}",
        ]
        if notification.kind != NotificationKind.ALL_CLEAR:
            lines += [
                f"{'Acknowledge:':<24}{self.dashboard_url}/?ack={notification.ack_code}",
                f"{'Acknowledgement code:':<24}{notification.ack_code} (python -m notifier ack "
                f"{notification.ack_code} --by NAME)",
            ]
        return "\n".join(_CONTROL.sub("?", line) for line in lines)  # a value's own line breaks too

    def attributes(self, notification: Notification) -> dict[str, dict[str, str]]:
        """SNS message attributes that subscription filter policies select on."""
        values = {
            "ward": notification.context.admitted_ward or "unknown",
            "kind": notification.alert.kind if notification.alert else "technical",
            "severity": notification.severity,
            "notification": notification.kind.value,
            "alarm": "technical" if notification.technical else "physiological",
        }
        return {name: {"DataType": "String", "StringValue": str(value)} for name, value in values.items()}
