"""The Hive schema applies through HiveServer2, idempotently (a second apply keeps every row), on HDFS."""

from __future__ import annotations

import dataclasses

from clients import hive
from hive_ddl.apply import apply


def test_schema_applies_twice_keeping_its_rows_and_tables_live_on_hdfs(running_stack, unique_name):
    own = dataclasses.replace(running_stack, hive_database=unique_name)
    try:
        first = apply(own)
        hive.query(
            own,
            f"INSERT INTO {unique_name}.patients (patientid, patientname, admitted_ward, age, other_details) "
            f"VALUES (1, 'Ana Forty', 'ICU', 40, 'kept')",
        )
        second = apply(own)
        assert first == second
        assert {"alerts", "patients", "vitals_raw", "vitals_rejected", "ward_daily_alert_counts"} <= set(first)
        # a drop-and-recreate would pass the comparison above and lose this row
        assert hive.query(own, f"SELECT patientname, other_details FROM {unique_name}.patients") == [
            ("Ana Forty", "kept")
        ]

        described = hive.query(own, f"DESCRIBE FORMATTED {unique_name}.vitals_raw")
        details = {row[0].strip(): (row[1] or "").strip() for row in described if row[0]}
        assert details["Location"].startswith(running_stack.hdfs_uri + running_stack.warehouse_dir)
        assert "Parquet" in details["InputFormat"]
        assert any(row[0].strip() == "event_date" for row in described if row[0])
    finally:
        hive.query(own, f"DROP DATABASE IF EXISTS {unique_name} CASCADE")
