"""The notifier's durable memory in RDS: what it did with each alert id, and the open episodes."""

from __future__ import annotations

import json

from clients import mysql
from notifier.episodes import Episode, from_json, to_json
from settings import RdsAccount, Settings

# (alert id, outcome, notification type, SNS message id): one alert's outcome as notifier_alerts keeps it
OutcomeRow = tuple[str, str, str | None, str | None]


class NotifierStore:
    def __init__(self, settings: Settings, account: RdsAccount = RdsAccount.NOTIFIER):
        """``account``: the notifier itself, or the read-only quality account for a reader (the dashboard)."""
        self._settings = settings
        self._notifier = settings.notifier_group
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
        connection = mysql.connect(self._settings, self._account)
        try:
            connection.cursor().executemany(
                "INSERT INTO notifier_alerts (alert_id, outcome, notification, sns_message_id) VALUES (%s, %s, %s, %s) "
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

    def episodes(self) -> dict[str, Episode]:
        rows = self._query("SELECT episode_key, state FROM notifier_episodes WHERE notifier = %s", [self._notifier])
        return {key: from_json(json.loads(state)) for key, state in rows}

    def record(self, outcomes: list[OutcomeRow], changed: list[Episode], closed: set[str]) -> None:
        """One transaction: alert outcomes (id, outcome, notification, SNS id) and episode state."""
        connection = mysql.connect(self._settings, self._account)
        try:
            cursor = connection.cursor()
            if outcomes:
                cursor.executemany(
                    "INSERT IGNORE INTO notifier_alerts (alert_id, outcome, notification, "
                    "sns_message_id) VALUES (%s, %s, %s, %s)",
                    outcomes,
                )
            if changed:
                cursor.executemany(
                    "REPLACE INTO notifier_episodes (notifier, episode_key, state) VALUES (%s, %s, %s)",
                    [(self._notifier, e.key, json.dumps(to_json(e))) for e in changed],
                )
            if closed:
                cursor.executemany(
                    "DELETE FROM notifier_episodes WHERE notifier = %s AND episode_key = %s",
                    [(self._notifier, key) for key in closed],
                )
            connection.commit()
        finally:
            connection.close()

    def _query(self, sql: str, params: list) -> list[tuple]:
        connection = mysql.connect(self._settings, self._account)
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            connection.close()
