"""The notifier's durable memory in RDS: what it did with each alert id, the beds and their episodes, who
acknowledged which episode, and every escalation."""

from __future__ import annotations

import json
from dataclasses import dataclass

from clients import mysql
from notifier.episodes import Bed, from_json, to_json
from settings import RdsAccount, Settings

# (alert id, outcome, notification type, SNS message id, episode): one alert's outcome as notifier_alerts keeps it
OutcomeRow = tuple[str, str, str | None, str | None, str | None]


@dataclass(frozen=True)
class Acknowledgement:
    id: int
    ack_code: str
    acknowledged_by: str
    acknowledged_at: float  # epoch seconds
    via: str


@dataclass(frozen=True)
class EscalationRow:
    patient_id: str
    ack_code: str
    notification: str
    tier: int
    tier_name: str
    sns_topic: str
    severity: str
    sns_message_id: str


class NotifierStore:
    def __init__(self, settings: Settings, account: RdsAccount = RdsAccount.NOTIFIER):
        """``account``: the notifier itself, or the read-only quality account for a reader (the dashboard)."""
        self._settings = settings
        self._notifier = settings.names.notifier_group
        self._account = account

    def handled(self, alert_ids: list[str]) -> set[str]:
        """Which of ``alert_ids`` were already notified, suppressed or dead-lettered (before a restart)."""
        if not alert_ids:
            return set()
        rows = self._query(
            f"SELECT alert_id FROM notifier_alerts WHERE alert_id IN ({', '.join(['%s'] * len(alert_ids))})", alert_ids
        )
        return {row[0] for row in rows}

    def outcomes(self, alert_ids: list[str]) -> dict[str, str]:
        """The recorded outcome of each of ``alert_ids`` that has one."""
        if not alert_ids:
            return {}
        return dict(
            self._query(
                f"SELECT alert_id, outcome FROM notifier_alerts WHERE alert_id IN "
                f"({', '.join(['%s'] * len(alert_ids))})",
                alert_ids,
            )
        )

    def record_delivered(self, outcomes: list[OutcomeRow]) -> None:
        """Outcomes of one SNS batch, recorded the moment SNS answered (a dead-lettered alert re-driven later
        becomes notified)."""
        if not outcomes:
            return
        connection = mysql.connect(self._settings.rds, self._account)
        try:
            connection.cursor().executemany(
                "INSERT INTO notifier_alerts (alert_id, outcome, notification, sns_message_id, episode) "
                "VALUES (%s, %s, %s, %s, %s) "
                "ON DUPLICATE KEY UPDATE outcome = IF(outcome = 'dead_lettered', VALUES(outcome), outcome), "
                "notification = IF(outcome = 'notified', VALUES(notification), notification), "
                "sns_message_id = IF(outcome = 'notified', VALUES(sns_message_id), sns_message_id)",
                outcomes,
            )
            connection.commit()
        finally:
            connection.close()

    def recent_outcomes(self, seconds: float) -> dict[str, int]:
        """How many alerts ended in each outcome over the last ``seconds`` (all notifiers)."""
        return dict(
            self._query(
                "SELECT outcome, COUNT(*) FROM notifier_alerts WHERE handled_at >= "
                "NOW(3) - INTERVAL %s SECOND GROUP BY outcome",
                [seconds],
            )
        )

    def beds(self) -> dict[str, Bed]:
        """Every bed this notifier watches, with its episode (open or not)."""
        rows = self._query("SELECT episode_key, state FROM notifier_episodes WHERE notifier = %s", [self._notifier])
        return {key: from_json(json.loads(state)) for key, state in rows}

    def open_beds(self) -> list[Bed]:
        """The beds with an open episode (the dashboard's read), of this notifier group: another group's (a test's,
        a benchmark's slice) are other episodes, even for the same patient id."""
        rows = self._query("SELECT state FROM notifier_episodes WHERE notifier = %s AND is_open", [self._notifier])
        return [from_json(json.loads(state)) for (state,) in rows]

    def record(self, outcomes: list[OutcomeRow], changed: list[Bed], forgotten: set[str]) -> None:
        """One transaction: alert outcomes and the beds' state."""
        if not (outcomes or changed or forgotten):
            return
        connection = mysql.connect(self._settings.rds, self._account)
        try:
            cursor = connection.cursor()
            if outcomes:
                cursor.executemany(
                    "INSERT IGNORE INTO notifier_alerts (alert_id, outcome, notification, sns_message_id, episode) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    outcomes,
                )
            if changed:
                cursor.executemany(
                    "REPLACE INTO notifier_episodes (notifier, episode_key, state, ack_code, is_open) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [
                        (self._notifier, bed.patient_id, json.dumps(to_json(bed)), bed.ack_code, bed.open)
                        for bed in changed
                    ],
                )
            if forgotten:
                cursor.executemany(
                    "DELETE FROM notifier_episodes WHERE notifier = %s AND episode_key = %s",
                    [(self._notifier, key) for key in forgotten],
                )
            connection.commit()
        finally:
            connection.close()

    def record_escalations(self, rows: list[EscalationRow]) -> None:
        """Escalations and reminders SNS accepted, the moment it did (the audit of who was told when)."""
        if not rows:
            return
        self._execute_many(
            "INSERT INTO alarm_escalations (notifier, patient_id, ack_code, notification, tier, tier_name, "
            "sns_topic, severity, sns_message_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    self._notifier,
                    row.patient_id,
                    row.ack_code,
                    row.notification,
                    row.tier,
                    row.tier_name,
                    row.sns_topic,
                    row.severity,
                    row.sns_message_id,
                )
                for row in rows
            ],
        )

    def open_episode_of(self, ack_code: str) -> str | None:
        """The patient id of this notifier group's open episode with ``ack_code``, None when none has it."""
        rows = self._query(
            "SELECT episode_key FROM notifier_episodes WHERE notifier = %s AND ack_code = %s AND is_open",
            [self._notifier, ack_code],
        )
        return str(rows[0][0]) if rows else None

    def acknowledge(self, ack_code: str, by: str, via: str) -> None:
        """Record an acknowledgement; the notifier applies it at its next poll."""
        self._execute_many(
            "INSERT INTO alarm_acknowledgements (ack_code, acknowledged_by, via) VALUES (%s, %s, %s)",
            [(ack_code, by, via)],
        )

    def acknowledgements_after(self, last_id: int) -> list[Acknowledgement]:
        """Acknowledgements recorded after ``last_id``, oldest first."""
        rows = self._query(
            "SELECT id, ack_code, acknowledged_by, UNIX_TIMESTAMP(acknowledged_at), via FROM alarm_acknowledgements "
            "WHERE id > %s ORDER BY id",
            [last_id],
        )
        return _acknowledgements(rows)

    def acknowledgements_of(self, ack_codes: list[str]) -> list[Acknowledgement]:
        """The acknowledgements of these episodes (at start: those recorded while the notifier was down)."""
        if not ack_codes:
            return []
        rows = self._query(
            "SELECT id, ack_code, acknowledged_by, UNIX_TIMESTAMP(acknowledged_at), via FROM alarm_acknowledgements "
            f"WHERE ack_code IN ({', '.join(['%s'] * len(ack_codes))}) ORDER BY id",
            ack_codes,
        )
        return _acknowledgements(rows)

    def last_acknowledgement_id(self) -> int:
        rows = self._query("SELECT COALESCE(MAX(id), 0) FROM alarm_acknowledgements", [])
        return int(rows[0][0])

    def _execute_many(self, sql: str, rows: list[tuple]) -> None:
        connection = mysql.connect(self._settings.rds, self._account)
        try:
            connection.cursor().executemany(sql, rows)
            connection.commit()
        finally:
            connection.close()

    def _query(self, sql: str, params: list) -> list[tuple]:
        connection = mysql.connect(self._settings.rds, self._account)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            connection.close()


def _acknowledgements(rows: list[tuple]) -> list[Acknowledgement]:
    return [Acknowledgement(int(i), str(code), str(by), float(at), str(via)) for i, code, by, at, via in rows]
