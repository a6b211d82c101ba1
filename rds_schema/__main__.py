"""``python -m rds_schema accounts|migrate|grants`` — set RDS up the way the services need it.

``accounts`` runs once per database as an administrator (RDS's master user, or
root): it creates one account per service with the passwords the settings
hold, and the staging database. ``migrate`` applies the schema and the grants
as the migration account. ``grants`` prints what each account may do, as
MariaDB/MySQL reports it (SHOW GRANTS).
"""

from __future__ import annotations

import argparse

import mysql.connector

import settings
from clients import mysql as rds
from rds_schema import grants, migrate
from runtime import cli, entry
from settings import RdsAccount


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("rds_schema"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("accounts", help="as PA_MYSQL_ADMIN_USER: create the service accounts and databases")
    commands.add_parser("migrate", help="as the migration account: apply the schema and the grants (idempotent)")
    commands.add_parser("grants", help="print each account's grants")
    args = parser.parse_args(argv)
    current = entry.loaded(settings.get)

    if args.command == "accounts":
        connection = mysql.connector.connect(
            host=current.rds.host,
            port=current.rds.port,
            user=current.rds.admin_user,
            password=current.rds.admin_password,
            autocommit=True,
            **rds.tls_options(current.rds),
        )
        try:
            grants.create_accounts(connection.cursor(), current.rds)
        finally:
            connection.close()
        print(f"[rds_schema] accounts {', '.join(current.rds.login(account)[0] for account in RdsAccount)} ready")
    elif args.command == "migrate":
        applied = migrate.apply(current)
        print(f"[rds_schema] applied versions {applied}" if applied else "[rds_schema] up to date; grants applied")
    else:
        for account, shown in grants.held(current.rds).items():
            print(f"{account}:")
            for grant in shown:
                print("    " + grant)
    return 0


if __name__ == "__main__":
    raise SystemExit(entry.run(main))
