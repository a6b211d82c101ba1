"""Sqoop's file formats and the rest of its common import surface: users' command lines run unchanged."""

from __future__ import annotations

import pytest

from clients import hdfs
from sqoop.__main__ import main as sqoop_main
from sqoop.options import SqoopError
from sqoop.tools import run_tool
from tests.sqoop_fixtures import add_rds_patients, born, capstone, rds_execute
from tests.streaming_fixtures import hive_rows


def lines_under(spark, settings, folder: str) -> list[str]:
    """The text lines of every file under an HDFS folder, sorted."""
    return sorted(row.value for row in spark.read.text(f"{settings.hdfs.uri}{folder}").collect())


def fix_patients(settings, table: str) -> None:
    """Rows 1-3 with known times; row 2 without an address or age (NULLs of both kinds)."""
    add_rds_patients(settings, table, 1, 3)
    rds_execute(
        settings,
        f"UPDATE {table} SET updated_at = '2026-11-24 10:00:00.500'",
        f"UPDATE {table} SET patientaddress = NULL, age = NULL, updated_at = '2026-11-24 10:00:00' WHERE patientid = 2",
    )


def test_the_capstone_command_line_runs_unchanged_and_appends_as_sqoop_does(
    spark, running_stack, patients_source, tmp_path
):
    table, _ = patients_source
    fix_patients(running_stack, table)
    password_file = tmp_path / "password"
    password_file.write_text(running_stack.rds.sqoop_password + "\n")
    target = f"/tmp/{table}/patients-contact-info"
    login = ["--connect", running_stack.rds.jdbc_url, "--username", running_stack.rds.sqoop_user]
    login += ["--password-file", str(password_file)]
    try:
        first = run_tool(spark, running_stack, "import", login + capstone(table, target))
        add_rds_patients(running_stack, table, 4, 1)
        rds_execute(running_stack, f"UPDATE {table} SET updated_at = '2026-11-24 11:00:00.125' WHERE patientid = 4")
        second = run_tool(spark, running_stack, "import", login + capstone(table, target, "--last-value", "3"))

        assert (first.rows, second.rows, second.last_value) == (3, 1, "4")
        assert lines_under(spark, running_stack, target) == [
            "1,patient 1,ward street 1,555-0001,W1,21,\\N,2026-11-24 10:00:00.5,false,false,\\N",
            f"2,patient 2,\\N,555-0002,W2,\\N,\\N,2026-11-24 10:00:00.0,false,false,{born(2)}",
            "3,patient 3,ward street 3,555-0003,W0,23,\\N,2026-11-24 10:00:00.5,false,false,\\N",
            f"4,patient 4,ward street 4,555-0004,W1,24,\\N,2026-11-24 11:00:00.125,false,false,{born(4)}",
        ]
    finally:
        hdfs.delete(running_stack.hdfs, f"/tmp/{table}")


def test_the_capstone_command_line_into_hive_reads_the_same_rows_as_rds(spark, running_stack, patients_source):
    table, hive_table = patients_source
    fix_patients(running_stack, table)
    argv = capstone(table, "unused")
    hive_argv = [flag for flag in argv if flag not in ("--target-dir", "unused")] + ["--hive-import"]
    hive_argv += ["--hive-table", hive_table]

    run_tool(spark, running_stack, "import", hive_argv)

    in_rds = rds_execute(
        running_stack,
        "SELECT patientid, patientname, patientaddress, age, "
        f"DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') FROM {table} ORDER BY patientid",
    )
    in_hive = hive_rows(
        running_stack,
        f"SELECT patientid, patientname, patientaddress, age, substr(updated_at, 1, 19) FROM {hive_table} "
        "ORDER BY patientid",
    )
    assert in_hive == [tuple(row) for row in in_rds] and len(in_hive) == 3
    assert in_hive[1][2] is None and in_hive[1][3] is None, "Hive reads \\N as NULL"
    described = hive_rows(running_stack, f"DESCRIBE FORMATTED {hive_table}")
    assert any("TextInputFormat" in str(row) for row in described), "a text table, as Sqoop creates it"


def test_delimiters_escapes_and_enclosing_are_written_as_sqoops(spark, running_stack, patients_source):
    table, _ = patients_source
    fix_patients(running_stack, table)
    rds_execute(running_stack, f"""UPDATE {table} SET patientname = 'a|b "c"\\\\d' WHERE patientid = 1""")
    target = f"/tmp/{table}/delimited"
    common = ["--table", table, "--columns", "patientid,patientname,patientaddress", "-m", "1", "--where"]
    try:
        run_tool(
            spark,
            running_stack,
            "import",
            [*common, "patientid < 3", "--target-dir", target, "--fields-terminated-by", "|"]
            + ["--optionally-enclosed-by", '"', "--escaped-by", "\\\\"],
        )
        run_tool(
            spark,
            running_stack,
            "import",
            [*common, "patientid = 3", "--target-dir", target, "--append", "--fields-terminated-by", "\\t", "-z"],
        )
        assert lines_under(spark, running_stack, target) == [
            '1|"a|b \\"c\\"\\\\d"|ward street 1',  # enclosed: it holds the delimiter; the escape escapes itself
            "2|patient 2|null",  # NULL is Sqoop's "null" unless --null-string says otherwise
            "3\tpatient 3\tward street 3",
        ]
        files = [status["pathSuffix"] for status in hdfs.list_status(running_stack.hdfs, target)]
        assert any(name.endswith(".gz") for name in files), "-z compresses with gzip"
    finally:
        hdfs.delete(running_stack.hdfs, f"/tmp/{table}")


def test_boundary_query_and_java_and_hive_type_maps(spark, running_stack, patients_source):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 40)

    result = run_tool(
        spark,
        running_stack,
        "import",
        ["--table", table, "--hive-import", "--hive-table", hive_table, "-m", "4", "--as-parquetfile"]
        + ["--boundary-query", "SELECT 11, 30 FROM DUAL", "--map-column-java", "age=String"]
        + ["--map-column-hive", "patientid=STRING"],
    )

    assert result.rows == 40, "rows outside the boundary query's range still land (Sqoop's first and last split)"
    described = dict((row[0], row[1]) for row in hive_rows(running_stack, f"DESCRIBE {hive_table}"))
    assert (described["age"], described["patientid"]) == ("string", "string")


def test_eval_and_list_tables_talk_to_rds_only(running_stack, patients_source, capsys, monkeypatch):
    table, _ = patients_source
    add_rds_patients(running_stack, table, 1, 2)
    monkeypatch.setattr("settings.get", lambda: running_stack)

    assert sqoop_main(["eval", "--query", f"SELECT patientid, other_details FROM {table} ORDER BY 1"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[1].split() == ["|", "patientid", "|", "other_details", "|"]
    assert [line.split() for line in printed[3:5]] == [["|", "1", "|", "(null)", "|"], ["|", "2", "|", "(null)", "|"]]

    assert sqoop_main(["list-tables"]) == 0
    assert table in capsys.readouterr().out.splitlines()
    assert sqoop_main(["eval", "--query", "SELECT * FROM no_such_table"]) == 1
    assert "RDS refused the statement" in capsys.readouterr().err


def test_an_existing_table_keeps_its_format_and_a_flag_for_the_other_is_refused(spark, running_stack, patients_source):
    table, hive_table = patients_source
    add_rds_patients(running_stack, table, 1, 5)
    first = ["--table", table, "--hive-import", "--hive-table", hive_table, "--where", "patientid <= 2"]
    run_tool(spark, running_stack, "import", [*first, "--as-parquetfile"])

    run_tool(spark, running_stack, "import", ["--table", table, "--hive-import", "--hive-table", hive_table])

    assert hive_rows(running_stack, f"SELECT COUNT(*) FROM {hive_table}") == [(7,)], "appended, no format asked"
    described = hive_rows(running_stack, f"DESCRIBE FORMATTED {hive_table}")
    assert any("Parquet" in str(row) for row in described) and not any(
        "TextInputFormat" in str(row) for row in described
    )
    with pytest.raises(SqoopError, match="is stored as parquet; import into it with --as-parquetfile"):
        run_tool(
            spark,
            running_stack,
            "import",
            ["--table", table, "--hive-import", "--hive-table", hive_table, "--as-textfile"],
        )
