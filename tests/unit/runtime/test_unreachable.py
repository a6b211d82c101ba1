"""A server a command cannot reach ends it with one line (which server, where, what to check) and exit status 3."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import thrift.transport.TTransport
import thriftpy2.transport
from botocore.exceptions import EndpointConnectionError
from kafka.errors import KafkaTimeoutError
from mysql.connector.errors import InterfaceError

import settings
from runtime import unreachable
from testkit.repository import REPOSITORY as ROOT


@pytest.mark.parametrize(
    ("error", "named"),
    [
        (KafkaTimeoutError("Unable to bootstrap from b-1:9096"), "cannot reach Kafka at 127.0.0.1:9092"),
        (InterfaceError("Can't connect", errno=2003), "cannot reach RDS (MySQL) at 127.0.0.1:3306"),
        (thriftpy2.transport.TTransportException(message="no"), "cannot reach the HBase Thrift server at 127.0.0.1"),
        (thrift.transport.TTransport.TTransportException(message="no"), "cannot reach HiveServer2 at 127.0.0.1:10000"),
        (EndpointConnectionError(endpoint_url="http://sns"), "cannot reach SNS at http://127.0.0.1:5000"),
    ],
)
def test_each_server_is_named_with_its_address_and_settings(error, named):
    line = unreachable.describe(error, settings.load({}))
    assert line is not None and line.startswith(named) and "Check PA_" in line and "\n" not in line


def test_other_errors_keep_their_traceback():
    assert unreachable.describe(ValueError("a bug"), settings.load({})) is None
    assert unreachable.describe(InterfaceError("bad packet", errno=2027), settings.load({})) is None
    assert unreachable.describe(KafkaTimeoutError("Timeout after waiting for 10 secs."), settings.load({})) is None


@pytest.mark.parametrize(
    ("variable", "command"),
    [
        ("PA_MYSQL_PORT", ["rules", "history"]),
        ("PA_HBASE_THRIFT_PORT", ["rules", "show"]),
        ("PA_HIVE_SERVER2_PORT", ["hive-schema"]),
    ],
)
def test_a_refused_connection_ends_the_tool_with_one_line_and_status_3(variable, command):
    env = {name: value for name, value in os.environ.items() if not name.startswith("PA_")} | {variable: "1"}
    done = subprocess.run(
        [sys.executable, "-m", "runtime.cli", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == unreachable.EXIT_UNREACHABLE, done.stderr[-1000:]
    [line] = done.stderr.splitlines()
    assert line.startswith("cannot reach ") and ":1 (" in line
