"""Sqoop-style import and export on Spark JDBC, against MariaDB, HDFS and the Hive Thrift Server."""

from __future__ import annotations

import pytest

from sqoop.__main__ import main as sqoop_main
from sqoop.jdbc_source import Increment
from sqoop.options import SqoopError, parse_export, parse_import


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--table", "t", "--hive-import", "--password", "secret"], "--password is refused"),
        (
            ["--table", "t", "--query", "SELECT 1 WHERE $CONDITIONS", "--hive-import"],
            "Cannot specify --query and --table",
        ),
        (["--hive-import"], "Must specify --table or --query"),
        (["--query", "SELECT * FROM t", "--target-dir", "/x"], "must contain '$CONDITIONS'"),
        (["--query", "SELECT * FROM t WHERE $CONDITIONS", "--target-dir", "/x", "-m", "2"], "must specify --split-by"),
        (["--table", "t"], "Must specify --hive-import or --target-dir"),
        (["--table", "t", "--hive-import", "--incremental", "append"], "check column must be specified"),
        (
            ["--table", "t", "--hive-import", "--incremental", "append", "--check-column", "id", "--hive-overwrite"],
            "defeats --incremental",
        ),
        (
            [
                "--table",
                "t",
                "--hive-import",
                "--incremental",
                "append",
                "--check-column",
                "id",
                "--last-value",
                "1; DROP",
            ],
            "expected a number",
        ),
        (["--table", "t", "--hive-import", "--merge-key", "id"], "--merge-key requires --incremental"),
        (["--table", "t", "--hive-import", "--as-sequencefile"], "--as-sequencefile is not supported"),
        (["--table", "t", "--hive-import", "--no-such-flag"], "Unrecognized argument: --no-such-flag"),
        (["--table", "t", "--hive-import", "-m", "0"], "--num-mappers must be at least 1"),
    ],
)
def test_bad_import_flags_fail_with_sqoop_like_messages(settings, argv, message):
    with pytest.raises(SqoopError, match=message.replace("$", r"\$")):
        parse_import(argv, settings)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--hive-table", "h"], "Export requires a --table"),
        (["--table", "t"], "requires an --export-dir or --hive-table"),
        (["--table", "t", "--hive-table", "h", "--export-dir", "/d"], "Choose one source"),
        (["--table", "t", "--hive-table", "h", "--update-mode", "allowinsert"], "allowinsert requires --update-key"),
    ],
)
def test_bad_export_flags_fail_with_sqoop_like_messages(settings, argv, message):
    with pytest.raises(SqoopError, match=message):
        parse_export(argv, settings)


def test_the_cli_names_the_problem_and_exits_non_zero(settings, capsys):
    assert sqoop_main(["import", "--table", "t", "--hive-import", "--password", "p"]) == 1
    assert "--password is refused" in capsys.readouterr().err
    assert sqoop_main(["merge"]) == 1
    assert "No such sqoop tool: merge" in capsys.readouterr().err


@pytest.mark.parametrize(
    "increment, condition",
    [
        # append: above the saved last value, up to the maximum seen when the run started (both runs meet at it)
        (Increment("append", "id", "100", "250"), "id > 100 AND id <= 250"),
        (Increment("append", "id", None, "250"), "id <= 250"),
        # lastmodified: from the saved last value on, up to (not including) the database clock at the start
        (
            Increment("lastmodified", "updated_at", "2026-11-24 10:00:00.000", "2026-11-24 11:00:00.000"),
            "updated_at >= '2026-11-24 10:00:00.000' AND updated_at < '2026-11-24 11:00:00.000'",
        ),
        (
            Increment("lastmodified", "updated_at", None, "2026-11-24 11:00:00.000"),
            "updated_at < '2026-11-24 11:00:00.000'",
        ),
    ],
)
def test_incremental_bounds_are_sqoops_so_consecutive_runs_neither_skip_nor_repeat_a_row(increment, condition):
    assert increment.condition() == condition
