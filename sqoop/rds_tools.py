"""Sqoop's tools that only talk to RDS: ``eval``, ``list-tables``, ``list-databases`` (no Spark start-up).

They connect exactly as an import does (``--connect``, ``--username``, the
password options, TLS from settings), so an engineer can check a connection, a
grant or a ``--query`` before running a long import.
"""

from __future__ import annotations

from collections.abc import Sequence

import mysql.connector

from settings import RdsSettings
from sqoop.options import Connection, SqoopError, eval_parser, listing_parser, parse_connection

RDS_TOOLS = ("eval", "list-tables", "list-databases")


def run(tool: str, argv: list[str], rds: RdsSettings) -> str:
    """Run an RDS-only tool; return what it prints."""
    if tool == "eval":
        connection, query = parse_connection(eval_parser(), argv, rds)
        return _eval(connection, query, rds)
    connection, _ = parse_connection(listing_parser(tool), argv, rds)
    statement = "SHOW TABLES" if tool == "list-tables" else "SHOW DATABASES"
    return "\n".join(str(row[0]) for row in _rows(connection, statement, rds)[1])


def _rows(connection: Connection, statement: str, rds: RdsSettings) -> tuple[list[str], list[Sequence[object]]]:
    """Column names and rows of ``statement`` (no rows for a statement that returns none), committed."""
    try:
        session = mysql.connector.connect(**connection.mysql_options(rds))
    except mysql.connector.Error as error:
        raise SqoopError(f"cannot connect to {connection.url} as {connection.username}: {error.msg}") from None
    try:
        cursor = session.cursor()
        try:
            cursor.execute(statement)
        except mysql.connector.Error as error:
            raise SqoopError(f"RDS refused the statement: {error.msg}") from None
        if cursor.description is None:
            session.commit()
            return [], [(f"{cursor.rowcount} row(s) updated.",)]
        names = [column[0] for column in cursor.description]
        return names, list(cursor.fetchall())
    finally:
        session.close()


def _eval(connection: Connection, query: str, rds: RdsSettings) -> str:
    """The result as Sqoop's eval prints it: a bordered table (NULL as ``(null)``)."""
    names, rows = _rows(connection, query, rds)
    if not names:
        return str(rows[0][0])
    cells = [[("(null)" if value is None else str(value)) for value in row] for row in rows]
    widths = [max([len(name), *(len(row[index]) for row in cells)]) for index, name in enumerate(names)]
    rule = "-" * (sum(widths) + 3 * len(widths) + 1)

    def line(values: Sequence[str]) -> str:
        return "| " + " | ".join(value.ljust(width) for value, width in zip(values, widths)) + " |"

    return "\n".join([rule, line(names), rule, *(line(row) for row in cells), rule])
