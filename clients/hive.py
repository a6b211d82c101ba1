"""Connections to HiveServer2 (the Spark Thrift Server locally) through pyhive."""

from __future__ import annotations

from pyhive import hive

from settings import Settings


def connect(settings: Settings, database: str = "default") -> hive.Connection:
    return hive.connect(
        host=settings.hive_server2_host,
        port=settings.hive_server2_port,
        auth=settings.hive_server2_auth,
        database=database,
    )


def query(settings: Settings, sql: str, database: str = "default") -> list[tuple]:
    """Run one statement and return its rows (empty for statements without a result)."""
    connection = connect(settings, database)
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def error_message(error: Exception) -> str:
    """The server's own message of a pyhive error, without the Java stack it carries."""
    response = error.args[0] if error.args else None
    status = getattr(response, "status", None)
    return getattr(status, "errorMessage", None) or str(error)[:500]
