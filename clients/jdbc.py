"""The options Spark's JDBC source and sink connect to RDS with (no pyspark import: option parsing uses it)."""

from __future__ import annotations

from settings import Settings

MARIADB_DRIVER = "org.mariadb.jdbc.Driver"


def jdbc_options(settings: Settings, url: str, user: str, password: str) -> dict[str, str]:
    """Where and as whom Spark's JDBC source and sink connect, with the configured driver.

    A ``jdbc:mysql:`` URL gives Spark its MySQL dialect (backtick quoting); MariaDB's Connector/J 3 accepts
    such a URL only with ``permitMysqlScheme``, which MySQL's own driver does not need.
    """
    if (
        settings.jdbc_driver_class == MARIADB_DRIVER
        and url.startswith("jdbc:mysql:")
        and "permitMysqlScheme" not in url
    ):
        url += ("&" if "?" in url else "?") + "permitMysqlScheme"
    return {"url": url, "driver": settings.jdbc_driver_class, "user": user, "password": password}
