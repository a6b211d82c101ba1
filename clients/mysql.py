"""Connections to RDS (MySQL; MariaDB in the local stack)."""

from __future__ import annotations

import mysql.connector
from mysql.connector.abstracts import MySQLConnectionAbstract

from settings import Settings


def connect(settings: Settings, *, with_database: bool = True, autocommit: bool = False) -> MySQLConnectionAbstract:
    """Connect as the application user (to the application database unless told otherwise)."""
    options = dict(
        host=settings.mysql_host,
        port=settings.mysql_port,
        user=settings.mysql_user,
        password=settings.mysql_password,
        autocommit=autocommit,
    )
    if with_database:
        options["database"] = settings.mysql_database
    return mysql.connector.connect(**options)
