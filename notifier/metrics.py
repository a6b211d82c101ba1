"""The notifier's metrics (served by ``notifier run`` on PA_NOTIFIER_METRICS_PORT).

Counters move where the service records the same facts in RDS; the episode gauges are set from the beds after
every poll, on the service's own thread (a scrape never walks the beds while they change).
"""

from __future__ import annotations

import time
from collections import Counter as Tally
from collections.abc import Iterable

from kafka import KafkaConsumer
from prometheus_client import Counter, Gauge, Histogram

from contract.alerts import AlertOutcome
from notifier.episodes import Bed, Notification

NOTIFICATIONS = Counter("pa_notifier_notifications", "Notifications SNS accepted, by kind.", ["kind"])
ALERTS = Counter(
    "pa_notifier_alerts",
    "Alerts handled, by outcome: notified, suppressed (in an episode), dead_lettered, repeat.",
    ["outcome"],
)
DEAD_LETTERS = Counter(
    "pa_notifier_dead_letters",
    "Records set aside on the notifier's dead-letter topic: poison (not an alert) or refused (by SNS); "
    "python -m notifier redrive sends the refused again.",
    ["reason"],
)
ALERT_LATENCY = Histogram(
    "pa_notifier_alert_latency_seconds",
    "From a reading's event time to SNS accepting the notification it caused (openings and rises).",
    buckets=(1, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600),
)
ACKNOWLEDGEMENT_SECONDS = Histogram(
    "pa_notifier_acknowledgement_seconds",
    "From an episode's first notification to its acknowledgement.",
    buckets=(30, 60, 120, 300, 600, 900, 1800, 3600),
)
OPEN_EPISODES = Gauge("pa_notifier_open_episodes", "Episodes open (told, held by the cap, or monitoring lost).")
UNACKNOWLEDGED = Gauge("pa_notifier_unacknowledged_episodes", "Told episodes nobody has acknowledged yet.")
BEDS = Gauge("pa_notifier_monitored_beds", "Beds of known patients heard from, by ward.", ["ward"])
SILENT_BEDS = Gauge("pa_notifier_silent_beds", "Beds whose monitoring is lost (no reading in time), by ward.", ["ward"])
LAG = Gauge("pa_notifier_lag_records", "Records on a topic the notifier has not read yet (its Kafka lag).", ["topic"])
LAST_POLL = Gauge("pa_notifier_last_poll_timestamp_seconds", "When the notifier last polled its topics.")


def sent(notification: Notification) -> None:
    """SNS accepted ``notification``: counted by kind; one an alert caused, timed from its reading."""
    NOTIFICATIONS.labels(notification.kind.value).inc()
    if notification.alert_id and notification.alert:
        ALERTS.labels(AlertOutcome.NOTIFIED).inc()
        ALERT_LATENCY.observe(max(0.0, time.time() - notification.alert.event_s))


def acknowledged(bed: Bed) -> None:
    if bed.opened_at is not None and bed.acknowledged_at is not None:
        ACKNOWLEDGEMENT_SECONDS.observe(max(0.0, bed.acknowledged_at - bed.opened_at))


def episodes(beds: Iterable[Bed]) -> None:
    """Set the episode and bed gauges from the beds as they are now."""
    open_count = unacknowledged = 0
    watched: Tally[str] = Tally()
    silent: Tally[str] = Tally()
    for bed in beds:
        open_count += bed.open
        unacknowledged += bed.opened_at is not None and bed.acknowledged_at is None
        if bed.observed:
            ward = bed.context.admitted_ward or "unknown"
            watched[ward] += 1
            silent[ward] += bed.monitoring_lost
    OPEN_EPISODES.set(open_count)
    UNACKNOWLEDGED.set(unacknowledged)
    _wards_reported.update(watched)
    for ward in _wards_reported:  # a ward whose beds all left reports 0, not its last count
        BEDS.labels(ward).set(watched[ward])
        SILENT_BEDS.labels(ward).set(silent[ward])
    LAST_POLL.set_to_current_time()


_wards_reported: set[str] = set()


def lag(consumer: KafkaConsumer) -> None:
    """The consumer's lag per topic: each assigned partition's end (as the last fetch saw it) less its position."""
    behind: Tally[str] = Tally()
    for partition in consumer.assignment():
        end = consumer.highwater(partition)
        if end is not None:
            behind[partition.topic] += max(0, end - consumer.position(partition))
    for topic, records in behind.items():
        LAG.labels(topic).set(records)
