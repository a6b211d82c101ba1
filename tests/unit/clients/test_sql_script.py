"""SQL scripts into statements (hive_ddl, rds_schema run one statement at a time)."""

from __future__ import annotations

from clients.sql_script import statements
from testkit.repository import REPOSITORY as ROOT


def test_a_semicolon_in_a_string_or_a_comment_splits_nothing_and_comments_are_dropped():
    script = (
        "-- the table\nCREATE TABLE t (x INT COMMENT 'one; two') -- a trailing note; still one statement\n;\n"
        "/* block; comment */ INSERT INTO t VALUES (1);\n\n-- the end\n"
    )
    assert statements(script) == ["CREATE TABLE t (x INT COMMENT 'one; two')", "INSERT INTO t VALUES (1)"]


def test_every_script_of_the_project_splits_into_statements_that_each_begin_with_a_keyword():
    scripts = sorted((ROOT / "hive_ddl").glob("*.sql")) + sorted((ROOT / "rds_schema").glob("*.sql"))
    found = [statement for script in scripts for statement in statements(script.read_text())]
    assert len(found) >= len(scripts)
    assert all(statement.split()[0].upper() in {"CREATE", "ALTER", "INSERT", "DELETE"} for statement in found), found
