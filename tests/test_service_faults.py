"""Services ride out a server restart and stop gracefully on SIGTERM, on the real stack."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest

from clients import kafka
from local_stack import stack
from settings import environment
from tests.notifier_fixtures import alert, committed, inbox, queue
from tests.streaming_fixtures import reading, running_app, send, spark_count, wait_for


def landed(spark, settings) -> int:
    return spark_count(spark, f"{settings.hive_database}.vitals_raw")


@pytest.mark.faults
@pytest.mark.stops_servers
def test_the_streaming_application_keeps_running_through_a_kafka_broker_restart(
    spark, realtime_settings, running_stack
):
    s = dataclasses.replace(realtime_settings, service_backoff_s=1.0, service_backoff_max_s=5.0)
    alerting = [reading(n, 2001, 60, 200, n % 60) for n in range(1, 301)]  # heart rate 60 at age 40: alerts
    with running_app(spark, s) as (app, alerts):
        send(s, alerting[:150])
        assert wait_for(lambda: landed(spark, s) == 150, app), "the first readings land before the fault"
        try:
            stack.kill(running_stack, ["kafka"])  # SIGKILL, as a crash
            wait_for(lambda: False, app, timeout_s=15)  # the application keeps ticking while the broker is away
        finally:
            stack.up(running_stack, ["kafka"])
        send(s, alerting[150:])
        assert wait_for(lambda: landed(spark, s) >= 300, app, timeout_s=300), "readings after the restart land"
        assert wait_for(lambda: {m["reading_id"] for m in alerts.read()} >= set(range(151, 301)), app, timeout_s=180), (
            "real-time alerts flow again after the restart"
        )
        assert app.active and app.alerting.query.isActive
    table = spark.table(f"{s.hive_database}.vitals_raw")
    assert table.count() == table.select("reading_id").distinct().count() == 300  # each once


@pytest.mark.faults
def test_sigterm_stops_the_streaming_application_after_its_batch(spark, stream_settings):
    s = stream_settings
    send(s, [reading(n, 2001, 75, 200, n % 60) for n in range(1, 201)])
    env = {**os.environ, **environment(s), "PA_STREAM_TRIGGER_S": "1"}
    application = subprocess.Popen(
        [sys.executable, "-m", "streaming", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: landed(spark, s) == 200 or application.poll() is not None, timeout_s=180)
        assert application.poll() is None, "the application runs until told to stop"
    finally:
        application.send_signal(signal.SIGTERM)  # what Airflow, systemd and Kubernetes send
        _, stderr = application.communicate(timeout=120)
    assert application.returncode == 0, stderr[-2000:]
    assert "SIGTERM received: stopping after the work in hand" in stderr
    assert "[streaming] landed 200" in stderr
    assert landed(spark, s) == 200


def test_sigterm_stops_the_notifier_with_what_it_handled_committed(notify_settings):
    s = notify_settings
    inbox(s)
    queue(s, [alert(2001, 0), alert(2002, 0), alert(2003, 0)])
    service = subprocess.Popen(
        [sys.executable, "-m", "notifier", "run"],
        env={**os.environ, **environment(s)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while committed(s) < 3 and time.monotonic() < deadline and service.poll() is None:
            time.sleep(0.5)
    finally:
        service.send_signal(signal.SIGTERM)
        _, stderr = service.communicate(timeout=60)
    assert service.returncode == 0, stderr[-2000:]
    assert "SIGTERM received" in stderr and "'opened': 3" in stderr
    assert committed(s) == 3 and kafka.end_offsets(s, s.topic_alerts) == 3
