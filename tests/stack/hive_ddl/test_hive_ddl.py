"""The Hive schema applies through HiveServer2, idempotently (a second apply keeps every row), on HDFS."""

from __future__ import annotations

from clients import hive
from hive_ddl.apply import apply


def test_schema_applies_twice_keeping_its_rows_and_tables_live_on_hdfs(running_stack, unique_name):
    own = running_stack.changed(names={"hive_database": unique_name})
    try:
        first = apply(own)
        hive.query(
            own.hive,
            f"INSERT INTO {unique_name}.patients (patientid, patientname, admitted_ward, age, other_details) "
            f"VALUES (1, 'Ana Forty', 'ICU', 40, 'kept')",
        )
        second = apply(own)
        assert first == second
        assert {"alerts", "patients", "vitals_raw", "vitals_rejected", "ward_daily_alert_counts"} <= set(first)
        # a drop-and-recreate would pass the comparison above and lose this row
        assert hive.query(own.hive, f"SELECT patientname, other_details FROM {unique_name}.patients") == [
            ("Ana Forty", "kept")
        ]

        described = hive.query(own.hive, f"DESCRIBE FORMATTED {unique_name}.vitals_raw")
        details = {row[0].strip(): (row[1] or "").strip() for row in described if row[0]}
        assert details["Location"].startswith(running_stack.hdfs.uri + running_stack.hdfs.warehouse_dir)
        assert "Parquet" in details["InputFormat"]
        assert any(row[0].strip() == "event_date" for row in described if row[0])
    finally:
        hive.query(own.hive, f"DROP DATABASE IF EXISTS {unique_name} CASCADE")


def test_a_news2_scores_table_of_an_older_version_is_kept_beside_the_view(running_stack, unique_name):
    """news2_scores was a table before its scores became vitals_raw columns: applying renames it, keeping its rows."""
    own = running_stack.changed(names={"hive_database": unique_name})
    try:
        hive.query(own.hive, f"CREATE DATABASE {unique_name}")
        hive.query(own.hive, f"CREATE TABLE {unique_name}.news2_scores (reading_id BIGINT) STORED AS PARQUET")
        hive.query(own.hive, f"INSERT INTO {unique_name}.news2_scores VALUES (7)")
        apply(own)
        assert hive.query(own.hive, f"SELECT reading_id FROM {unique_name}.news2_scores_table") == [(7,)]
        assert hive.query(own.hive, f"SHOW VIEWS IN {unique_name} LIKE 'news2_scores'")
        assert hive.query(own.hive, f"SELECT COUNT(*) FROM {unique_name}.news2_scores") == [(0,)]
    finally:
        hive.query(own.hive, f"DROP DATABASE IF EXISTS {unique_name} CASCADE")
