"""Chaos run: readings flow while each server, then each service, is killed with SIGKILL and started again.

``make chaos`` (or ``python -m drills chaos [--rate 500] [--down-s 10]``) runs the
pipeline's own services as separate processes on a scratch slice of the local
stack (its own RDS table, topics, Hive database, checkpoints, notifier group
and SNS topic): the simulator writes ``--rate`` readings/s into RDS, the
producer follows, the streaming application lands and alerts, the notifier
notifies. One phase per fault: the server (or the streaming application, or
the notifier) is killed, left down ``--down-s`` seconds, and started again;
the run then measures how long each service took to make progress again.

When the simulator stops and the pipeline has drained, every phase is
reconciled over the readings measured during it: readings in RDS, on Kafka,
in ``vitals_raw`` + ``vitals_rejected``, alerts in Hive, alert ids on
``doctors-queue``, notifier outcomes, lost and duplicated counts. The run exits
non-zero when anything was lost or duplicated.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from batch.reconcile import reconcile
from clients import kafka, kafka_acls
from clients.spark import rds_query, session
from local_stack import handoff, stack
from notifier import sns_setup
from producers import watermark
from rds_schema import migrate
from runtime.waiting import wait_until
from settings import KafkaPrincipal, RdsAccount, Settings, StackSettings
from simulation.bedside import make_patients
from streaming.sinks import BatchTable
from testkit import scratch
from testkit.services import start_service

SERVER_FAULTS = ("kafka", "mariadb", "hdfs-datanode", "hdfs-namenode", "hive-metastore", "hbase-thrift", "hbase", "sns")
SERVICE_FAULTS = ("streaming", "notifier")
PATIENTS = 250
RECOVERY_LIMIT_S = 180.0
RECOVERING = ("producer", "landing", "alerting", "notifier")  # the services whose progress is measured
SETTLE_S = 20.0  # quiet time between phases, so each phase's readings are its own


@dataclass
class Phase:
    fault: str
    start: dt.datetime
    end: dt.datetime | None = None
    recovery_s: dict[str, float | None] = dataclasses.field(default_factory=dict)


class Services:
    """The pipeline's services as child processes, each with its log under the stack's logs/chaos/."""

    def __init__(self, settings: Settings, logs: Path, rate: int):
        self.settings = settings
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands = {
            # the bedside devices: an hour of live readings, stopped when the faults are done
            "simulator": [
                "simulation",
                "devices",
                "--patients",
                str(PATIENTS),
                "--rate",
                f"{rate / PATIENTS:g}",
                "--duration",
                "3600",
                "--realtime",
                "--bad-share",
                "0.01",
            ],
            "producer": ["producers", "publish", "--follow"],
            "streaming": ["streaming", "run"],
            "notifier": ["notifier", "run"],
        }

    def start(self, name: str) -> None:
        self.processes[name] = start_service(
            self.settings, *self.commands[name], log=self.logs / f"{name}.log", own_group=True
        )

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self, name: str, timeout_s: float = 120) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)

    def dead(self) -> list[str]:
        """Services that exited; the simulator (devices, not the pipeline) is restarted instead, as devices
        reconnect to RDS after an outage."""
        if self.processes["simulator"].poll() is not None:
            self.start("simulator")
        return [name for name, process in self.processes.items() if process.poll() is not None]


class ServiceMarks:
    """How far each service got, read cheaply from where it leaves its mark."""

    def __init__(self, spark: SparkSession, settings: Settings):
        self.settings = settings
        self.raw = BatchTable(spark, f"{settings.names.hive_database}.vitals_raw")

    def marks(self) -> dict[str, int]:
        s = self.settings
        return {
            "producer": _quietly(lambda: watermark.read(s.rds, s.names.producer_name)),  # same order as RECOVERING
            "landing": _quietly(lambda: self.raw.highest_batch() or 0),
            "alerting": _quietly(lambda: kafka.end_offsets(s.kafka, s.names.topic_alerts)),
            "notifier": _quietly(lambda: kafka.committed(s.kafka, s.names.notifier_group, s.names.topic_alerts)),
        }


def _quietly(read: Callable[[], int]) -> int:
    try:
        return read()
    except Exception:  # the server it reads from is the one that is down
        return -1


def run(settings: StackSettings, rate: int = 500, down_s: float = 10.0) -> int:
    """The whole chaos run; returns the exit status (1 when anything was lost or duplicated)."""
    print(
        f"chaos run: {rate} readings/s while {len(SERVER_FAULTS)} servers and {len(SERVICE_FAULTS)} services are "
        f"killed one at a time ({down_s:g} s down each)"
    )
    spark = session(settings, "bench-chaos")
    spark.sparkContext.setLogLevel("ERROR")
    name = f"chaos_{uuid.uuid4().hex[:6]}"
    scoped = _scratch(spark, settings, name)
    logs = settings.stack.data_dir / "logs" / "chaos" / name
    logs.mkdir(parents=True, exist_ok=True)
    services = Services(scoped, logs, rate)
    marks = ServiceMarks(spark, scoped)
    phases: list[Phase] = []
    for service in ("simulator", "producer", "streaming", "notifier"):
        services.start(service)
    try:
        _wait_until("the pipeline is flowing", lambda: min(marks.marks().values()) > 0, RECOVERY_LIMIT_S)
        for fault in (*SERVER_FAULTS, *SERVICE_FAULTS):
            phases.append(_phase(fault, settings, scoped, services, marks, down_s))
            print(
                f"  {fault:<15} back; recovered in "
                + ", ".join(
                    f"{service} {f'not within {RECOVERY_LIMIT_S}s' if seconds is None else f'{seconds:.0f} s'}"
                    for service, seconds in phases[-1].recovery_s.items()
                ),
                flush=True,
            )
        services.stop("simulator", timeout_s=5)
        _drain(scoped, spark, marks)
    finally:
        for service in list(services.processes):
            services.stop(service)
    rows = [_reconcile(spark, scoped, phase) for phase in phases]
    _print_table(rows)
    lost, doubled = sum(row["lost"] for row in rows), sum(row["duplicated"] for row in rows)
    print(f"  logs: {logs}")
    print(f"  {'nothing lost, nothing duplicated' if not (lost or doubled) else f'LOST {lost}, DUPLICATED {doubled}'}")
    return 1 if lost or doubled else 0


def _scratch(spark: SparkSession, settings: Settings, name: str) -> Settings:
    scoped = scratch.scratch_settings(settings, name, vitals_partitions=4).changed(
        names={"vitals_table": name, "producer_name": name, "sns_topic": name, "topic_dead_letter": f"{name}_dlq"},
        hbase={"threshold_refresh_s": settings.hbase.threshold_refresh_s},
        stream={"patients_refresh_s": settings.stream.patients_refresh_s},
    )
    migrate.create_readings_table(scoped)
    kafka_acls.provision(scoped, {scoped.names.topic_dead_letter: 1})  # the producer's rows it cannot publish
    scratch.add_patients(spark, scoped, [patient.as_row()[:6] for patient in make_patients(PATIENTS, 7)])
    return scoped


def _phase(
    fault: str, base: Settings, scoped: Settings, services: Services, marks: ServiceMarks, down_s: float
) -> Phase:
    phase = Phase(fault, _now())
    if fault in SERVICE_FAULTS:
        services.kill(fault)
        time.sleep(down_s)
        services.start(fault)
    else:
        stack.kill(base, [fault])
        time.sleep(down_s)
        stack.up(base, [fault])
        if fault == "sns":  # moto keeps topics in memory; real SNS never loses them, so recreate it as it was
            sns_setup.setup(scoped)
    back, at_return = time.monotonic(), marks.marks()
    waiting = set(at_return)
    while waiting and time.monotonic() - back < RECOVERY_LIMIT_S:
        services.dead()  # restarts the devices (simulator) as soon as an RDS outage has ended them
        now = marks.marks()
        for service in list(waiting):
            if now[service] > max(at_return[service], 0):
                phase.recovery_s[service] = time.monotonic() - back
                waiting.discard(service)
        time.sleep(1)
    phase.recovery_s.update({service: None for service in waiting})
    if services.dead():
        raise RuntimeError(f"service(s) {services.dead()} exited during the {fault} phase; see their logs")
    time.sleep(SETTLE_S)
    phase.end = _now()
    return phase


def _drain(settings: Settings, spark: SparkSession, services_marks: ServiceMarks) -> None:
    """Wait until the producer, the landing query and the notifier have caught up with what RDS holds."""
    highest = (
        rds_query(
            spark, settings, RdsAccount.QUALITY, f"SELECT MAX(id) AS highest FROM {settings.names.vitals_table}"
        ).first()[0]
        or 0
    )
    _wait_until(
        "the producer publishes every row",
        lambda: watermark.read(settings.rds, settings.names.producer_name) >= highest,
        RECOVERY_LIMIT_S,
    )
    steady = {"marks": None, "since": time.monotonic()}

    def quiet() -> bool:
        marks = services_marks.marks()
        if marks != steady["marks"]:
            steady.update(marks=marks, since=time.monotonic())
        return time.monotonic() - steady["since"] > 30 and marks["notifier"] >= kafka.end_offsets(
            settings.kafka, settings.names.topic_alerts
        )

    _wait_until("the landing query and the notifier catch up", quiet, 2 * RECOVERY_LIMIT_S)


def _wait_until(what: str, condition: Callable[[], bool], limit_s: float) -> None:
    if not wait_until(condition, limit_s, every_s=2):
        raise RuntimeError(f"chaos run: {what} did not happen within {limit_s:.0f} s")


def _reconcile(spark: SparkSession, settings: Settings, phase: Phase) -> dict:
    """Readings, alerts and notifier outcomes of the readings measured during ``phase``."""
    start, end = (moment.replace(tzinfo=None) for moment in (phase.start, phase.end))
    hours = reconcile(spark, settings, start, end)
    alerts = _between(spark.table(f"{settings.names.hive_database}.alerts"), "input_message_time", start, end)
    hive = alerts.agg(F.count(F.lit(1)).alias("rows"), F.countDistinct("alert_id").alias("ids")).first()
    queued = _between(_queued_alerts(spark, settings), "input_message_time", start, end).select("alert_id").distinct()
    outcomes = rds_query(spark, settings, RdsAccount.QUALITY, "SELECT alert_id, outcome FROM notifier_alerts")
    by_outcome = {
        row["outcome"]: row["count"]
        for row in queued.join(outcomes, "alert_id", "left")
        .fillna("none", subset=["outcome"])
        .groupBy("outcome")
        .count()
        .collect()
    }
    not_queued = alerts.select("alert_id").distinct().join(queued, "alert_id", "left_anti").count()
    readings_lost = sum(hour.missing for hour in hours)
    return {
        "fault": phase.fault,
        "rds": sum(hour.rds for hour in hours),
        "kafka": sum(hour.on_kafka for hour in hours),
        "hive": sum(hour.landed + hour.rejected for hour in hours),
        "alerts": hive["ids"],
        "queued": queued.count(),
        "notified": by_outcome.get("notified", 0),
        "suppressed": by_outcome.get("suppressed", 0),
        "dead_lettered": by_outcome.get("dead_lettered", 0),
        "lost": readings_lost + not_queued + by_outcome.get("none", 0),
        "duplicated": sum(hour.doubled for hour in hours) + hive["rows"] - hive["ids"],
        "recovery": phase.recovery_s,
    }


def _between(frame: DataFrame, column: str, start: dt.datetime, end: dt.datetime) -> DataFrame:
    return frame.where((F.col(column) >= F.lit(start)) & (F.col(column) < F.lit(end)))


def _queued_alerts(spark: SparkSession, settings: Settings) -> DataFrame:
    value = F.col("value").cast("string")
    return (
        spark.read.format("kafka")
        .options(**kafka.spark_options(settings.kafka, KafkaPrincipal.ADMIN))
        .option("subscribe", settings.names.topic_alerts)
        .option("startingOffsets", "earliest")
        .load()
        .select(
            F.get_json_object(value, "$.alert_id").alias("alert_id"),
            F.to_timestamp(F.get_json_object(value, "$.input_message_time")).alias("input_message_time"),
        )
    )


def _print_table(rows: list[dict]) -> None:
    print(
        f"  {'fault':<15} {'RDS':>7} {'Kafka':>7} {'Hive':>7} {'alerts':>7} {'queued':>7} {'notified':>8} "
        f"{'suppr.':>7} {'DLQ':>4} {'lost':>5} {'dup.':>5}  recovery (s): {'/'.join(RECOVERING)}"
    )
    for row in rows:
        recovery = "/".join(
            "-" if row["recovery"].get(service) is None else f"{row['recovery'][service]:.0f}" for service in RECOVERING
        )
        print(
            f"  {row['fault']:<15} {row['rds']:>7,} {row['kafka']:>7,} {row['hive']:>7,} {row['alerts']:>7,} "
            f"{row['queued']:>7,} {row['notified']:>8,} {row['suppressed']:>7,} {row['dead_lettered']:>4,} "
            f"{row['lost']:>5,} {row['duplicated']:>5,}  {recovery}"
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drills chaos", description=__doc__)
    parser.add_argument("--rate", type=int, default=500, help="readings per second into RDS")
    parser.add_argument("--down-s", type=float, default=10.0, help="seconds each server stays down")
    args = parser.parse_args(argv)
    import settings as settings_module

    current = handoff.hand_over(settings_module.stack())
    stack.up(current)
    return run(current, rate=args.rate, down_s=args.down_s)


if __name__ == "__main__":
    sys.exit(main())
