"""The Airflow DAGs, parsed by a DagBag and run whole with ``dag.test()`` against the test stack.

One module fixture builds an isolated slice of the real pipeline (simulator → RDS →
producer → Kafka → streaming → Hive) in a scratch Hive database; the DAGs' tasks are
pointed at it through the Airflow Variable they read (set as AIRFLOW_VAR_…).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import ipaddress
import json
import re
import shutil
import uuid
from collections.abc import Iterator

import pytest

import settings as settings_module
from batch.aggregates import ALERT_COUNT_COLUMNS
from clients import hbase, hive, kafka, mysql
from contract.vitals import VITAL_FIELDS
from dags.connections import mysql_conn_id
from hbase_setup.ages import completed_months, months_of_years
from hbase_setup.load import load as load_thresholds
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import parse_rows
from hbase_setup.sources import CAPSTONE_SOURCE, read_rows
from local_stack import stack
from local_stack.airflow_rest import AirflowRest
from local_stack.servers import airflow as airflow_servers
from producers import producer
from rds_schema import migrate
from settings import KafkaPrincipal, RdsAccount, environment
from simulation.rds_devices import simulate
from sqoop import pipeline_jobs
from sqoop.jobs import JobStore
from streaming.landing import LandingQuery
from testkit import inbox as doctors_inbox
from testkit import scratch
from testkit.reference_evaluator import ReferenceEvaluator
from testkit.sockets import listening_sockets


@dataclasses.dataclass(frozen=True)
class PipelineSlice:
    settings: object
    start: dt.datetime
    end: dt.datetime


def scoped_overrides(scoped, **extra: str) -> dict[str, str]:
    """The variables in which the scratch slice's settings differ from the environment's, and ``extra``."""
    base_env = environment(settings_module.load())
    overrides = {name: value for name, value in environment(scoped).items() if base_env.get(name, value) != value}
    return {**overrides, **extra}


def point_tasks_at(monkeypatch, scoped, **extra: str) -> None:
    """The tasks' settings: the scratch slice's (and ``extra``) through the Airflow Variable they read."""
    variable = f"AIRFLOW_VAR_{scoped.airflow.settings_variable.upper()}"
    monkeypatch.setenv(variable, json.dumps(scoped_overrides(scoped, **extra)))


@pytest.fixture(scope="module")
def pipeline(spark, running_stack, airflow_dags):
    name = f"t_dags_{uuid.uuid4().hex[:8]}"
    scoped = scratch.scratch_settings(running_stack, name).changed(names={"vitals_table": name, "producer_name": name})
    migrate.create_readings_table(scoped)
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=150)).replace(tzinfo=None, microsecond=0)
    simulate(scoped, patients=20, rate_hz=1.0, seed=5, duration_s=120, start=start, bad_share=0.03)
    producer.run(scoped)
    pipeline_jobs.import_patients(spark, scoped)
    LandingQuery(spark, scoped, available_now=True).start().awaitTermination()
    yield PipelineSlice(scoped, start, start + dt.timedelta(seconds=120))
    migrate.drop_table(scoped.rds, name)
    scratch.drop(spark, scoped)


@pytest.fixture
def operations_topic(running_stack):
    """An operations SNS topic of the test's own and a queue subscribed to it, both removed afterwards."""
    operations = running_stack.changed(names={"sns_topic": f"operations-{uuid.uuid4().hex[:8]}"})
    with doctors_inbox.subscribed(operations, operations.names.sns_topic) as url:
        yield operations, url


def utc_midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)


def run_dag(airflow_dags, dag_id: str, **kwargs):
    return airflow_dags.get_dag(dag_id).test(**kwargs)


def failed_tasks(dag_run) -> list[tuple[str, int]]:
    return [(ti.task_id, ti.try_number) for ti in dag_run.get_task_instances() if ti.state == "failed"]


def hive_one(settings, sql: str) -> tuple:
    return hive.query(settings.hive, sql)[0]


@contextlib.contextmanager
def changed_phone_number(settings, phone: str) -> Iterator[int]:
    """One patient's phone number changed in RDS for the duration (the RDS table is shared); yield the patient."""
    patient_id = hive_one(settings, f"SELECT MIN(patientid) FROM {settings.names.hive_database}.patients")[0]
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION, autocommit=True)
    cursor = connection.cursor()
    cursor.execute("SELECT phone_number FROM patients_information WHERE patientid = %s", (patient_id,))
    [(before,)] = cursor.fetchall()
    cursor.execute("UPDATE patients_information SET phone_number = %s WHERE patientid = %s", (phone, patient_id))
    try:
        yield patient_id
    finally:
        cursor.execute("UPDATE patients_information SET phone_number = %s WHERE patientid = %s", (before, patient_id))
        connection.close()


@contextlib.contextmanager
def airflow_scheduler(stack_settings, **environment: str) -> Iterator[AirflowRest]:
    """A fresh Airflow (API server, DAG processor, scheduler) on the test stack, its components started with
    ``environment`` added; stopped afterwards."""
    settings = stack_settings.changed(stack={"airflow": True})
    stack.down(settings, [airflow_servers.AIRFLOW_API_NAME])  # one an interrupted run left
    shutil.rmtree(airflow_servers.home(settings), ignore_errors=True)  # no runs or paused states of an earlier run
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in environment.items():
                patch.setenv(name, value)
            stack.up(settings, ["airflow-scheduler"])
        yield AirflowRest(
            airflow_servers.api_url(settings), airflow_servers.OPERATOR, airflow_servers.operator_password(settings)
        )
    finally:
        stack.down(settings, [airflow_servers.AIRFLOW_API_NAME])


def airflow_sockets(stack_settings) -> set[tuple[str, int]]:
    """Where Airflow's components (and the task processes they run) listen."""
    settings = stack_settings.changed(stack={"airflow": True})
    names = {spec.name for spec in stack.with_dependents([airflow_servers.AIRFLOW_API_NAME])}
    return listening_sockets({row.pid for row in stack.status(settings) if row.name in names and row.pid})


def task_logs(stack_settings, dag_id: str, run_id: str) -> str:
    """The last lines of every task log of a run (for a failed assertion's message)."""
    folder = airflow_servers.home(stack_settings) / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}"
    return "\n".join(f"== {log}\n{log.read_text()[-1500:]}" for log in sorted(folder.rglob("*.log")))


def test_the_scheduler_runs_the_import_and_the_aggregates_and_announces_a_failed_run(
    pipeline, spark, running_stack, operations_topic
):
    """Airflow as deployed: its scheduler runs the DAGs triggered through the REST API, with the RDS and AWS
    credentials from Airflow Connections (the workers' own PA_MYSQL_SQOOP_PASSWORD and SNS endpoint are wrong), and a
    failed run is announced on the operations topic."""
    settings = pipeline.settings
    database = settings.names.hive_database
    hour = pipeline.start.replace(minute=0, second=0)
    hour_utc = hour.replace(tzinfo=dt.UTC)
    partition = f"agg_date='{hour.date()}', agg_hour={hour.hour}"
    spark.sql(f"ALTER TABLE {database}.vitals_hourly DROP IF EXISTS PARTITION ({partition})")
    expected = hive_one(
        settings,
        f"SELECT COUNT(DISTINCT patient_id), COUNT(DISTINCT reading_id) FROM {database}.vitals_raw "
        f"WHERE event_time >= '{hour}' AND event_time < '{hour + dt.timedelta(hours=1)}'",
    )
    operations, operations_inbox = operations_topic
    before = JobStore(settings).get(pipeline_jobs.import_patients_job(settings.names)).last_value
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    worker_environment = {
        "PA_AIRFLOW_START_DATE": now.isoformat(),  # no scheduled runs of earlier intervals: only the test's
        "PA_MYSQL_SQOOP_PASSWORD": "not-the-password",
        "PA_SNS_ENDPOINT_URL": "http://127.0.0.1:9",
    }
    overrides = scoped_overrides(settings, PA_SNS_OPERATIONS_TOPIC=operations.names.sns_topic)
    upside_down = {"start": "2026-11-24T02:00:00+00:00", "end": "2026-11-24T01:00:00+00:00", "dry_run": True}

    with changed_phone_number(settings, "+1-555-SCHD") as patient_id:
        with airflow_scheduler(running_stack, **worker_environment) as airflow:
            airflow.set_variable(settings.airflow.settings_variable, json.dumps(overrides))
            airflow.set_connection(
                mysql_conn_id(settings.airflow, RdsAccount.SQOOP),
                conn_type="mysql",
                host=settings.rds.host,
                port=settings.rds.port,
                login=settings.rds.sqoop_user,
                password=settings.rds.sqoop_password,
                schema=settings.rds.database,
            )
            airflow.set_connection(
                settings.airflow.aws_conn_id,
                conn_type="aws",
                login=settings.sns.aws_access_key_id,
                password=settings.sns.aws_secret_access_key,
                extra=json.dumps({"region_name": settings.sns.aws_region, "endpoint_url": settings.sns.endpoint_url}),
            )
            for dag_id in ("sqoop_import_patients", "vitals_batch_aggregates", "replay_from_rds"):
                airflow.wait_for_dag(dag_id)
                airflow.unpause(dag_id)
            runs = [
                ("sqoop_import_patients", airflow.trigger("sqoop_import_patients")),
                (
                    "vitals_batch_aggregates",
                    airflow.trigger(
                        "vitals_batch_aggregates",
                        logical_date=dt.datetime.now(dt.UTC),
                        data_interval=(hour_utc, hour_utc + dt.timedelta(hours=1)),
                    ),
                ),
                ("replay_from_rds", airflow.trigger("replay_from_rds", conf=upside_down)),
            ]
            listening = airflow_sockets(running_stack)
            states = airflow.wait_for_runs(runs, timeout_s=900)
            tasks = {dag_id: airflow.task_states(dag_id, run_id) for dag_id, run_id in runs}

    assert (running_stack.stack.host, running_stack.stack.airflow_api_port) in listening
    assert all(ipaddress.ip_address(address).is_loopback for address, _ in listening), listening
    logs = "\n".join(task_logs(running_stack, *run) for run in runs)
    assert [states[run] for run in runs] == ["success", "success", "failed"], logs
    assert tasks["replay_from_rds"] == {"replay": ("failed", 1)}, "invalid parameters fail at once, without retries"
    hive.query(settings.hive, f"REFRESH TABLE {database}.patients")
    assert hive_one(settings, f"SELECT phone_number FROM {database}.patients WHERE patientid = {patient_id}") == (
        "+1-555-SCHD",
    )
    assert JobStore(settings).get(pipeline_jobs.import_patients_job(settings.names)).last_value > before
    hourly = hive_one(
        settings,
        f"SELECT COUNT(*), SUM(readings) FROM {database}.vitals_hourly "
        f"WHERE agg_date = '{hour.date()}' AND agg_hour = {hour.hour}",
    )
    assert hourly == expected and expected[1] > 0
    notices = doctors_inbox.read_all(operations, operations_inbox)
    assert [notice["Subject"] for notice in notices] == ["Airflow: replay_from_rds failed"], notices
    assert runs[2][1] in notices[0]["Message"] and "replay (attempt 1)" in notices[0]["Message"]


def test_vitals_batch_aggregates_replaces_its_hour_on_a_rerun(airflow_dags, pipeline, spark, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    hour = pipeline.start.replace(minute=0, second=0)
    run_after = (hour + dt.timedelta(hours=1)).replace(tzinfo=dt.UTC)
    database = settings.names.hive_database
    expected = spark.sql(
        f"SELECT COUNT(DISTINCT patient_id), COUNT(DISTINCT reading_id) FROM {database}.vitals_raw "
        f"WHERE event_time >= '{hour}' AND event_time < '{hour + dt.timedelta(hours=1)}'"
    ).first()
    expected_alerts = spark.sql(
        f"SELECT COUNT(DISTINCT alert_id) FROM {database}.alerts "
        f"WHERE input_message_time >= '{hour}' AND input_message_time < '{hour + dt.timedelta(hours=1)}'"
    ).first()[0]
    hourly = (
        f"SELECT COUNT(*), SUM(readings), SUM({' + '.join(ALERT_COUNT_COLUMNS)}) FROM {database}.vitals_hourly "
        f"WHERE agg_date = '{hour.date()}' AND agg_hour = {hour.hour}"
    )

    first = run_dag(airflow_dags, "vitals_batch_aggregates", logical_date=run_after)
    after_first = hive_one(settings, hourly)
    second = run_dag(airflow_dags, "vitals_batch_aggregates", logical_date=run_after)
    after_second = hive_one(settings, hourly)

    assert (first.state, second.state) == ("success", "success"), failed_tasks(second)
    assert after_first == after_second == (expected[0], expected[1], expected_alerts)
    assert expected[1] > 0
    rollup = hive_one(
        settings, f"SELECT SUM(readings), COUNT(*) FROM {database}.ward_daily_vitals WHERE agg_date = '{hour.date()}'"
    )
    day_total = hive_one(
        settings, f"SELECT SUM(readings) FROM {database}.vitals_hourly WHERE agg_date = '{hour.date()}'"
    )[0]
    assert rollup[0] == day_total and rollup[1] >= 1


STREAM_THRESHOLD_ALERTS = (
    "SELECT DISTINCT reading_id, IF(rule_id = '' OR rule_id IS NULL, kind, rule_id), attribute FROM {database}.alerts "
    "WHERE kind IN ('vital_out_of_range', 'value_in_gap', 'no_band_for_age')"
)


def reference_threshold_alerts(settings) -> set[tuple]:
    """(reading id, rule or outcome, attribute) of every threshold alert the capstone rules raise for the slice's
    landed readings of known patients, by the plain-Python reference evaluator and ages counted here."""
    evaluator = ReferenceEvaluator(ThresholdIndex(parse_rows(read_rows(CAPSTONE_SOURCE, "threshold_ref"))))
    fields = list(VITAL_FIELDS)
    rows = hive.query(
        settings.hive,
        f"SELECT r.reading_id, r.event_time, p.age, p.date_of_birth, {', '.join('r.' + f for f in fields)} "
        f"FROM {settings.names.hive_database}.vitals_raw r JOIN {settings.names.hive_database}.patients p "
        "ON r.patient_id = p.patientid",
    )
    expected = set()
    for reading_id, event_time, years, born, *values in rows:
        if born is not None:
            months = completed_months(dt.date.fromisoformat(str(born)), dt.datetime.fromisoformat(str(event_time)))
        else:
            months = months_of_years(years)
        reading = {field: value for field, value in zip(fields, values) if value is not None}
        expected |= {(reading_id, rule, attribute) for rule, attribute in evaluator.alerts(reading, months)}
    return expected


def test_alerts_batch_recheck_is_in_parity_then_lists_a_threshold_change(airflow_dags, pipeline, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    day = pipeline.start.date()
    differences = (
        f"SELECT difference, COUNT(*) FROM {settings.names.hive_database}.alert_recheck_differences "
        f"WHERE check_date = '{day}' GROUP BY difference ORDER BY difference"
    )

    in_parity = run_dag(airflow_dags, "alerts_batch_recheck", logical_date=utc_midnight_after(day))
    assert in_parity.state == "success", failed_tasks(in_parity)
    assert hive.query(settings.hive, differences) == []
    # the recheck evaluates as the stream does, so parity alone proves little: both agree with the reference
    stream_alerts = set(
        hive.query(settings.hive, STREAM_THRESHOLD_ALERTS.format(database=settings.names.hive_database))
    )
    assert stream_alerts == reference_threshold_alerts(settings) and len(stream_alerts) > 10

    connection = hbase.connect(settings.hbase)
    try:
        table = connection.table(settings.names.threshold_table)
        high_heart_rates = [
            key for key, cells in table.scan() if cells[b"alert:alert_message"] == b"Higher Heart Rate than Normal"
        ]
        for key in high_heart_rates:  # a value above normal now falls in a gap instead
            table.delete(key)
    finally:
        connection.close()
    changed = run_dag(airflow_dags, "alerts_batch_recheck", logical_date=utc_midnight_after(day))

    assert changed.state == "success", failed_tasks(changed)
    kinds = dict(hive.query(settings.hive, differences))
    assert kinds.get("missing_in_stream", 0) > 0 and kinds.get("not_raised_now", 0) > 0
    load_thresholds(settings, CAPSTONE_SOURCE, replace=True)


def test_replay_from_rds_publishes_the_range_again_with_the_same_ids(airflow_dags, pipeline, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION)
    cursor = connection.cursor()
    cursor.execute(
        f"SELECT id FROM {settings.names.vitals_table} WHERE event_time >= %s AND event_time < %s",
        (pipeline.start, pipeline.end),
    )
    in_range = {row[0] for row in cursor.fetchall()}
    connection.close()
    conf = {"start": pipeline.start.isoformat() + "+00:00", "end": pipeline.end.isoformat() + "+00:00", "rows_per_s": 0}

    dry = run_dag(airflow_dags, "replay_from_rds", run_conf={**conf, "dry_run": True})
    after_dry = replayed_ids(settings)
    real = run_dag(airflow_dags, "replay_from_rds", run_conf={**conf, "dry_run": False})

    assert (dry.state, real.state) == ("success", "success"), failed_tasks(real)
    assert after_dry == []
    replayed = replayed_ids(settings)
    assert len(replayed) == len(in_range) > 0
    assert set(replayed) == in_range


def replayed_ids(settings) -> list[int]:
    consumer = kafka.consumer(
        settings.kafka, KafkaPrincipal.ADMIN, settings.names.topic_vitals, consumer_timeout_ms=3000
    )
    ids = [
        json.loads(message.value).get("reading_id")
        for message in consumer
        if ("replay", b"1") in (message.headers or [])
    ]
    consumer.close()
    return ids


def test_threshold_sync_loads_a_valid_file_and_changes_nothing_on_an_invalid_one(
    airflow_dags, pipeline, monkeypatch, tmp_path
):
    table_name = f"t_sync_{uuid.uuid4().hex[:8]}"
    settings = pipeline.settings.changed(names={"threshold_table": table_name})
    point_tasks_at(monkeypatch, settings)
    invalid = tmp_path / "thresholds.csv"
    lines = CAPSTONE_SOURCE.read_text().splitlines()
    invalid.write_text("\n".join([lines[0], lines[1].replace(",69,", ",sixty-nine,"), *lines[2:]]) + "\n")

    try:
        loaded = run_dag(airflow_dags, "threshold_sync", run_conf={"source": str(CAPSTONE_SOURCE)})
        rows_after_load = hbase_rows(settings)
        refused = run_dag(airflow_dags, "threshold_sync", run_conf={"source": str(invalid)})
        rows_after_refusal = hbase_rows(settings)
    finally:
        scratch.drop_threshold_table(settings)

    assert loaded.state == "success", failed_tasks(loaded)
    assert len(rows_after_load) == len(lines) - 1
    assert refused.state == "failed"
    assert failed_tasks(refused) == [("validate", 1)], "invalid input fails validation at once, without retries"
    assert rows_after_refusal == rows_after_load


def hbase_rows(settings) -> dict:
    connection = hbase.connect(settings.hbase)
    try:
        return dict(connection.table(settings.names.threshold_table).scan())
    finally:
        connection.close()


def test_reconciliation_accounts_for_every_reading_and_names_a_missing_one(pipeline, spark):
    from batch.reconcile import reconcile

    settings = pipeline.settings
    hours = reconcile(spark, settings, pipeline.start, pipeline.end)
    assert sum(hour.rds for hour in hours) > 1000 and all(hour.accounted for hour in hours)
    assert all(hour.rds == hour.landed + hour.rejected + hour.producer_dead_lettered == hour.on_kafka for hour in hours)
    assert sum(hour.rejected for hour in hours) > 0  # the simulator's impossible values

    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION, autocommit=True)
    cursor = connection.cursor()
    cursor.execute(
        f"INSERT INTO {settings.names.vitals_table} (patient_id, event_time, heart_rate) VALUES (%s, %s, %s)",
        (2001, pipeline.start + dt.timedelta(seconds=1), 70),
    )  # never published
    lost = cursor.lastrowid
    try:
        after = reconcile(spark, settings, pipeline.start, pipeline.end)
    finally:
        cursor.execute(f"DELETE FROM {settings.names.vitals_table} WHERE id = %s", (lost,))
        connection.close()
    assert [(hour.missing, hour.missing_ids) for hour in after if not hour.accounted] == [(1, [lost])]


def test_reconciliation_names_a_reading_that_landed_with_other_content_than_rds_holds(pipeline, spark):
    """A reading whose landed copy differs from RDS (a forged or corrupted record under a real id) is counted by
    id alone as landed; its content makes it altered. Shown by changing the RDS side of one landed reading."""
    from batch.reconcile import reconcile

    settings = pipeline.settings
    [(changed, heart_rate)] = hive.query(
        settings.hive,
        f"SELECT reading_id, heart_rate FROM {settings.names.hive_database}.vitals_raw "
        "WHERE heart_rate IS NOT NULL AND rejected_fields IS NULL ORDER BY reading_id LIMIT 1",
    )
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION, autocommit=True)
    cursor = connection.cursor()
    update = f"UPDATE {settings.names.vitals_table} SET heart_rate = %s WHERE id = %s"
    cursor.execute(update, (heart_rate + 1, changed))
    try:
        after = reconcile(spark, settings, pipeline.start, pipeline.end)
    finally:
        cursor.execute(update, (heart_rate, changed))
        connection.close()
    assert [(hour.altered, hour.altered_ids) for hour in after if not hour.accounted] == [(1, [changed])]


def test_data_quality_passes_within_bounds_and_fails_with_a_summary(
    airflow_dags, pipeline, monkeypatch, capfd, operations_topic
):
    settings = pipeline.settings
    day_end = utc_midnight_after(pipeline.start.date())
    lenient = {
        "PA_QUALITY_MAX_STALENESS_S": "86400",
        "PA_QUALITY_MAX_REJECT_SHARE": "0.5",
        "PA_QUALITY_MAX_UNKNOWN_PATIENT_ALERTS": "1000000",
    }
    point_tasks_at(monkeypatch, settings, **lenient)
    passed = run_dag(airflow_dags, "data_quality", logical_date=day_end)

    operations, operations_inbox = operations_topic
    strict = {**lenient, "PA_QUALITY_MAX_REJECT_SHARE": "0", "PA_SNS_OPERATIONS_TOPIC": operations.names.sns_topic}
    point_tasks_at(monkeypatch, settings, **strict)
    capfd.readouterr()
    failed = run_dag(airflow_dags, "data_quality", logical_date=day_end)
    logged = capfd.readouterr().out  # the task's log: the failure's message is the summary

    assert passed.state == "success", failed_tasks(passed)
    assert failed.state == "failed"
    assert failed_tasks(failed) == [("check_interval", 1)], "a broken bound fails at once, without retries"
    # the failure names every check, the broken one marked, with what was observed and the bound
    summary = r"FAIL rejected share +\d+\.\d+% \([\d,]+ of [\d,]+\) +\(bound: <= 0\.00%\)"
    assert re.search(summary, logged), logged[-3000:]
    assert re.search(r"ok   freshness of vitals_raw", logged)
    # operators are told, once, which run and task failed
    notices = doctors_inbox.read_all(operations, operations_inbox)
    assert [notice["Subject"] for notice in notices] == ["Airflow: data_quality failed"], notices
    assert failed.run_id in notices[0]["Message"] and "check_interval (attempt 1)" in notices[0]["Message"]
