"""What every DAG shares: default arguments, the settings a task runs with, and its SparkSession.

Heavy imports (pyspark, the pipeline's packages) happen inside the functions a
task calls, never when the scheduler parses the DAG files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pendulum
from airflow.sdk.exceptions import AirflowFailException
from airflow.timetables.interval import CronDataIntervalTimetable

import settings as settings_module

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_ARGS = {
    "owner": "data-engineering",
    "retries": 3,  # transient failures (a server restarting, a network blip); permanent ones fail at once
    "retry_delay": dt.timedelta(seconds=20),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=10),
}


def start_date() -> pendulum.DateTime:
    """The first interval of every DAG (PA_AIRFLOW_START_DATE); only catch-up DAGs go back that far."""
    first = dt.date.fromisoformat(settings_module.load().airflow_start_date)
    return pendulum.datetime(first.year, first.month, first.day, tz="UTC")


def intervals(cron: str) -> CronDataIntervalTimetable:
    """A schedule whose runs each cover one data interval ([10:00, 11:00) runs at 11:00), for interval jobs."""
    return CronDataIntervalTimetable(cron, timezone="UTC")


def task_settings() -> settings_module.Settings:
    """The worker's PA_* environment, overridden by the JSON Airflow Variable named by PA_AIRFLOW_SETTINGS_VARIABLE."""
    from airflow.sdk import Variable

    base = settings_module.load()
    overrides = Variable.get(base.airflow_settings_variable, default=None, deserialize_json=True) or {}
    return settings_module.load({**os.environ, **{name: str(value) for name, value in overrides.items()}})


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
