"""The pipeline's SparkSession, wired to the Hive Metastore, HDFS and Kafka connector from settings."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyspark import SparkContext
from pyspark.sql import DataFrame, Row, SparkSession

from clients.jdbc import jdbc_options
from settings import RdsAccount, Settings, SparkSettings, StreamSettings
from settings.choices import StateStore


def hive_conf(settings: Settings) -> dict[str, str]:
    """Spark options that make a Spark process share the Hive Metastore and warehouse on HDFS.

    The Spark Thrift Server (HiveServer2) and every pipeline job use the same
    options, which is what lets analysts query through pyhive what a job wrote.
    """
    return {
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.hive.metastore.uris": settings.hive.metastore_uri,
        "spark.sql.warehouse.dir": settings.hdfs.warehouse_uri,
        "spark.hadoop.fs.defaultFS": settings.hdfs.uri,
    }


STATE_STORE_PROVIDERS = {
    StateStore.ROCKSDB: "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
    StateStore.HDFS: "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
}


def state_store_conf(stream: StreamSettings) -> dict[str, str]:
    """The streaming state store PA_STREAM_STATE_STORE names; RocksDB checkpoints only its changelog per batch."""
    return {
        "spark.sql.streaming.stateStore.providerClass": STATE_STORE_PROVIDERS[stream.state_store],
        "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled": "true",
    }


def extra_jars(settings: Settings) -> list[str]:
    """The Kafka connector's and the JDBC driver's jars for ``spark.jars`` (empty on a cluster that brings them)."""
    return [
        jar
        for listed in (settings.spark.kafka_jars, settings.sqoop.jdbc_driver_jar)
        for jar in listed.split(",")
        if jar
    ]


def is_local(spark: SparkSettings) -> bool:
    """Whether this process runs Spark itself (``local[...]``), not a cluster's spark-submit."""
    return spark.master.startswith("local")


def session_conf(settings: Settings) -> dict[str, str]:
    """What the pipeline sets on its SparkSession: on a cluster only what its jobs need to be correct and fast
    (the metastore, the state store, how a batch overwrites its partitions, the time zone, the codegen limit);
    in local mode also the one-machine sizes (driver memory, 4 shuffle partitions, no UI), which on a cluster are
    the cluster's or spark-submit's to choose."""
    conf = {
        "spark.sql.codegen.hugeMethodLimit": str(settings.spark.codegen_method_limit),
        "spark.sql.session.timeZone": settings.spark.timezone,
        # a micro-batch re-run replaces only its own partitions (see hive_ddl)
        "spark.sql.sources.partitionOverwriteMode": "dynamic",
        "spark.hadoop.hive.exec.dynamic.partition.mode": "nonstrict",
        # option values shown in plans and the UI: a JDBC URL, and the Kafka JAAS line that holds a password
        "spark.sql.redaction.options.regex": "(?i)url|jaas",
        **hive_conf(settings),
        **state_store_conf(settings.stream),
    }
    if is_local(settings.spark):
        conf |= {
            "spark.driver.memory": settings.spark.driver_memory,
            "spark.sql.shuffle.partitions": str(settings.spark.shuffle_partitions),
            "spark.ui.enabled": str(settings.spark.ui).lower(),
        }
    jars = extra_jars(settings)
    if jars:
        conf["spark.jars"] = ",".join(jars)
    return conf


def session(settings: Settings, app_name: str, extra_conf: dict[str, str] | None = None) -> SparkSession:
    """Get or create the process's SparkSession for ``app_name``."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if is_local(settings.spark):
        os.environ.setdefault("SPARK_LOCAL_IP", settings.spark.local_ip)
    builder = SparkSession.builder.appName(app_name)
    if settings.spark.master:
        builder = builder.master(settings.spark.master)
    conf = session_conf(settings) | log_conf(settings.spark) | (extra_conf or {})
    for key, value in conf.items():
        builder = builder.config(key, value)
    with _driver_output_to_file(settings.spark), _jvm_leaves_sigterm_to_python():
        return builder.enableHiveSupport().getOrCreate()


@contextlib.contextmanager
def _jvm_leaves_sigterm_to_python() -> Iterator[None]:
    """Launch the driver JVM with SIGTERM ignored, which the JVM keeps (HotSpot installs no shutdown handler for a
    signal its parent ignored).

    A stop signal sent to the whole process group (``kill -- -PID``, systemd's default KillMode) then stops the
    service the way its Python side does it, the queries after the work in hand and then Spark, instead of the
    JVM's shutdown hook stopping Spark underneath it. The JVM still ends with its Python parent (it exits when
    its stdin closes) and with SIGKILL. A SIGTERM in the seconds the launch takes is ignored (a service manager's
    stop timeout then kills the process). Off the main thread, where signals cannot be set, nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _driver_output_to_file(spark: SparkSettings) -> Iterator[None]:
    """While this process launches its driver JVM, point file descriptor 2 at ``<PA_SPARK_LOG_FILE>.stderr``.

    The JVM writes a few lines to its inherited stderr before log4j is configured (the JDK's "Using incubator
    modules" warning for Spark's --add-modules, Spark's "Setting default log level"), which no log configuration
    can redirect; the JVM keeps the file as its stderr, this process gets its own back at once. If the driver
    fails to start, the error names the file and quotes its end.
    """
    launching = SparkContext._active_spark_context is None and "PYSPARK_GATEWAY_PORT" not in os.environ
    if not (spark.log_file and launching):
        yield
        return
    output = Path(spark.log_file).expanduser().resolve().with_suffix(".stderr")
    output.parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with output.open("ab") as target:
            os.dup2(target.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
    except Exception as error:
        tail = output.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"Spark's driver did not start: {error}\nits output ({output}) ends:\n{tail}") from error
    finally:
        os.close(saved)


LOG4J2_CONFIG = Path(__file__).with_name("spark-log4j2.properties")


def log_conf(spark: SparkSettings) -> dict[str, str]:
    """Spark's own log to PA_SPARK_LOG_FILE, not the console, and its stage progress bar only on a terminal.

    Takes effect in a driver this process launches (PySpark passes the options to spark-submit); under
    spark-submit the driver JVM already runs with the cluster's log configuration, and this changes nothing.
    """
    conf = {"spark.ui.showConsoleProgress": str(sys.stderr.isatty()).lower()}
    if spark.log_file:
        log_file = Path(spark.log_file).expanduser().resolve()
        log_file.parent.mkdir(parents=True, exist_ok=True)
        conf["spark.driver.extraJavaOptions"] = (
            f"-Dlog4j2.configurationFile={LOG4J2_CONFIG.as_uri()} -Dpa.spark.log.file={log_file}"
        )
    return conf


def single_row(frame: DataFrame) -> Row:
    """The one row of an aggregate without grouping (Spark returns one even over no input)."""
    row = frame.first()
    if row is None:
        raise RuntimeError("an aggregate returned no row")
    return row


def jvm(spark: SparkSession) -> Any:
    """The driver's JVM gateway (Hadoop's FileSystem API, which PySpark does not wrap)."""
    gateway = spark.sparkContext._jvm
    if gateway is None:
        raise RuntimeError("the SparkSession has no JVM (stopped?)")
    return gateway


def rds_query(spark: SparkSession, settings: Settings, account: RdsAccount, sql: str) -> DataFrame:
    """The rows of one SELECT in RDS, read through Spark JDBC as ``account``."""
    return (
        spark.read.format("jdbc")
        .options(**jdbc_options(settings, settings.rds.jdbc_url, *settings.rds.login(account)))
        .option("fetchsize", str(settings.sqoop.fetch_size))
        .option("query", sql)
        .load()
    )
