"""Notifier: notifications/s to SNS, and notifications versus alerts on a simulated ward with labelled episodes
(the alarm rules of notifier/episodes.py fed reading by reading, as the stream feeds them)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
import uuid
from collections import defaultdict

from bench.report import line, record_throughput, section
from clients import hbase
from contract.alerts import ALERT_KINDS, NotificationKind, finding_subject
from contract.records import AlertRecord, ObservationRecord
from contract.vitals import VITAL_FIELDS, VITAL_OF_ATTRIBUTE
from hbase_setup.ages import months_of_years
from hbase_setup.repository import ThresholdRepository
from notifier import sender
from notifier.episodes import AlarmPolicy, EpisodeTracker, Notification
from notifier.messages import Composer
from notifier.service import backoff_for
from notifier.sns_setup import topic_arn
from settings import Settings
from simulation.bedside import EPISODE_KINDS, ReadingStream, make_patients
from testkit.alerts import alert_record
from testkit.reference_evaluator import ReferenceEvaluator

PUBLISHED = 2_000


def run(settings: Settings) -> None:
    section("notifier (SNS)")
    scoped = settings.changed(names={"sns_topic": f"bench-notify-{uuid.uuid4().hex[:6]}"})
    readings, episodes, monitored_attributes = _simulated_ward(settings)
    tracker = EpisodeTracker(AlarmPolicy.of(settings))
    told: list[tuple[dt.datetime, Notification]] = []
    for moment, alerts, observation in readings:
        now = moment.replace(tzinfo=dt.UTC).timestamp()
        notes = [note for alert in alerts for note in tracker.observe_alert(alert, now)]
        notes += tracker.observe_reading(observation, now) + tracker.tick(now)
        told += [(moment, note) for note in notes]
    alert_count = sum(len(alerts) for _, alerts, _ in readings)
    line(
        f"simulated ward: {alert_count:,} alerts -> notifications",
        f"{len(told):,} ({100 * (1 - len(told) / max(alert_count, 1)):.1f}% fewer)",
    )
    covered, monitored = _coverage(episodes, told, monitored_attributes)
    line("labelled episodes of monitored vitals notified", f"{covered}/{monitored}")
    notifications = [note for _, note in told]

    arn = topic_arn(scoped)
    sns = sender.sns_client(scoped.sns)
    batch = (notifications * (PUBLISHED // max(len(notifications), 1) + 1))[:PUBLISHED]
    backoff = backoff_for(scoped.notifier, "SNS publish", threading.Event())
    started = time.perf_counter()
    delivery = sender.Sender(sns, [arn], backoff, Composer.of(scoped)).deliver(batch, lambda _: None)
    elapsed = time.perf_counter() - started
    line(
        f"PublishBatch of {PUBLISHED:,} notifications",
        f"{len(delivery.sent) / elapsed:,.0f}/s ({len(delivery.failed)} failed)",
    )
    record_throughput("notifier → SNS PublishBatch", len(delivery.sent) / elapsed)
    sns.delete_topic(TopicArn=arn)


def _simulated_ward(
    settings: Settings,
) -> tuple[list[tuple[dt.datetime, list[AlertRecord], ObservationRecord]], list, set[str]]:
    """Ten minutes of 100 patients at 1 reading/s, evaluated with the HBase thresholds as the stream does: per
    reading its time, its alerts and its observation record."""
    index = ThresholdRepository(lambda: hbase.connect(settings.hbase), settings.names.threshold_table).index
    evaluator = ReferenceEvaluator(index)
    patients = make_patients(100, seed=21)
    ages = {p.patientid: months_of_years(p.age) for p in patients}
    stream = ReadingStream(
        patients, 1.0, dt.datetime(2026, 11, 24, 8, 0), seed=21, bad_share=0.0, episodes_per_patient_hour=6
    )
    position = {field: 3 + index_ for index_, field in enumerate(VITAL_FIELDS)}
    readings = []
    for number, row in enumerate(stream.rows(duration_s=600)):
        patient_id, _, moment = row[:3]
        alerts: list[AlertRecord] = []
        for attribute in sorted(index.attributes):
            value = row[position[VITAL_OF_ATTRIBUTE[attribute].field]]
            result = evaluator.evaluate(attribute, ages[patient_id], value)
            if result.outcome in ALERT_KINDS:
                rule = result.rule
                alerts.append(
                    AlertRecord.from_json(
                        alert_record(
                            alert_id=hashlib.sha256(f"{number}:{attribute}".encode()).hexdigest()[:32],
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
                )
        observation = ObservationRecord.from_json(
            {
                "patient_id": patient_id,
                "input_message_time": moment.isoformat() + "Z",
                "findings": [finding_subject(alert.kind, alert.attribute) for alert in alerts],
            }
        )
        readings.append((moment, alerts, observation))
    return readings, stream.finished_episodes, index.attributes


def _coverage(
    episodes: list, told: list[tuple[dt.datetime, Notification]], monitored_attributes: set[str]
) -> tuple[int, int]:
    """An episode counts as notified when its patient was told of an episode (opened, worse, escalation, reminder)
    by its end, or still had one open (told, not yet all clear) when it began; episodes moving only vitals without
    threshold rows cannot alert and are left out."""
    timeline = defaultdict(list)
    for moment, notification in told:
        timeline[int(notification.patient_id)].append((moment, notification.kind))
    attribute_of = {vital.field: attribute for attribute, vital in VITAL_OF_ATTRIBUTE.items()}
    covered = monitored = 0
    for episode in episodes:
        if not {attribute_of[field] for field in EPISODE_KINDS[episode.kind].fields} & monitored_attributes:
            continue
        monitored += 1
        events = [kind for moment, kind in sorted(timeline.get(episode.patient_id, [])) if moment <= episode.ended_at]
        covered += bool(events) and events[-1] != NotificationKind.ALL_CLEAR
    return covered, monitored
