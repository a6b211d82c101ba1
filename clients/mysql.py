"""Connections to RDS (MySQL; MariaDB in the local stack), each as one service's own account."""

from __future__ import annotations

import mysql.connector
from mysql.connector.abstracts import MySQLConnectionAbstract

from settings import RdsAccount, Settings


def connect(
    settings: Settings, account: RdsAccount, *, with_database: bool = True, autocommit: bool = False
) -> MySQLConnectionAbstract:
    """Connect as ``account`` (to the application database unless told otherwise).

    The account is named at every call, so what a piece of code may do in RDS
    is decided where it connects and by the account's grants, not by a shared
    all-powerful user.
    """
    user, password = settings.rds_login(account)
    options = dict(
        host=settings.mysql_host, port=settings.mysql_port, user=user, password=password, autocommit=autocommit
    )
    if with_database:
        options["database"] = settings.mysql_database
    return mysql.connector.connect(**options, **tls_options(settings))


def tls_options(settings: Settings) -> dict[str, object]:
    """mysql-connector's TLS arguments: verify the server's certificate and host name against PA_MYSQL_TLS_CA
    (none when it is empty: plain text, as a server without TLS needs)."""
    if not settings.mysql_tls_ca:
        return {}
    return {"ssl_ca": settings.mysql_tls_ca, "ssl_verify_cert": True, "ssl_verify_identity": True}
