"""The notifier service: doctors-queue → episodes → SNS, with committed offsets and no alert without an outcome.

Per poll: set aside poison records (dead-letter topic, with the reason and
their Kafka coordinates); decide per alert, re-observing alerts a previous run
already handled so their episodes are rebuilt without sending again; publish in
batches of ten, recording each batch's outcomes in RDS the moment SNS answered;
record the suppressed alerts and the episodes; only then commit the Kafka
offsets. Every step that talks to a server waits out its outage with backoff
(ERROR lines while it lasts) instead of failing or dropping anything; a stop
request (SIGTERM, SIGINT) ends the service after the poll in hand is recorded.

What a crash can cost: SNS accepted a batch and the process died before its
outcomes reached RDS (a few milliseconds). The restart sends that batch again:
at most one repeated email for each of the (up to ten) notifications in flight.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

import mysql.connector
from botocore.exceptions import BotoCoreError, ClientError
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError

from clients import kafka
from notifier import dead_letters
from notifier.alert_record import PoisonRecord, parse_alert
from notifier.episodes import EpisodeTracker, Notification
from notifier.messages import Composer
from notifier.sender import Delivery, Sender, sns_client
from notifier.sns_setup import topic_arn
from notifier.store import NotifierStore, OutcomeRow
from runtime.backoff import Backoff, Stopped, retrying
from settings import Settings

log = logging.getLogger(__name__)

SERVER_ERRORS = (KafkaError, mysql.connector.Error, OSError)


def backoff_for(settings: Settings, what: str, stopping: threading.Event) -> Backoff:
    return Backoff(what, settings.notify_backoff_s, settings.notify_backoff_max_s, stopping, log)


class Notifier:
    def __init__(self, settings: Settings, stopping: threading.Event | None = None):
        self.settings = settings
        self.stopping = stopping or threading.Event()
        self.store = NotifierStore(settings)
        self.rds = self._backoff("RDS (notifier state)")
        self.kafka = self._backoff(f"Kafka ({settings.topic_alerts})")
        self.tracker = self._load_tracker()
        self.sns = sns_client(settings)
        self.sns_backoff = self._backoff(f"SNS publish to {settings.sns_topic}")
        self.topic_arn = retrying(
            self.sns_backoff, lambda: topic_arn(settings), SERVER_ERRORS + (ClientError, BotoCoreError)
        )
        self.sender = Sender(self.sns, self.topic_arn, self.sns_backoff, Composer.of(settings))
        self.consumer = kafka.consumer(settings, settings.topic_alerts, group_id=settings.notifier_group)
        self.dead_letters = dead_letters.DeadLetters(
            settings, self._backoff(f"Kafka ({settings.topic_notify_dead_letter})")
        )
        self.counts: Counter[str] = Counter()

    def _backoff(self, what: str) -> Backoff:
        return backoff_for(self.settings, what, self.stopping)

    def _load_tracker(self) -> EpisodeTracker:
        return EpisodeTracker(
            self.settings.notify_quiet_s,
            self.settings.notify_all_clear_s,
            self.settings.notify_worsen_step,
            retrying(self.rds, self.store.episodes, SERVER_ERRORS),
            self.settings.notify_critical_quiet_s,
        )

    def poll_and_handle(self, timeout_ms: int = 1000) -> int:
        """Handle one poll's records (without committing offsets); return how many records came."""
        records = [
            record for batch in self.consumer.poll(timeout_ms=timeout_ms, max_records=1000).values() for record in batch
        ]
        alerts = []
        for record in records:
            try:
                alerts.append(parse_alert(record.value))
            except PoisonRecord as reason:
                self._set_aside(record, reason)
        self.handle(alerts)
        return len(records)

    def _set_aside(self, record: ConsumerRecord, reason: PoisonRecord) -> None:
        """A record that is not an alert goes to the dead-letter topic with its reason; the service goes on."""
        self.counts["poison"] += 1
        log.error(
            "doctors-queue record %s/%d@%d set aside on %s: %s",
            record.topic,
            record.partition,
            record.offset,
            self.settings.topic_notify_dead_letter,
            reason,
        )
        self.dead_letters.send(dead_letters.poison(record, str(reason)))

    def commit(self) -> None:
        retrying(self.kafka, self._commit_once, (KafkaError,))

    def _commit_once(self) -> None:
        try:
            self.consumer.commit()
        except CommitFailedError:  # not retriable: the group moved on (a poll blocked past max.poll.interval.ms)
            log.warning(
                "offsets of this poll not committed: the consumer group rebalanced while it was handled "
                "(a long outage); the next poll re-reads its alerts, finds them recorded and sends nothing"
            )

    def handle(self, alerts: list[dict]) -> None:
        """Decide, deliver, then persist: outcomes and episode state in one RDS transaction."""
        notifications, outcomes = self._decide(alerts)
        self.sender.deliver(notifications, self._record_batch)
        changes = self.tracker.drain_changes()
        retrying(self.rds, lambda: self.store.record(outcomes, changes.changed, changes.closed), SERVER_ERRORS)

    def _decide(self, alerts: list[dict]) -> tuple[list[Notification], list[OutcomeRow]]:
        """Drop alerts handled before (a restart, an at-least-once repeat), track the rest's episodes: the
        notifications to send, and the suppressed alerts' outcomes."""
        done = retrying(self.rds, lambda: self.store.handled([alert["alert_id"] for alert in alerts]), SERVER_ERRORS)
        outcomes: list[OutcomeRow] = []
        notifications = []
        for alert in alerts:
            notification = self.tracker.observe(alert)  # also for a handled alert: rebuilds its episode, sends nothing
            if alert["alert_id"] in done:
                self.counts["repeat"] += 1
                continue
            done.add(alert["alert_id"])
            self.counts["alerts"] += 1
            if notification is None:
                self.counts["suppressed"] += 1
                outcomes.append((alert["alert_id"], "suppressed", None, None))
            else:
                notifications.append(notification)
        return notifications + self.tracker.sweep(), outcomes

    def _record_batch(self, delivery: Delivery) -> None:
        """One SNS batch's outcomes, into RDS at once; a refused notification is dead-lettered and its episode
        forgotten, so it does not count as notified and the next alert of it notifies again."""
        outcomes: list[OutcomeRow] = []
        for notification, message_id in delivery.sent:
            self.counts[notification.type] += 1
            if notification.alert_id:
                outcomes.append((notification.alert_id, "notified", notification.type, message_id))
        for notification, error in delivery.failed:
            self._dead_letter(notification, error)
            if notification.alert_id:
                outcomes.append((notification.alert_id, "dead_lettered", notification.type, None))
        retrying(self.rds, lambda: self.store.record_delivered(outcomes), SERVER_ERRORS)

    def _dead_letter(self, notification: Notification, error: str) -> None:
        """A notification SNS refused for its content: set aside to re-drive, and its episode forgotten so it
        does not count as notified (the next alert of it notifies again)."""
        self.counts["dead_lettered"] += 1
        log.error(
            "SNS refused the %s notification of alert %s: %s; dead-lettered to %s (python -m notifier "
            "redrive sends it again)",
            notification.type,
            notification.alert_id,
            error,
            self.settings.topic_notify_dead_letter,
        )
        self.dead_letters.send(dead_letters.refused(notification, error))
        self.tracker.forget(notification.episode_key)

    def run(self, until_idle_s: float | None = None) -> Counter:
        """Serve until stopped (or, with ``until_idle_s``, until the queue was empty that long)."""
        idle_since = time.monotonic()
        try:
            while not self.stopping.is_set():
                if self.poll_and_handle():
                    self.commit()
                    idle_since = time.monotonic()
                elif until_idle_s is not None and time.monotonic() - idle_since >= until_idle_s:
                    break
        except Stopped:
            log.warning("notifier stopped while waiting; the alerts not yet recorded are handled after a restart")
        finally:
            self.close()
        return self.counts

    def close(self) -> None:
        self.consumer.close(autocommit=False)
        self.dead_letters.close()
