"""The Airflow DAGs, parsed by a DagBag and run whole with ``dag.test()`` against the test stack.

One module fixture builds an isolated slice of the real pipeline (simulator → RDS →
producer → Kafka → streaming → Hive) in a scratch Hive database; the DAGs' tasks are
pointed at it through the Airflow Variable they read (set as AIRFLOW_VAR_…).
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
from pathlib import Path

import settings as settings_module
from dags.failure_notice import announce_failure
from local_stack import airflow_home

DAG_IDS = {
    "sqoop_import_patients",
    "vitals_batch_aggregates",
    "alerts_batch_recheck",
    "replay_from_rds",
    "threshold_sync",
    "data_quality",
}


def test_the_dags_parse_without_errors_or_heavy_imports(airflow_dags):
    assert airflow_dags.import_errors == {}
    assert set(airflow_dags.dag_ids) == DAG_IDS
    for dag_id in DAG_IDS:
        dag = airflow_dags.get_dag(dag_id)
        assert dag.doc_md and dag.tags, dag_id
        retries = dag.default_args
        assert retries["retries"] >= 1 and retries["retry_exponential_backoff"] is True, dag_id
        assert retries["retry_delay"] < retries["max_retry_delay"], dag_id
    timeout = dt.timedelta(seconds=settings_module.duration_seconds(settings_module.load().airflow.task_timeout))
    for dag_id in DAG_IDS:
        dag = airflow_dags.get_dag(dag_id)
        assert dag.on_failure_callback is announce_failure, dag_id
        for task in dag.tasks:
            assert task.execution_timeout == timeout, task.task_id
            starts_spark = "spark_session(" in inspect.getsource(task.python_callable)
            assert (task.pool == settings_module.load().airflow.spark_pool) is starts_spark, task.task_id
    parsed = airflow_home.parse_in_fresh_process(Path(os.environ["AIRFLOW_HOME"]))
    print(f"DagBag parse of {parsed['dags']} DAGs: {parsed['seconds']:.2f} s")
    assert parsed["errors"] == 0 and parsed["dags"] == len(DAG_IDS)
    assert parsed["pyspark_imported"] is False, "a DAG file imports pyspark at parse time"
