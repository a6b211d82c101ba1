"""Every command line answers ``--help`` with its usage, without reaching a server or writing a file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from runtime import cli
from settings import KafkaPrincipal, RdsAccount
from testkit.repository import REPOSITORY as ROOT

PACKAGES = sorted(path.parent.name for path in ROOT.glob("*/__main__.py"))


SUBCOMMANDS = [
    ["sqoop", "import"],
    ["sqoop", "export"],
    ["sqoop", "job"],
    ["drills", "chaos"],
    ["hardening", "mutants"],
]


NOWHERE = "help-must-not-connect.invalid"


@pytest.mark.parametrize("command", [[name] for name in PACKAGES] + SUBCOMMANDS, ids=" ".join)
def test_help_prints_usage_and_touches_nothing(command, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("PA_")}
    hosts = ("MYSQL", "KAFKA", "HDFS", "HBASE_THRIFT", "HIVE_METASTORE", "HIVE_SERVER2", "STACK")
    env |= {f"PA_{server}_HOST": NOWHERE for server in hosts}
    env |= {
        "PA_KAFKA_BOOTSTRAP_SERVERS": f"{NOWHERE}:9",
        "PA_SNS_ENDPOINT_URL": f"http://{NOWHERE}:9",
        # servers elsewhere take real secrets, not the local stack's public defaults
        **{f"PA_MYSQL_{account.upper()}_PASSWORD": "help-needs-no-password" for account in RdsAccount},
        **{f"PA_KAFKA_{principal.upper()}_PASSWORD": "help-needs-no-password" for principal in KafkaPrincipal},
        "PA_AWS_SECRET_ACCESS_KEY": "help-needs-no-key",
        "PA_HIVE_SERVER2_PASSWORD": "help-needs-no-password",
        "PA_STACK_DATA_DIR": str(tmp_path / "stack"),
        "PA_SPARK_LOG_FILE": str(tmp_path / "spark.log"),
    }
    done = subprocess.run(
        [sys.executable, "-m", *command, "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage:"), done.stdout[:300]
    assert list(tmp_path.iterdir()) == []


def test_patient_alert_lists_every_tool_and_each_answers_help():
    """The console script's tools are the packages' command lines: each answers --help under its own name."""
    listed = subprocess.run([sys.executable, "-m", "runtime.cli"], cwd=ROOT, capture_output=True, text=True)
    assert listed.returncode == 0 and all(f"  {tool} " in listed.stdout for tool in cli.TOOLS)
    assert {package for package, _ in cli.TOOLS.values()} <= set(PACKAGES)
    assert set(BAD_SETTING_RUNS) == set(cli.TOOLS) - {"settings"}  # the one tool that loads no settings
    for tool in cli.TOOLS:
        done = subprocess.run(
            [sys.executable, "-m", "runtime.cli", tool, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0 and done.stdout.startswith("usage:"), (tool, done.stderr[-500:])
        if tool != "sqoop":  # Sqoop's usage names its own commands, as Sqoop's does
            assert done.stdout.startswith(f"usage: patient-alert {tool}"), (tool, done.stdout[:200])
    unknown = subprocess.run([sys.executable, "-m", "runtime.cli", "nope"], cwd=ROOT, capture_output=True, text=True)
    assert unknown.returncode == 2 and "no tool 'nope'" in unknown.stderr


BAD_SETTING_RUNS = {
    "stack": ["status"],
    "schema": ["grants"],
    "hive-schema": [],
    "rules": ["show"],
    "producer": ["publish"],
    "stream": ["run"],
    "notifier": ["status"],
    "sqoop": ["list-tables"],
    "batch": ["reconcile", "--from", "2026-01-01", "--to", "2026-01-02"],
    "cluster": ["submit", "streaming", "run"],
    "dashboard": [],
    "monitoring": ["rules"],
}


def patient_alert(args: list[str], **settings: str) -> subprocess.CompletedProcess:
    """``patient-alert ARGS`` with only the given PA_* settings (the rest at their defaults)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PA_")} | settings
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("tool", sorted(BAD_SETTING_RUNS))
def test_a_bad_setting_ends_every_tool_with_one_line_naming_it(tool):
    """No traceback: the variable, the value and what is allowed, on one line, exit status 1."""
    done = patient_alert([tool, *BAD_SETTING_RUNS[tool]], PA_LOG_LEVEL="LOUD")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "configuration error: PA_LOG_LEVEL='LOUD' is not allowed: choose one of DEBUG, INFO, WARNING, ERROR"
    ]


def test_a_taken_metrics_port_ends_a_service_with_one_line_naming_its_setting():
    """Two notifiers on one host with the same metrics port: the second says which variable to change."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = patient_alert(["notifier", "run"], PA_NOTIFIER_METRICS_PORT=str(port))
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"configuration error: PA_NOTIFIER_METRICS_PORT={port}: the metrics endpoint cannot")
