"""Airflow as its users run it: the API server (UI and REST API), the DAG processor and the scheduler.

Opt-in (PA_STACK_AIRFLOW=1, ``make stack-up-airflow``). The scheduler runs
tasks with the LocalExecutor in the environment the stack was started from,
so the tasks see the same PA_* settings as the pipeline. Its home (SQLite
metadata database, task logs) is its own, apart from the one ``dag.test()``
runs use, so a demo never shares a database with a running scheduler.

Loopback only: the API server binds PA_STACK_HOST, and the scheduler's log
server (which Airflow binds to every address) is not started — the API server
reads the task logs from this machine's disk. The REST API takes the user
``operator`` with the password in ``passwords.json`` of the home (0600); the
JWT secret the components share is read from a file, never a command line.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from pathlib import Path

from local_stack import airflow_home, probes
from local_stack.errors import StackError
from local_stack.spec import ServerSpec, StackContext
from settings import StackSettings

OPERATOR = "operator"
AIRFLOW_API_NAME = "airflow-api"


def home(settings: StackSettings) -> Path:
    """AIRFLOW_HOME of the three components: the API server's data folder (wiping it is a fresh Airflow)."""
    return settings.stack.data_dir / "data" / AIRFLOW_API_NAME


def api_url(settings: StackSettings) -> str:
    return f"http://{settings.stack.host}:{settings.stack.airflow_api_port}"


def passwords_file(settings: StackSettings) -> Path:
    return home(settings) / "passwords.json"


def operator_password(settings: StackSettings) -> str:
    """The REST API password of ``operator`` (written when the home was first prepared)."""
    return json.loads(passwords_file(settings).read_text())[OPERATOR]


def environment(settings: StackSettings) -> dict[str, str]:
    """What every Airflow component of the stack (and an ``airflow`` CLI call against it) runs with."""
    directory = home(settings)
    return {
        **airflow_home.environment(directory),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api_url(settings)}/execution/",
        "AIRFLOW__API__HOST": settings.stack.host,
        "AIRFLOW__API__PORT": str(settings.stack.airflow_api_port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__API_AUTH__JWT_SECRET_CMD": f"cat {directory / 'jwt_secret'}",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{OPERATOR}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords_file(settings)),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
    }


def airflow_cli(settings: StackSettings, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``airflow ARGUMENTS`` against the stack's Airflow home; a failure raises StackError with its output."""
    command = [airflow_home.AIRFLOW, *arguments]
    env = {**os.environ, **environment(settings)}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise StackError(f"'airflow {' '.join(arguments)}' failed:\n{result.stderr[-2000:]}")
    return result


def _prepare_home(ctx: StackContext) -> None:
    """Once: the secrets (0600 under the stack's umask) and the metadata database."""
    directory = home(ctx.settings)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "jwt_secret").write_text(secrets.token_urlsafe(48))
    passwords_file(ctx.settings).write_text(json.dumps({OPERATOR: secrets.token_urlsafe(18)}))
    airflow_cli(ctx.settings, "db", "migrate")


def _create_pool(ctx: StackContext) -> None:
    """The Spark pool the DAGs' Spark tasks run in, sized by PA_AIRFLOW_SPARK_POOL_SLOTS (kept in step each up)."""
    settings = ctx.settings
    airflow_cli(
        settings,
        "pools",
        "set",
        settings.airflow.spark_pool,
        str(settings.stack.airflow_spark_pool_slots),
        "Spark sessions: each local session takes every core of its worker",
    )


def _component(name: str, summary: str, arguments: list[str], **declared) -> ServerSpec:
    return ServerSpec(
        name=name,
        summary=summary,
        command=lambda ctx: [airflow_home.AIRFLOW, *arguments],
        environment=lambda ctx: environment(ctx.settings),
        enabled=lambda settings: settings.stack.airflow,
        **declared,
    )


AIRFLOW_API = _component(
    AIRFLOW_API_NAME,
    "Apache Airflow 3 API server (UI, REST and task execution API)",
    ["api-server"],
    probe=probes.airflow_api,
    address=lambda s: api_url(s),
    ports=lambda s: {"PA_AIRFLOW_API_PORT": s.stack.airflow_api_port},
    initialise=_prepare_home,
    provision=_create_pool,
)

AIRFLOW_DAG_PROCESSOR = _component(
    "airflow-dags",
    "Apache Airflow 3 DAG processor (parses dags/, runs DAG callbacks)",
    ["dag-processor"],
    probe=probes.airflow_dag_processor,
    address=lambda s: "(no port)",
    requires=("airflow-api",),
)

AIRFLOW_SCHEDULER = _component(
    "airflow-scheduler",
    "Apache Airflow 3 scheduler, LocalExecutor",
    ["scheduler", "--skip-serve-logs"],
    probe=probes.airflow_scheduler,
    address=lambda s: "(no port)",
    requires=("airflow-dags",),
)
