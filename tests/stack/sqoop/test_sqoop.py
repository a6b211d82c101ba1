"""Sqoop-style import and export on Spark JDBC, against MariaDB, HDFS and the Hive Thrift Server."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest

from clients import hdfs
from contract.alerts import Outcome
from rds_schema import grants, migrate
from settings import RdsAccount
from sqoop import pipeline_jobs
from sqoop.jobs import JobStore
from sqoop.tools import exec_job, run_tool
from testkit import scratch
from testkit.alerts import alert_record
from tests.sqoop_fixtures import add_rds_patients, born, rds_execute
from tests.streaming_fixtures import hive_rows


def test_a_full_import_reads_with_four_mappers_into_hive(spark, running_stack, patients_source):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 1000)

    result = run_tool(
        spark, running_stack, "import", ["--table", table, "--hive-import", "--hive-table", hive_table, "-m", "4"]
    )

    assert result.rows == 1000
    assert hive_rows(
        running_stack, f"SELECT COUNT(*), COUNT(DISTINCT patientid), SUM(patientid) FROM {hive_table}"
    ) == [(1000, 1000, 500500)]
    data_files = [
        status["pathSuffix"]
        for status in hdfs.list_status(running_stack.hdfs, urlparse(result.location).path)
        if status["pathSuffix"].startswith("part-")
    ]
    assert len(data_files) == 4, "one file per mapper: the read was split on the primary key"


def save_append_job(settings, table: str, hive_table: str, mappers: int) -> None:
    """A saved job importing ``table`` into ``hive_table`` incrementally on patientid (named as the table)."""
    JobStore(settings).create(
        table,
        "import",
        [
            "--table",
            table,
            "--hive-import",
            "--hive-table",
            hive_table,
            "--incremental",
            "append",
            "--check-column",
            "patientid",
            "-m",
            str(mappers),
        ],
    )


def test_incremental_append_imports_only_new_rows_and_saves_the_last_value(spark, running_stack, patients_source):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 100)
    save_append_job(running_stack, table, hive_table, mappers=2)

    assert exec_job(spark, running_stack, table).rows == 100
    add_rds_patients(running_stack, table, 101, 50)
    second = exec_job(spark, running_stack, table)
    third = exec_job(spark, running_stack, table)

    assert (second.rows, third.rows) == (50, 0)
    assert JobStore(running_stack).get(table).last_value == "150"
    assert hive_rows(running_stack, f"SELECT COUNT(*), COUNT(DISTINCT patientid) FROM {hive_table}") == [(150, 150)]


def test_lastmodified_with_a_merge_key_updates_changed_rows(spark, running_stack, patients_source):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 200)
    JobStore(running_stack).create(
        table,
        "import",
        [
            "--table",
            table,
            "--hive-import",
            "--hive-table",
            hive_table,
            "--incremental",
            "lastmodified",
            "--check-column",
            "updated_at",
            "--merge-key",
            "patientid",
            "-m",
            "2",
        ],
    )
    exec_job(spark, running_stack, table)

    rds_execute(running_stack, f"UPDATE {table} SET age = 99, admitted_ward = 'ICU' WHERE patientid IN (5, 150)")
    add_rds_patients(running_stack, table, 201, 3)
    second = exec_job(spark, running_stack, table)

    assert second.rows == 5
    assert hive_rows(running_stack, f"SELECT COUNT(*), COUNT(DISTINCT patientid) FROM {hive_table}") == [(203, 203)]
    assert hive_rows(
        running_stack,
        f"SELECT patientid, age, admitted_ward FROM {hive_table} WHERE patientid IN (5, 150, 6) ORDER BY patientid",
    ) == [(5, 99, "ICU"), (6, 26, "W0"), (150, 99, "ICU")]


def test_a_run_that_fails_midway_changes_neither_hive_nor_the_saved_last_value(spark, running_stack, patients_source):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 100)
    save_append_job(running_stack, table, hive_table, mappers=4)
    exec_job(spark, running_stack, table)
    location_before = spark.sql(f"DESCRIBE TABLE EXTENDED {hive_table}").where("col_name = 'Location'").first()[1]
    add_rds_patients(running_stack, table, 101, 400)

    # Rows above 300 make MariaDB fail their mapper's query ("Subquery returns more than 1 row") while the
    # mappers below 300 succeed and write their files.
    failing = (
        f"{table}.patientid <= 300 OR (SELECT x.patientid FROM {table} x WHERE x.patientid IN (1, 2) "
        f"AND {table}.patientid > 300) IS NOT NULL"
    )
    with pytest.raises(Exception, match="Subquery returns more than 1 row"):
        exec_job(spark, running_stack, table, ["--where", failing])

    job = JobStore(running_stack).get(table)
    assert (job.last_value, job.pending_location) == ("100", None)
    assert hive_rows(running_stack, f"SELECT COUNT(*) FROM {hive_table}") == [(100,)]
    assert (
        spark.sql(f"DESCRIBE TABLE EXTENDED {hive_table}").where("col_name = 'Location'").first()[1] == location_before
    )
    assert exec_job(spark, running_stack, table).rows == 400, "the next good run imports what the failed one did not"


class Crash(BaseException):
    """The process dying at this point (not an Exception, so nothing on the way handles it)."""


def hive_location(spark, hive_table: str) -> str:
    return spark.sql(f"DESCRIBE TABLE EXTENDED {hive_table}").where("col_name = 'Location'").first()[1]


def test_a_crash_after_the_switch_is_settled_without_importing_twice(
    spark, running_stack, patients_source, monkeypatch
):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 10)
    save_append_job(running_stack, table, hive_table, mappers=1)
    exec_job(spark, running_stack, table)
    add_rds_patients(running_stack, table, 11, 5)

    def dies_before_saving(*_):
        raise Crash()

    monkeypatch.setattr(JobStore, "record_run", dies_before_saving)  # Hive switched, the last value not saved
    with pytest.raises(Crash):
        exec_job(spark, running_stack, table)
    monkeypatch.undo()
    assert JobStore(running_stack).get(table).last_value == "10"
    assert hive_rows(running_stack, f"SELECT COUNT(*) FROM {hive_table}") == [(15,)]

    assert exec_job(spark, running_stack, table).rows == 0, "the rows the crashed run switched in are not re-imported"
    assert JobStore(running_stack).get(table).last_value == "15"
    assert hive_rows(running_stack, f"SELECT COUNT(*), COUNT(DISTINCT patientid) FROM {hive_table}") == [(15, 15)]


def test_a_crash_before_the_switch_imports_the_rows_again(spark, running_stack, patients_source, monkeypatch):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 10)
    save_append_job(running_stack, table, hive_table, mappers=1)
    exec_job(spark, running_stack, table)
    location_before = hive_location(spark, hive_table)
    add_rds_patients(running_stack, table, 11, 5)
    mark_pending = JobStore.mark_pending

    def pending_then_dies(store, *arguments):
        mark_pending(store, *arguments)  # the pending last value is saved, then the run dies before the switch
        raise Crash()

    monkeypatch.setattr(JobStore, "mark_pending", pending_then_dies)
    with pytest.raises(Crash):
        exec_job(spark, running_stack, table)
    monkeypatch.undo()
    assert JobStore(running_stack).get(table).pending_last_value == "15"
    assert hive_location(spark, hive_table) == location_before
    assert hive_rows(running_stack, f"SELECT COUNT(*) FROM {hive_table}") == [(10,)]

    assert exec_job(spark, running_stack, table).rows == 5, "the rows that never went live are imported"
    job = JobStore(running_stack).get(table)
    assert (job.last_value, job.pending_last_value) == ("15", None)
    assert hive_rows(running_stack, f"SELECT COUNT(*), COUNT(DISTINCT patientid) FROM {hive_table}") == [(15, 15)]


@pytest.fixture
def ward_counts(spark, running_stack, unique_name):
    """A Hive table of ward counts and an RDS table shaped like ward_daily_alert_counts, both this test's own."""
    hive_table = f"{running_stack.names.hive_database}.{unique_name}"
    rds_execute(running_stack, f"CREATE TABLE {unique_name} LIKE ward_daily_alert_counts")
    grants.grant_table(running_stack.rds, RdsAccount.SQOOP, grants.WRITE, unique_name)
    yield unique_name, hive_table
    migrate.drop_table(running_stack.rds, unique_name)
    spark.sql(f"DROP TABLE IF EXISTS {hive_table}")


def test_an_export_with_an_update_key_is_idempotent_and_updates_changed_rows(spark, running_stack, ward_counts):
    table, hive_table = ward_counts
    rows = [
        (f"W{w}", date(2026, 11, day), kind, w * day, 1)
        for w in range(20)
        for day in (1, 2)
        for kind in ("vital_out_of_range", "unknown_patient")
    ]
    columns = "ward string, alert_date date, kind string, alert_count bigint, patients bigint"
    spark.createDataFrame(rows, columns).write.saveAsTable(hive_table)
    argv = [
        "--hive-table",
        hive_table,
        "--table",
        table,
        "--update-key",
        "ward,alert_date,kind",
        "--update-mode",
        "allowinsert",
        "-m",
        "2",
        "--batch-size",
        "7",
    ]

    run_tool(spark, running_stack, "export", argv)
    first = rds_execute(running_stack, f"SELECT * FROM {table} ORDER BY ward, alert_date, kind")
    run_tool(spark, running_stack, "export", argv)
    second = rds_execute(running_stack, f"SELECT * FROM {table} ORDER BY ward, alert_date, kind")
    changed = [
        (ward, day, kind, count + 100 if ward == "W3" else count, patients) for ward, day, kind, count, patients in rows
    ]
    spark.createDataFrame(changed, columns).write.insertInto(hive_table, overwrite=True)
    run_tool(spark, running_stack, "export", argv)

    assert len(first) == 80 and first == second
    assert rds_execute(running_stack, f"SELECT SUM(alert_count) FROM {table} WHERE ward = 'W3'") == [(4 * 100 + 18,)]
    assert rds_execute(running_stack, f"SELECT COUNT(*) FROM {table}") == [(80,)]
    own_stages = [
        name
        for (name,) in rds_execute(running_stack, f"SHOW TABLES IN {running_stack.rds.staging_database}")
        if name.startswith(f"{table[:40]}__stage_")
    ]
    assert own_stages == [], "the export's staging tables are dropped"


def test_the_pipeline_jobs_import_patients_and_export_hand_counted_ward_alerts(spark, running_stack, unique_name):
    """The saved jobs the demo and the DAGs run, on a database of this test's own: its patients imported, its
    alerts counted per ward, day and kind in RDS exactly as counted by hand."""
    # a short database name: saved job names are named after it and hold at most 64 characters
    settings = scratch.scratch_settings(running_stack, f"t_jobs_{unique_name[-8:]}")
    migrate.apply(settings)
    first_id = 9_000_000 + int(unique_name[-8:], 16) % 1_000_000 * 10
    wards = (f"{unique_name[-8:]}_A", f"{unique_name[-8:]}_B")
    alerts = [  # (ward, day, kind, patient)
        (wards[0], 1, Outcome.VITAL_OUT_OF_RANGE, 1),
        (wards[0], 1, Outcome.VITAL_OUT_OF_RANGE, 1),
        (wards[0], 1, Outcome.VITAL_OUT_OF_RANGE, 2),
        (wards[0], 1, Outcome.VALUE_IN_GAP, 2),
        (wards[0], 2, Outcome.VITAL_OUT_OF_RANGE, 1),
        (wards[1], 1, Outcome.NO_BAND_FOR_AGE, 3),
    ]
    expected = sorted(
        [
            (wards[0], date(2026, 11, 1), "value_in_gap", 1, 1),
            (wards[0], date(2026, 11, 1), "vital_out_of_range", 3, 2),
            (wards[0], date(2026, 11, 2), "vital_out_of_range", 1, 1),
            (wards[1], date(2026, 11, 1), "no_band_for_age", 1, 1),
        ]
    )
    rows = [
        {
            **alert_record(alert_id=f"a{n}", patient_id=patient, kind=kind.value, admitted_ward=ward),
            "alert_date": date(2026, 11, day),
            "stream_batch": 0,
        }
        for n, (ward, day, kind, patient) in enumerate(alerts)
    ]
    table = f"{settings.names.hive_database}.alerts"
    spark.createDataFrame(rows, spark.table(table).schema).write.insertInto(table)
    add_rds_patients(settings, "patients_information", first_id, 3)
    try:
        imported = pipeline_jobs.import_patients(spark, settings)
        assert hive_rows(
            settings,
            "SELECT patientid, patientname, CAST(date_of_birth AS STRING) "
            f"FROM {settings.names.hive_database}.patients "
            f"WHERE patientid >= {first_id} AND patientid < {first_id + 3} ORDER BY patientid",
        ) == [
            (patient, f"patient {patient}", str(born(patient)) if patient % 2 == 0 else None)
            for patient in range(first_id, first_id + 3)
        ]
        assert (
            imported.rows >= 3 and JobStore(settings).get(pipeline_jobs.import_patients_job(settings.names)).last_value
        )
        exported = pipeline_jobs.export_ward_alert_counts(spark, settings)
        in_rds = rds_execute(
            settings,
            "SELECT ward, alert_date, kind, alert_count, patients FROM ward_daily_alert_counts "
            f"WHERE ward IN ('{wards[0]}', '{wards[1]}') ORDER BY ward, alert_date, kind",
        )
        assert exported.rows == len(expected) and in_rds == expected
    finally:
        rds_execute(
            settings,
            f"DELETE FROM patients_information WHERE patientid >= {first_id} AND patientid < {first_id + 3}",
            f"DELETE FROM ward_daily_alert_counts WHERE ward IN ('{wards[0]}', '{wards[1]}')",
            f"DELETE FROM sqoop_jobs WHERE job_name LIKE '{settings.names.hive_database}.%'",
        )
        scratch.drop(spark, settings)
