"""One RDS account per service and the grants each needs, decided in this one table.

Two identities set RDS up. An administrator (root over the local stack's
socket, RDS's master user elsewhere) creates the accounts and makes the
migration account the owner of the application and staging databases
(:func:`create_accounts`). The migration account then applies the schema and
grants every service its tables (:func:`apply`, which :mod:`rds_schema.migrate`
runs after each migration). A service account can do only what its row below
says: no DDL, no DROP, no other service's tables; the rules account may not
even rewrite the audit it appends to (UPDATE of the ``applied`` flag only).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from mysql.connector import errors as mysql_errors
from mysql.connector.cursor import MySQLCursor

from clients import mysql
from settings import Names, RdsAccount, RdsSettings, Settings

log = logging.getLogger(__name__)

READ = "SELECT"
WRITE = "SELECT, INSERT, UPDATE"
OWN = "SELECT, INSERT, UPDATE, DELETE"
NO_SUCH_GRANT = 1147  # ER_NONEXISTING_TABLE_GRANT: REVOKE of a grant the account does not hold


def table_grants(names: Names) -> dict[RdsAccount, list[tuple[str, str]]]:
    """Each service account's (privileges, table) pairs in the application database."""
    readings = names.vitals_table
    return {
        RdsAccount.DEVICES: [
            (WRITE, "patients_information"),
            (WRITE, readings),
            (WRITE, "deterioration_episodes"),
        ],
        RdsAccount.PRODUCER: [(READ, readings), (WRITE, "producer_watermarks")],
        RdsAccount.NOTIFIER: [
            (OWN, "notifier_alerts"),
            (OWN, "notifier_episodes"),
            (WRITE, "alarm_acknowledgements"),
            (WRITE, "alarm_escalations"),
        ],
        RdsAccount.SQOOP: [
            (READ, "patients_information"),
            (READ, readings),
            (OWN, "sqoop_jobs"),
            (WRITE, "ward_daily_alert_counts"),
        ],
        RdsAccount.RULES: [("SELECT, INSERT, UPDATE (applied)", "threshold_audit")],
        RdsAccount.QUALITY: [
            (READ, "patients_information"),
            (READ, readings),
            (READ, "ward_daily_alert_counts"),
            (READ, "notifier_alerts"),
            (READ, "notifier_episodes"),
            (READ, "alarm_escalations"),
            # the dashboard (this account) records a ward's acknowledgements; it changes nothing else
            ("SELECT, INSERT", "alarm_acknowledgements"),
            # the stream and the dashboard check the rules in force against the audited loads
            (READ, "threshold_audit"),
        ],
    }


def hosts(rds: RdsSettings) -> list[str]:
    return [host.strip() for host in rds.account_hosts.split(",") if host.strip()]


def create_accounts(cursor: MySQLCursor, rds: RdsSettings) -> None:
    """As an administrator: every account (password set to the settings'), both databases, the migration owner."""
    for account in RdsAccount:
        user, password = rds.login(account)
        for host in hosts(rds):
            cursor.execute("CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY %s", (user, host, password))
            cursor.execute("ALTER USER %s@%s IDENTIFIED BY %s", (user, host, password))
    owner, _ = rds.login(RdsAccount.MIGRATION)
    for database in (rds.database, rds.staging_database):
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4")
        for host in hosts(rds):
            cursor.execute(f"GRANT ALL PRIVILEGES ON `{database}`.* TO %s@%s WITH GRANT OPTION", (owner, host))


def apply(settings: Settings) -> list[str]:
    """As the migration account: grant every service its tables (those that exist); return the grants made.

    A table not created yet (a readings table named by PA_VITALS_TABLE that a
    test or an operator creates later) is granted when this runs again after.
    """
    with _as_owner(settings.rds) as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
        existing = {row[0] for row in cursor.fetchall()}
        made = []
        for account, pairs in table_grants(settings.names).items():
            for privileges, table in pairs:
                if table in existing:
                    made.append(
                        _grant(cursor, settings.rds, account, privileges, f"`{settings.rds.database}`.`{table}`")
                    )
                else:
                    log.info("%s gets %s on %s once the table exists", account, privileges, table)
        staging = f"`{settings.rds.staging_database}`.*"
        made.append(_grant(cursor, settings.rds, RdsAccount.SQOOP, "ALL PRIVILEGES", staging))
        return made


def grant_table(rds: RdsSettings, account: RdsAccount, privileges: str, table: str) -> str:
    """As the migration account: one grant beyond the table above (a scratch table of a test or benchmark)."""
    with _as_owner(rds) as cursor:
        return _grant(cursor, rds, account, privileges, f"`{rds.database}`.`{table}`")


def revoke_table(rds: RdsSettings, table: str) -> None:
    """As the migration account: take back every service account's grants on ``table`` (a scratch table being
    dropped). MySQL keeps a table's grants after DROP TABLE, so without this every scratch table a test or a
    benchmark dropped would stay listed in the accounts' grants; an account with none there is passed over."""
    target = f"`{rds.database}`.`{table}`"
    with _as_owner(rds) as cursor:
        for account in RdsAccount:
            if account is RdsAccount.MIGRATION:
                continue
            user, _ = rds.login(account)
            for host in hosts(rds):
                try:
                    cursor.execute(f"REVOKE ALL PRIVILEGES ON {target} FROM %s@%s", (user, host))
                except mysql_errors.ProgrammingError as error:
                    if error.errno != NO_SUCH_GRANT:
                        raise


@contextlib.contextmanager
def _as_owner(rds: RdsSettings) -> Iterator[MySQLCursor]:
    connection = mysql.connect(rds, RdsAccount.MIGRATION, autocommit=True)
    try:
        yield connection.cursor()
    finally:
        connection.close()


def _grant(cursor: MySQLCursor, rds: RdsSettings, account: RdsAccount, privileges: str, target: str) -> str:
    user, _ = rds.login(account)
    for host in hosts(rds):
        cursor.execute(f"GRANT {privileges} ON {target} TO %s@%s", (user, host))
    return f"{user}: {privileges} ON {target}"


def held(rds: RdsSettings) -> dict[RdsAccount, list[str]]:
    """What each account holds, as the server reports it (SHOW GRANTS, the password hash left out)."""
    found = {}
    for account in RdsAccount:
        connection = mysql.connect(rds, account)
        try:
            cursor = connection.cursor()
            cursor.execute("SHOW GRANTS")
            found[account] = [str(row[0]).split(" IDENTIFIED BY")[0] for row in cursor.fetchall()]
        finally:
            connection.close()
    return found


def transport(rds: RdsSettings) -> str:
    """How a connection of the pipeline reaches RDS: the TLS version, or 'plain text'."""
    connection = mysql.connect(rds, RdsAccount.QUALITY)
    try:
        cursor = connection.cursor()
        cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
        row = cursor.fetchone()
    finally:
        connection.close()
    return str(row[1]) if row and row[1] else "plain text"
