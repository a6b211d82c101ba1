"""Credentials from Airflow Connections, as the pipeline's settings.

A deployment keeps RDS and AWS credentials where Airflow keeps them (its
metadata database, a secrets backend such as AWS Secrets Manager, or
``AIRFLOW_CONN_*`` variables), not in a JSON Variable. A connection that is
not defined leaves the settings as they are, so a local run needs none.
"""

from __future__ import annotations

from typing import Any

from settings import AirflowSettings, RdsAccount, RdsSettings, SnsSettings
from settings.fields import variable_of

# Connection attribute -> the variable it fills; login and password fill the connection's account's
MYSQL_FIELDS = {
    name: variable_of(RdsSettings, field)
    for name, field in (("host", "host"), ("port", "port"), ("schema", "database"))
}
AWS_FIELDS = {
    "login": variable_of(SnsSettings, "aws_access_key_id"),
    "password": variable_of(SnsSettings, "aws_secret_access_key"),
}
AWS_EXTRAS = {
    "region_name": variable_of(SnsSettings, "aws_region"),
    "endpoint_url": variable_of(SnsSettings, "endpoint_url"),
}


def mysql_conn_id(airflow: AirflowSettings, account: RdsAccount) -> str:
    """The Connection that holds ``account``'s RDS login: one per account, so each
    account's password lives, and is rotated, on its own."""
    return f"{airflow.mysql_conn_id}_{account}"


def connection_settings(airflow: AirflowSettings) -> dict[str, str]:
    """The PA_* variables the MySQL and AWS connections named in ``settings`` define (only their non-empty fields)."""
    found: dict[str, Any] = {}
    for account in RdsAccount:
        mysql = _connection(mysql_conn_id(airflow, account))
        if mysql is not None:
            found.update({name: getattr(mysql, attribute) for attribute, name in MYSQL_FIELDS.items()})
            found.update(
                {
                    variable_of(RdsSettings, f"{account}_user"): mysql.login,
                    variable_of(RdsSettings, f"{account}_password"): mysql.password,
                }
            )
    aws = _connection(airflow.aws_conn_id)
    if aws is not None:
        found.update({name: getattr(aws, attribute) for attribute, name in AWS_FIELDS.items()})
        extras = aws.extra_dejson
        found.update({name: extras.get(key) for key, name in AWS_EXTRAS.items()})
    return {name: str(value) for name, value in found.items() if value not in (None, "")}


def _connection(conn_id: str) -> Any:
    """The Airflow Connection ``conn_id``, or None when it is not defined (or no id is configured)."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    if not conn_id:
        return None
    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None
