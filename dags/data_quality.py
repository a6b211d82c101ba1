"""
### data_quality

Once a day, for the previous day (the run's data interval):

* freshness of `health.vitals_raw` (newest reading close to the interval's end),
* share of rejected readings (`health.vitals_rejected`),
* unknown-patient alerts,
* RDS vs Kafka vs Hive counts of the day's readings (every RDS reading published and
  landed or rejected),
* the reconciliation per hour (`python -m batch reconcile`): every RDS reading of the
  day found in `vitals_raw` or `vitals_rejected` (or the producer's dead-letter topic)
  exactly once with the content RDS holds; a missing, doubled or altered reading id fails the run and is named
  in the log.

Bounds come from `PA_QUALITY_*`. A broken bound fails the run (no retry) with a
readable summary of every check in the task log.
"""

from __future__ import annotations

from airflow.sdk import get_current_context

from dags.common import as_utc, fail_without_retry, intervals, pipeline_dag, spark_session, spark_task
from dags.worker_settings import task_settings


@pipeline_dag(
    schedule=intervals("@daily"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["quality", "hive", "kafka", "rds"],
)
def data_quality():
    @spark_task
    def check_interval() -> str:
        from batch.quality import QualityCheckFailed, interval_checks, report

        context = get_current_context()
        settings = task_settings()
        start, end = as_utc(context["data_interval_start"]), as_utc(context["data_interval_end"])
        checks = interval_checks(spark_session(settings, "airflow-quality"), settings, start, end)
        with fail_without_retry(QualityCheckFailed):
            summary = report(checks, f"data quality {start:%Y-%m-%d %H:%M} .. {end:%Y-%m-%d %H:%M} UTC")
        print(summary)
        return summary

    @spark_task
    def reconcile_readings() -> str:
        from batch.quality import QualityCheckFailed
        from batch.reconcile import reconcile, report

        context = get_current_context()
        settings = task_settings()
        start, end = (as_utc(context[key]).replace(tzinfo=None) for key in ("data_interval_start", "data_interval_end"))
        hours = reconcile(spark_session(settings, "airflow-reconcile"), settings, start, end)
        summary = report(hours)
        print(summary)
        with fail_without_retry(QualityCheckFailed):
            if not all(hour.accounted for hour in hours):
                raise QualityCheckFailed(summary)
        return summary

    check_interval()
    reconcile_readings()


data_quality()
