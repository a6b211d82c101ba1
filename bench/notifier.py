"""Notifier: notifications/s to SNS, and notifications versus alerts on a simulated ward with labelled episodes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
import uuid
from collections import defaultdict

from bench.report import line, record_throughput, section
from clients import hbase
from contract.alerts import ALERT_KINDS, Outcome
from contract.vitals import VITAL_FIELDS, VITAL_OF_ATTRIBUTE
from notifier import sender
from notifier.episodes import EpisodeTracker, Notification, episode_key
from notifier.messages import Composer
from notifier.service import backoff_for
from notifier.sns_setup import topic_arn
from producers.bedside_simulation import EPISODE_KINDS, ReadingStream, make_patients
from settings import Settings
from testkit.alerts import alert_record
from testkit.reference_evaluator import ReferenceEvaluator
from thresholds.repository import ThresholdRepository

PUBLISHED = 2_000


def run(settings: Settings) -> None:
    section("notifier (SNS)")
    scoped = dataclasses.replace(settings, sns_topic=f"bench-notify-{uuid.uuid4().hex[:6]}")
    alerts, episodes, monitored_attributes = _simulated_ward(settings)
    tracker = EpisodeTracker(settings.notify_quiet_s, settings.notify_all_clear_s, settings.notify_worsen_step)
    notifications = [n for alert in alerts for n in [tracker.observe(alert)] if n] + tracker.sweep()
    line(
        f"simulated ward: {len(alerts):,} alerts -> notifications",
        f"{len(notifications):,} ({100 * (1 - len(notifications) / len(alerts)):.1f}% fewer)",
    )
    covered, monitored = _coverage(episodes, notifications, monitored_attributes)
    line("labelled episodes of monitored vitals notified", f"{covered}/{monitored}")

    arn = topic_arn(scoped)
    sns = sender.sns_client(scoped)
    batch = (notifications * (PUBLISHED // max(len(notifications), 1) + 1))[:PUBLISHED]
    backoff = backoff_for(scoped, "SNS publish", threading.Event())
    started = time.perf_counter()
    delivery = sender.Sender(sns, arn, backoff, Composer.of(scoped)).deliver(batch, lambda _: None)
    elapsed = time.perf_counter() - started
    line(
        f"PublishBatch of {PUBLISHED:,} notifications",
        f"{len(delivery.sent) / elapsed:,.0f}/s ({len(delivery.failed)} failed)",
    )
    record_throughput("notifier → SNS PublishBatch", len(delivery.sent) / elapsed)
    sns.delete_topic(TopicArn=arn)


def _simulated_ward(settings: Settings) -> tuple[list[dict], list, set[str]]:
    """Ten minutes of 100 patients at 1 reading/s, evaluated with the HBase thresholds as the stream does."""
    index = ThresholdRepository(lambda: hbase.connect(settings), settings.threshold_table).index
    evaluator = ReferenceEvaluator(index)
    patients = make_patients(100, seed=21)
    ages = {p.patientid: p.age for p in patients}
    stream = ReadingStream(
        patients, 1.0, dt.datetime(2026, 11, 24, 8, 0), seed=21, bad_share=0.0, episodes_per_patient_hour=6
    )
    position = {field: 3 + index_ for index_, field in enumerate(VITAL_FIELDS)}
    alerts = []
    for number, row in enumerate(stream.rows(duration_s=600)):
        patient_id, _, moment = row[:3]
        for attribute in sorted(index.attributes):
            value = row[position[VITAL_OF_ATTRIBUTE[attribute].field]]
            result = evaluator.evaluate(attribute, ages[patient_id], value)
            if result.outcome in ALERT_KINDS:
                rule = result.rule
                alerts.append(
                    alert_record(
                        alert_id=f"{number}:{attribute}",
                        patient_id=patient_id,
                        attribute=attribute,
                        kind=result.outcome.value,
                        rule_id=rule.rule_id if rule else None,
                        observed_value=value,
                        rule_low_value=rule.low_value if rule else None,
                        rule_high_value=rule.high_value if rule else None,
                        input_message_time=moment.isoformat() + "Z",
                        alert_message=result.message,
                    )
                )
    return alerts, stream.finished_episodes, index.attributes


def _coverage(episodes: list, notifications: list[Notification], monitored_attributes: set[str]) -> tuple[int, int]:
    """An episode counts as notified when one of the vitals it moves had a live (not all-cleared) notification by
    its end; episodes moving only vitals without threshold rows cannot alert and are left out."""
    timeline = defaultdict(list)
    for notification in notifications:
        timeline[notification.episode_key].append((notification.alert["input_message_time"], notification.type))
    attribute_of = {vital.field: attribute for attribute, vital in VITAL_OF_ATTRIBUTE.items()}
    covered = monitored = 0
    for episode in episodes:
        attributes = {attribute_of[field] for field in EPISODE_KINDS[episode.kind].fields} & monitored_attributes
        if not attributes:
            continue
        end = episode.ended_at.isoformat() + "Z"
        live = False
        for attribute in attributes:
            key = episode_key(
                {"patient_id": episode.patient_id, "kind": Outcome.VITAL_OUT_OF_RANGE, "attribute": attribute}
            )
            events = sorted(event for event in timeline.get(key, []) if event[0] <= end)
            live = live or (bool(events) and events[-1][1] != "all_clear")
        monitored += 1
        covered += live
    return covered, monitored
