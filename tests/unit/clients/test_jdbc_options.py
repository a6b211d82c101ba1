"""Spark's JDBC options: a jdbc:mysql: URL (Spark's MySQL dialect) that MariaDB's Connector/J 3 accepts, over
verified TLS when a CA is set."""

from __future__ import annotations

import pytest

import settings
from clients.jdbc import jdbc_options
from settings import SettingsError


def test_mariadbs_driver_is_permitted_the_mysql_scheme():
    options = jdbc_options(settings.load({}), "jdbc:mysql://db:3306/hospital", "app", "pw")
    assert options == {
        "url": "jdbc:mysql://db:3306/hospital?permitMysqlScheme",
        "driver": "org.mariadb.jdbc.Driver",
        "user": "app",
        "password": "pw",
    }
    with_query = jdbc_options(settings.load({}), "jdbc:mysql://db/hospital?useSsl=true", "app", "pw")["url"]
    assert with_query == "jdbc:mysql://db/hospital?useSsl=true&permitMysqlScheme"


def test_mysqls_own_driver_gets_the_url_as_given():
    mysql_driver = settings.load({"PA_JDBC_DRIVER_CLASS": "com.mysql.cj.jdbc.Driver"})
    assert jdbc_options(mysql_driver, "jdbc:mysql://db/hospital", "app", "pw")["url"] == "jdbc:mysql://db/hospital"


def test_a_tls_authority_makes_the_driver_verify_the_server_and_its_name():
    verifying = settings.load({"PA_MYSQL_TLS_CA": "/etc/rds/ca.pem"})
    url = jdbc_options(verifying, "jdbc:mysql://db/hospital", "app", "pw")["url"]
    assert url == "jdbc:mysql://db/hospital?permitMysqlScheme&sslMode=verify-full&serverSslCert=/etc/rds/ca.pem"
    given = jdbc_options(verifying, "jdbc:mysql://db/hospital?sslMode=verify-ca", "app", "pw")["url"]
    assert given == "jdbc:mysql://db/hospital?sslMode=verify-ca&permitMysqlScheme&serverSslCert=/etc/rds/ca.pem"
    with pytest.raises(SettingsError, match="give the driver's own TLS properties"):
        mysql_driver = settings.load({"PA_MYSQL_TLS_CA": "/ca.pem", "PA_JDBC_DRIVER_CLASS": "com.mysql.cj.jdbc.Driver"})
        jdbc_options(mysql_driver, "jdbc:mysql://db/hospital", "app", "pw")
