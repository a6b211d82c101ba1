"""The pipeline's own saved jobs: patients into Hive for enrichment, alert counts back to RDS for reporting."""

from __future__ import annotations

from typing import TypeVar

from pyspark.sql import SparkSession

from settings import Names, Settings
from sqoop.exporter import ExportResult
from sqoop.importer import ImportResult
from sqoop.jobs import JobStore
from sqoop.tools import exec_job

Result = TypeVar("Result", ImportResult, ExportResult)


def import_patients_job(names: Names) -> str:
    """The saved import's name: its last value belongs to the Hive database it fills (health.import_patients)."""
    return f"{names.hive_database}.import_patients"


def export_ward_alert_counts_job(names: Names) -> str:
    return f"{names.hive_database}.export_ward_alert_counts"


def capstone_import(table: str, target_dir: str) -> list[str]:
    """The import of the public versions of this pipeline (the capstone's), as their users type it (connection
    aside): patients' contact details as Hive-ready text, appended by patient id."""
    return [
        "--table",
        table,
        "--null-string",
        "\\\\N",
        "--null-non-string",
        "\\\\N",
        "--where",
        "patientid>0",
        "--target-dir",
        target_dir,
        "--incremental",
        "append",
        "--check-column",
        "patientid",
        "-m",
        "1",
    ]


def definitions(names: Names) -> dict[str, list[str]]:
    """Job name -> tool and flags, exactly as a data engineer would type them."""
    database = names.hive_database
    return {
        import_patients_job(names): [
            "import",
            "--table",
            "patients_information",
            "--hive-import",
            "--hive-table",
            f"{database}.patients",
            "--as-parquetfile",  # analysts' table: typed columns (timestamps stay timestamps)
            "--incremental",
            "lastmodified",
            "--check-column",
            "updated_at",
            "--merge-key",
            "patientid",
            "--split-by",
            "patientid",
            "--num-mappers",
            "2",
        ],
        export_ward_alert_counts_job(names): [
            "export",
            "--hive-table",
            f"{database}.ward_daily_alert_counts",
            "--table",
            "ward_daily_alert_counts",
            "--update-key",
            "ward,alert_date,kind",
            "--update-mode",
            "allowinsert",
            "--num-mappers",
            "2",
        ],
    }


def ensure(settings: Settings) -> list[str]:
    """Create or update the pipeline's saved jobs (their last values are kept); return their names."""
    store = JobStore(settings)
    for name, (tool, *arguments) in definitions(settings.names).items():
        store.create(name, tool, arguments, replace=True)
    return list(definitions(settings.names))


def _run(spark: SparkSession, settings: Settings, name: str, kind: type[Result]) -> Result:
    """Run the pipeline's saved job ``name`` (created or updated first), which must be a ``kind`` job."""
    ensure(settings)
    result = exec_job(spark, settings, name)
    if not isinstance(result, kind):
        raise TypeError(f"saved job {name} ran as {type(result).__name__}, not {kind.__name__}")
    return result


def import_patients(spark: SparkSession, settings: Settings) -> ImportResult:
    return _run(spark, settings, import_patients_job(settings.names), ImportResult)


def export_ward_alert_counts(spark: SparkSession, settings: Settings) -> ExportResult:
    return _run(spark, settings, export_ward_alert_counts_job(settings.names), ExportResult)
