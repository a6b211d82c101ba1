"""The stack starts from nothing, and a restart keeps every server's data."""

from __future__ import annotations

import uuid

import pytest

from clients import hbase, kafka, mysql
from local_stack import stack
from settings import KafkaPrincipal, RdsAccount


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
