"""What every DAG shares: its decorator and task defaults, the settings a task runs with, and its SparkSession.

Heavy imports (pyspark, the pipeline's packages) happen inside the functions a
task calls, never when the scheduler parses the DAG files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException
from airflow.timetables.interval import CronDataIntervalTimetable

import settings as settings_module
from dags.failure_notice import announce_failure

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def default_args() -> dict[str, object]:
    """Every task's retries and time limit (PA_AIRFLOW_TASK_TIMEOUT)."""
    timeout = settings_module.duration_seconds(settings_module.load().airflow.task_timeout)
    return {
        "owner": "data-engineering",
        "retries": 3,  # transient failures (a server restarting, a network blip); permanent ones fail at once
        "retry_delay": dt.timedelta(seconds=20),
        "retry_exponential_backoff": True,
        "max_retry_delay": dt.timedelta(minutes=10),
        "execution_timeout": dt.timedelta(seconds=timeout),
    }


def start_date() -> pendulum.DateTime:
    """The start of every DAG's first interval (PA_AIRFLOW_START_DATE, a UTC date or date-time)."""
    first = dt.datetime.fromisoformat(settings_module.load().airflow.start_date)
    return pendulum.instance(first if first.tzinfo else first.replace(tzinfo=dt.UTC))


def pipeline_dag(**arguments: Any) -> Any:
    """``@dag`` with what every pipeline DAG shares: start date, task defaults, the failure notice to operators."""
    return dag(start_date=start_date(), default_args=default_args(), on_failure_callback=announce_failure, **arguments)


def spark_task(function: Callable[..., Any]) -> Any:
    """``@task`` for a task that builds a Spark session: it runs in the Spark pool (PA_AIRFLOW_SPARK_POOL), so a
    worker never starts more sessions at once than the pool has slots."""
    return task(pool=settings_module.load().airflow.spark_pool)(function)


def intervals(cron: str) -> CronDataIntervalTimetable:
    """A schedule whose runs each cover one data interval ([10:00, 11:00) runs at 11:00), for interval jobs."""
    return CronDataIntervalTimetable(cron, timezone="UTC")


def spark_session(settings: settings_module.Settings, app_name: str) -> SparkSession:
    from clients.spark import session

    return session(settings, app_name)


@contextlib.contextmanager
def fail_without_retry(*permanent: type[BaseException]) -> Iterator[None]:
    """Errors that another attempt cannot fix (invalid input, a broken quality bound) fail the task at once."""
    try:
        yield
    except permanent as error:
        raise AirflowFailException(f"{type(error).__name__}: {error}") from error


def as_utc(moment: dt.datetime | None) -> dt.datetime:
    """A data interval's bound in UTC; scheduled runs always have one."""
    if moment is None:
        raise AirflowFailException("this task needs a data interval: run it on its schedule or with a logical date")
    return moment.astimezone(dt.UTC)
