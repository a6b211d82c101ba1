"""The Hive schema applies through HiveServer2, idempotently, with its tables on HDFS."""

from __future__ import annotations

from clients import hive
from hive_ddl.apply import apply


def test_schema_applies_twice_and_tables_live_on_hdfs(running_stack):
    first = apply(running_stack)
    second = apply(running_stack)
    assert first == second
    assert {"alerts", "patients", "vitals_raw", "vitals_rejected", "ward_daily_alert_counts"} <= set(first)

    described = hive.query(running_stack, f"DESCRIBE FORMATTED {running_stack.hive_database}.vitals_raw")
    details = {row[0].strip(): (row[1] or "").strip() for row in described if row[0]}
    assert details["Location"].startswith(running_stack.hdfs_uri + running_stack.warehouse_dir)
    assert "Parquet" in details["InputFormat"]
    assert any(row[0].strip() == "event_date" for row in described if row[0])
