"""
### threshold_sync

Loads the threshold reference (a CSV or an HBase-shell `put` script, at
`PA_THRESHOLD_SOURCE` or the `source` parameter) into HBase `threshold_ref` through
`hbase_setup`. The first task validates the whole resulting table and shows the
change; on invalid input the run fails there and HBase is not touched. The stream picks
up the change within `PA_THRESHOLD_REFRESH_S`, without a restart.
"""

from __future__ import annotations

from airflow.sdk import Param, get_current_context, task

from dags.common import fail_without_retry, pipeline_dag
from dags.worker_settings import task_settings


def _load(*, dry_run: bool):
    """hbase_setup's load of the run's source; invalid input fails the task at once (another try cannot fix it)."""
    from pathlib import Path

    from hbase_setup.load import load
    from hbase_setup.rules import InvalidThresholds
    from hbase_setup.sources import SourceError

    context = get_current_context()
    source = context["params"]["source"]
    actor = f"airflow {context['dag'].dag_id} run {context['run_id']}"  # the audit trail names the DAG run
    with fail_without_retry(InvalidThresholds, SourceError, OSError):
        return load(task_settings(), Path(source) if source else None, dry_run=dry_run, actor=actor)


@pipeline_dag(
    schedule="@daily",
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["hbase", "thresholds", "reference"],
    params={
        "source": Param(
            "", type="string", description="reference file to load; empty = PA_THRESHOLD_SOURCE or the shipped CSV"
        )
    },
)
def threshold_sync():
    @task
    def validate() -> str:
        changes = _load(dry_run=True)
        print(changes.describe())
        return changes.describe().splitlines()[-1]

    @task
    def load_into_hbase(planned: str) -> str:
        applied = _load(dry_run=False).describe().splitlines()[-1]
        print(f"planned: {planned}\napplied: {applied}")
        return applied

    load_into_hbase(validate())  # type: ignore[arg-type]  # TaskFlow hands the upstream's XComArg over


threshold_sync()
