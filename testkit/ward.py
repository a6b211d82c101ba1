"""A live simulated ward through the whole pipeline, scored for alert quality (used by the demo and the benchmark).

Bedside devices write to RDS in real time, the producer follows the table into
Kafka, the streaming application evaluates every reading with the default
thresholds and NEWS2 and publishes alerts, and the notifier emails through SNS.
All of it runs on a slice of the stack of its own (readings table, topics,
Hive database, threshold table, notifier group, SNS topic), so what is measured
is the ward's and nothing else's. Scoring: :mod:`simulation.alert_quality`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass

from pyspark.sql import SparkSession

from clients import kafka
from contract.alerts import DATA_QUALITY_KINDS, Outcome
from hbase_setup.ages import completed_months, months_of_years
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import parse_rows
from hbase_setup.sources import DEFAULT_SOURCE, read_rows
from notifier.service import Notifier
from producers import producer, watermark
from rds_schema import migrate
from runtime.waiting import wait_until
from settings import KafkaPrincipal, Settings
from settings.choices import AlertPath
from simulation.alert_quality import AlertQuality, Notice, score
from simulation.bedside import Patient, make_patients
from simulation.rds_devices import SimulationRun, simulate, write_patients
from sqoop import pipeline_jobs
from streaming.app import StreamingApp
from testkit import inbox, scratch
from testkit.reference_evaluator import ReferenceEvaluator

log = logging.getLogger(__name__)

SETTLE_QUIET_S = 5.0  # after the last reading: the alert queue this long without a new record means settled
NOTIFIER_CATCH_UP_S = 600.0  # longest wait for the notifier to email what the queue holds
# an episode's all-clear follows its normal readings (PA_ALL_CLEAR_READINGS at 1 reading/s) within seconds: a
# notification this long after a labelled episode ended still belongs to it
EPISODE_CLOSE_S = 60.0
_PATIENT_IN_SUBJECT = re.compile(r"\((\d+)\)")


@dataclass(frozen=True)
class WardReport:
    patients: int
    seconds: float
    readings: int
    episodes: int
    alerts: Counter[tuple[str, str]]  # (kind, severity) -> alerts on the slice's doctors-queue
    notifications: Counter[str]  # notification type -> emails delivered
    quality: AlertQuality
    # (reading id, rule or kind, vital) of each threshold alert of the ward's patients on the queue, and as the
    # plain-Python reference evaluator raises them for every landed reading: the two must be equal
    threshold_alerts: list[tuple] = dataclasses.field(default_factory=list)
    expected_threshold_alerts: list[tuple] = dataclasses.field(default_factory=list)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {severity} {n:,}" for (kind, severity), n in sorted(self.alerts.items()))
        sent = ", ".join(f"{kind} {n:,}" for kind, n in sorted(self.notifications.items()))
        return [
            f"live ward: {self.patients} patients for {self.seconds:.0f} s, devices -> RDS -> producer -> Kafka -> "
            f"stream -> SNS: {self.readings:,} readings, {self.episodes} labelled deterioration episodes",
            f"alerts by kind and severity: {kinds or 'none'}",
            f"emails by notification: {sent or 'none'}",
            *self.quality.lines(),
        ]


@dataclass(frozen=True)
class WardPlan:
    """How big and how long a live ward runs."""

    patients: int
    seconds: float
    seed: int
    episodes_per_patient_hour: float


def run_ward(spark: SparkSession, base: Settings, plan: WardPlan) -> WardReport:
    """Run the ward live for ``seconds`` (wall clock), let the pipeline settle, score it, remove the slice."""
    name = f"ward_{uuid.uuid4().hex[:8]}"
    scoped = scratch.scratch_settings(base, name, threshold_source=DEFAULT_SOURCE).changed(
        names={"vitals_table": name, "producer_name": name, "sns_topic": name},
        notifier={"escalation_tiers": f"ward doctor={name}-doctor,rapid response={name}-rapid"},
        stream={"alert_path": AlertPath.REALTIME},
    )
    migrate.create_readings_table(scoped)
    # alert ids derive from reading ids, and the notifier remembers every alert id it handled (so a replay never
    # notifies twice): the slice's readings get ids no earlier ward or the pipeline's own table has used
    first_id = unused_first_id()
    migrate.execute_as_owner(scoped.rds, f"ALTER TABLE `{name}` AUTO_INCREMENT = {first_id}")
    watermark.advance(scoped.rds, name, name, first_id - 1)  # the producer starts there: no ids below are missing
    population = make_patients(plan.patients, plan.seed)
    write_patients(scoped, population)
    pipeline_jobs.import_patients(spark, scoped)
    queue_url = inbox.subscribe(scoped, name)
    try:
        run, started = _live(spark, scoped, plan)
        alerts = _alert_messages(scoped)
        emails = inbox.read_all(scoped, queue_url)
        expected = _expected_threshold_alerts(spark, scoped, population)
    finally:
        _remove(spark, scoped)
    notices = [_notice(email) for email in emails]
    population_ids = {patient.patientid for patient in population}
    clinical = [alert for alert in alerts if alert["kind"] not in DATA_QUALITY_KINDS]
    alert_times: dict[int, list[dt.datetime]] = {}
    for alert in clinical:
        alert_times.setdefault(int(alert["patient_id"]), []).append(_utc(alert["input_message_time"]))
    quality = score(
        run.episodes,
        alert_times,
        notices,
        patient_ids=population_ids,
        started=started,
        ended=started + dt.timedelta(seconds=plan.seconds),
        all_clear_s=EPISODE_CLOSE_S,
    )
    return WardReport(
        patients=plan.patients,
        seconds=plan.seconds,
        readings=run.readings,
        episodes=len(run.episodes),
        alerts=Counter((alert["kind"], alert["severity"]) for alert in alerts),
        notifications=Counter(notice.type for notice in notices),
        quality=quality,
        threshold_alerts=sorted(  # each alert once (a redelivered one carries the same id)
            {
                alert["alert_id"]: (int(alert["reading_id"]), alert.get("rule_id") or alert["kind"], alert["attribute"])
                for alert in alerts
                if alert["kind"] != Outcome.NEWS2 and alert.get("patient_id") in population_ids
            }.values()
        ),
        expected_threshold_alerts=expected,
    )


def _expected_threshold_alerts(spark: SparkSession, settings: Settings, population: list[Patient]) -> list[tuple]:
    """What the reference evaluator raises for every reading of the ward's patients the slice landed (their ages in
    completed months at each reading, as the stream matches them)."""
    evaluator = ReferenceEvaluator(ThresholdIndex(parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref"))))
    patients = {patient.patientid: patient for patient in population}
    expected: list[tuple] = []
    for row in spark.table(f"{settings.names.hive_database}.vitals_raw").collect():
        reading = row.asDict()
        patient = patients.get(reading["patient_id"])
        if patient is None:  # a simulated bad reading: the data-quality alerts are the quality score's business
            continue
        born = patient.date_of_birth
        months = completed_months(born, reading["event_time"]) if born else months_of_years(patient.age)
        expected += [(reading["reading_id"], *alert) for alert in evaluator.alerts(reading, months)]
    return sorted(expected)


def _live(spark: SparkSession, settings: Settings, plan: WardPlan) -> tuple[SimulationRun, dt.datetime]:
    """Devices, producer, stream and notifier running together until the readings end and the queue settles."""
    stopping = threading.Event()
    app = StreamingApp(spark, settings, stopping)
    app.start()
    notifier = Notifier(settings, stopping)
    services = [
        threading.Thread(target=notifier.run, name="ward-notifier"),
        threading.Thread(
            target=producer.run, kwargs=dict(settings=settings, follow=True, stopping=stopping), name="ward-producer"
        ),
    ]
    result: list[SimulationRun] = []
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    devices = threading.Thread(
        target=lambda: result.append(
            simulate(
                settings,
                patients=plan.patients,
                rate_hz=1.0,
                seed=plan.seed,
                duration_s=plan.seconds,
                start=started,
                realtime=True,
                episodes_per_patient_hour=plan.episodes_per_patient_hour,
            )
        ),
        name="ward-devices",
    )
    try:
        for thread in [*services, devices]:
            thread.start()
        while devices.is_alive():
            app.tick()
            devices.join(timeout=5)
        _settle(app, settings)
    finally:
        stopping.set()
        for thread in services:
            thread.join()
        app.stop()
    if not result:
        raise RuntimeError("the simulated devices stopped without finishing; see the error above")
    return result[0], started


def unused_first_id() -> int:
    """Reading ids past any used before: this moment in milliseconds times a thousand (a ward writes far fewer
    readings than a thousand per millisecond it runs), below 2**53 so a JSON reader using doubles keeps them exact."""
    return time.time_ns() // 1_000_000 * 1000


def _settle(app: StreamingApp, settings: Settings) -> None:
    """Wait until the alert queue took no new record for SETTLE_QUIET_S, then until the notifier handled all of it.

    SNS (moto) can fall minutes behind on a stack that kept old subscriptions, so a fixed pause after the queue went
    quiet scored a ward before its emails were sent; the notifier's committed offsets say when it is really done.
    """
    before = kafka.end_offsets(settings.kafka, settings.names.topic_alerts)
    while True:
        app.tick()
        time.sleep(SETTLE_QUIET_S)
        now = kafka.end_offsets(settings.kafka, settings.names.topic_alerts)
        if now == before:
            break
        before = now
    if not wait_until(
        lambda: kafka.committed(settings.kafka, settings.names.notifier_group, settings.names.topic_alerts) >= now,
        NOTIFIER_CATCH_UP_S,
        every_s=1.0,
    ):
        log.warning(
            "the notifier handled %d of %d alerts within %.0f s; scoring what was emailed so far",
            kafka.committed(settings.kafka, settings.names.notifier_group, settings.names.topic_alerts),
            now,
            NOTIFIER_CATCH_UP_S,
        )


def _alert_messages(settings: Settings) -> list[dict]:
    reader = kafka.consumer(settings.kafka, KafkaPrincipal.ADMIN, settings.names.topic_alerts, consumer_timeout_ms=3000)
    try:
        return [json.loads(record.value) for record in reader]
    finally:
        reader.close()


def _notice(email: dict) -> Notice:
    match = _PATIENT_IN_SUBJECT.search(email["Subject"])
    return Notice(
        patient_id=int(match.group(1)) if match else -1,
        sent_at=_utc(email["Timestamp"]),
        type=email["MessageAttributes"]["notification"]["Value"],
    )


def _utc(text: str) -> dt.datetime:
    """An ISO-8601 time (``Z`` or an offset) as naive UTC."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _remove(spark: SparkSession, settings: Settings) -> None:
    """Drop the slice: its readings table, producer position, notifier state, Hive database, topics, SNS/SQS."""
    migrate.drop_table(settings.rds, settings.names.vitals_table)
    migrate.execute_as_owner(
        settings.rds, "DELETE FROM producer_watermarks WHERE producer_name = %s", (settings.names.producer_name,)
    )
    scratch.drop(spark, settings)
    scratch.drop_notifier_slice(settings)
