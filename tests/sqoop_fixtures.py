"""RDS patients tables and Hive tables of their own for the Sqoop tests."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clients import hive, mysql
from rds_schema import grants, migrate
from settings import RdsAccount
from sqoop.pipeline_jobs import capstone_import


def capstone(table: str, target: str, *extra: str) -> list[str]:
    """The capstone's import command line of ``table`` into ``target``, with ``extra`` options."""
    return capstone_import(table, target) + list(extra)


def rds_execute(settings, *statements: str) -> list[tuple]:
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION, autocommit=True)
    try:
        cursor = connection.cursor()
        rows = []
        for statement in statements:
            cursor.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
        return rows
    finally:
        connection.close()


def add_rds_patients(settings, table: str, first: int, count: int) -> None:
    """Patients ``first``.. of ages 20-79; the even ids with a date of birth too (:func:`born`)."""
    values = ", ".join(
        f"({i}, 'patient {i}', 'ward street {i}', '555-{i:04d}', 'W{i % 3}', {20 + i % 60}, NULL, "
        + (f"'{born(i)}')" if i % 2 == 0 else "NULL)")
        for i in range(first, first + count)
    )
    rds_execute(
        settings,
        f"INSERT INTO {table} (patientid, patientname, patientaddress, phone_number, admitted_ward, "
        f"age, other_details, date_of_birth) VALUES {values}",
    )


def born(patient_id: int) -> date:
    """The date of birth :func:`add_rds_patients` records for an even ``patient_id``: an infant of 0-23 months."""
    return date(2026, 11, 15) - timedelta(days=30 * (patient_id % 24))


@pytest.fixture
def patients_source(running_stack, hive_schema, unique_name):
    """This test's own RDS patients table (shaped like patients_information) and Hive table name."""
    rds_execute(running_stack, f"CREATE TABLE {unique_name} LIKE patients_information")
    grants.grant_table(running_stack.rds, RdsAccount.SQOOP, grants.READ, unique_name)
    yield unique_name, f"{running_stack.names.hive_database}.{unique_name}"
    migrate.drop_table(running_stack.rds, unique_name)
    rds_execute(running_stack, f"DELETE FROM sqoop_jobs WHERE job_name = '{unique_name}'")
    hive.query(running_stack.hive, f"DROP TABLE IF EXISTS {running_stack.names.hive_database}.{unique_name}")
