"""The compose file keeps the stack's promises: loopback-only ports, no default passwords, the local stack's versions,
health checks."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path
from xml.etree import ElementTree

import yaml

import settings as settings_module
from settings import RdsAccount

COMPOSE = Path(__file__).parents[1] / "docker" / "docker-compose.yml"
POM = Path(__file__).parents[1] / "local_stack" / "pom.xml"


def test_every_published_port_binds_loopback_only():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    published = {name: service.get("ports", []) for name, service in services.items()}
    assert any(published.values())
    exposed = {name: ports for name, ports in published.items() if any(not p.startswith("127.0.0.1:") for p in ports)}
    assert exposed == {}


def test_the_database_root_password_must_be_given():
    mariadb = yaml.safe_load(COMPOSE.read_text())["services"]["mariadb"]["environment"]
    assert mariadb["MARIADB_ROOT_PASSWORD"].endswith(":?set PA_MYSQL_ROOT_PASSWORD}")


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def pom_property(name: str) -> str:
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}
    return ElementTree.parse(POM).getroot().find(f"m:properties/m:{name}", namespace).text


def image_version(service: str) -> str:
    return services()[service]["image"].rpartition(":")[2]


def build_argument(service: str, name: str) -> str:
    return services()[service]["build"]["args"][name]


def test_compose_runs_the_versions_the_local_stack_runs():
    """One set of versions: the Maven file's servers, the installed pyspark (Hive 2.3 metastore and Spark Thrift
    Server), Airflow and moto, and Debian's MariaDB line."""
    assert image_version("kafka") == pom_property("kafka.version")
    assert image_version("namenode") == image_version("datanode") == pom_property("hadoop.version")
    assert build_argument("hive-metastore", "PYSPARK_VERSION") == importlib.metadata.version("pyspark")
    assert services()["hive-server2"]["build"] == services()["hive-metastore"]["build"]
    assert build_argument("airflow", "AIRFLOW_VERSION") == importlib.metadata.version("apache-airflow")
    assert image_version("sns") == importlib.metadata.version("moto")
    assert image_version("mariadb") == "10.11"  # the local stack's MariaDB is Debian bookworm's 10.11


def test_every_service_has_a_health_check_and_waits_for_healthy_dependencies():
    """A server has a health check; the one-shot RDS set-up runs once, and what needs it waits for its success."""
    found = services()
    one_shot = {name for name, service in found.items() if service.get("restart") == "no"}
    assert one_shot == {"rds-setup"}
    assert {name for name, service in found.items() if "healthcheck" not in service} == one_shot
    for name, service in found.items():
        for needed, condition in service.get("depends_on", {}).items():
            expected = "service_completed_successfully" if needed in one_shot else "service_healthy"
            assert condition == {"condition": expected}, name


def test_every_rds_account_gets_its_own_required_password():
    """No shared database user: the set-up creates each service's account with a password that must be given."""
    setup = services()["rds-setup"]["environment"]
    for account in RdsAccount:
        variable = f"PA_MYSQL_{account.upper()}_PASSWORD"
        assert setup[variable] == f"${{{variable}:?set {variable}}}"
    assert "MARIADB_USER" not in services()["mariadb"]["environment"]


def test_the_coordinates_spark_submit_brings_are_the_jars_the_local_stack_runs():
    defaults = settings_module.load({})
    assert defaults.spark_kafka_package.rpartition(":")[2] == importlib.metadata.version("pyspark")
    assert defaults.jdbc_driver_coordinates.rpartition(":")[2] == pom_property("mariadb.jdbc.version")
