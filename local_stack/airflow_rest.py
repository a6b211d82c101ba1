"""The stack's Airflow through its REST API (v2) with Airflow's own Python client (apache-airflow-client), as an
operator's script would drive it.

Used by the scheduler test to set Variables and Connections, unpause and
trigger DAGs and wait for their runs; works against any Airflow 3 API server
with a user and password (the simple auth manager's token endpoint, which is
not part of the REST API the client covers).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from typing import Any

from airflow_client.client import ApiClient, Configuration
from airflow_client.client.api.connection_api import ConnectionApi
from airflow_client.client.api.dag_api import DAGApi
from airflow_client.client.api.dag_run_api import DagRunApi
from airflow_client.client.api.task_instance_api import TaskInstanceApi
from airflow_client.client.api.variable_api import VariableApi
from airflow_client.client.exceptions import ApiException, NotFoundException
from airflow_client.client.models import ConnectionBody, DAGPatchBody, TriggerDAGRunPostBody, VariableBody

from runtime.waiting import wait_until

log = logging.getLogger(__name__)

FINISHED = ("success", "failed")


class AirflowRest:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url.rstrip("/")
        client = ApiClient(Configuration(host=self.base_url, access_token=self._token(username, password)))
        self.variables, self.connections = VariableApi(client), ConnectionApi(client)
        self.dags, self.runs, self.tasks = DAGApi(client), DagRunApi(client), TaskInstanceApi(client)

    def __repr__(self) -> str:  # the client holds a credential
        return f"AirflowRest({self.base_url!r})"

    def _token(self, username: str, password: str) -> str:
        request = urllib.request.Request(
            f"{self.base_url}/auth/token",
            data=json.dumps({"username": username, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["access_token"]

    def set_variable(self, key: str, value: str) -> None:
        """Create or replace the Variable ``key``."""
        body = VariableBody.from_dict({"key": key, "value": value})
        try:
            self.variables.patch_variable(key, body)
        except NotFoundException:
            self.variables.post_variable(body)

    def set_connection(self, connection_id: str, **fields: Any) -> None:
        """Create or replace the Connection ``connection_id`` (conn_type, host, port, login, password, schema,
        extra...)."""
        body = ConnectionBody.from_dict({"connection_id": connection_id, **fields})
        try:
            self.connections.patch_connection(connection_id, body)
        except NotFoundException:
            self.connections.post_connection(body)

    def wait_for_dag(self, dag_id: str, timeout_s: float = 180) -> None:
        """Wait until the DAG processor has parsed ``dag_id`` and the API knows it."""
        if not wait_until(lambda: self._knows(dag_id), timeout_s, every_s=2):
            raise TimeoutError(f"Airflow's DAG processor had not parsed {dag_id} after {timeout_s:.0f} s")

    def _knows(self, dag_id: str) -> bool:
        try:
            self.dags.get_dag(dag_id)
        except ApiException:
            return False
        return True

    def unpause(self, dag_id: str) -> None:
        self.dags.patch_dag(dag_id, DAGPatchBody(is_paused=False))

    def trigger(
        self,
        dag_id: str,
        logical_date: dt.datetime | None = None,
        data_interval: tuple[dt.datetime, dt.datetime] | None = None,
        conf: dict | None = None,
    ) -> str:
        """Start a manual run of ``dag_id`` (an interval job's run names its ``data_interval``); return its run id."""
        body: dict[str, Any] = {"logical_date": logical_date and logical_date.isoformat(), "conf": conf or {}}
        if data_interval is not None:
            body["data_interval_start"], body["data_interval_end"] = (bound.isoformat() for bound in data_interval)
        return self.runs.trigger_dag_run(dag_id, TriggerDAGRunPostBody.from_dict(body)).dag_run_id

    def run_state(self, dag_id: str, run_id: str) -> str:
        return str(self.runs.get_dag_run(dag_id, run_id).state.value)

    def task_states(self, dag_id: str, run_id: str) -> dict[str, tuple[str, int]]:
        """Each task of the run: its state and try number."""
        found = self.tasks.get_task_instances(dag_id, run_id).task_instances
        return {ti.task_id: (ti.state.value if ti.state else "none", ti.try_number) for ti in found}

    def wait_for_runs(self, runs: list[tuple[str, str]], timeout_s: float) -> dict[tuple[str, str], str]:
        """Wait until every (dag id, run id) has finished; return their states (logging each as it finishes)."""
        finished: dict[tuple[str, str], str] = {}

        def all_finished() -> bool:
            for run in runs:
                if run not in finished and (state := self.run_state(*run)) in FINISHED:
                    finished[run] = state
                    log.info("Airflow run %s / %s: %s", *run, state)
            return len(finished) == len(runs)

        if not wait_until(all_finished, timeout_s, every_s=3):
            pending = [run for run in runs if run not in finished]
            raise TimeoutError(f"Airflow runs still not finished after {timeout_s:.0f} s: {pending}")
        return finished
