"""MariaDB from Debian's packages, playing Amazon RDS for MySQL: a private instance under the stack dir."""

from __future__ import annotations

import getpass
import subprocess

import mysql.connector

from local_stack import handoff, probes, tls
from local_stack.errors import StackError
from local_stack.spec import ServerSpec, StackContext
from local_stack.system_packages import ensure_command
from rds_schema import grants, migrate


def _run_as() -> str:
    """mariadbd refuses to run as root unless told to; run as whoever starts the stack."""
    return getpass.getuser()


def _initialise(ctx: StackContext) -> None:
    ensure_command("mariadbd", "mariadb-server")
    install_db = ensure_command("mariadb-install-db", "mariadb-server")
    result = subprocess.run(
        [
            install_db,
            "--no-defaults",
            f"--datadir={ctx.paths.data_dir('mariadb') / 'db'}",
            f"--user={_run_as()}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise StackError(f"mariadb-install-db failed:\n{result.stdout}{result.stderr}")


def _command(ctx: StackContext) -> list[str]:
    s = ctx.settings
    socket_path = probes.mariadb_socket(s)
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    return [
        ensure_command("mariadbd", "mariadb-server"),
        "--no-defaults",
        f"--datadir={ctx.paths.data_dir('mariadb') / 'db'}",
        f"--socket={socket_path}",
        f"--port={s.rds.port}",
        f"--bind-address={s.stack.host}",
        f"--user={_run_as()}",
        f"--pid-file={ctx.paths.data_dir('mariadb') / 'mariadbd.pid'}",
        f"--innodb-buffer-pool-size={s.stack.mariadb_buffer_pool_mb}M",
        "--skip-name-resolve",
        "--max-connections=300",
        "--character-set-server=utf8mb4",
        *_tls_arguments(ctx),
    ]


def _tls_arguments(ctx: StackContext) -> list[str]:
    """TLS required on TCP, with a certificate the stack's CA signs (the Unix socket, root's only way in, is local)."""
    if not ctx.settings.stack.mysql_tls:
        return []
    certificate, key = tls.server_certificate(ctx.paths, ctx.settings.stack.host)
    return [
        f"--ssl-ca={tls.authority(ctx.paths)}",
        f"--ssl-cert={certificate}",
        f"--ssl-key={key}",
        "--require-secure-transport=ON",
        "--tls-version=TLSv1.2,TLSv1.3",
    ]


def _provision(ctx: StackContext) -> None:
    """The service accounts, the schema and their grants (rds_schema), and root reachable only through the socket.

    A fresh datadir may hold anonymous accounts, which shadow 'user'@'%' for
    local connections ("Access denied"); every anonymous account is dropped.
    So are root's other accounts, the TCP ones, which have no password: root
    keeps only the account this socket connection is (CURRENT_USER), which
    with --skip-name-resolve only the Unix socket in the stack's private
    folder reaches.
    """
    s = ctx.settings
    connection = mysql.connector.connect(unix_socket=str(probes.mariadb_socket(s)), user="root", autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT host FROM mysql.user WHERE user = ''")
        for (anonymous_host,) in cursor.fetchall():
            cursor.execute("DROP USER ''@%s", (anonymous_host,))
        cursor.execute("SELECT host FROM mysql.user WHERE user = 'root' AND CONCAT(user, '@', host) <> CURRENT_USER()")
        for (tcp_host,) in cursor.fetchall():
            cursor.execute("DROP USER 'root'@%s", (tcp_host,))
        grants.create_accounts(cursor, s.rds)
    finally:
        connection.close()
    migrate.apply(handoff.with_stack_tls(s))


MARIADB = ServerSpec(
    name="mariadb",
    summary="MariaDB 10.11 (Debian) as RDS for MySQL",
    command=_command,
    probe=probes.mariadb,
    address=lambda s: f"mysql://{s.rds.host}:{s.rds.port}/{s.rds.database}",
    ports=lambda s: {"PA_MYSQL_PORT": s.rds.port},
    initialise=_initialise,
    provision=_provision,
)
