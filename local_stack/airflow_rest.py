"""The stack's Airflow through its REST API (v2), as an operator's script would drive it.

Used by the scheduler test to set Variables and Connections, unpause and
trigger DAGs and wait for their runs; works against any Airflow 3 API server
with a user and password (the simple auth manager's token endpoint).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

log = logging.getLogger(__name__)

FINISHED = ("success", "failed")


class AirflowRestError(RuntimeError):
    """A REST call answered with an error status; the message has the method, path, status and Airflow's detail."""


class AirflowRest:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = self._login(username, password)

    def __repr__(self) -> str:  # the token is a credential
        return f"AirflowRest({self.base_url!r})"

    def _login(self, username: str, password: str) -> str:
        answer = self._call("POST", "/auth/token", {"username": username, "password": password}, signed=False)
        return answer["access_token"]

    def _call(self, method: str, path: str, body: dict | None = None, *, signed: bool = True) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if signed:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(
            self.base_url + path,
            data=None if body is None else json.dumps(body).encode(),
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise AirflowRestError(f"{method} {path}: HTTP {error.code}: {detail}") from None
        return json.loads(payload) if payload else None

    def set_variable(self, key: str, value: str) -> None:
        """Create or replace the Variable ``key``."""
        self._put("/api/v2/variables", key, {"key": key, "value": value})

    def set_connection(self, connection_id: str, **fields: Any) -> None:
        """Create or replace the Connection ``connection_id`` (conn_type, host, port, login, password, extra...)."""
        self._put("/api/v2/connections", connection_id, {"connection_id": connection_id, **fields})

    def _put(self, collection: str, key: str, body: dict) -> None:
        """Replace the entry ``key`` of ``collection``, or add it when there is none."""
        try:
            self._call("PATCH", f"{collection}/{key}", body)
        except AirflowRestError:
            self._call("POST", collection, body)

    def wait_for_dag(self, dag_id: str, timeout_s: float = 180) -> None:
        """Wait until the DAG processor has parsed ``dag_id`` and the API knows it."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self._call("GET", f"/api/v2/dags/{dag_id}")
                return
            except AirflowRestError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(2)

    def unpause(self, dag_id: str) -> None:
        self._call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

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
        return self._call("POST", f"/api/v2/dags/{dag_id}/dagRuns", body)["dag_run_id"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        return self._call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")["state"]

    def task_states(self, dag_id: str, run_id: str) -> dict[str, tuple[str, int]]:
        """Each task of the run: its state and try number."""
        answer = self._call("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances")
        return {ti["task_id"]: (ti["state"], ti["try_number"]) for ti in answer["task_instances"]}

    def wait_for_runs(self, runs: list[tuple[str, str]], timeout_s: float) -> dict[tuple[str, str], str]:
        """Wait until every (dag id, run id) has finished; return their states (logging each as it finishes)."""
        deadline, finished = time.monotonic() + timeout_s, {}
        while len(finished) < len(runs):
            for run in runs:
                if run not in finished and (state := self.run_state(*run)) in FINISHED:
                    finished[run] = state
                    log.info("Airflow run %s / %s: %s", *run, state)
            if time.monotonic() > deadline:
                pending = [run for run in runs if run not in finished]
                raise TimeoutError(f"Airflow runs still not finished after {timeout_s:.0f} s: {pending}")
            time.sleep(3)
        return finished
