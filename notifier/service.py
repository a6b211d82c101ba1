"""The notifier service: doctors-queue and the observations → episodes → SNS tiers, with committed offsets and no
alert without an outcome.

Per poll (both topics): set aside poison records (dead-letter topic, with the
reason and their Kafka coordinates); feed the alerts and observations to the
beds' episodes (re-observing what a previous run already handled changes
nothing); apply acknowledgements recorded in RDS; let the episodes decide
(openings, rises, all-clears, and what time calls for: escalations, reminders,
monitoring lost); publish in batches of ten to each notification's tier,
recording each batch's outcomes in RDS the moment SNS answered; record the
suppressed alerts (with their episode) and the beds; only then commit the Kafka
offsets.

The notifier's clock is Kafka's: the newest record time of a poll (the stream
stamps them), or the wall clock when a poll finds the queue drained. A device's
own clock only orders that patient's readings. Every step that talks to a server waits out its outage with backoff
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
from dataclasses import dataclass

import mysql.connector
from botocore.exceptions import BotoCoreError, ClientError
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import CommitFailedError, KafkaError

from clients import kafka
from contract.alerts import AlertOutcome, NotificationKind
from contract.records import AlertRecord, ObservationRecord
from notifier import dead_letters, metrics
from notifier.alert_record import PoisonRecord, parse_alert, parse_observation
from notifier.dead_letters import DeadLetterKind
from notifier.episodes import AlarmPolicy, EpisodeTracker, Notification
from notifier.messages import Composer
from notifier.sender import Delivery, Sender, sns_client
from notifier.sns_setup import topic_arn
from notifier.store import EscalationRow, NotifierStore, OutcomeRow
from runtime.backoff import Backoff, Stopped, retrying
from settings import KafkaPrincipal, NotifierSettings, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """A record of either topic, parsed: an alert or a reading's observation, and its Kafka time (the clock)."""

    record: AlertRecord | ObservationRecord
    kafka_time: float


SERVER_ERRORS = (KafkaError, mysql.connector.Error, OSError)
TICK_S = 1.0  # while a poll's records replay minutes of Kafka time, time-driven decisions run at least this often


def backoff_for(notifier: NotifierSettings, what: str, stopping: threading.Event) -> Backoff:
    return Backoff(what, notifier.notify_backoff_s, notifier.notify_backoff_max_s, stopping, log)


class Notifier:
    def __init__(self, settings: Settings, stopping: threading.Event | None = None):
        self.settings = settings
        self.stopping = stopping or threading.Event()
        self.store = NotifierStore(settings)
        self.rds = self._backoff("RDS (notifier state)")
        self.kafka = self._backoff(f"Kafka ({settings.names.topic_alerts})")
        self.tracker = EpisodeTracker(AlarmPolicy.of(settings), retrying(self.rds, self.store.beds, SERVER_ERRORS))
        self.clock = 0.0
        self.last_ack_id = retrying(self.rds, self._catch_up_acknowledgements, SERVER_ERRORS)
        self.sns = sns_client(settings.sns)
        self.sns_backoff = self._backoff(f"SNS publish to {settings.names.sns_topic}")
        self.tiers = settings.alarm_tiers
        self.topic_arns = retrying(
            self.sns_backoff,
            lambda: [topic_arn(settings, tier.topic) for tier in self.tiers],
            SERVER_ERRORS + (ClientError, BotoCoreError),
        )
        self.sender = Sender(self.sns, self.topic_arns, self.sns_backoff, Composer.of(settings))
        self.consumer = kafka.consumer(
            settings.kafka,
            KafkaPrincipal.NOTIFIER,
            settings.names.topic_alerts,
            settings.names.topic_observations,
            group_id=settings.names.notifier_group,
        )
        self.dead_letters = dead_letters.DeadLetters(
            settings, self._backoff(f"Kafka ({settings.names.topic_notify_dead_letter})")
        )
        self.counts: Counter[str] = Counter()

    def _backoff(self, what: str) -> Backoff:
        return backoff_for(self.settings.notifier, what, self.stopping)

    def _catch_up_acknowledgements(self) -> int:
        """Apply the acknowledgements recorded while the notifier was down; the id to read on from."""
        last = self.store.last_acknowledgement_id()
        codes = [bed.ack_code for bed in self.tracker.beds.values() if bed.open and bed.acknowledged_at is None]
        for acknowledgement in self.store.acknowledgements_of(codes):
            self.tracker.acknowledge(
                acknowledgement.ack_code, acknowledgement.acknowledged_by, acknowledgement.acknowledged_at
            )
        return last

    def poll_and_handle(self, timeout_ms: int = 1000) -> int:
        """Handle one poll's records (without committing offsets); return how many records came."""
        records = [
            record for batch in self.consumer.poll(timeout_ms=timeout_ms, max_records=1000).values() for record in batch
        ]
        readings = []
        for record in records:
            try:
                if record.topic == self.settings.names.topic_observations:
                    readings.append(Received(parse_observation(record.value), record.timestamp / 1000))
                else:
                    readings.append(Received(parse_alert(record.value), record.timestamp / 1000))
            except PoisonRecord as reason:
                self._set_aside(record, reason)
        self.handle(readings)
        if not records:  # drained: the wall clock runs on
            self.clock = max(self.clock, time.time())
        metrics.episodes(self.tracker.beds.values())
        metrics.lag(self.consumer)
        return len(records)

    def _set_aside(self, record: ConsumerRecord, reason: PoisonRecord) -> None:
        """A record that is not an alert goes to the dead-letter topic with its reason; the service goes on."""
        self.counts[DeadLetterKind.POISON] += 1
        metrics.DEAD_LETTERS.labels(DeadLetterKind.POISON).inc()
        log.error(
            "doctors-queue record %s/%d@%d set aside on %s: %s",
            record.topic,
            record.partition,
            record.offset,
            self.settings.names.topic_notify_dead_letter,
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

    def handle(self, received: list[Received]) -> None:
        """Decide, deliver, then persist: outcomes and the beds' state in one RDS transaction."""
        notifications, outcomes = self._decide(received)
        self.sender.deliver(notifications, self._record_batch)
        changed, forgotten = self.tracker.drain_changes()
        retrying(self.rds, lambda: self.store.record(outcomes, changed, forgotten), SERVER_ERRORS)

    def _decide(self, received: list[Received]) -> tuple[list[Notification], list[OutcomeRow]]:
        """Feed the episodes reading by reading (each patient's in its event order, a reading's alerts before its
        observation; the clock is each record's Kafka time), apply acknowledgements, let time decide: the
        notifications to send (none caused by an alert handled before a restart), and the suppressed alerts'
        outcomes with their episode."""
        alerts = [item.record for item in received if isinstance(item.record, AlertRecord)]
        done = retrying(self.rds, lambda: self.store.handled([alert.alert_id for alert in alerts]), SERVER_ERRORS)
        notifications = []
        # a reading's alerts before its observation
        for item in sorted(
            received, key=lambda item: (item.record.event_s, isinstance(item.record, ObservationRecord))
        ):
            if item.kafka_time - self.clock >= TICK_S:  # a backlog's minutes pass for escalations and silences too
                notifications += self.tracker.tick(self.clock)
            self.clock = max(self.clock, item.kafka_time)
            if isinstance(item.record, ObservationRecord):
                notifications += self.tracker.observe_reading(item.record, self.clock)
            else:
                notifications += self.tracker.observe_alert(item.record, self.clock)
        self._apply_acknowledgements()
        notifications += self.tracker.tick(self.clock)
        notifications = [note for note in notifications if note.alert_id not in done]
        causes = {note.alert_id for note in notifications}
        outcomes: list[OutcomeRow] = []
        for alert in alerts:
            if alert.alert_id in done:
                self.counts["repeat"] += 1
                metrics.ALERTS.labels("repeat").inc()
                continue
            done.add(alert.alert_id)
            self.counts["alerts"] += 1
            if alert.alert_id not in causes:
                self.counts[AlertOutcome.SUPPRESSED] += 1
                metrics.ALERTS.labels(AlertOutcome.SUPPRESSED).inc()
                outcomes.append(
                    (alert.alert_id, AlertOutcome.SUPPRESSED, None, None, self._episode_of(str(alert.patient_id)))
                )
        self.counts["observations"] += len(received) - len(alerts)
        return notifications, outcomes

    def _episode_of(self, patient_id: str) -> str | None:
        """The episode a patient's alert was told in or folded into: patient id and when it was told (None: not yet
        told)."""
        bed = self.tracker.beds.get(patient_id)
        if bed is None or bed.opened_at is None:
            return None
        return f"{bed.patient_id}@{bed.opened_at:.3f}"

    def _apply_acknowledgements(self) -> None:
        for acknowledgement in retrying(
            self.rds, lambda: self.store.acknowledgements_after(self.last_ack_id), SERVER_ERRORS
        ):
            self.last_ack_id = acknowledgement.id
            bed = self.tracker.acknowledge(
                acknowledgement.ack_code, acknowledgement.acknowledged_by, acknowledgement.acknowledged_at
            )
            if bed is None:
                log.warning("acknowledgement %s matches no open episode (already closed?)", acknowledgement.ack_code)
            else:
                self.counts["acknowledged"] += 1
                metrics.acknowledged(bed)
                log.info(
                    "episode of patient %s acknowledged by %s (%s)",
                    bed.patient_id,
                    acknowledgement.acknowledged_by,
                    acknowledgement.via,
                )

    def _record_batch(self, delivery: Delivery) -> None:
        """One SNS batch's outcomes, into RDS at once (and its escalations into their audit); a refused
        notification is dead-lettered and its opening undone, so it does not count as told."""
        outcomes: list[OutcomeRow] = []
        escalations: list[EscalationRow] = []
        for notification, message_id in delivery.sent:
            self.counts[notification.kind.value] += 1
            metrics.sent(notification)
            if notification.alert_id:
                outcomes.append(
                    (
                        notification.alert_id,
                        AlertOutcome.NOTIFIED,
                        notification.kind.value,
                        message_id,
                        self._episode_of(notification.patient_id),
                    )
                )
            if notification.kind in (NotificationKind.ESCALATION, NotificationKind.REMINDER):
                tier = self.tiers[notification.tier]
                escalations.append(
                    EscalationRow(
                        notification.patient_id,
                        notification.ack_code,
                        notification.kind.value,
                        notification.tier,
                        tier.name,
                        tier.topic,
                        notification.severity,
                        message_id,
                    )
                )
        for notification, error in delivery.failed:
            self._dead_letter(notification, error)
            if notification.alert_id:
                metrics.ALERTS.labels(AlertOutcome.DEAD_LETTERED).inc()
                outcomes.append(
                    (notification.alert_id, AlertOutcome.DEAD_LETTERED, notification.kind.value, None, None)
                )
        retrying(self.rds, lambda: self.store.record_delivered(outcomes), SERVER_ERRORS)
        retrying(self.rds, lambda: self.store.record_escalations(escalations), SERVER_ERRORS)

    def _dead_letter(self, notification: Notification, error: str) -> None:
        """A notification SNS refused for its content: set aside to re-drive; an opening is undone so the
        episode does not count as told (its next evidence opens it again)."""
        self.counts[AlertOutcome.DEAD_LETTERED] += 1
        metrics.DEAD_LETTERS.labels("refused").inc()
        log.error(
            "SNS refused the %s notification of patient %s: %s; dead-lettered to %s (python -m notifier "
            "redrive sends it again)",
            notification.kind.value,
            notification.patient_id,
            error,
            self.settings.names.topic_notify_dead_letter,
        )
        self.dead_letters.send(dead_letters.refused(notification, error))
        self.tracker.untell(notification)

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
