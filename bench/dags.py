"""Airflow: how long the scheduler takes to parse the DAGs, and each DAG run whole on the stack's data."""

from __future__ import annotations

import datetime as dt
import time

from bench.report import line, section
from local_stack import airflow_home
from settings import Settings


def run(settings: Settings) -> None:
    section("airflow DAGs (parse in a fresh interpreter; each DAG run whole with dag.test on the stack's data)")
    home = airflow_home.local_home(settings)
    bag = airflow_home.dag_bag(home)
    parsed = airflow_home.parse_in_fresh_process(home)
    line(
        f"DagBag parse of {parsed['dags']} DAGs",
        f"{parsed['seconds']:.2f} s, {parsed['errors']} import errors, pyspark imported: {parsed['pyspark_imported']}",
    )
    now = dt.datetime.now(dt.UTC)
    hour_end = now.replace(minute=0, second=0, microsecond=0)
    day_end = hour_end.replace(hour=0) + dt.timedelta(days=1)
    replay_window = {
        "start": (now - dt.timedelta(hours=1)).isoformat(),
        "end": now.isoformat(),
        "rows_per_s": 0,
        "dry_run": True,
    }
    runs = [
        ("sqoop_import_patients", {}),
        ("vitals_batch_aggregates", {"logical_date": hour_end}),
        ("alerts_batch_recheck", {"logical_date": day_end}),
        ("data_quality", {"logical_date": day_end}),
        ("threshold_sync", {}),
        ("replay_from_rds", {"run_conf": replay_window}),
    ]
    for dag_id, arguments in runs:
        started = time.monotonic()
        dag_run = bag.get_dag(dag_id).test(**arguments)
        line(f"  {dag_id}", f"{time.monotonic() - started:.1f} s, {dag_run.state}")
