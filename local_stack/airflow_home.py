"""A local Airflow for the DAGs: its own AIRFLOW_HOME, an SQLite metadata database and the project's dags/.

The demo and the tests run DAGs whole with ``dag.test()`` in their own process;
``airflow standalone`` with the same environment runs them under a real
scheduler (see the docs, "Airflow").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from settings import StackSettings

if TYPE_CHECKING:
    from airflow.dag_processing.dagbag import DagBag

DAGS_FOLDER = Path(__file__).resolve().parents[1] / "dags"
AIRFLOW = str(Path(sys.executable).with_name("airflow"))  # the virtualenv's own airflow command


def local_home(settings: StackSettings) -> Path:
    """The local stack's Airflow home: inside its data folder, so ``local_stack reset`` wipes it with the rest."""
    return settings.stack.data_dir / "data" / "airflow"


def environment(home: Path) -> dict[str, str]:
    """The variables that point Airflow at ``home`` and the project's DAGs."""
    return {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
    }


_PARSE_PROBE = (
    "import json, sys, time; started = time.monotonic(); "
    "from airflow.dag_processing.dagbag import DagBag; bag = DagBag(dag_folder=sys.argv[1]); "
    "print(json.dumps({'errors': len(bag.import_errors), 'dags': len(bag.dag_ids), "
    "'pyspark_imported': 'pyspark' in sys.modules, 'seconds': time.monotonic() - started}))"
)


def parse_in_fresh_process(home: Path) -> dict:
    """Parse every DAG file as the scheduler would, in a new interpreter: errors, DAG count, time, heavy imports."""
    result = subprocess.run(
        [sys.executable, "-c", _PARSE_PROBE, str(DAGS_FOLDER)],
        capture_output=True,
        text=True,
        env={**os.environ, **environment(home)},
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def dag_bag(home: Path) -> DagBag:
    """Prepare ``home`` (idempotent: ``airflow db migrate``) and parse the DAGs in this process.

    Must run before anything else in the process imports airflow, which reads
    its configuration once.
    """
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(environment(home))
    # dag.test() runs a task with a time limit through Airflow's in-process execution API, whose import of
    # starlette's TestClient warns about starlette's own choice of HTTP library: nothing a DAG's user can act on
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    result = subprocess.run([AIRFLOW, "db", "migrate"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"'airflow db migrate' failed for AIRFLOW_HOME={home}:\n{result.stderr[-2000:]}")
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    if bag.import_errors:
        raise RuntimeError(f"DAG files failed to import: {bag.import_errors}")
    return bag
