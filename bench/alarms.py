"""``python -m bench alarms``: the labelled alarm scenarios (simulation/alarm_scenarios.py) through the real stream
and notifier, scored against their labels: was each deterioration told, how soon after its labelled onset, how
many emails per episode (escalations included), false all-clears, monitoring-lost alarms, escalations.

One patient per scenario, readings every 5 s sent live to a slice of the stack of its own (topics, Hive database,
threshold table with the default rules, notifier group, SNS topic per tier), with the streaming application on
Real-time Mode and the notifier running beside it. Nobody acknowledges anything, so every urgent or critical
episode must escalate; the escalation interval is shortened (ESCALATE_AFTER_S) so the run shows it in minutes.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import threading
import time
import uuid
from dataclasses import dataclass

from pyspark.sql import SparkSession

from bench.report import line, note, section
from clients import kafka
from clients.spark import session
from contract.alerts import NotificationKind
from hbase_setup.sources import DEFAULT_SOURCE
from notifier.service import Notifier
from settings import KafkaPrincipal, Settings
from settings.choices import AlertPath
from simulation.alarm_scenarios import READING_INTERVAL_S, SCENARIOS, Expected, Scenario
from streaming.app import StreamingApp
from testkit import inbox, scratch

RUN_S = 270.0  # seconds of readings: onset at 30 s, then four escalation intervals and a half
ESCALATE_AFTER_S = 60.0
SETTLE_S = 20.0  # after the last reading: the stream and the notifier finish what they hold
FIRST_PATIENT = 920001
TOLD = (NotificationKind.OPENED, NotificationKind.WORSE, NotificationKind.ESCALATION, NotificationKind.REMINDER)
TARGET_MEDIAN_S = 60.0


@dataclass(frozen=True)
class Email:
    patient_id: int
    kind: str
    sent_at: float  # epoch seconds, SNS's timestamp


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    onset_at: float  # epoch seconds
    last_reading_at: float
    emails: list[Email]

    def of(self, *kinds: str) -> list[Email]:
        return [email for email in self.emails if email.kind in kinds]

    @property
    def first_told_s(self) -> float | None:
        told = [email.sent_at for email in self.of(*TOLD) if email.sent_at >= self.onset_at]
        return min(told) - self.onset_at if told else None

    @property
    def notified(self) -> bool:
        return self.first_told_s is not None

    @property
    def false_all_clears(self) -> int:
        """An all-clear while the labelled deterioration or fault lasts (every scenario's runs to the end)."""
        return 0 if self.scenario.expected is Expected.QUIET else len(self.of(NotificationKind.ALL_CLEAR))

    @property
    def lost_reported_s(self) -> float | None:
        lost = [email.sent_at for email in self.of(NotificationKind.MONITORING_LOST)]
        return min(lost) - self.last_reading_at if lost else None


def run(settings: Settings) -> None:
    section(f"alarms: {len(SCENARIOS)} labelled scenarios through the stream and notifier ({RUN_S:.0f} s live)")
    results = run_scenarios(session(settings, "bench-alarms"), settings)
    note("| scenario | expected | told | onset -> first email | emails (escalations) | monitoring lost | all-clears |")
    note("|---|---|---|---|---|---|---|")
    for result in results:
        first = result.first_told_s
        lost = result.lost_reported_s
        note(
            f"| {result.scenario.name} | {result.scenario.expected} | {'yes' if result.notified else 'no'} | "
            f"{'-' if first is None else f'{first:.0f} s'} | {len(result.emails)} "
            f"({len(result.of(NotificationKind.ESCALATION))}) | "
            f"{'-' if lost is None else f'{lost:.0f} s after the last reading'} | "
            f"{len(result.of(NotificationKind.ALL_CLEAR))} |"
        )
    for text in targets(results, settings):
        line(*text.split(": ", 1))


def targets(results: list[ScenarioResult], settings: Settings) -> list[str]:
    """The issue's targets, each with its measured value and MET or NOT MET."""
    deteriorations = [result for result in results if result.scenario.expected is Expected.NOTIFIED]
    told = [result for result in deteriorations if result.notified]
    delays = [result.first_told_s for result in told if result.first_told_s is not None]
    median = statistics.median(delays) if delays else None
    quiet_told = [result for result in results if result.scenario.expected is Expected.QUIET and result.of(*TOLD)]
    most = max((len(result.emails) for result in deteriorations), default=0)
    false_clears = sum(result.false_all_clears for result in results)
    silent = [result for result in results if result.scenario.expected is Expected.MONITORING_LOST]
    lost_in_time = [
        result
        for result in silent
        if result.lost_reported_s is not None and result.lost_reported_s <= settings.notifier.monitoring_lost_s + 30
    ]
    escalated = [result for result in told if _escalated_in_time(result)]

    def verdict(met: bool) -> str:
        return "MET" if met else "NOT MET"

    return [
        f"deteriorations told: {len(told)}/{len(deteriorations)} {verdict(len(told) == len(deteriorations))}",
        f"labelled onset -> first email: median "
        f"{'-' if median is None else f'{median:.0f} s'} (target under {TARGET_MEDIAN_S:.0f} s) "
        f"{verdict(median is not None and median < TARGET_MEDIAN_S)}",
        f"emails per episode in its first hour (escalations included): at most {most} (cap "
        f"{settings.notifier.alarm_max_per_hour}) {verdict(most <= settings.notifier.alarm_max_per_hour)}",
        f"false all-clears: {false_clears} {verdict(false_clears == 0)}",
        f"silent monitors reported within {settings.notifier.monitoring_lost_s:.0f} + 30 s: "
        f"{len(lost_in_time)}/{len(silent)} "
        f"{verdict(len(lost_in_time) == len(silent))}",
        f"unacknowledged episodes escalated within {ESCALATE_AFTER_S:.0f} + 30 s: {len(escalated)}/{len(told)} "
        f"{verdict(len(escalated) == len(told))}",
        f"quiet scenarios emailed about a deterioration: {len(quiet_told)} {verdict(not quiet_told)}",
    ]


def _escalated_in_time(result: ScenarioResult) -> bool:
    first = min((email.sent_at for email in result.of(*TOLD)), default=None)
    escalations = [email.sent_at for email in result.of(NotificationKind.ESCALATION)]
    return first is not None and bool(escalations) and min(escalations) - first <= ESCALATE_AFTER_S + 30


def run_scenarios(spark: SparkSession, base: Settings) -> list[ScenarioResult]:
    name = f"alarms_{uuid.uuid4().hex[:8]}"
    scoped = scratch.scratch_settings(base, name, threshold_source=DEFAULT_SOURCE).changed(
        names={"sns_topic": name},
        notifier={
            "escalation_tiers": f"ward doctor={name}-doctor,rapid response={name}-rapid",
            "escalate_after_s": ESCALATE_AFTER_S,
        },
        stream={"alert_path": AlertPath.REALTIME},
    )
    patients = {FIRST_PATIENT + number: scenario for number, scenario in enumerate(SCENARIOS)}
    _register(spark, scoped, patients)
    queues = [
        inbox.subscribe(scoped, f"{name}-{number}", topic=tier.topic) for number, tier in enumerate(scoped.alarm_tiers)
    ]
    try:
        onset_at, last_reading = _live(spark, scoped, patients)
        emails = [_email(envelope) for url in queues for envelope in inbox.read_all(scoped, url)]
    finally:
        _remove(spark, scoped)
    return [
        ScenarioResult(
            scenario,
            onset_at + scenario.onset_s,
            last_reading[patient_id],
            sorted((email for email in emails if email.patient_id == patient_id), key=lambda email: email.sent_at),
        )
        for patient_id, scenario in patients.items()
    ]


def _register(spark: SparkSession, settings: Settings, patients: dict[int, Scenario]) -> None:
    rows = [
        (
            patient_id,
            f"Scenario {scenario.name.title()}",
            "-",
            "-",
            "ICU",
            scenario.age,
            scenario.name,
            scenario.scale2,
            False,
            None,  # updated_at
            None,  # date of birth: the scenarios' patients are adults, or of unknown age
        )
        for patient_id, scenario in patients.items()
    ]
    spark.createDataFrame(rows, scratch.PATIENT_SCHEMA).write.insertInto(
        f"{settings.names.hive_database}.patients", overwrite=True
    )


def _live(spark: SparkSession, settings: Settings, patients: dict[int, Scenario]) -> tuple[float, dict[int, float]]:
    """Stream and notifier running while the scenarios' readings are sent live; returns when the run started and
    each patient's last reading (wall clock)."""
    stopping = threading.Event()
    app = StreamingApp(spark, settings, stopping)
    app.start()
    notifier = threading.Thread(target=Notifier(settings, stopping).run, name="alarms-notifier")
    notifier.start()
    producer = kafka.producer(settings.kafka, KafkaPrincipal.ADMIN)
    started = time.time()
    last_reading: dict[int, float] = {}
    try:
        for number in range(int(RUN_S / READING_INTERVAL_S)):
            second = number * READING_INTERVAL_S
            while time.time() < started + second:
                app.tick()
                time.sleep(min(0.5, max(0.0, started + second - time.time())))
            for patient_id, scenario in patients.items():
                vitals = scenario.reading(second, number)
                if vitals is None:
                    continue
                now = time.time()
                last_reading[patient_id] = now
                moment = dt.datetime.fromtimestamp(now + scenario.clock_skew_s, dt.UTC).replace(tzinfo=None)
                message = {
                    "reading_id": int(now * 1000) * 100 + patient_id % 100,
                    "patient_id": patient_id,
                    "device_id": f"icu-bed-{patient_id % 100}",
                    "event_time": moment.isoformat(timespec="milliseconds") + "Z",
                    **vitals,
                }
                producer.send(
                    settings.names.topic_vitals, key=str(patient_id).encode(), value=json.dumps(message).encode()
                )
            producer.flush()
            if number % 12 == 0:
                print(f"  [alarms] {second:.0f}/{RUN_S:.0f} s of readings sent", flush=True)
        settle_until = time.time() + SETTLE_S
        while time.time() < settle_until:
            app.tick()
            time.sleep(1.0)
    finally:
        producer.close()
        stopping.set()
        notifier.join()
        app.stop()
    return started, last_reading


def _email(envelope: dict) -> Email:
    subject = envelope["Subject"]
    patient = int(subject.split("(", 1)[1].split(")", 1)[0]) if "(" in subject else -1
    sent = dt.datetime.fromisoformat(envelope["Timestamp"].replace("Z", "+00:00")).timestamp()
    return Email(patient, envelope["MessageAttributes"]["notification"]["Value"], sent)


def _remove(spark: SparkSession, settings: Settings) -> None:
    scratch.drop(spark, settings)
    scratch.drop_notifier_slice(settings)
