"""Connections to HiveServer2 (the Spark Thrift Server locally) through pyhive."""

from __future__ import annotations

import pandas as pd
from pyhive import hive

from settings import HiveSettings
from settings.choices import HiveAuth


def connect(hive_settings: HiveSettings, database: str = "default") -> hive.Connection:
    """A HiveServer2 session; with LDAP or CUSTOM authentication it logs in as PA_HIVE_SERVER2_USER."""
    login = {"username": hive_settings.server2_user} if hive_settings.server2_user else {}
    if hive_settings.server2_auth in (HiveAuth.LDAP, HiveAuth.CUSTOM):
        login["password"] = hive_settings.server2_password
    return hive.connect(
        host=hive_settings.server2_host,
        port=hive_settings.server2_port,
        auth=hive_settings.server2_auth,
        database=database,
        **login,
    )


def query(hive_settings: HiveSettings, sql: str, database: str = "default") -> list[tuple]:
    """Run one statement and return its rows (empty for statements without a result)."""
    connection = connect(hive_settings, database)
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def frame(
    hive_settings: HiveSettings, sql: str, database: str = "default", parameters: dict[str, object] | None = None
) -> pd.DataFrame:
    """One query's rows as a pandas DataFrame named by the result's columns, timestamps parsed (notebooks,
    reports, the dashboard): pyhive hands timestamps over as text. ``parameters`` fill ``%(name)s`` markers,
    escaped by pyhive."""
    connection = connect(hive_settings, database)
    try:
        cursor = connection.cursor()
        cursor.execute(sql, parameters)
        columns = [(column[0].split(".")[-1], column[1]) for column in cursor.description]
        result = pd.DataFrame(cursor.fetchall(), columns=[name for name, _ in columns])
    finally:
        connection.close()
    for name, kind in columns:
        if kind == "TIMESTAMP_TYPE":
            result[name] = pd.to_datetime(result[name])
    return result


def error_message(error: Exception) -> str:
    """The server's own message of a pyhive error, without the Java stack it carries."""
    response = error.args[0] if error.args else None
    status = getattr(response, "status", None)
    return getattr(status, "errorMessage", None) or str(error)[:500]
