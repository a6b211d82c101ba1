"""Each service installs only what it needs: the producer, the notifier and the rules and schema tools run
without the extras (Spark, Airflow, Streamlit, the notebooks' and the local stack's packages)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from testkit.repository import REPOSITORY as ROOT

EXTRAS_ONLY = "pyspark,pyarrow,airflow,streamlit,matplotlib,nbclient,moto,ldap3,pytest"


@pytest.mark.parametrize(
    "command",
    [
        ["producers", "publish", "--help"],
        ["notifier", "run", "--help"],
        ["hbase_setup", "--help"],
        ["rds_schema", "--help"],
        ["monitoring", "rules"],
        ["hive_ddl", "--help"],
    ],
    ids=lambda command: command[0],
)
def test_a_core_tool_runs_without_any_extra(command):
    done = subprocess.run(
        [sys.executable, "-m", "testkit.without_packages", EXTRAS_ONLY, *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout


def test_a_tool_that_needs_an_extra_says_which_package_is_missing():
    done = subprocess.run(
        [sys.executable, "-m", "testkit.without_packages", "pyspark", "streaming", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "No module named 'pyspark'" in done.stderr
