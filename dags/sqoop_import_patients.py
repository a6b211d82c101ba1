"""
### sqoop_import_patients

Runs the saved Sqoop-style job **health.import_patients** (named after the Hive database it fills): RDS
`patients_information` into Hive
`health.patients`, incremental on `updated_at` and merged on `patientid`, so changed
patients are updated and new ones added. The import is atomic for Hive readers and saves
its last value only after success, so a failed or repeated run is safe to re-run.

Then checks RDS and Hive hold the same number of patients, each once.

Reads: `PA_MYSQL_*`, `PA_HIVE_*`, `PA_JDBC_*` (see the docs' Configuration), optionally
overridden by the Airflow Variable `patient_alert_settings`.
"""

from __future__ import annotations

from dags.common import fail_without_retry, pipeline_dag, spark_session, spark_task
from dags.worker_settings import task_settings


@pipeline_dag(
    schedule="@hourly",
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["sqoop", "patients", "rds", "hive"],
)
def sqoop_import_patients():
    @spark_task
    def import_patients() -> dict:
        from sqoop import pipeline_jobs
        from sqoop.options import SqoopError

        settings = task_settings()
        with fail_without_retry(SqoopError):
            result = pipeline_jobs.import_patients(spark_session(settings, "airflow-sqoop-import"), settings)
        return {"rows": result.rows, "last_value": result.last_value, "location": result.location}

    @spark_task
    def check_counts(imported: dict) -> str:
        from batch.quality import QualityCheckFailed, patients_import_checks, report

        settings = task_settings()
        with fail_without_retry(QualityCheckFailed):
            summary = report(
                patients_import_checks(spark_session(settings, "airflow-sqoop-import"), settings),
                f"patients import: {imported['rows']} row(s) changed, next from {imported['last_value']}",
            )
        print(summary)
        return summary

    check_counts(import_patients())


sqoop_import_patients()
