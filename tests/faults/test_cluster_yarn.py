"""The streaming application on a real YARN (the test stack's ResourceManager and NodeManager), submitted with
spark-submit --master yarn --deploy-mode cluster by ``python -m cluster submit``: the code runs unchanged, and a
killed application resubmitted resumes from its checkpoint with nothing lost or doubled."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest

from local_stack.handoff import child_environment
from runtime.waiting import wait_until
from settings.choices import AlertPath
from testkit import scratch
from tests.streaming_fixtures import Queue, add_patients, hive_alert_ids, reading, send, spark_count

pytestmark = pytest.mark.faults  # two YARN applications, about 8 minutes: make test-faults

START_S = 240.0  # spark-submit, YARN's application master, an executor, then both queries


def submit(settings) -> str:
    """``python -m cluster submit --no-wait streaming run`` with ``settings``; the YARN application id."""
    done = subprocess.run(
        [sys.executable, "-m", "cluster", "submit", "--no-wait", "streaming", "run"],
        env=child_environment(settings),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    application = done.stdout.strip().splitlines()[-1]
    assert application.startswith("application_"), done.stdout + done.stderr[-2000:]
    return application


def yarn(settings, application: str, state: str | None = None) -> str:
    """The application's state in the ResourceManager's REST API; ``state`` (KILLED) changes it first."""
    url = f"http://{settings.stack.host}:{settings.stack.yarn_web_port}/ws/v1/cluster/apps/{application}"
    if state is not None:
        request = urllib.request.Request(f"{url}/state", data=json.dumps({"state": state}).encode(), method="PUT")
        request.add_header("Content-Type", "application/json")
        urllib.request.urlopen(request, timeout=10).close()
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)["app"]["state"]


def rows_now(spark, table: str) -> int:
    """The table's rows, or -1 while a re-run batch replaces the files this read listed (the resubmitted
    application redoes the batch the kill cut short: the overwrite that makes it exactly once)."""
    try:
        return spark_count(spark, table)
    except Exception as error:  # py4j's error for Spark's FAILED_READ_FILE.FILE_NOT_EXIST
        if "FILE_NOT_EXIST" not in str(error):
            raise
        return -1


def test_the_streaming_application_on_yarn_lands_alerts_and_a_resubmission_loses_and_doubles_nothing(
    spark, running_stack, hive_schema, unique_name
):
    s = scratch.scratch_settings(running_stack, unique_name, vitals_partitions=4).changed(
        stream={"alert_path": AlertPath.REALTIME, "trigger_s": 1.0}
    )
    add_patients(spark, s)
    queue = Queue(s)
    raw = f"{s.names.hive_database}.vitals_raw"
    try:
        first = submit(s)
        send(s, [reading(n, 2001, 60 if n % 2 else 75, 170, n % 60) for n in range(1, 41)])
        assert wait_until(lambda: rows_now(spark, raw) == 40, timeout_s=START_S), f"{first}: {yarn(s, first)}"
        assert wait_until(lambda: len(queue.ids) >= 20, timeout_s=60)  # heart rate 60 at age 40: an alert each

        assert yarn(s, first, state="KILLED") in {"KILLED", "RUNNING", "FINISHED"}
        assert wait_until(lambda: yarn(s, first) == "KILLED", timeout_s=60)
        send(s, [reading(n, 2001, 60 if n % 2 else 75, 170, n % 60) for n in range(41, 81)])  # while it is down
        second = submit(s)
        assert second != first
        assert wait_until(lambda: rows_now(spark, raw) >= 80, timeout_s=START_S), f"{second}: {yarn(s, second)}"
        assert wait_until(lambda: len(queue.ids) >= 40 and len(hive_alert_ids(spark, s)) >= 40, timeout_s=90)

        ids = sorted(row.reading_id for row in spark.table(raw).select("reading_id").collect())
        assert ids == list(range(1, 81))  # each reading once, across the kill
        assert len(queue.ids) == 40  # by hand: the 40 odd readings, heart rate 60 at age 40 (capstone rule 1)
        assert hive_alert_ids(spark, s) == queue.ids
        assert spark_count(spark, f"{s.names.hive_database}.alerts") == len(queue.ids)  # each alert once in Hive
        yarn(s, second, state="KILLED")
        time.sleep(1)
    finally:
        scratch.drop(spark, s)
