"""The landing query on the real stack: Kafka → Hive on HDFS, HBase thresholds → alerts and doctors-queue."""

from __future__ import annotations

import pytest

from runtime.waiting import wait_until
from testkit.services import start_service
from tests.streaming_fixtures import (
    alert_messages,
    expected_capstone_alerts,
    reading,
    run_available_now,
    send,
)


@pytest.mark.faults
def test_kill_9_mid_stream_then_restart_loses_and_duplicates_nothing(spark, stream_settings, tmp_path):
    import os
    import signal

    s = stream_settings
    patients = (2001, 2002, 2003, 990001)
    sent = [reading(n, patients[n % 4], 60 + n % 40, 140 + n % 90, n % 60) for n in range(1, 3001)]
    send(s, sent)
    job_process = start_service(
        s,
        "streaming",
        "run",
        extra={"PA_STREAM_TRIGGER_S": "1", "PA_STREAM_MAX_OFFSETS_PER_TRIGGER": "250", "PA_ALERT_PATH": "microbatch"},
        log=tmp_path / "streaming.log",
        own_group=True,
    )
    table = f"{s.names.hive_database}.vitals_raw"

    def landed() -> int:
        spark.catalog.refreshTable(table)
        return spark.table(table).count()

    wait_until(lambda: job_process.poll() is not None or landed() >= 500, 240)
    os.killpg(job_process.pid, signal.SIGKILL)  # the driver and its JVM, mid-stream
    job_process.wait()
    spark.catalog.refreshTable(table)
    at_kill = spark.table(table).count()
    assert 0 < at_kill < 3000, f"the kill must land mid-stream (landed {at_kill} of 3000 when killed)"

    run_available_now(spark, s)  # restart from the same checkpoint on HDFS

    spark.catalog.refreshTable(table)
    readings = spark.table(table)
    assert readings.count() == readings.select("reading_id").distinct().count() == 3000
    alerts = spark.table(f"{s.names.hive_database}.alerts")
    spark.catalog.refreshTable(f"{s.names.hive_database}.alerts")
    landed_alerts = sorted(
        (row.reading_id, row.rule_id or row.kind, row.attribute)
        for row in alerts.select("reading_id", "rule_id", "kind", "attribute").collect()
    )
    assert landed_alerts == expected_capstone_alerts(sent)  # each alert once, none lost
    queued_ids = {message["alert_id"] for message in alert_messages(s)}
    hive_ids = {row.alert_id for row in alerts.select("alert_id").collect()}
    assert hive_ids == queued_ids  # every alert reached the doctors' queue (repeats carry the same id)
