"""The options Spark's JDBC source and sink connect to RDS with (no pyspark import: option parsing uses it)."""

from __future__ import annotations

from settings import Settings, SettingsError

MARIADB_DRIVER = "org.mariadb.jdbc.Driver"


def jdbc_options(settings: Settings, url: str, user: str, password: str) -> dict[str, str]:
    """Where and as whom Spark's JDBC source and sink connect, with the configured driver.

    A ``jdbc:mysql:`` URL gives Spark its MySQL dialect (backtick quoting); MariaDB's Connector/J 3 accepts
    such a URL only with ``permitMysqlScheme``, which MySQL's own driver does not need. With PA_MYSQL_TLS_CA
    the driver verifies the server's certificate and host name against it (``sslMode=verify-full``).
    """
    properties = []
    if settings.sqoop.jdbc_driver_class == MARIADB_DRIVER:
        if url.startswith("jdbc:mysql:"):
            properties.append("permitMysqlScheme")
        if settings.rds.tls_ca:
            properties += ["sslMode=verify-full", f"serverSslCert={settings.rds.tls_ca}"]
    elif settings.rds.tls_ca:
        raise SettingsError(
            f"PA_MYSQL_TLS_CA is applied through MariaDB's Connector/J; with PA_JDBC_DRIVER_CLASS="
            f"{settings.sqoop.jdbc_driver_class} give the driver's own TLS properties in the --connect URL instead"
        )
    missing = [prop for prop in properties if prop.split("=")[0] not in url]
    if missing:
        url += ("&" if "?" in url else "?") + "&".join(missing)
    return {"url": url, "driver": settings.sqoop.jdbc_driver_class, "user": user, "password": password}
