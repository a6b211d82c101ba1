"""Spark's JDBC options: a jdbc:mysql: URL (Spark's MySQL dialect) that MariaDB's Connector/J 3 accepts."""

from __future__ import annotations

import settings
from clients.jdbc import jdbc_options


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
