"""
### vitals_batch_aggregates

Every hour, for the run's data interval: per patient and hour the min/avg/max of each
vital, the number of readings and the alerts by kind, from `health.vitals_raw` and
`health.alerts` into `health.vitals_hourly` (partitioned by `agg_date`, `agg_hour`);
then the day's rollup per ward into `health.ward_daily_vitals` (partitioned by
`agg_date`).

**Idempotent per interval**: each run replaces exactly its hour's partition and its
day's rollup, and readings and alerts are de-duplicated by id, so re-running or
back-filling an interval (catch-up is on, from `PA_AIRFLOW_START_DATE`) never
duplicates rows.
"""

from __future__ import annotations

from airflow.sdk import get_current_context

from dags.common import as_utc, intervals, pipeline_dag, spark_session, spark_task
from dags.worker_settings import task_settings


@pipeline_dag(
    schedule=intervals("@hourly"),
    catchup=True,
    max_active_runs=2,
    doc_md=__doc__,
    tags=["batch", "aggregates", "hive"],
)
def vitals_batch_aggregates():
    @spark_task
    def aggregate_hour() -> list[dict]:
        from batch.aggregates import aggregate_hours

        context = get_current_context()
        settings = task_settings()
        start, end = as_utc(context["data_interval_start"]), as_utc(context["data_interval_end"])
        results = aggregate_hours(spark_session(settings, "airflow-aggregates"), settings.names, start, end)
        for hour in results:
            print(
                f"vitals_hourly {hour.hour_start:%Y-%m-%d %H}:00: {hour.patients} patient(s), "
                f"{hour.readings} reading(s)"
            )
        return [
            {"hour_start": hour.hour_start.isoformat(), "patients": hour.patients, "readings": hour.readings}
            for hour in results
        ]

    @spark_task
    def ward_rollup(hours: list[dict]) -> int:
        from batch.aggregates import ward_rollup as rollup

        context = get_current_context()
        settings = task_settings()
        day = as_utc(context["data_interval_start"]).date()
        wards = rollup(spark_session(settings, "airflow-aggregates"), settings.names, day)
        print(
            f"ward_daily_vitals {day}: {wards} ward(s) from {sum(hour['readings'] for hour in hours)} reading(s) "
            f"this interval"
        )
        return wards

    ward_rollup(aggregate_hour())


vitals_batch_aggregates()
