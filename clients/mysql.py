"""Connections to RDS (MySQL; MariaDB in the local stack), each as one service's own account.

Connections are pooled per process and per (account, options): opening one
costs about 110 ms over TLS with mysql-connector's pure-Python driver (most of
it loading the system's CA store twice per handshake), and the notifier, the
producer and the checks open one per statement batch. A pooled connection is
pinged and, after a server restart, reconnected when it is handed out, and its
session is reset (transaction rolled back, autocommit as asked) when it is given
back by ``close()``.
"""

from __future__ import annotations

import os
import threading

import mysql.connector
from mysql.connector.abstracts import MySQLConnectionAbstract
from mysql.connector.errors import PoolError
from mysql.connector.pooling import MySQLConnectionPool, PooledMySQLConnection

from settings import RdsAccount, RdsSettings

POOL_SIZE = 4  # connections kept per account and options; more at once are opened (and closed) as needed

_pools: dict[tuple, MySQLConnectionPool] = {}
_pools_lock = threading.Lock()


def connect(
    rds: RdsSettings, account: RdsAccount, *, with_database: bool = True, autocommit: bool = False
) -> MySQLConnectionAbstract | PooledMySQLConnection:
    """Connect as ``account`` (to the application database unless told otherwise).

    The account is named at every call, so what a piece of code may do in RDS
    is decided where it connects and by the account's grants, not by a shared
    all-powerful user.
    """
    user, password = rds.login(account)
    options = dict(host=rds.host, port=rds.port, user=user, password=password, autocommit=autocommit)
    if with_database:
        options["database"] = rds.database
    # a result left half-read is read to its end when the connection goes back to the pool, not an error
    options |= tls_options(rds) | {"consume_results": True}
    try:
        return _pool(options).get_connection()
    except PoolError:  # every pooled connection is in use: one of its own
        return mysql.connector.connect(**options)


def _pool(options: dict[str, object]) -> MySQLConnectionPool:
    """This process's pool for ``options`` (a forked child never shares its parent's sockets)."""
    key = (os.getpid(), tuple(sorted(options.items())))
    with _pools_lock:
        if key not in _pools:
            _pools[key] = MySQLConnectionPool(pool_name=f"patient-alert-{len(_pools)}", pool_size=POOL_SIZE, **options)
        return _pools[key]


def tls_options(rds: RdsSettings) -> dict[str, object]:
    """mysql-connector's TLS arguments: verify the server's certificate and host name against PA_MYSQL_TLS_CA
    (none when it is empty: plain text, as a server without TLS needs)."""
    if not rds.tls_ca:
        return {}
    return {"ssl_ca": rds.tls_ca, "ssl_verify_cert": True, "ssl_verify_identity": True}
