"""Services ride out a server restart and stop gracefully on SIGTERM, on the real stack."""

from __future__ import annotations

import signal
import socket

import pytest

from local_stack import stack
from runtime.waiting import wait_until
from testkit.services import start_service
from tests.streaming_fixtures import reading, run_available_now, running_app, send, spark_count


def _accepts(host: str, port: int) -> bool:
    """Whether anything accepts a TCP connection there now."""
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def landed(spark, settings) -> int:
    return spark_count(spark, f"{settings.names.hive_database}.vitals_raw")


@pytest.mark.faults
@pytest.mark.stops_servers
def test_the_streaming_application_keeps_running_through_a_kafka_broker_restart(
    spark, realtime_settings, running_stack
):
    s = realtime_settings.changed(service={"backoff_s": 1.0, "backoff_max_s": 5.0})
    alerting = [reading(n, 2001, 60, 200, n % 60) for n in range(1, 301)]  # heart rate 60 at age 40: alerts
    with running_app(spark, s) as (app, alerts):
        send(s, alerting[:150])
        assert wait_until(lambda: landed(spark, s) == 150, between=app.tick), "the first readings land before the fault"
        try:
            assert stack.kill(running_stack, ["kafka"]) == ["kafka"]  # SIGKILL, as a crash
            assert not _accepts(running_stack.kafka.host, running_stack.kafka.port), "the broker is really down"
            wait_until(
                lambda: False, between=app.tick, timeout_s=15
            )  # the application keeps ticking while the broker is away
            assert landed(spark, s) == 150 and app.active  # it saw nothing new, and kept running
        finally:
            stack.up(running_stack, ["kafka"])
        send(s, alerting[150:])
        assert wait_until(lambda: landed(spark, s) >= 300, between=app.tick, timeout_s=300), (
            "readings after the restart land"
        )
        assert wait_until(
            lambda: {m["reading_id"] for m in alerts.read()} >= set(range(151, 301)), between=app.tick, timeout_s=180
        ), "real-time alerts flow again after the restart"
        assert app.active and app.alerting.query.isActive
    table = spark.table(f"{s.names.hive_database}.vitals_raw")
    assert table.count() == table.select("reading_id").distinct().count() == 300  # each once


@pytest.mark.faults
def test_sigterm_stops_the_streaming_application_after_its_batch(spark, stream_settings):
    """SIGTERM while readings are still waiting: the batch in hand lands whole (100 readings a batch), the
    application exits 0, and a restart lands the rest, each reading once."""
    s = stream_settings
    send(s, [reading(n, 2001, 75, 200, n % 60) for n in range(1, 2001)])
    application = start_service(
        s, "streaming", "run", extra={"PA_STREAM_TRIGGER_S": "1", "PA_STREAM_MAX_OFFSETS_PER_TRIGGER": "100"}
    )
    try:
        assert wait_until(lambda: landed(spark, s) > 0 or application.poll() is not None, timeout_s=180)
        assert application.poll() is None, "the application runs until told to stop"
    finally:
        application.send_signal(signal.SIGTERM)  # what Airflow, systemd and Kubernetes send
        _, stderr = application.communicate(timeout=120)
    at_stop = landed(spark, s)
    assert application.returncode == 0, stderr[-2000:]
    assert "SIGTERM received: stopping after the work in hand" in stderr
    assert 0 < at_stop < 2000 and at_stop % 100 == 0, f"whole batches landed, readings still waiting ({at_stop})"
    assert f"[streaming] landed {at_stop}" in stderr
    run_available_now(spark, s)
    table = spark.table(f"{s.names.hive_database}.vitals_raw")
    assert table.count() == table.select("reading_id").distinct().count() == 2000
