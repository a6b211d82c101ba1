"""The settings a task runs with: the worker's environment, then Airflow's Connections and a settings Variable.

Its own module because both the DAGs' shared decorator (dags/common.py) and the failure notice it installs
(dags/failure_notice.py) need it.
"""

from __future__ import annotations

import os

import settings as settings_module


def task_settings() -> settings_module.Settings:
    """The worker's PA_* environment, then the credentials of the Airflow Connections (PA_AIRFLOW_*_CONN_ID),
    then the JSON Airflow Variable named by PA_AIRFLOW_SETTINGS_VARIABLE."""
    from airflow.sdk import Variable

    from dags.connections import connection_settings

    base = settings_module.load()
    environ = dict(os.environ)
    for name, value in connection_settings(base.airflow).items():
        environ.pop(name + "_FILE", None)  # the connection's secret replaces the mounted one
        environ[name] = value
    overrides = Variable.get(base.airflow.settings_variable, default=None, deserialize_json=True) or {}
    return settings_module.load({**environ, **{name: str(value) for name, value in overrides.items()}})
