"""What a doctor reads: a short, scannable subject and a complete body. Pure formatting."""

from __future__ import annotations

import datetime as dt

from contract.alerts import Severity
from notifier.episodes import Notification

LABELS = {
    "opened": "URGENT",
    "worse": "WORSE",
    "reminder": "REMINDER",
    "data_quality": "DATA QUALITY",
    "all_clear": "ALL CLEAR",
}
SEVERITY = {
    "opened": Severity.HIGH,
    "worse": Severity.HIGH,
    "reminder": Severity.MEDIUM,
    "data_quality": Severity.DATA_QUALITY,
    "all_clear": Severity.INFO,
}


def subject(notification: Notification) -> str:
    """`URGENT ICU: Ana Forty (2001) Low Heart Rate than Normal` — SNS allows 100 ASCII characters."""
    alert = notification.alert
    what = "back within normal range" if notification.type == "all_clear" else alert.get("alert_message") or ""
    text = (
        f"{LABELS[notification.type]} {alert.get('admitted_ward') or 'no ward'}: "
        f"{alert.get('patient_name') or 'unknown patient'} ({alert.get('patient_id')}) {what}"
    )
    return text.encode("ascii", "replace").decode()[:99]


def body(notification: Notification) -> str:
    alert = notification.alert
    opened = dt.datetime.fromtimestamp(notification.opened_at, dt.UTC).isoformat(timespec="seconds")
    lines = [
        f"{LABELS[notification.type]}: {alert.get('alert_message')}",
        "",
        f"Patient:        {alert.get('patient_name')} (id {alert.get('patient_id')}), age {alert.get('age')}",
        f"Ward:           {alert.get('admitted_ward')}",
        f"Phone:          {alert.get('phone_number')}",
        f"Address:        {alert.get('patient_address')}",
        f"Vital:          {alert.get('attribute')} = {alert.get('observed_value')} (rule {alert.get('rule_id')})",
        f"Heart rate:     {alert.get('heart_rate')}",
        f"BP (systolic):  {alert.get('bp')}",
        f"Reading time:   {alert.get('input_message_time')}",
        f"Alert raised:   {alert.get('alert_generated_time')}",
        f"Episode since:  {opened}",
        f"Alert id:       {alert.get('alert_id')}",
        f"Kind:           {alert.get('kind')}",
    ]
    if notification.type == "all_clear":
        lines[0] = f"ALL CLEAR: no {alert.get('attribute')} alert since the one below."
    return "\n".join(lines)


def attributes(notification: Notification) -> dict[str, dict[str, str]]:
    """SNS message attributes that subscription filter policies select on."""
    alert = notification.alert
    values = {
        "ward": alert.get("admitted_ward") or "unknown",
        "kind": alert.get("kind") or "unknown",
        "severity": SEVERITY[notification.type],
        "notification": notification.type,
    }
    return {name: {"DataType": "String", "StringValue": str(value)} for name, value in values.items()}
