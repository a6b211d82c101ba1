"""The SparkSession's options: a cluster's own sizes are left alone, local mode gets the one-machine ones."""

from __future__ import annotations

import settings
from clients.spark import session_conf

ONE_MACHINE_SIZES = {"spark.driver.memory", "spark.sql.shuffle.partitions", "spark.ui.enabled"}


def test_on_a_cluster_only_what_the_pipeline_needs_is_set():
    conf = session_conf(settings.load({"PA_SPARK_MASTER": "", "PA_SPARK_KAFKA_JARS": "", "PA_JDBC_DRIVER_JAR": ""}))
    assert ONE_MACHINE_SIZES.isdisjoint(conf)
    assert "spark.jars" not in conf  # spark-submit brings the connector and the driver
    assert conf["spark.sql.sources.partitionOverwriteMode"] == "dynamic"  # exactly-once batches need it anywhere
    assert conf["spark.hadoop.hive.metastore.uris"].startswith("thrift://")


def test_local_mode_gets_the_one_machine_sizes():
    conf = session_conf(settings.load({"PA_SPARK_MASTER": "local[6]", "PA_SPARK_SHUFFLE_PARTITIONS": "3"}))
    assert ONE_MACHINE_SIZES <= set(conf) and conf["spark.sql.shuffle.partitions"] == "3"
