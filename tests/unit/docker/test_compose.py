"""The compose file keeps the stack's promises: loopback-only ports, no default passwords, the local stack's versions,
health checks."""

from __future__ import annotations

import importlib.metadata
from urllib.parse import urlsplit
from xml.etree import ElementTree

import yaml

import settings as settings_module
from settings import RdsAccount
from testkit.repository import REPOSITORY

COMPOSE = REPOSITORY / "docker" / "docker-compose.yml"


POM = REPOSITORY / "local_stack" / "pom.xml"


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
    assert defaults.cluster.spark_kafka_package.rpartition(":")[2] == importlib.metadata.version("pyspark")
    assert defaults.sqoop.jdbc_driver_coordinates.rpartition(":")[2] == pom_property("mariadb.jdbc.version")


# the settings naming another container's address, and the setting of the port on it (its default when unset)
ADDRESS_SETTINGS = {
    "PA_MYSQL_HOST": "PA_MYSQL_PORT",
    "PA_HDFS_HOST": "PA_HDFS_PORT",
    "PA_HBASE_THRIFT_HOST": "PA_HBASE_THRIFT_PORT",
    "PA_HIVE_METASTORE_HOST": "PA_HIVE_METASTORE_PORT",
    "PA_HIVE_SERVER2_HOST": "PA_HIVE_SERVER2_PORT",
}


def listening_ports(service: dict) -> set[int]:
    """The container-side ports a service serves: what it publishes, and its Kafka listeners."""
    ports = {int(str(mapping).rsplit(":", 1)[1]) for mapping in service.get("ports", [])}
    listeners = (service.get("environment") or {}).get("KAFKA_LISTENERS", "")
    return ports | {int(listener.rsplit(":", 1)[1]) for listener in listeners.split(",") if listener}


def addresses(environment: dict) -> list[tuple[str, str, int]]:
    """(setting, host, port) for every address another container is reached at."""
    defaults = settings_module.environment(settings_module.load({}))
    found = []
    for host_setting, port_setting in ADDRESS_SETTINGS.items():
        if host_setting in environment:
            port = environment.get(port_setting) or defaults[port_setting]
            found.append((host_setting, environment[host_setting], int(port)))
    if "PA_SNS_ENDPOINT_URL" in environment:
        url = urlsplit(environment["PA_SNS_ENDPOINT_URL"])
        found.append(("PA_SNS_ENDPOINT_URL", url.hostname, url.port))
    for server in environment.get("PA_KAFKA_BOOTSTRAP_SERVERS", "").split(","):
        if server:
            host, _, port = server.rpartition(":")
            found.append(("PA_KAFKA_BOOTSTRAP_SERVERS", host, int(port)))
    return found


def test_every_address_a_container_is_given_reaches_a_listener_of_that_container():
    """Follow each service's configured addresses on the compose network: the host is a service (its name or
    hostname), the port one it listens on; a Kafka client is given the broker's internal listener, which the
    broker advertises by the same name, so the broker's metadata sends it back to an address that works."""
    found = services()
    by_name = {name: service for name, service in found.items()} | {
        service["hostname"]: service for service in found.values() if "hostname" in service
    }
    followed = 0
    for name, service in found.items():
        environment = {key: str(value) for key, value in (service.get("environment") or {}).items()}
        for setting, host, port in addresses(environment):
            assert host in by_name, f"{name}: {setting} names {host}, which is no service of the compose file"
            assert port in listening_ports(by_name[host]), f"{name}: {setting} port {port} is not one {host} serves"
            if setting == "PA_KAFKA_BOOTSTRAP_SERVERS":
                advertised = by_name[host]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
                assert f"//{host}:{port}" in advertised, f"{name}: the broker advertises {advertised}, not {host}"
            followed += 1
    assert followed >= 8  # the RDS set-up's and Airflow's addresses
