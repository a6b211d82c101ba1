"""The spark-submit command line: settings reach the driver, secrets never appear on a command line."""

from __future__ import annotations

import stat

import settings
from cluster.submit import submission
from settings import RdsAccount

CHANGED = {
    "PA_MYSQL_HOST": "db.internal",
    **{f"PA_MYSQL_{account.upper()}_PASSWORD": f"s3cret-for-{account}" for account in RdsAccount},
    "PA_AWS_SECRET_ACCESS_KEY": "aws-s3cret-for-the-test",
    "PA_SNS_ENDPOINT_URL": "",
    "PA_TOPIC_VITALS": "ward-vitals",
    "PA_SPARK_KAFKA_JARS": "/jars/kafka.jar",
    "PA_CLUSTER_PYTHON": "./env/bin/python",
}


def test_cluster_mode_ships_settings_as_the_drivers_environment_and_secrets_as_files(tmp_path):
    job = submission(settings.load(CHANGED), "streaming", ["run"], tmp_path, wait=False)
    line = job.shown()
    assert "s3cret" not in line and "aws-s3cret" not in line
    conf = [job.arguments[n + 1] for n, argument in enumerate(job.arguments) if argument == "--conf"]
    driver_env = dict(
        entry.removeprefix("spark.yarn.appMasterEnv.").split("=", 1)
        for entry in conf
        if entry.startswith("spark.yarn.appMasterEnv.")
    )
    assert driver_env["PA_TOPIC_VITALS"] == "ward-vitals" and driver_env["PA_MYSQL_HOST"] == "db.internal"
    assert driver_env["PA_SPARK_MASTER"] == "" and driver_env["PA_SPARK_KAFKA_JARS"] == ""  # spark-submit decides
    assert "PA_HIVE_DATABASE" not in driver_env  # a default stays a default
    assert driver_env["PYSPARK_PYTHON"] == "./env/bin/python"
    secret_file = tmp_path / driver_env["PA_MYSQL_SQOOP_PASSWORD_FILE"]
    assert secret_file.read_text() == "s3cret-for-sqoop\n"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    shipped = job.arguments[job.arguments.index("--files") + 1].split(",")
    assert f"{secret_file}#{secret_file.name}" in shipped
    assert job.arguments[-3:] == [job.arguments[-3], "streaming", "run"] and job.arguments[-3].endswith("entry.py")
    assert "/jars/kafka.jar" in job.arguments[job.arguments.index("--jars") + 1]
    # no driver jar given: spark-submit brings it from Maven Central
    assert job.arguments[job.arguments.index("--packages") + 1] == settings.load().sqoop.jdbc_driver_coordinates


def test_shuffle_partitions_are_the_task_slots_unless_set(tmp_path):
    def partitions(environment: dict[str, str]) -> str:
        arguments = submission(settings.load(environment), "streaming", ["run"], tmp_path, wait=False).arguments
        conf = [arguments[n + 1] for n, argument in enumerate(arguments) if argument == "--conf"]
        return next(entry for entry in conf if entry.startswith("spark.sql.shuffle.partitions="))

    assert partitions({"PA_CLUSTER_EXECUTORS": "3", "PA_CLUSTER_EXECUTOR_CORES": "4"}).endswith("=12")
    assert partitions({"PA_CLUSTER_SHUFFLE_PARTITIONS": "48"}).endswith("=48")


def test_jars_given_need_no_packages(tmp_path):
    given = CHANGED | {"PA_JDBC_DRIVER_JAR": "/jars/mariadb.jar"}
    job = submission(settings.load(given), "streaming", ["run"], tmp_path, wait=False)
    assert "--packages" not in job.arguments
    assert job.arguments[job.arguments.index("--jars") + 1].split(",") == ["/jars/kafka.jar", "/jars/mariadb.jar"]


def test_client_mode_hands_the_settings_to_the_local_driver_unseen(tmp_path):
    job = submission(settings.load(CHANGED | {"PA_CLUSTER_DEPLOY_MODE": "client"}), "batch", [], tmp_path)
    assert "s3cret" not in job.shown() and "--files" not in job.arguments
    assert job.environment["PA_MYSQL_PRODUCER_PASSWORD"] == "s3cret-for-producer"
    assert job.environment["PA_SPARK_MASTER"] == ""


def test_the_tls_authorities_travel_with_the_job_in_cluster_mode(tmp_path):
    authorities = {"PA_MYSQL_TLS_CA": "/etc/rds/ca.pem", "PA_KAFKA_TLS_CA": "/etc/kafka/ca.pem"}
    job = submission(settings.load(CHANGED | authorities), "sqoop", ["import"], tmp_path)
    shipped = job.arguments[job.arguments.index("--files") + 1].split(",")
    assert {"/etc/rds/ca.pem#rds-ca.pem", "/etc/kafka/ca.pem#kafka-ca.pem"} <= set(shipped)
    conf = [job.arguments[n + 1] for n, argument in enumerate(job.arguments) if argument == "--conf"]
    for name, shipped_as in (("PA_MYSQL_TLS_CA", "rds-ca.pem"), ("PA_KAFKA_TLS_CA", "kafka-ca.pem")):
        assert f"spark.yarn.appMasterEnv.{name}={shipped_as}" in conf
        assert f"spark.executorEnv.{name}={shipped_as}" in conf


def test_one_authority_for_both_travels_once(tmp_path):
    """The local stack's one CA signs MariaDB's and Kafka's certificates; YARN refuses a file shipped twice."""
    same = {"PA_MYSQL_TLS_CA": "/stack/tls/ca.pem", "PA_KAFKA_TLS_CA": "/stack/tls/ca.pem"}
    job = submission(settings.load(CHANGED | same), "streaming", ["run"], tmp_path)
    shipped = job.arguments[job.arguments.index("--files") + 1].split(",")
    assert [entry for entry in shipped if entry.startswith("/stack/tls/ca.pem#")] == ["/stack/tls/ca.pem#rds-ca.pem"]
    conf = [job.arguments[n + 1] for n, argument in enumerate(job.arguments) if argument == "--conf"]
    assert {"spark.executorEnv.PA_MYSQL_TLS_CA=rds-ca.pem", "spark.executorEnv.PA_KAFKA_TLS_CA=rds-ca.pem"} <= set(conf)
