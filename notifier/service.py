"""The notifier service: doctors-queue → episodes → SNS, with committed offsets and no duplicates.

Per poll: skip alert ids already handled (a restart re-reads what was not
committed), decide per alert, publish, record every outcome and the episode
state in RDS in one transaction, and only then commit the Kafka offsets.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from botocore.config import Config

from clients import aws, kafka
from notifier import sender
from notifier.episodes import EpisodeTracker
from notifier.sns_setup import topic_arn
from notifier.store import NotifierStore
from settings import Settings


class Notifier:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = NotifierStore(settings)
        self.tracker = EpisodeTracker(settings.notify_quiet_s, settings.notify_all_clear_s,
                                      settings.notify_worsen_step, self.store.episodes())
        # the sender owns retries and backoff; botocore's own would hide them
        self.sns = aws.client(settings, "sns", Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))
        self.topic_arn = topic_arn(settings)
        self.consumer = kafka.consumer(settings, settings.topic_alerts, group_id=settings.notifier_group)
        self.dead_letters = kafka.producer(settings)
        self.counts: Counter[str] = Counter()

    def poll_and_handle(self, timeout_ms: int = 1000) -> int:
        """Handle one poll's alerts (without committing offsets); return how many records came."""
        records = [record for batch in self.consumer.poll(timeout_ms=timeout_ms, max_records=1000).values()
                   for record in batch]
        alerts = [json.loads(record.value) for record in records]
        self.handle(alerts)
        return len(records)

    def commit(self) -> None:
        self.consumer.commit()

    def handle(self, alerts: list[dict]) -> None:
        done = self.store.handled([alert["alert_id"] for alert in alerts])
        outcomes: list[tuple[str, str, str | None, str | None]] = []
        notifications = []
        for alert in alerts:
            if alert["alert_id"] in done:
                self.counts["repeat"] += 1
                continue
            done.add(alert["alert_id"])
            self.counts["alerts"] += 1
            notification = self.tracker.observe(alert)
            if notification is None:
                self.counts["suppressed"] += 1
                outcomes.append((alert["alert_id"], "suppressed", None, None))
            else:
                notifications.append(notification)
        notifications += self.tracker.sweep()
        delivery = sender.publish(self.sns, self.topic_arn, notifications, self.settings.notify_max_attempts,
                                  self.settings.notify_backoff_s)
        for notification, message_id in delivery.sent:
            self.counts[notification.type] += 1
            if notification.alert_id:
                outcomes.append((notification.alert_id, "notified", notification.type, message_id))
        for notification, error in delivery.failed:
            self.counts["dead_lettered"] += 1
            self.dead_letters.send(self.settings.topic_notify_dead_letter, value=json.dumps(
                {"error": error, "notification": notification.type, "alert": notification.alert}).encode())
            if notification.alert_id:
                outcomes.append((notification.alert_id, "dead_lettered", notification.type, None))
        if delivery.failed:
            self.dead_letters.flush()
            print(f"[notifier] {len(delivery.failed)} notification(s) dead-lettered to "
                  f"{self.settings.topic_notify_dead_letter}: {delivery.failed[0][1]}", file=sys.stderr)
        self.store.record(outcomes, [self.tracker.episodes[key] for key in self.tracker.changed
                                     if key in self.tracker.episodes], self.tracker.closed)
        self.tracker.changed.clear()
        self.tracker.closed.clear()

    def run(self, until_idle_s: float | None = None) -> Counter:
        """Serve until interrupted (or, with ``until_idle_s``, until the queue was empty that long)."""
        idle_since = time.monotonic()
        try:
            while True:
                if self.poll_and_handle():
                    self.commit()
                    idle_since = time.monotonic()
                elif until_idle_s is not None and time.monotonic() - idle_since >= until_idle_s:
                    return self.counts
        finally:
            self.close()

    def close(self) -> None:
        self.consumer.close(autocommit=False)
        self.dead_letters.close()
