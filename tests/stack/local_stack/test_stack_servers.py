"""Each server of the local stack answers its own clients, over real connections."""

from __future__ import annotations

import ipaddress
import json
import stat

import mysql.connector as mysql_connector
import pytest
from mysql.connector import errors as mysql_errors

from clients import aws, hbase, hdfs, hive, kafka, mysql
from clients.spark import rds_query
from local_stack import probes, secret_scan, stack
from rds_schema import grants, migrate
from runtime.waiting import wait_until
from settings import KafkaPrincipal, RdsAccount
from testkit.sockets import listening_sockets


def test_every_server_reports_healthy_with_pid_and_memory(running_stack):
    report = stack.status(running_stack)
    assert {row.name for row in report} == {
        "mariadb",
        "kafka",
        "hdfs-namenode",
        "hdfs-datanode",
        "hbase",
        "hbase-thrift",
        "hive-metastore",
        "ldap",  # HiveServer2 checks logins against it (PA_HIVE_SERVER2_AUTH=LDAP, the default)
        "hive-server2",
        "sns",
        "alertmanager",  # Prometheus and Alertmanager: the operators' view (PA_STACK_MONITORING, on by default)
        "prometheus",
        "yarn-rm",  # opt-in (PA_STACK_YARN=1): the test stack runs YARN for the spark-submit test
        "yarn-nm",
    }
    unhealthy = [(row.name, row.detail) for row in report if not row.healthy]
    assert unhealthy == []
    assert all(row.pid and row.memory_mb > 10 for row in report)


def test_every_server_and_web_ui_listens_on_loopback_only(running_stack):
    """The docs' promise: the stack binds 127.0.0.1 (PA_STACK_HOST), its web UIs and ephemeral ports too."""
    listening = {row.name: listening_sockets({row.pid}) for row in stack.status(running_stack) if row.pid}
    assert all(listening.values()), f"a server without a listening socket: {listening}"
    exposed = {
        name: sorted(f"{address}:{port}" for address, port in sockets if not ipaddress.ip_address(address).is_loopback)
        for name, sockets in listening.items()
    }
    assert {name: found for name, found in exposed.items() if found} == {}


def test_the_stack_data_is_private_to_its_user(running_stack):
    """Readings and patients live under the data dir: 0700 at the top, and what servers write has no bits for others."""
    root = running_stack.stack.data_dir
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    written = [path for path in (root / "data" / "kafka").rglob("*") if path.is_file()]
    assert written, "Kafka has written its log segments"
    assert [path for path in written if path.stat().st_mode & stat.S_IRWXO] == []


def test_root_is_reachable_only_through_the_private_socket(running_stack):
    """No root account is left for TCP at all: whatever the password (none, the obvious ones, every service
    account's), root over TCP is refused; only the Unix socket lets it in."""
    passwords = ["", "root", "password", *(running_stack.rds.login(account)[1] for account in RdsAccount)]
    for password in passwords:
        with pytest.raises(mysql_errors.ProgrammingError, match="Access denied for user 'root'"):
            mysql_connector.connect(
                host=running_stack.rds.host,
                port=running_stack.rds.port,
                user="root",
                password=password,
                connection_timeout=5,
            )
    connection = mysql_connector.connect(unix_socket=str(probes.mariadb_socket(running_stack)), user="root")
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT host FROM mysql.user WHERE user = 'root'")
        assert cursor.fetchall() == [("localhost",)]  # the socket's account only
    finally:
        connection.close()


def test_no_secret_in_a_log_or_a_command_line(running_stack, tmp_path):
    """The docs' promise, checked over everything the test stack and this run have logged so far (the demo's
    last step checks its own run the same way)."""
    expected = {f"PA_MYSQL_{account.upper()}_PASSWORD" for account in RdsAccount} | {
        "PA_AWS_SECRET_ACCESS_KEY",
        "PA_HIVE_SERVER2_PASSWORD",
    }
    assert set(secret_scan.secrets(running_stack)) >= expected
    assert secret_scan.log_files(running_stack), "the stack's servers have written logs"
    assert secret_scan.leaks(running_stack) == []
    leaked = tmp_path / "leaky.log"  # the scan finds a secret where there is one
    leaked.write_text(f"connecting with password={running_stack.rds.notifier_password}\n")
    assert secret_scan.leaks(running_stack, [leaked]) == [f"PA_MYSQL_NOTIFIER_PASSWORD in {leaked}"]


def test_up_twice_is_harmless(running_stack):
    before = {row.name: row.pid for row in stack.status(running_stack)}
    stack.up(running_stack)
    after = {row.name: row.pid for row in stack.status(running_stack)}
    assert after == before


# (account, a statement it must be refused): DDL, and every other service's tables
REFUSED = [
    (RdsAccount.PRODUCER, "DROP TABLE patients_vital_info"),
    (RdsAccount.PRODUCER, "SELECT COUNT(*) FROM notifier_alerts"),
    (RdsAccount.PRODUCER, "SELECT COUNT(*) FROM patients_information"),
    (RdsAccount.NOTIFIER, "SELECT COUNT(*) FROM patients_vital_info"),
    (RdsAccount.NOTIFIER, "DROP TABLE notifier_alerts"),
    (RdsAccount.SQOOP, "SELECT COUNT(*) FROM notifier_episodes"),
    (RdsAccount.SQOOP, "DELETE FROM patients_information"),
    (RdsAccount.SQOOP, "CREATE TABLE sqoop_scratch (id INT)"),
    (RdsAccount.RULES, "UPDATE threshold_audit SET diff = ''"),
    (RdsAccount.RULES, "DELETE FROM threshold_audit"),
    (RdsAccount.QUALITY, "UPDATE patients_information SET phone_number = NULL"),
    (RdsAccount.DEVICES, "SELECT COUNT(*) FROM producer_watermarks"),
    (RdsAccount.DEVICES, "ALTER TABLE patients_vital_info ADD COLUMN extra INT"),
]


# (account, a statement of its job it must be allowed)
ALLOWED = [
    (RdsAccount.PRODUCER, "SELECT COUNT(*) FROM patients_vital_info"),
    (RdsAccount.NOTIFIER, "SELECT COUNT(*) FROM notifier_episodes"),
    (RdsAccount.SQOOP, "SELECT COUNT(*) FROM patients_information"),
    (RdsAccount.RULES, "UPDATE threshold_audit SET applied = applied WHERE id = 0"),
    (RdsAccount.QUALITY, "SELECT COUNT(*) FROM ward_daily_alert_counts"),
    (RdsAccount.DEVICES, "SELECT COUNT(*) FROM patients_information"),
]


def _run_as(settings, account: RdsAccount, statement: str) -> None:
    connection = mysql.connect(settings.rds, account, autocommit=True)
    try:
        cursor = connection.cursor()
        cursor.execute(statement)
        cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


@pytest.mark.parametrize(("account", "statement"), REFUSED, ids=[f"{a}: {s}" for a, s in REFUSED])
def test_a_service_account_is_refused_ddl_and_other_services_tables(running_stack, account, statement):
    with pytest.raises(mysql_errors.ProgrammingError, match="command denied"):
        _run_as(running_stack, account, statement)


def test_each_service_account_does_its_job_and_holds_no_database_wide_right(running_stack):
    for account, statement in ALLOWED:
        _run_as(running_stack, account, statement)
    for account, shown in grants.held(running_stack.rds).items():
        database_wide = [grant for grant in shown if f"ON `{running_stack.rds.database}`.*" in grant]
        if account is RdsAccount.MIGRATION:  # the schema's owner
            assert database_wide and "WITH GRANT OPTION" in database_wide[0]
        else:
            assert database_wide == [] and not [grant for grant in shown if "GRANT OPTION" in grant], shown


def test_a_dropped_scratch_table_takes_its_grants_with_it(running_stack, unique_name):
    """MySQL keeps a table's grants after DROP TABLE; the tests' and benchmarks' drop takes them back too."""
    scratch = running_stack.changed(names={"vitals_table": unique_name})
    migrate.create_readings_table(scratch)

    def naming_the_table() -> list[str]:
        return [grant for shown in grants.held(running_stack.rds).values() for grant in shown if unique_name in grant]

    assert len(naming_the_table()) == 4, "devices, producer, sqoop and quality read or write a readings table"
    migrate.drop_table(scratch.rds, unique_name)
    assert naming_the_table() == []


def test_rds_connections_are_verified_tls_and_plain_text_is_refused(running_stack, spark):
    """The docs' promise: the local MariaDB requires TLS, and mysql-connector and Spark JDBC (Sqoop, replay,
    reconciliation) verify its certificate against the stack's CA."""
    assert running_stack.rds.tls_ca, "the stack hands its CA over"
    connection = mysql.connect(running_stack.rds, RdsAccount.QUALITY)
    try:
        cursor = connection.cursor()
        cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
        assert cursor.fetchone()[1].startswith("TLSv1.")
    finally:
        connection.close()
    through_spark = rds_query(
        spark,
        running_stack,
        RdsAccount.QUALITY,
        "SELECT VARIABLE_VALUE AS version FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_version'",
    ).first()
    assert through_spark is not None and through_spark.version.startswith("TLSv1.")
    # the same login in plain text: MariaDB refuses it as it does a wrong password (so does RDS)
    user, password = running_stack.rds.login(RdsAccount.QUALITY)
    with pytest.raises(mysql_errors.Error, match="Access denied for user 'pa_quality'"):
        mysql_connector.connect(
            host=running_stack.rds.host,
            port=running_stack.rds.port,
            user=user,
            password=password,
            ssl_disabled=True,
            connection_timeout=5,
        )


def test_kafka_produces_and_a_consumer_group_reads_back(running_stack, unique_name):
    kafka.ensure_topics(running_stack.kafka, {unique_name: 1})  # the broker makes no topic on request
    try:
        _round_trip(running_stack, unique_name)
    finally:
        kafka.delete_topics(running_stack.kafka, [unique_name])


def _round_trip(running_stack, unique_name: str) -> None:
    producer = kafka.producer(running_stack.kafka, KafkaPrincipal.ADMIN)
    for number in range(20):
        producer.send(unique_name, key=b"p1", value=json.dumps({"n": number}).encode())
    producer.flush()
    producer.close()
    consumer = kafka.consumer(
        running_stack.kafka, KafkaPrincipal.ADMIN, unique_name, group_id=unique_name, consumer_timeout_ms=10_000
    )
    received = [json.loads(message.value)["n"] for message in consumer]
    consumer.commit()
    committed = consumer.committed(next(iter(consumer.assignment())))
    consumer.close()
    assert received == list(range(20))
    assert committed == 20


def test_spark_writes_parquet_on_hdfs_and_hive_server2_reads_the_table(running_stack, spark, unique_name):
    spark.sql(f"CREATE DATABASE {unique_name}")
    table = f"{unique_name}.doubles"
    try:
        spark.range(100).selectExpr("id", "id * 2 AS doubled").write.format("parquet").saveAsTable(table)
        rows = hive.query(running_stack.hive, f"SELECT COUNT(*), SUM(doubled) FROM {table}")
        files = hdfs.list_status(running_stack.hdfs, f"{running_stack.hdfs.warehouse_dir}/{unique_name}.db/doubles")
    finally:
        spark.sql(f"DROP DATABASE {unique_name} CASCADE")

    assert rows == [(100, 9900)]
    assert any(entry["pathSuffix"].endswith(".parquet") for entry in files)


def test_happybase_creates_puts_gets_and_scans_through_thrift(running_stack, unique_name):
    connection = hbase.connect(running_stack.hbase)
    try:
        connection.create_table(unique_name, {"cf": {}})
        table = connection.table(unique_name)
        with table.batch() as batch:
            for number in range(5):
                batch.put(f"row{number}".encode(), {b"cf:n": str(number).encode()})
        one = table.row(b"row3")
        scanned = [key for key, _ in table.scan(row_start=b"row1", row_stop=b"row4")]
        connection.delete_table(unique_name, disable=True)
    finally:
        connection.close()
    assert one == {b"cf:n": b"3"}
    assert scanned == [b"row1", b"row2", b"row3"]


def test_sns_publish_is_delivered_to_a_subscribed_sqs_queue(running_stack, unique_name):
    sns, sqs = aws.client(running_stack.sns, "sns"), aws.client(running_stack.sns, "sqs")
    topic_arn = sns.create_topic(Name=unique_name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=unique_name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    sns.publish(TopicArn=topic_arn, Subject="check", Message="hello doctors")
    messages = wait_until(
        lambda: sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1).get("Messages", []), 10, every_s=0
    )
    sns.delete_topic(TopicArn=topic_arn)
    sqs.delete_queue(QueueUrl=queue_url)

    assert len(messages) == 1
    assert json.loads(messages[0]["Body"])["Message"] == "hello doctors"
