"""A short notice on the operations SNS topic when a DAG run fails.

A failed import or batch job leaves Hive stale and a failed quality check means
readings may be missing; nobody watches the Airflow UI at night, so every DAG's
``on_failure_callback`` publishes one message to ``PA_SNS_OPERATIONS_TOPIC``
(operators subscribe by email, chat or pager). Under the scheduler the DAG
processor runs the callback; under ``dag.test()`` the test's own process does.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from dags.worker_settings import task_settings
from settings import Settings

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class FailedRun:
    dag_id: str
    run_id: str
    reason: str
    task_id: str | None
    try_number: int | None

    @classmethod
    def from_context(cls, context: Any) -> FailedRun:
        """What a DAG callback's context says about the run (its ``ti`` is the task that failed it, when known)."""
        task_instance = context.get("ti")
        return cls(
            dag_id=context["dag"].dag_id,
            run_id=str(context.get("run_id")),
            reason=str(context.get("reason") or "unknown"),
            task_id=getattr(task_instance, "task_id", None),
            try_number=getattr(task_instance, "try_number", None),
        )

    def subject(self) -> str:
        return f"Airflow: {self.dag_id} failed"

    def message(self) -> str:
        task = f"{self.task_id} (attempt {self.try_number})" if self.task_id else "not known"
        return (
            f"The Airflow DAG run {self.dag_id} / {self.run_id} failed ({self.reason}).\n"
            f"Task that failed it: {task}.\n"
            f"Its log (in the Airflow UI: DAG {self.dag_id}, run {self.run_id}) names what failed and what to do; "
            "clear the task to run it again once the cause is fixed."
        )


def announce_failure(context: Any) -> None:
    """on_failure_callback of every DAG: publish the notice; a failure to publish is logged, never raised."""
    run = FailedRun.from_context(context)
    try:
        publish(task_settings(), run)
    except Exception as error:  # the run has failed already; the callback must not hide that behind its own error
        log.error(
            "could not announce the failed run %s / %s on the operations topic (PA_SNS_OPERATIONS_TOPIC): %s: %s",
            run.dag_id,
            run.run_id,
            type(error).__name__,
            error,
        )


def publish(settings: Settings, run: FailedRun) -> str:
    """Publish ``run``'s notice to the operations topic (created if missing); return the message id."""
    from runtime import operations

    return operations.announce(settings, run.subject(), run.message(), "dag_run_failed", dag_id=run.dag_id)
