"""The stack starts from nothing, and a restart keeps every server's data."""

from __future__ import annotations

import uuid

import pytest

import settings as settings_module
from clients import hbase, kafka, mysql
from local_stack import stack, tls
from local_stack.paths import StackPaths
from settings import KafkaPrincipal, RdsAccount


@pytest.mark.stack  # starts servers of its own
def test_servers_come_up_from_an_empty_data_directory_and_go_down(tmp_path):
    """A second, fresh stack of three servers on other ports: initialised, provisioned, healthy, stopped."""
    fresh = settings_module.load_stack(
        {
            "PA_STACK_DATA_DIR": str(tmp_path / "stack"),
            "PA_MYSQL_PORT": "23306",
            "PA_KAFKA_PORT": "29092",
            "PA_KAFKA_CONTROLLER_PORT": "29093",
            "PA_KAFKA_ADMIN_PORT": "29094",
            "PA_SNS_ENDPOINT_URL": "http://127.0.0.1:25000",
        }
    )
    try:
        timings = stack.up(fresh, ["mariadb", "kafka", "sns"])
        report = {row.name: row for row in stack.status(fresh)}
        # over the pipeline's listener (SASL_SSL, the fresh stack's own CA), as the administrator
        with_ca = fresh.changed(kafka={"tls_ca": str(tls.authority(StackPaths(fresh.stack.data_dir)))})
        admin = kafka.admin(with_ca.kafka, KafkaPrincipal.ADMIN)
        topics = set(admin.list_topics())
        admin.close()
    finally:
        stopped = stack.down(fresh)
    assert set(timings) == {"mariadb", "kafka", "sns"}
    assert all(report[name].healthy for name in timings)
    assert {fresh.names.topic_vitals, fresh.names.topic_alerts, fresh.names.topic_dead_letter} <= topics
    assert sorted(stopped) == ["kafka", "mariadb", "sns"]
    assert not any(row.pid for row in stack.status(fresh))


@pytest.mark.faults
@pytest.mark.stops_servers
def test_down_then_up_keeps_data_of_mariadb_kafka_hdfs_and_hbase(running_stack, spark, unique_name):
    marker = uuid.uuid4().hex
    connection = mysql.connect(running_stack.rds, RdsAccount.MIGRATION, autocommit=True)
    connection.cursor().execute(f"CREATE TABLE {unique_name} (marker VARCHAR(40))")
    connection.cursor().execute(f"INSERT INTO {unique_name} VALUES (%s)", (marker,))
    connection.close()
    kafka.ensure_topics(running_stack.kafka, {unique_name: 1})  # the broker makes no topic on request
    producer = kafka.producer(running_stack.kafka, KafkaPrincipal.ADMIN)
    producer.send(unique_name, value=marker.encode()).get(timeout=10)
    producer.close()
    hdfs_path = f"{running_stack.hdfs.uri}/tmp/{unique_name}"
    spark.createDataFrame([(marker,)], "marker string").write.parquet(hdfs_path)
    hbase_connection = hbase.connect(running_stack.hbase)
    hbase_connection.create_table(unique_name, {"cf": {}})
    hbase_connection.table(unique_name).put(b"row", {b"cf:marker": marker.encode()})
    hbase_connection.close()

    try:
        stopped = stack.down(running_stack, ["mariadb", "kafka", "hdfs-namenode", "hbase"])
        down = {row.name for row in stack.status(running_stack) if row.pid is None}
    finally:
        stack.up(running_stack)  # whatever happened: the tests after this one need every server
    assert set(stopped) == {
        "mariadb",
        "kafka",
        "hdfs-namenode",
        "hdfs-datanode",
        "hbase",
        "hbase-thrift",
        "hive-metastore",
        "hive-server2",
        "yarn-rm",  # YARN (the test stack runs it) needs HDFS
        "yarn-nm",
    }  # the named servers and all that need them
    assert down == set(stopped)

    connection = mysql.connect(running_stack.rds, RdsAccount.MIGRATION)
    cursor = connection.cursor()
    cursor.execute(f"SELECT marker FROM {unique_name}")
    assert cursor.fetchall() == [(marker,)]
    cursor.execute(f"DROP TABLE {unique_name}")
    connection.close()
    consumer = kafka.consumer(running_stack.kafka, KafkaPrincipal.ADMIN, unique_name, consumer_timeout_ms=10_000)
    assert [message.value.decode() for message in consumer] == [marker]
    consumer.close()
    kafka.delete_topics(running_stack.kafka, [unique_name])
    assert [row.marker for row in spark.read.parquet(hdfs_path).collect()] == [marker]
    hbase_connection = hbase.connect(running_stack.hbase)
    assert hbase_connection.table(unique_name).row(b"row") == {b"cf:marker": marker.encode()}
    hbase_connection.delete_table(unique_name, disable=True)
    hbase_connection.close()
