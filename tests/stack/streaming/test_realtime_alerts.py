"""The real-time alert path (Spark Real-time Mode) beside the landing query, on the real stack."""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import subprocess
import threading
import time

import pytest

from clients import hbase, kafka_acls
from contract.alerts import ALERT_KINDS, Outcome
from runtime.waiting import wait_until
from streaming.alerting import AlertPathError, check_can_run
from testkit import metrics
from testkit.services import start_service
from tests.streaming_fixtures import (
    BATCH_S,
    Queue,
    expected_capstone_alerts,
    hive_alert_ids,
    reading,
    running_app,
    send,
    spark_count,
    stamped,
)

RESTART_S = 5.0  # stopping the real-time query and starting it again from its checkpoint


def test_real_time_alerts_reach_the_queue_and_agree_with_hive(spark, realtime_settings, caplog):
    s = realtime_settings
    now = dt.datetime.now(dt.UTC)
    with caplog.at_level(logging.WARNING, logger="streaming.app"), running_app(spark, s) as (app, queue):
        # the capstone rules leave four vitals unchecked: said at start, naming each vital and age range
        uncovered = [record.getMessage() for record in caplog.records if "have no band for" in record.getMessage()]
        assert len(uncovered) == 6 and any("spo2 (spo2) at ages 0-120" in message for message in uncovered)
        send(
            s,
            [
                reading(1, 2001, 69, 200, 1),
                reading(2, 2002, 70, 190, 2),
                reading(3, 2001, 69.5, 170, 3),  # matched as 70 (rounded half up): normal, in no gap
                reading(4, 2003, 70, 120, 4),
                reading(5, 990001, 70, 120, 5),
                reading(6, 2002, 70, 160, 6),
                # NEWS2 at age 41: respiratory rate 30 (3) + heart rate 70 (0) + systolic 160 (0) = 3, a single 3
                reading(9, 2002, 70, 160, 9, respiratory_rate=30),
                b"not json",
                stamped(reading(7, 2001, 60, 200), now),  # on time: alerts, not late
                stamped(reading(8, 2001, 60, 200), dt.datetime(2099, 1, 1, tzinfo=dt.UTC)),
            ],
        )
        assert wait_until(lambda: len(queue.ids) >= 7, between=app.tick), f"alerts on the queue: {queue.read()}"
        assert wait_until(lambda: len(hive_alert_ids(spark, s)) >= 7, between=app.tick)
        assert queue.ids == hive_alert_ids(spark, s)
        assert spark_count(spark, f"{s.names.hive_database}.alerts") == len(queue.ids)  # each alert once in Hive
        # every kind but a gap: the capstone table's bands abut (read half-open), so no value falls between two
        assert {message["kind"] for message in queue.read()} == set(ALERT_KINDS) - {Outcome.VALUE_IN_GAP}
        [news2] = [message for message in queue.read() if message["kind"] == Outcome.NEWS2]
        assert (news2["reading_id"], news2["observed_value"], news2["rule_id"]) == (9, 3.0, "news2:low-medium")
        late_of = {message["reading_id"]: message["late"] for message in queue.read()}
        assert 8 not in late_of  # stamped 2099: rejected, never an alert
        assert late_of[7] is False and all(late_of[n] is True for n in (1, 2, 4, 5))  # 2026-11-24: old news
        wait_until(
            lambda: False, between=app.tick, timeout_s=BATCH_S + 1
        )  # past a reference check, with nothing changed
        assert app.alerting.restarts == 0, "the alert query restarted although no reference data changed"
        # counted by hand from the capstone rules (2001 is 40, 2002 41, 2003 101: no band)
        assert sorted(
            (message["reading_id"], message["kind"], message.get("rule_id") or message.get("attribute"))
            for message in queue.read()
        ) == [
            (1, "vital_out_of_range", "1"),  # heart rate 69 at 40: 0-69
            (2, "vital_out_of_range", "12"),  # systolic 190 at 41: 181 and over
            (4, "no_band_for_age", "bp"),
            (4, "no_band_for_age", "heartBeat"),
            (5, "unknown_patient", None),
            (7, "vital_out_of_range", "1"),  # heart rate 60 at 40
            (9, "news2", "news2:low-medium"),
        ]


def test_a_threshold_change_applies_from_the_next_batch(spark, realtime_settings):
    s = realtime_settings
    with running_app(spark, s) as (app, queue):
        send(s, [reading(1, 2001, 90, 200, 1)])  # age 40: heart rate 90 is above normal (rule 3)
        assert wait_until(lambda: any(m["reading_id"] == 1 for m in queue.read()), between=app.tick)
        connection = hbase.connect(s.hbase)
        connection.table(s.names.threshold_table).delete(b"3")  # now 90 falls in a gap above rule 2's 70-78
        connection.close()
        # the next reference check (each batch) sees the change and restarts the query with the new rules; how
        # soon is measured by the benchmarks, never asserted here
        assert wait_until(lambda: app.alerting.restarts == 1, between=app.tick, timeout_s=BATCH_S * 3 + RESTART_S)
        send(s, [reading(2, 2001, 90, 200, 2)])
        assert wait_until(lambda: any(m["reading_id"] == 2 for m in queue.read()), between=app.tick)
        heart = [
            (m["reading_id"], m["kind"], m.get("rule_id")) for m in queue.read() if m.get("attribute") == "heartBeat"
        ]
        assert heart[0] == (1, "vital_out_of_range", "3")
        assert [alert for alert in heart if alert[0] == 2] == [(2, "value_in_gap", None)]


def test_too_few_task_slots_are_refused_naming_the_setting(spark, realtime_settings):
    many_partitions = realtime_settings.changed(names={"topic_vitals": realtime_settings.names.topic_vitals + "_wide"})
    kafka_acls.provision(many_partitions, {many_partitions.names.topic_vitals: spark.sparkContext.defaultParallelism})
    try:
        with pytest.raises(AlertPathError, match=r"PA_SPARK_MASTER=local\[\d+\].*PA_ALERT_PATH=microbatch"):
            check_can_run(spark, many_partitions)
    finally:
        kafka_acls.remove(many_partitions, [many_partitions.names.topic_vitals])


def expected_alerts(values: list[dict]) -> int:
    """How many alerts the reference rules raise for these readings of the fixture's patients."""
    return len(expected_capstone_alerts(values))


def test_kill_9_of_the_application_mid_stream_loses_no_alert(spark, realtime_settings, tmp_path):
    """Killed while readings still arrive: some alerts were on the queue, others not yet; after a restart
    from the checkpoints every alert Hive holds is on the queue."""
    s = realtime_settings
    queue = Queue(s)
    patients = (2001, 2002, 2003, 990001)

    def readings(first: int, last: int) -> list[dict]:
        return [reading(n, patients[n % 4], 60 + n % 40, 140 + n % 90, n % 60) for n in range(first, last + 1)]

    def trickle() -> None:  # 1,000 readings over about 5 s: the kill lands while they flow
        for first in range(2001, 3001, 50):
            send(s, readings(first, first + 49))
            time.sleep(0.25)

    send(s, readings(1, 2000))

    def application(name: str) -> subprocess.Popen:
        return start_service(
            s, "streaming", "run", extra={"PA_SPARK_MASTER": "local[4]"}, log=tmp_path / name, own_group=True
        )

    def said(name: str) -> str:
        """The application's own lines, for a failure's message."""
        return (tmp_path / name).read_text()[-4000:]

    first = application("first.log")
    assert wait_until(lambda: len(queue.ids) > 0 or first.poll() is not None, timeout_s=180)
    assert first.poll() is None, "the first application ended before it was killed"
    sender = threading.Thread(target=trickle)
    sender.start()
    time.sleep(2)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    on_queue_at_kill = len(queue.ids)
    sender.join()
    assert first.returncode == -signal.SIGKILL
    second = application("second.log")
    try:
        landed_all = wait_until(
            lambda: spark_count(spark, f"{s.names.hive_database}.vitals_raw") == 3000, timeout_s=240
        )
        assert landed_all, "the restarted application lands every reading"
        # the alerts of the last batch land just after its readings: wait for all, counted by hand
        assert wait_until(lambda: len(hive_alert_ids(spark, s)) == expected_alerts(readings(1, 3000)), timeout_s=60)
        expected = hive_alert_ids(spark, s)
        assert wait_until(lambda: queue.ids >= expected, timeout_s=120), (
            f"{len(expected - queue.ids)} alert(s) never reached the queue; the restarted application said:\n"
            f"{said('second.log')}"
        )
        assert 0 < on_queue_at_kill < len(expected), "the kill did not land mid-stream"
        # while it runs, the application serves what it landed and each query's batches to Prometheus
        served = metrics.scrape(s.metrics.metrics_host, s.metrics.streaming_metrics_port)
        assert metrics.value(served, "pa_stream_readings_total", outcome="landed") > 0
        for query in (s.names.stream_checkpoint_name, f"{s.names.stream_checkpoint_name}-alerting"):
            assert metrics.value(served, "pa_stream_batch_duration_seconds_count", query=query) > 0, query
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)
    assert second.returncode == 0 and "Traceback" not in said("second.log"), said("second.log")
