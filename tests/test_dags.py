"""The Airflow DAGs, parsed by a DagBag and run whole with ``dag.test()`` against the test stack.

One module fixture builds an isolated slice of the real pipeline (simulator → RDS →
producer → Kafka → streaming → Hive) in a scratch Hive database; the DAGs' tasks are
pointed at it through the Airflow Variable they read (set as AIRFLOW_VAR_…).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import uuid
from pathlib import Path

import pytest

import settings as settings_module
from batch.aggregates import ALERT_COUNT_COLUMNS
from clients import hbase, hive, kafka, mysql
from hbase_setup.load import load as load_thresholds
from hbase_setup.sources import CAPSTONE_SOURCE
from local_stack import airflow_home
from producers import producer
from producers.simulated_rds import simulate
from rds_schema import migrate
from settings import environment
from sqoop import pipeline_jobs
from sqoop.jobs import JobStore
from streaming.landing import LandingQuery
from testkit import scratch

DAG_IDS = {
    "sqoop_import_patients",
    "vitals_batch_aggregates",
    "alerts_batch_recheck",
    "replay_from_rds",
    "threshold_sync",
    "data_quality",
}


@dataclasses.dataclass(frozen=True)
class PipelineSlice:
    settings: object
    start: dt.datetime
    end: dt.datetime


def point_tasks_at(monkeypatch, scoped, **extra: str) -> None:
    """The tasks' settings: the scratch slice's (and ``extra``) through the Airflow Variable they read."""
    base_env = environment(settings_module.load())
    overrides = {name: value for name, value in environment(scoped).items() if base_env.get(name, value) != value}
    monkeypatch.setenv(f"AIRFLOW_VAR_{scoped.airflow_settings_variable.upper()}", json.dumps({**overrides, **extra}))


@pytest.fixture(scope="module")
def pipeline(spark, running_stack, airflow_dags):
    name = f"t_dags_{uuid.uuid4().hex[:8]}"
    scoped = dataclasses.replace(scratch.scratch_settings(running_stack, name), vitals_table=name, producer_name=name)
    migrate.apply(scoped)
    rds = mysql.connect(scoped, autocommit=True)
    rds.cursor().execute(f"CREATE TABLE {name} LIKE patients_vital_info")
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(seconds=150)).replace(tzinfo=None, microsecond=0)
    simulate(scoped, patients=20, rate_hz=1.0, seed=5, duration_s=120, start=start, bad_share=0.03)
    producer.run(scoped)
    pipeline_jobs.import_patients(spark, scoped)
    LandingQuery(spark, scoped, available_now=True).start().awaitTermination()
    yield PipelineSlice(scoped, start, start + dt.timedelta(seconds=120))
    rds.cursor().execute(f"DROP TABLE IF EXISTS {name}")
    rds.close()
    scratch.drop(spark, scoped)


def utc_midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)


def run_dag(airflow_dags, dag_id: str, **kwargs):
    return airflow_dags.get_dag(dag_id).test(**kwargs)


def failed_tasks(dag_run) -> list[tuple[str, int]]:
    return [(ti.task_id, ti.try_number) for ti in dag_run.get_task_instances() if ti.state == "failed"]


def hive_one(settings, sql: str) -> tuple:
    return hive.query(settings, sql)[0]


def test_the_dags_parse_without_errors_or_heavy_imports(airflow_dags):
    assert airflow_dags.import_errors == {}
    assert set(airflow_dags.dag_ids) == DAG_IDS
    for dag_id in DAG_IDS:
        dag = airflow_dags.get_dag(dag_id)
        assert dag.doc_md and dag.tags, dag_id
        retries = dag.default_args
        assert retries["retries"] >= 1 and retries["retry_exponential_backoff"] is True, dag_id
        assert retries["retry_delay"] < retries["max_retry_delay"], dag_id
    parsed = airflow_home.parse_in_fresh_process(Path(os.environ["AIRFLOW_HOME"]))
    print(f"DagBag parse of {parsed['dags']} DAGs: {parsed['seconds']:.2f} s")
    assert parsed["errors"] == 0 and parsed["dags"] == len(DAG_IDS)
    assert parsed["pyspark_imported"] is False, "a DAG file imports pyspark at parse time"


def test_sqoop_import_patients_imports_changes_and_checks_counts(airflow_dags, pipeline, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    patient_id = hive_one(settings, f"SELECT MIN(patientid) FROM {settings.hive_database}.patients")[0]
    before = JobStore(settings).get(pipeline_jobs.import_patients_job(settings)).last_value
    connection = mysql.connect(settings, autocommit=True)
    cursor = connection.cursor()
    cursor.execute("SELECT phone_number FROM patients_information WHERE patientid = %s", (patient_id,))
    [(phone,)] = cursor.fetchall()
    cursor.execute("UPDATE patients_information SET phone_number = '+1-555-DAGS' WHERE patientid = %s", (patient_id,))
    try:
        dag_run = run_dag(airflow_dags, "sqoop_import_patients")
    finally:  # the RDS table is shared: put the phone number back
        cursor.execute("UPDATE patients_information SET phone_number = %s WHERE patientid = %s", (phone, patient_id))
        connection.close()

    assert dag_run.state == "success", failed_tasks(dag_run)
    hive.query(settings, f"REFRESH TABLE {settings.hive_database}.patients")
    assert hive_one(
        settings, f"SELECT phone_number FROM {settings.hive_database}.patients WHERE patientid = {patient_id}"
    ) == ("+1-555-DAGS",)
    assert JobStore(settings).get(pipeline_jobs.import_patients_job(settings)).last_value > before


def test_vitals_batch_aggregates_replaces_its_hour_on_a_rerun(airflow_dags, pipeline, spark, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    hour = pipeline.start.replace(minute=0, second=0)
    run_after = (hour + dt.timedelta(hours=1)).replace(tzinfo=dt.UTC)
    database = settings.hive_database
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


def test_alerts_batch_recheck_is_in_parity_then_lists_a_threshold_change(airflow_dags, pipeline, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    day = pipeline.start.date()
    differences = (
        f"SELECT difference, COUNT(*) FROM {settings.hive_database}.alert_recheck_differences "
        f"WHERE check_date = '{day}' GROUP BY difference ORDER BY difference"
    )

    in_parity = run_dag(airflow_dags, "alerts_batch_recheck", logical_date=utc_midnight_after(day))
    assert in_parity.state == "success", failed_tasks(in_parity)
    assert hive.query(settings, differences) == []

    connection = hbase.connect(settings)
    try:
        table = connection.table(settings.threshold_table)
        high_heart_rates = [
            key for key, cells in table.scan() if cells[b"alert:alert_message"] == b"Higher Heart Rate than Normal"
        ]
        for key in high_heart_rates:  # a value above normal now falls in a gap instead
            table.delete(key)
    finally:
        connection.close()
    changed = run_dag(airflow_dags, "alerts_batch_recheck", logical_date=utc_midnight_after(day))

    assert changed.state == "success", failed_tasks(changed)
    kinds = dict(hive.query(settings, differences))
    assert kinds.get("missing_in_stream", 0) > 0 and kinds.get("not_raised_now", 0) > 0
    load_thresholds(settings, CAPSTONE_SOURCE, replace=True)


def test_replay_from_rds_publishes_the_range_again_with_the_same_ids(airflow_dags, pipeline, monkeypatch):
    settings = pipeline.settings
    point_tasks_at(monkeypatch, settings)
    connection = mysql.connect(settings)
    cursor = connection.cursor()
    cursor.execute(
        f"SELECT id FROM {settings.vitals_table} WHERE event_time >= %s AND event_time < %s",
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
    consumer = kafka.consumer(settings, settings.topic_vitals, consumer_timeout_ms=3000)
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
    settings = dataclasses.replace(pipeline.settings, threshold_table=table_name)
    point_tasks_at(monkeypatch, settings)
    invalid = tmp_path / "thresholds.csv"
    lines = CAPSTONE_SOURCE.read_text().splitlines()
    invalid.write_text("\n".join([lines[0], lines[1].replace(",69,", ",sixty-nine,"), *lines[2:]]) + "\n")

    loaded = run_dag(airflow_dags, "threshold_sync", run_conf={"source": str(CAPSTONE_SOURCE)})
    rows_after_load = hbase_rows(settings)
    refused = run_dag(airflow_dags, "threshold_sync", run_conf={"source": str(invalid)})

    assert loaded.state == "success", failed_tasks(loaded)
    assert len(rows_after_load) == len(lines) - 1
    assert refused.state == "failed"
    assert failed_tasks(refused) == [("validate", 1)], "invalid input fails validation at once, without retries"
    assert hbase_rows(settings) == rows_after_load


def hbase_rows(settings) -> dict:
    connection = hbase.connect(settings)
    try:
        return dict(connection.table(settings.threshold_table).scan())
    finally:
        connection.close()


def test_reconciliation_accounts_for_every_reading_and_names_a_missing_one(pipeline, spark):
    from batch.reconcile import reconcile

    settings = pipeline.settings
    hours = reconcile(spark, settings, pipeline.start, pipeline.end)
    assert sum(hour.rds for hour in hours) > 1000 and all(hour.accounted for hour in hours)
    assert all(hour.rds == hour.landed + hour.rejected + hour.producer_dead_lettered == hour.on_kafka for hour in hours)
    assert sum(hour.rejected for hour in hours) > 0  # the simulator's impossible values

    connection = mysql.connect(settings, autocommit=True)
    cursor = connection.cursor()
    cursor.execute(
        f"INSERT INTO {settings.vitals_table} (patient_id, event_time, heart_rate) VALUES (%s, %s, %s)",
        (2001, pipeline.start + dt.timedelta(seconds=1), 70),
    )  # never published
    lost = cursor.lastrowid
    try:
        after = reconcile(spark, settings, pipeline.start, pipeline.end)
    finally:
        cursor.execute(f"DELETE FROM {settings.vitals_table} WHERE id = %s", (lost,))
        connection.close()
    assert [(hour.missing, hour.missing_ids) for hour in after if not hour.accounted] == [(1, [lost])]


def test_data_quality_passes_within_bounds_and_fails_with_a_summary(airflow_dags, pipeline, monkeypatch, capfd):
    settings = pipeline.settings
    day_end = utc_midnight_after(pipeline.start.date())
    lenient = {
        "PA_QUALITY_MAX_STALENESS_S": "86400",
        "PA_QUALITY_MAX_REJECT_SHARE": "0.5",
        "PA_QUALITY_MAX_UNKNOWN_PATIENT_ALERTS": "1000000",
    }
    point_tasks_at(monkeypatch, settings, **lenient)
    passed = run_dag(airflow_dags, "data_quality", logical_date=day_end)

    point_tasks_at(monkeypatch, settings, **{**lenient, "PA_QUALITY_MAX_REJECT_SHARE": "0"})
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
