"""``python -m notifier redrive``: send the notifications SNS refused again, once per alert id.

It reads the notifier's dead-letter topic with its own consumer group, so each
record is considered once; an alert already notified (recorded in RDS) is
skipped, so a redrive run twice, or one that crashed half-way, notifies nothing
twice. A notification SNS refuses again goes back to the dead-letter topic.
Poison records (not alerts) cannot be re-sent: they are counted and logged
with their reason and Kafka coordinates for whoever fixes the sender.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter

from clients import kafka
from contract.alerts import AlertOutcome
from notifier import dead_letters
from notifier.dead_letters import DeadLetterKind
from notifier.episodes import Notification
from notifier.messages import Composer
from notifier.sender import Delivery, Sender, sns_client
from notifier.service import SERVER_ERRORS, backoff_for
from notifier.sns_setup import topic_arn
from notifier.store import NotifierStore
from runtime.backoff import retrying
from settings import KafkaPrincipal, Settings

log = logging.getLogger(__name__)


def redrive(settings: Settings, dry_run: bool = False, stopping: threading.Event | None = None) -> Counter:
    """Re-send every dead-lettered notification not notified since; return counts by outcome."""
    stopping = stopping or threading.Event()
    reader = kafka.consumer(
        settings.kafka,
        KafkaPrincipal.NOTIFIER,
        settings.names.topic_notify_dead_letter,
        group_id=f"{settings.names.notifier_group}-redrive",
        consumer_timeout_ms=3000,
    )
    counts: Counter[str] = Counter()
    try:
        pending = _pending(NotifierStore(settings), [json.loads(record.value) for record in reader], counts)
        if dry_run:
            counts["would send"] += len(pending)
            for notification in pending:
                log.info("would send: %s of patient %s", notification.kind.value, notification.patient_id)
            return counts
        _send(settings, pending, counts, stopping)
        reader.commit()
        return counts
    finally:
        reader.close()


def _pending(store: NotifierStore, records: list[dict], counts: Counter) -> list[Notification]:
    """The refused notifications whose alert has not been notified since, once per alert id."""
    for record in records:
        if record.get("kind") != DeadLetterKind.NOTIFICATION:
            counts["not re-drivable"] += 1
            log.warning(
                "not re-drivable (%s): %s/%s@%s",
                record.get("reason"),
                record.get("topic"),
                record.get("partition"),
                record.get("offset"),
            )
    refused = [
        dead_letters.as_notification(record) for record in records if record.get("kind") == DeadLetterKind.NOTIFICATION
    ]
    done = store.outcomes([notification.alert_id for notification in refused if notification.alert_id])
    pending: dict[str, Notification] = {}
    for notification in refused:
        # a notification caused by time (escalation, monitoring lost) or evidence of normal has no alert id: its
        # kind and episode name it
        key = notification.alert_id or f"{notification.kind.value} of {notification.ack_code}@{notification.tier}"
        if done.get(key) == AlertOutcome.NOTIFIED or key in pending:
            counts["already notified"] += 1
        else:
            pending[key] = notification
    return list(pending.values())


def _send(settings: Settings, pending: list[Notification], counts: Counter, stopping: threading.Event) -> None:
    store = NotifierStore(settings)
    sns_backoff = backoff_for(settings.notifier, f"SNS publish to {settings.names.sns_topic}", stopping)
    arns = [topic_arn(settings, tier.topic) for tier in settings.alarm_tiers]
    rds_backoff = backoff_for(settings.notifier, "RDS (notifier state)", stopping)
    again = dead_letters.DeadLetters(
        settings, backoff_for(settings.notifier, settings.names.topic_notify_dead_letter, stopping)
    )

    def record_batch(delivery: Delivery) -> None:
        counts["sent"] += len(delivery.sent)
        counts["refused again"] += len(delivery.failed)
        for notification, error in delivery.failed:
            again.send(dead_letters.refused(notification, error))
        retrying(
            rds_backoff,
            lambda: store.record_delivered(
                [
                    (note.alert_id, AlertOutcome.NOTIFIED, note.kind.value, message_id, None)
                    for note, message_id in delivery.sent
                    if note.alert_id
                ]
            ),
            SERVER_ERRORS,
        )

    try:
        Sender(sns_client(settings.sns), arns, sns_backoff, Composer.of(settings)).deliver(pending, record_batch)
    finally:
        again.close()
