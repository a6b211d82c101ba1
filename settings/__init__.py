"""The one place configuration comes from.

Every host, port, path, topic, table name, credential, heap size and tuning knob
is a field of :class:`Settings`. Each field names the environment variable that
overrides it and documents its default, which points at the embedded local
stack. Pointing the same code at a real cluster means setting these variables,
nothing else (see README "Running on a cluster").

``python -m settings`` prints the table of variables (the README's table is
generated from it, so the two never drift apart).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def setting(env: str, default: Any, doc: str, *, choices: tuple[str, ...] = (), minimum: float | None = None,
            duration: bool = False, secret: bool = False) -> Any:
    """Declare a settings field read from ``env`` with a documented ``default``.

    ``choices``, ``minimum`` and ``duration`` ('10 minutes') are checked when the settings load, so a typo fails
    at start with the variable's name instead of somewhere deep in a running job; a ``secret`` never shows in
    ``repr`` (and so in no log line or traceback that prints the settings).
    """
    metadata = {"env": env, "doc": doc, "choices": choices, "minimum": minimum, "duration": duration}
    return field(default=default, metadata=metadata, repr=not secret)


class SettingsError(ValueError):
    """A setting's value is not allowed; the message names the variable, the value and what is allowed."""


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_SECONDS_PER = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def duration_seconds(text: str) -> float:
    """'10 minutes' -> 600.0: the interval form Spark's watermark takes."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a duration like '10 minutes'")
    return float(match.group(1)) * _SECONDS_PER[match.group(2).lower()]


@dataclass(frozen=True)
class Settings:
    """All configuration, read once from the environment by :func:`load`."""

    # --- the local stack -------------------------------------------------
    stack_data_dir: str = setting(
        "PA_STACK_DATA_DIR", ".stack",
        "Where the local stack keeps data, config, logs and pid files (relative to the working directory).")
    stack_host: str = setting(
        "PA_STACK_HOST", "127.0.0.1", "Address every local-stack server binds to.")
    jar_repository: str = setting(
        "PA_JAR_REPOSITORY", "",
        "Maven local repository for the stack's jars; empty = Maven's default (~/.m2/repository).")
    stack_start_timeout_s: int = setting(
        "PA_STACK_START_TIMEOUT_S", 180, "Seconds a server may take to answer its protocol after start.")

    # --- RDS (MySQL / MariaDB) ---------------------------------------------
    mysql_host: str = setting("PA_MYSQL_HOST", "127.0.0.1", "RDS endpoint host.")
    mysql_port: int = setting("PA_MYSQL_PORT", 3306, "RDS port.")
    mysql_database: str = setting("PA_MYSQL_DATABASE", "hospital", "Application database in RDS.")
    mysql_user: str = setting("PA_MYSQL_USER", "app", "Least-privilege application user.")
    mysql_user_hosts: str = setting(
        "PA_MYSQL_USER_HOSTS", "%,localhost",
        "Account hosts the local stack creates the application user for (MySQL 'user'@'host' patterns).")
    mysql_password: str = setting(
        "PA_MYSQL_PASSWORD", "app-local-only", "Application user's password (local default; set a real one on a cluster).",
        secret=True)
    mariadb_heap_mb: int = setting(
        "PA_MARIADB_BUFFER_POOL_MB", 256, "InnoDB buffer pool of the local MariaDB, in MiB.")

    vitals_table: str = setting("PA_VITALS_TABLE", "patients_vital_info", "RDS table of vital-sign readings.")
    vitals_column_map: str = setting(
        "PA_VITALS_COLUMN_MAP", "",
        "How the readings table's columns map to the message fields, 'field=column,...' "
        "(e.g. 'patient_id=customerId,heart_rate=heartBeat,bp_systolic=bp,event_time=message_time'); "
        "unmapped fields use a column of the same name when there is one.")
    producer_name: str = setting(
        "PA_PRODUCER_NAME", "vitals-producer", "Name the producer's watermark is stored under in RDS.")
    producer_batch_rows: int = setting("PA_PRODUCER_BATCH_ROWS", 5000, "Rows the producer reads and publishes per batch.")
    producer_workers: int = setting(
        "PA_PRODUCER_WORKERS", 2,
        "Processes that encode and send each batch (split by patient, so per-patient order holds); 1 = in-process.")
    producer_poll_s: float = setting("PA_PRODUCER_POLL_S", 1.0, "Follow mode: seconds between polls when caught up.")
    producer_gap_timeout_s: float = setting(
        "PA_PRODUCER_GAP_TIMEOUT_S", 300.0,
        "How long (seconds) the producer keeps re-checking an id below the newest one it published that is not "
        "visible yet (a transaction still open on another connection) before it takes it for a rolled-back "
        "insert and logs that it gave up on it.", minimum=0)

    service_backoff_s: float = setting(
        "PA_SERVICE_BACKOFF_S", 1.0,
        "Services (producer --follow, the streaming application): first wait (seconds) before retrying after a "
        "server they use failed; doubles while failures repeat. They keep running through outages.", minimum=0)
    service_backoff_max_s: float = setting(
        "PA_SERVICE_BACKOFF_MAX_S", 30.0, "Longest wait between two retries of a service (seconds).", minimum=0)

    # --- Kafka ---------------------------------------------------------------
    kafka_host: str = setting("PA_KAFKA_HOST", "127.0.0.1", "Kafka broker host (local stack).")
    kafka_port: int = setting("PA_KAFKA_PORT", 9092, "Kafka broker port.")
    kafka_controller_port: int = setting("PA_KAFKA_CONTROLLER_PORT", 9093, "KRaft controller port (local stack).")
    kafka_bootstrap_override: str = setting(
        "PA_KAFKA_BOOTSTRAP_SERVERS", "", "Comma-separated bootstrap servers; empty = PA_KAFKA_HOST:PA_KAFKA_PORT.")
    kafka_heap: str = setting("PA_KAFKA_HEAP", "512m", "Kafka JVM heap (-Xmx).")
    topic_vitals: str = setting("PA_TOPIC_VITALS", "patient-vitals", "Topic the producer publishes readings to.")
    topic_vitals_partitions: int = setting(
        "PA_TOPIC_VITALS_PARTITIONS", 4, "Partitions of the vitals topic (per-patient order holds within one).")
    topic_alerts: str = setting("PA_TOPIC_ALERTS", "doctors-queue", "Topic alerts go to for the notifier.")
    topic_dead_letter: str = setting(
        "PA_TOPIC_DEAD_LETTER", "patient-vitals-dead-letter", "Dead-letter topic: records that could not be handled, with the reason.")

    # --- HDFS ----------------------------------------------------------------
    hdfs_host: str = setting("PA_HDFS_HOST", "127.0.0.1", "HDFS NameNode host.")
    hdfs_port: int = setting("PA_HDFS_PORT", 8020, "HDFS NameNode RPC port.")
    hdfs_http_port: int = setting("PA_HDFS_HTTP_PORT", 9870, "NameNode web UI port (local stack).")
    hdfs_heap: str = setting("PA_HDFS_HEAP", "384m", "Heap of each HDFS JVM (NameNode, DataNode).")
    warehouse_dir: str = setting("PA_WAREHOUSE_DIR", "/user/hive/warehouse", "Hive warehouse path on HDFS.")
    checkpoint_dir: str = setting("PA_CHECKPOINT_DIR", "/checkpoints", "Streaming checkpoints path on HDFS.")

    # --- HBase ---------------------------------------------------------------
    hbase_thrift_host: str = setting("PA_HBASE_THRIFT_HOST", "127.0.0.1", "HBase Thrift1 server host.")
    hbase_thrift_port: int = setting("PA_HBASE_THRIFT_PORT", 9090, "HBase Thrift1 server port (happybase).")
    hbase_thrift_info_port: int = setting(
        "PA_HBASE_THRIFT_INFO_PORT", 9095, "Thrift server's web UI port (local stack).")
    zookeeper_port: int = setting("PA_ZOOKEEPER_PORT", 2181, "ZooKeeper client port (HBase's, local stack).")
    hbase_heap: str = setting("PA_HBASE_HEAP", "768m", "HBase standalone JVM heap.")
    hbase_thrift_heap: str = setting("PA_HBASE_THRIFT_HEAP", "256m", "HBase Thrift server JVM heap.")
    threshold_table: str = setting("PA_THRESHOLD_TABLE", "threshold_ref", "HBase table of the age-banded thresholds.")
    threshold_source: str = setting(
        "PA_THRESHOLD_SOURCE", "", "CSV or HBase-shell script hbase_setup loads; empty = the reference CSV shipped in hbase_setup/reference.")
    threshold_refresh_s: float = setting(
        "PA_THRESHOLD_REFRESH_S", 10.0, "How often the stream checks HBase for changed thresholds (seconds).")
    hbase_thrift_transport: str = setting(
        "PA_HBASE_THRIFT_TRANSPORT", "buffered", "happybase transport; must match the Thrift server (buffered|framed).",
        choices=("buffered", "framed"))
    hbase_thrift_protocol: str = setting(
        "PA_HBASE_THRIFT_PROTOCOL", "binary", "happybase protocol; must match the Thrift server (binary|compact).",
        choices=("binary", "compact"))

    # --- Hive ----------------------------------------------------------------
    hive_metastore_host: str = setting("PA_HIVE_METASTORE_HOST", "127.0.0.1", "Hive Metastore host.")
    hive_metastore_port: int = setting("PA_HIVE_METASTORE_PORT", 9083, "Hive Metastore Thrift port.")
    hive_metastore_heap: str = setting("PA_HIVE_METASTORE_HEAP", "512m", "Hive Metastore JVM heap.")
    hive_server2_host: str = setting("PA_HIVE_SERVER2_HOST", "127.0.0.1", "HiveServer2 (Spark Thrift Server) host.")
    hive_server2_port: int = setting("PA_HIVE_SERVER2_PORT", 10000, "HiveServer2 port (pyhive).")
    hive_server2_auth: str = setting(
        "PA_HIVE_SERVER2_AUTH", "NOSASL", "pyhive auth mode; must match hive.server2.authentication.",
        choices=("NOSASL", "NONE", "LDAP", "KERBEROS", "CUSTOM"))
    hive_server2_memory: str = setting(
        "PA_HIVE_SERVER2_MEMORY", "1g", "Driver memory of the Spark Thrift Server.")
    hive_database: str = setting("PA_HIVE_DATABASE", "health", "Hive database of the pipeline's tables.")

    # --- Spark ---------------------------------------------------------------
    spark_master: str = setting(
        "PA_SPARK_MASTER", "local[6]",
        "Spark master; empty = leave it to spark-submit (YARN, Kubernetes). Task slots, not cores: the real-time "
        "alert query holds one per vitals partition for as long as it runs, the landing query needs the rest.")
    spark_driver_memory: str = setting(
        "PA_SPARK_DRIVER_MEMORY", "2g",
        "Driver memory of the pipeline's Spark jobs (in local mode also the executors': a 400,000-reading "
        "micro-batch is cached in it).")
    spark_shuffle_partitions: int = setting(
        "PA_SPARK_SHUFFLE_PARTITIONS", 4, "spark.sql.shuffle.partitions (small on one machine).")
    spark_kafka_jars: str = setting(
        "PA_SPARK_KAFKA_JARS", "auto",
        "Jars of Spark's Kafka connector: 'auto' = resolved by the local stack's Maven file, a comma-separated "
        "list = those, empty = none (on a cluster spark-submit --packages brings them).")
    spark_ui_enabled: bool = setting("PA_SPARK_UI", False, "Whether the pipeline's Spark jobs serve the Spark UI.")
    spark_timezone: str = setting("PA_SPARK_TIMEZONE", "UTC", "Session time zone; event dates and partitions use it.")

    # --- the streaming job ---------------------------------------------------
    stream_field_map: str = setting(
        "PA_STREAM_FIELD_MAP", "",
        "JSON keys of incoming messages when they differ from the project's, 'field=key,...' "
        "(capstone shape: 'patient_id=customerId,heart_rate=heartBeat,bp_systolic=bp,event_time=message_time').")
    stream_starting_offsets: str = setting(
        "PA_STREAM_STARTING_OFFSETS", "earliest", "Where a new checkpoint starts reading Kafka (earliest|latest).",
        choices=("earliest", "latest"))
    stream_max_offsets_per_trigger: int = setting(
        "PA_STREAM_MAX_OFFSETS_PER_TRIGGER", 400_000,
        "Upper bound of records per micro-batch (reached only when catching up). Larger batches spread each "
        "batch's fixed cost (commits on HDFS, Spark jobs): 200,000 sustained ~26,000 readings/s here, 400,000 "
        "~32,000; the price is memory (the batch is cached) and a longer batch to redo after a crash.")
    stream_fail_on_data_loss: bool = setting(
        "PA_STREAM_FAIL_ON_DATA_LOSS", True, "Stop when Kafka lost offsets the checkpoint expects (true is safe).")
    stream_kafka_fetch_bytes: int = setting(
        "PA_STREAM_KAFKA_FETCH_BYTES", 16 << 20,
        "Largest Kafka fetch of the stream's source, per partition and request (max.partition.fetch.bytes and "
        "fetch.max.bytes): large fetches cut round trips when the job catches up.")
    stream_state_store: str = setting(
        "PA_STREAM_STATE_STORE", "rocksdb",
        "State store of the reading-id deduplication: 'rocksdb' (off-heap, changelog checkpoints; holds a window "
        "of millions of ids) or 'hdfs' (Spark's default, all state on the JVM heap). A checkpoint keeps the store "
        "it was created with.", choices=("rocksdb", "hdfs"))
    stream_trigger_s: float = setting("PA_STREAM_TRIGGER_S", 5.0, "Micro-batch interval of the service (seconds).")
    stream_stop_grace_s: float = setting(
        "PA_STREAM_STOP_GRACE_S", 60.0,
        "How long stopping the application waits for the landing query's running micro-batch to finish "
        "(seconds); one cut short is redone after a restart, so nothing is lost either way.")
    stream_dedup_window: str = setting(
        "PA_STREAM_DEDUP_WINDOW", "10 minutes",
        "How long the stream remembers reading ids in its state (a duration: '10 minutes'). Readings whose event "
        "time is older than this when they arrive still land (flagged late); their ids are checked against "
        "vitals_raw instead of the state.", duration=True)
    stream_max_future_s: float = setting(
        "PA_STREAM_MAX_FUTURE_S", 300.0,
        "How far (seconds) a reading's event time may lie after the time Kafka received it; beyond that it is "
        "rejected as 'event time in the future' (a device clock that is wrong), never moving what the job "
        "accepts for others. At most PA_STREAM_DEDUP_WINDOW.", minimum=0)
    stream_checkpoint_name: str = setting(
        "PA_STREAM_CHECKPOINT_NAME", "landing", "Checkpoint folder of the landing query under PA_CHECKPOINT_DIR.")
    alert_path: str = setting(
        "PA_ALERT_PATH", "realtime",
        "How alerts reach doctors-queue: 'realtime' (a Real-time Mode query, Spark >= 4.1; the landing query only "
        "writes Hive) or 'microbatch' (the landing query publishes them after each micro-batch).",
        choices=("realtime", "microbatch"))
    alert_batch_s: float = setting(
        "PA_ALERT_BATCH_S", 30.0,
        "Real-time Mode batch duration (checkpoint interval): reference data (thresholds, patients) is checked at "
        "this interval and a change restarts the alert query, so it applies within one batch plus a restart.")
    alert_kafka_compression: str = setting(
        "PA_ALERT_KAFKA_COMPRESSION", "lz4",
        "Compression of alert records on doctors-queue (none|gzip|snappy|lz4|zstd); kafka-python readers need "
        "the codec's package (the project installs lz4).", choices=("none", "gzip", "snappy", "lz4", "zstd"))
    alert_kafka_linger_ms: int = setting(
        "PA_ALERT_KAFKA_LINGER_MS", 20,
        "How long the micro-batch publish lets the Kafka producer fill a batch (ms); the real-time alert query "
        "keeps Kafka's default, as this adds to latency.")
    alert_kafka_batch_bytes: int = setting(
        "PA_ALERT_KAFKA_BATCH_BYTES", 1 << 20, "Kafka producer batch size of the micro-batch publish (bytes).")
    patients_refresh_s: float = setting(
        "PA_PATIENTS_REFRESH_S", 60.0, "How often the stream re-reads health.patients (seconds).")

    # --- SNS -----------------------------------------------------------------
    sns_endpoint: str = setting(
        "PA_SNS_ENDPOINT_URL", "auto",
        "SNS endpoint: 'auto' = the local stack's (PA_STACK_HOST:PA_SNS_PORT), empty = AWS's own (real SNS), "
        "or a URL.")
    sns_port: int = setting("PA_SNS_PORT", 5000, "Port of the local SNS endpoint (moto's server).")
    aws_region: str = setting("PA_AWS_REGION", "us-east-1", "AWS region of SNS.")
    aws_access_key_id: str = setting(
        "PA_AWS_ACCESS_KEY_ID", "testing", "Access key for the local endpoint; empty = boto3's credential chain.")
    aws_secret_access_key: str = setting(
        "PA_AWS_SECRET_ACCESS_KEY", "testing", "Secret key for the local endpoint; empty = boto3's credential chain.",
        secret=True)
    sns_topic_name: str = setting("PA_SNS_TOPIC", "patient-alerts", "SNS topic doctors subscribe to.")

    # --- the notifier ----------------------------------------------------------
    doctor_emails: str = setting(
        "PA_DOCTOR_EMAILS", "oncall@hospital.example",
        "Email subscriptions of the SNS topic: 'address' for every ward or 'address:ward|ward' for some, comma-separated.")
    notifier_group: str = setting("PA_NOTIFIER_GROUP", "alert-notifier", "Kafka consumer group of the notifier.")
    topic_notify_dead_letter: str = setting(
        "PA_TOPIC_NOTIFY_DEAD_LETTER", "doctors-queue-dead-letter",
        "Where the notifier sets aside, with the reason, records that are not alerts and notifications SNS refused "
        "for their content ('python -m notifier redrive' sends the latter again).")
    notify_quiet_s: float = setting(
        "PA_NOTIFY_QUIET_S", 900.0, "A still-abnormal vital is reminded about after this many seconds without a notification.")
    notify_all_clear_s: float = setting(
        "PA_NOTIFY_ALL_CLEAR_S", 300.0, "Seconds (event time) without alerts after which an episode is all clear.")
    notify_worsen_step: float = setting(
        "PA_NOTIFY_WORSEN_STEP", 10.0, "How much further out of range a value must go to notify 'worse' again.")
    notify_backoff_s: float = setting(
        "PA_NOTIFY_BACKOFF_S", 0.5,
        "First retry delay (seconds) when SNS, Kafka or RDS fails; doubles on each attempt. Errors of the service "
        "(throttling, endpoint down, credentials, topic missing) are retried for as long as they last; only an "
        "error about one message dead-letters it.", minimum=0)
    notify_backoff_max_s: float = setting(
        "PA_NOTIFY_BACKOFF_MAX_S", 30.0, "Longest wait between two retries of the notifier (seconds).", minimum=0)

    # --- sqoop (RDS <-> Hive on Spark JDBC) ---------------------------------
    jdbc_driver_jar: str = setting(
        "PA_JDBC_DRIVER_JAR", "/usr/share/java/mariadb-java-client.jar",
        "JDBC driver jar(s) for Spark, comma-separated; empty = the cluster provides the driver "
        "(e.g. spark-submit --packages com.mysql:mysql-connector-j).")
    jdbc_driver_package: str = setting(
        "PA_JDBC_DRIVER_PACKAGE", "libmariadb-java",
        "Debian package installed with apt when the driver jar is missing (local stack); empty = never install.")
    jdbc_driver_class: str = setting(
        "PA_JDBC_DRIVER_CLASS", "org.mariadb.jdbc.Driver", "JDBC driver class (com.mysql.cj.jdbc.Driver for MySQL's).")
    sqoop_fetch_size: int = setting("PA_SQOOP_FETCH_SIZE", 10000, "Default JDBC fetch size of an import (--fetch-size).")
    sqoop_batch_size: int = setting(
        "PA_SQOOP_BATCH_SIZE", 1000, "Default rows per INSERT statement of an export (--batch-size).")
    sqoop_keep_versions: int = setting(
        "PA_SQOOP_KEEP_VERSIONS", 2,
        "Table versions an import keeps on HDFS: the current one and the previous for readers still on it.")

    # --- airflow -----------------------------------------------------------
    airflow_start_date: str = setting(
        "PA_AIRFLOW_START_DATE", "2026-11-01",
        "First data interval (UTC date) of the DAGs that catch up (vitals_batch_aggregates).")
    airflow_settings_variable: str = setting(
        "PA_AIRFLOW_SETTINGS_VARIABLE", "patient_alert_settings",
        "Airflow Variable (JSON object of PA_* names to values) whose entries override the workers' environment.")
    airflow_replay_rate: float = setting(
        "PA_AIRFLOW_REPLAY_RATE", 0.0, "Default rows/s limit of the replay_from_rds DAG (0 = unlimited).")
    quality_max_reject_share: float = setting(
        "PA_QUALITY_MAX_REJECT_SHARE", 0.05, "data_quality DAG: highest share of rejected readings a day may have.")
    quality_max_unknown_patient_alerts: int = setting(
        "PA_QUALITY_MAX_UNKNOWN_PATIENT_ALERTS", 0,
        "data_quality DAG: most unknown-patient alerts a day may have before the check fails.")
    quality_max_staleness_s: float = setting(
        "PA_QUALITY_MAX_STALENESS_S", 3600.0,
        "data_quality DAG: newest vitals_raw reading may be at most this old (seconds) when the check runs.")

    def __post_init__(self) -> None:
        _check(self)  # also when a test or tool derives settings with dataclasses.replace

    # --- derived addresses -------------------------------------------------
    @property
    def stream_dedup_window_s(self) -> float:
        return duration_seconds(self.stream_dedup_window)

    @property
    def jdbc_url(self) -> str:
        """RDS as a JDBC URL; ``jdbc:mysql:`` so Spark picks its MySQL dialect (backtick quoting)."""
        return f"jdbc:mysql://{self.mysql_host}:{self.mysql_port}/{self.mysql_database}"

    @property
    def data_dir(self) -> Path:
        """The stack's data directory as an absolute path."""
        return Path(self.stack_data_dir).expanduser().resolve()

    @property
    def kafka_bootstrap_servers(self) -> str:
        return self.kafka_bootstrap_override or f"{self.kafka_host}:{self.kafka_port}"

    @property
    def hdfs_uri(self) -> str:
        return f"hdfs://{self.hdfs_host}:{self.hdfs_port}"

    @property
    def warehouse_uri(self) -> str:
        return self.hdfs_uri + self.warehouse_dir

    @property
    def sns_endpoint_url(self) -> str:
        """The SNS endpoint boto3 is given; empty means AWS's own."""
        return f"http://{self.stack_host}:{self.sns_port}" if self.sns_endpoint == "auto" else self.sns_endpoint

    @property
    def hive_metastore_uri(self) -> str:
        return f"thrift://{self.hive_metastore_host}:{self.hive_metastore_port}"


_KIND_TEXT = {"int": "a whole number", "float": "a number", "bool": "one of true, false, 1, 0, yes, no, on, off"}


def _cast(raw: str, kind: str, env: str) -> Any:
    """Turn an environment string into the field's type, naming the variable and what is allowed on error."""
    text = raw.strip().lower()
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        pass
    else:
        if kind == "bool":
            if text in _TRUE | _FALSE:
                return text in _TRUE
        else:
            return raw
    raise SettingsError(f"{env}={raw!r} is not allowed: expected {_KIND_TEXT[kind]}")


def _check(settings: Settings) -> None:
    """Every field's choices, minimum and duration form, and the rules between fields."""
    for f in dataclasses.fields(Settings):
        value, meta = getattr(settings, f.name), f.metadata
        shown = "(hidden)" if not f.repr else repr(value)
        if meta["choices"] and value not in meta["choices"]:
            raise SettingsError(f"{meta['env']}={shown} is not allowed: choose one of {', '.join(meta['choices'])}")
        if meta["minimum"] is not None and value < meta["minimum"]:
            raise SettingsError(f"{meta['env']}={shown} is not allowed: it must be at least {meta['minimum']:g}")
        if meta["duration"]:
            try:
                duration_seconds(value)
            except ValueError:
                raise SettingsError(f"{meta['env']}={shown} is not allowed: expected a duration such as "
                                    f"'10 minutes' (seconds, minutes, hours or days)") from None
    if settings.stream_max_future_s > settings.stream_dedup_window_s:
        raise SettingsError(f"PA_STREAM_MAX_FUTURE_S={settings.stream_max_future_s:g} is not allowed: it must not "
                            f"exceed PA_STREAM_DEDUP_WINDOW ({settings.stream_dedup_window}), or repeated readings "
                            f"stamped in the future could outlive the deduplication state")


def load(environ: dict[str, str] | None = None) -> Settings:
    """Read every setting from ``environ`` (default: the process environment); a bad value raises SettingsError."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in dataclasses.fields(Settings):
        raw = environ.get(f.metadata["env"])
        if raw is not None:
            values[f.name] = _cast(raw, str(f.type), f.metadata["env"])
    return Settings(**values)


@functools.lru_cache(maxsize=1)
def get() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return load()


def environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the environment variables that would load it (for child processes and Airflow)."""
    def text(value: Any) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    return {f.metadata["env"]: text(getattr(settings, f.name)) for f in dataclasses.fields(Settings)}


def variables_table() -> str:
    """A Markdown table of every variable, its default and its meaning."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for f in dataclasses.fields(Settings):
        default = f.default if f.default != "" else "(empty)"
        meaning = f.metadata["doc"].replace("|", "\\|")  # a bare | would end the Markdown cell
        lines.append(f"| `{f.metadata['env']}` | `{default}` | {meaning} |")
    return "\n".join(lines)
