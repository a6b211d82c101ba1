"""
### alerts_batch_recheck

Once a day, the batch mode of the streaming rules: re-evaluates the day's
`health.vitals_raw` with the current HBase thresholds and patients, using the same
evaluation code as the stream, and compares the alert ids with `health.alerts`.

Differences (`missing_in_stream`, `not_raised_now`) are written to
`health.alert_recheck_differences` (the day's partition is replaced) and listed in the
task log. A difference is reported, not failed: it is expected after a threshold
change; `data_quality` is the DAG that fails on broken bounds.
"""

from __future__ import annotations

from airflow.sdk import get_current_context

from dags.common import as_utc, intervals, pipeline_dag, spark_session, spark_task
from dags.worker_settings import task_settings


@pipeline_dag(
    schedule=intervals("@daily"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["batch", "alerts", "parity", "hive", "hbase"],
)
def alerts_batch_recheck():
    @spark_task
    def recheck_day() -> dict:
        from batch.recheck import recheck_day as recheck

        settings = task_settings()
        day = as_utc(get_current_context()["data_interval_start"]).date()
        result = recheck(spark_session(settings, "airflow-recheck"), settings, day)
        print(result.summary())
        for example in result.examples:
            print("  " + example)
        return {
            "day": day.isoformat(),
            "rechecked": result.rechecked_alerts,
            "streamed": result.streamed_alerts,
            "missing_in_stream": result.missing_in_stream,
            "not_raised_now": result.not_raised_now,
        }

    recheck_day()


alerts_batch_recheck()
