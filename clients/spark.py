"""The pipeline's SparkSession, wired to the Hive Metastore, HDFS and Kafka connector from settings."""

from __future__ import annotations

import os
import sys

from pyspark.sql import DataFrame, SparkSession

from settings import Settings


def hive_conf(settings: Settings) -> dict[str, str]:
    """Spark options that make a Spark process share the Hive Metastore and warehouse on HDFS.

    The Spark Thrift Server (HiveServer2) and every pipeline job use the same
    options, which is what lets analysts query through pyhive what a job wrote.
    """
    return {
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.hive.metastore.uris": settings.hive_metastore_uri,
        "spark.sql.warehouse.dir": settings.warehouse_uri,
        "spark.hadoop.fs.defaultFS": settings.hdfs_uri,
    }


STATE_STORE_PROVIDERS = {
    "rocksdb": "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
    "hdfs": "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
}


def state_store_conf(settings: Settings) -> dict[str, str]:
    """The streaming state store PA_STREAM_STATE_STORE names; RocksDB checkpoints only its changelog per batch."""
    if settings.stream_state_store not in STATE_STORE_PROVIDERS:
        raise ValueError(f"PA_STREAM_STATE_STORE={settings.stream_state_store!r}: "
                         f"choose one of {sorted(STATE_STORE_PROVIDERS)}")
    return {"spark.sql.streaming.stateStore.providerClass": STATE_STORE_PROVIDERS[settings.stream_state_store],
            "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled": "true"}


def kafka_connector_jars(settings: Settings) -> list[str]:
    """Jars of spark-sql-kafka for ``spark.jars`` ('auto' resolves them with the stack's Maven file)."""
    if settings.spark_kafka_jars == "auto":
        from local_stack import jars  # only the embedded stack resolves jars itself
        from local_stack.paths import StackPaths

        return jars.jar_paths(StackPaths(settings.data_dir).classpath_dir, "spark-kafka", settings.jar_repository)
    return [jar for jar in settings.spark_kafka_jars.split(",") if jar]


def jdbc_driver_jars(settings: Settings) -> list[str]:
    """The JDBC driver jars for ``spark.jars``; the local stack installs its Debian package when missing."""
    jars = [jar for jar in settings.jdbc_driver_jar.split(",") if jar]
    if settings.jdbc_driver_package:
        from local_stack.system_packages import ensure_file  # only the embedded stack installs packages

        jars = [ensure_file(jar, settings.jdbc_driver_package) for jar in jars]
    return jars


def session(settings: Settings, app_name: str, extra_conf: dict[str, str] | None = None) -> SparkSession:
    """Get or create the process's SparkSession for ``app_name``."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if settings.spark_master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", settings.stack_host)
    builder = SparkSession.builder.appName(app_name)
    if settings.spark_master:
        builder = builder.master(settings.spark_master)
    conf = {
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": str(settings.spark_shuffle_partitions),
        "spark.ui.enabled": str(settings.spark_ui_enabled).lower(),
        "spark.sql.session.timeZone": settings.spark_timezone,
        # a micro-batch re-run replaces only its own partitions (see hive_ddl)
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.hadoop.hive.exec.dynamic.partition.mode": "nonstrict",
        **hive_conf(settings),
        **state_store_conf(settings),
    }
    jars = kafka_connector_jars(settings) + jdbc_driver_jars(settings)
    if jars:
        conf["spark.jars"] = ",".join(jars)
    conf.update(extra_conf or {})
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.enableHiveSupport().getOrCreate()


def rds_query(spark: SparkSession, settings: Settings, sql: str) -> DataFrame:
    """The rows of one SELECT in RDS, read through Spark JDBC as the application user."""
    return (spark.read.format("jdbc").option("url", settings.jdbc_url).option("driver", settings.jdbc_driver_class)
            .option("user", settings.mysql_user).option("password", settings.mysql_password)
            .option("fetchsize", str(settings.sqoop_fetch_size)).option("query", sql).load())
