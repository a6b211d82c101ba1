"""The settings groups, one per concern: every field, its variable, default, check and meaning.

:class:`settings.Settings` is made of these; a function takes the group it uses
(``KafkaSettings`` for a Kafka client, ``Names`` for what the data is called),
so what it depends on shows in its signature. A field's variable is ``PA_`` +
the group's ``PREFIX`` + its name, or the ``variable`` it declares.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from settings.alarm_tiers import parse_tiers
from settings.choices import (
    AlertPath,
    Compression,
    DeployMode,
    HiveAuth,
    KafkaPrincipal,
    KafkaSecurity,
    LogFormat,
    LogLevel,
    PatientName,
    RdsAccount,
    StartingOffsets,
    StateStore,
    ThriftProtocol,
    ThriftTransport,
)
from settings.fields import Group, SettingsError, duration_seconds, refuse_public_default, setting


@dataclass(frozen=True)
class Names(Group):
    """What the pipeline's data is called: database, tables, topics, checkpoint, consumer group, SNS topics."""

    PREFIX: ClassVar[str] = ""
    vitals_table: str = setting("patients_vital_info", "RDS table of vital-sign readings.")
    producer_name: str = setting("vitals-producer", "Name the producer's watermark is stored under in RDS.")
    topic_vitals: str = setting("patient-vitals", "Topic the producer publishes readings to.")
    topic_alerts: str = setting("doctors-queue", "Topic alerts go to for the notifier.")
    topic_observations: str = setting(
        "bed-observations",
        "Topic of one small record per reading of a known patient (its alert subjects, none when normal): how the "
        "notifier sees normal readings (an all-clear needs them) and beds that went quiet (monitoring lost).",
    )
    topic_dead_letter: str = setting(
        "patient-vitals-dead-letter", "Dead-letter topic: records that could not be handled, with the reason."
    )
    threshold_table: str = setting("threshold_ref", "HBase table of the age-banded thresholds.")
    hive_database: str = setting("health", "Hive database of the pipeline's tables.")
    stream_checkpoint_name: str = setting("landing", "Checkpoint folder of the landing query under PA_CHECKPOINT_DIR.")
    sns_topic: str = setting("patient-alerts", "SNS topic doctors subscribe to.")
    sns_operations_topic: str = setting(
        "patient-alert-operations", "SNS topic operators subscribe to: every failed Airflow DAG run is announced there."
    )
    notifier_group: str = setting("alert-notifier", "Kafka consumer group of the notifier.")

    def scratch(self, name: str) -> Names:
        """The stream's and the notifier's names (database, topics, consumer group, checkpoint, threshold table)
        made ``name``'s own: a copy of the pipeline beside it, for a test, a benchmark or a drill."""
        return dataclasses.replace(
            self,
            hive_database=name,
            topic_vitals=name,
            topic_alerts=name + "_alerts",
            topic_observations=name + "_observations",
            topic_notify_dead_letter=name + "_notify_dlq",
            notifier_group=name,
            stream_checkpoint_name=name,
            threshold_table=name,
        )

    topic_notify_dead_letter: str = setting(
        "doctors-queue-dead-letter",
        "Where the notifier sets aside, with the reason, records that are not alerts and notifications SNS refused "
        "for their content ('python -m notifier redrive' sends the latter again).",
    )


@dataclass(frozen=True)
class RdsSettings(Group):
    """RDS (MySQL / MariaDB): the endpoint and one account per service."""

    PREFIX: ClassVar[str] = "mysql_"
    host: str = setting("127.0.0.1", "RDS endpoint host.")
    port: int = setting(3306, "RDS port.")
    database: str = setting("hospital", "Application database in RDS.")
    tls_ca: str = setting(
        "",
        "CA certificate (PEM) RDS's TLS certificate is verified with, host name included (RDS: the region's "
        "bundle); set, every client (mysql-connector, Spark JDBC, Sqoop) connects over TLS; empty, in plain text.",
    )
    staging_database: str = setting(
        "hospital_staging",
        "Database where a Sqoop export stages its rows before one statement moves them into the target "
        "(the only place the Sqoop account may create and drop tables).",
    )
    account_hosts: str = setting(
        "%",
        "Host patterns of every RDS account ('user'@'host'), comma-separated: accounts are created and granted "
        "for each.",
    )
    admin_user: str = setting(
        "root", "RDS administrator (RDS's master user) that 'python -m rds_schema accounts' creates the accounts as."
    )
    admin_password: str = setting(
        "",
        "Its password, needed by 'python -m rds_schema accounts' only (the local stack uses root's socket).",
        secret=True,
    )
    migration_user: str = setting("pa_migration", "RDS account that owns the schema: migrations and grants.")
    migration_password: str = setting("migration-local-only", "Password of the migration account.", secret=True)
    devices_user: str = setting(
        "pa_devices",
        "RDS account of the bedside devices and admissions (the simulators) writing readings and patients.",
    )
    devices_password: str = setting("devices-local-only", "Password of the devices account.", secret=True)
    producer_user: str = setting("pa_producer", "RDS account of the producer: reads the readings, keeps its watermark.")
    producer_password: str = setting("producer-local-only", "Password of the producer account.", secret=True)
    notifier_user: str = setting("pa_notifier", "RDS account of the notifier: its outcomes and episodes.")
    notifier_password: str = setting("notifier-local-only", "Password of the notifier account.", secret=True)
    sqoop_user: str = setting(
        "pa_sqoop",
        "RDS account of Sqoop (default of --username): reads what imports read, writes what exports write, its jobs.",
    )
    sqoop_password: str = setting("sqoop-local-only", "Password of the Sqoop account.", secret=True)
    rules_user: str = setting("pa_rules", "RDS account of hbase_setup and threshold_sync: the rules' audit.")
    rules_password: str = setting("rules-local-only", "Password of the rules account.", secret=True)
    quality_user: str = setting(
        "pa_quality", "RDS account of the checks and reconciliations: reads the source tables, writes nothing."
    )
    quality_password: str = setting("quality-local-only", "Password of the quality account.", secret=True)

    def login(self, account: RdsAccount) -> tuple[str, str]:
        """The user and password ``account`` connects to RDS with; a public local default refused for a remote
        RDS (SettingsError naming the variable), so a service needs only its own account's secret."""
        refuse_public_default(self, f"{account}_password", self.host)
        return getattr(self, f"{account}_user"), getattr(self, f"{account}_password")

    @property
    def jdbc_url(self) -> str:
        """RDS as a JDBC URL; ``jdbc:mysql:`` so Spark picks its MySQL dialect (backtick quoting)."""
        return f"jdbc:mysql://{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class ProducerSettings(Group):
    """The producer: RDS readings to Kafka."""

    PREFIX: ClassVar[str] = "producer_"
    vitals_column_map: str = setting(
        "",
        "How the readings table's columns map to the message fields, 'field=column,...' "
        "(e.g. 'patient_id=customerId,heart_rate=heartBeat,bp_systolic=bp,event_time=message_time'); "
        "unmapped fields use a column of the same name when there is one.",
        variable="PA_VITALS_COLUMN_MAP",
    )
    batch_rows: int = setting(5000, "Rows the producer reads and publishes per batch.")
    workers: int = setting(
        2, "Processes that encode and send each batch (split by patient, so per-patient order holds); 1 = in-process."
    )
    poll_s: float = setting(1.0, "Follow mode: seconds between polls when caught up.")
    gap_timeout_s: float = setting(
        300.0,
        "How long (seconds) the producer keeps re-checking an id below the newest one it published that is not "
        "visible yet (a transaction still open on another connection) before it takes it for a rolled-back "
        "insert and logs that it gave up on it.",
        minimum=0,
    )


@dataclass(frozen=True)
class ServiceSettings(Group):
    """How the long-running services ride out a server's outage."""

    PREFIX: ClassVar[str] = "service_"
    backoff_s: float = setting(
        1.0,
        "Services (producer --follow, the streaming application): first wait (seconds) before retrying after a "
        "server they use failed; doubles while failures repeat. They keep running through outages.",
        minimum=0,
    )
    backoff_max_s: float = setting(30.0, "Longest wait between two retries of a service (seconds).", minimum=0)


@dataclass(frozen=True)
class KafkaSettings(Group):
    """Kafka: the brokers and one user per service."""

    PREFIX: ClassVar[str] = "kafka_"
    host: str = setting("127.0.0.1", "Kafka broker host (local stack).")
    port: int = setting(9092, "Kafka broker port.")
    bootstrap_servers: str = setting("", "Comma-separated bootstrap servers; empty = PA_KAFKA_HOST:PA_KAFKA_PORT.")
    security_protocol: KafkaSecurity = setting(
        KafkaSecurity.SASL_SSL,
        "How every Kafka client (kafka-python, Spark's source and sink) connects: SASL_SSL (SCRAM over TLS, as the "
        "local stack and MSK's port 9096 listen), each service as its own user with only its topics' ACLs; "
        "PLAINTEXT only for a broker that checks no login (then any client may write any topic).",
    )
    sasl_mechanism: str = setting("SCRAM-SHA-512", "SASL mechanism with SASL_SSL (SCRAM-SHA-512 or -256).")
    producer_user: str = setting("pa_producer", "Kafka user of the producer: writes the readings' topic.")
    producer_password: str = setting("producer-kafka-local-only", "Its password.", secret=True)
    stream_user: str = setting(
        "pa_stream", "Kafka user of the streaming application: reads the readings, writes alerts and observations."
    )
    stream_password: str = setting("stream-kafka-local-only", "Its password.", secret=True)
    notifier_user: str = setting(
        "pa_notifier", "Kafka user of the notifier: reads alerts and observations, writes its dead-letter topic."
    )
    notifier_password: str = setting("notifier-kafka-local-only", "Its password.", secret=True)
    auditor_user: str = setting(
        "pa_auditor", "Kafka user of the batch checks (reconciliation, data quality): reads the topics, writes none."
    )
    auditor_password: str = setting("auditor-kafka-local-only", "Its password.", secret=True)
    admin_user: str = setting(
        "pa_kafka_admin",
        "Kafka super user that makes topics, users and ACLs (the local stack, tests, benchmarks; never a service).",
    )
    admin_password: str = setting("admin-kafka-local-only", "Its password.", secret=True)
    tls_ca: str = setting(
        "", "CA certificate (PEM) the brokers' TLS certificates are verified with; empty = the system's trust store."
    )
    topic_vitals_partitions: int = setting(
        4, "Partitions of the vitals topic (per-patient order holds within one).", variable="PA_TOPIC_VITALS_PARTITIONS"
    )

    def login(self, principal: KafkaPrincipal) -> tuple[str, str]:
        """The SCRAM user and password ``principal`` connects to Kafka with (over SASL_SSL); a public local
        default refused for a remote broker."""
        if self.security_protocol is KafkaSecurity.SASL_SSL:
            broker = self.bootstrap.split(",")[0].rpartition(":")[0].strip("[]")
            refuse_public_default(self, f"{principal}_password", broker)
        return getattr(self, f"{principal}_user"), getattr(self, f"{principal}_password")

    @property
    def bootstrap(self) -> str:
        """PA_KAFKA_BOOTSTRAP_SERVERS, or PA_KAFKA_HOST:PA_KAFKA_PORT when it is empty."""
        return self.bootstrap_servers or f"{self.host}:{self.port}"


@dataclass(frozen=True)
class HdfsSettings(Group):
    """HDFS: the NameNode and the warehouse and checkpoint folders."""

    PREFIX: ClassVar[str] = "hdfs_"
    host: str = setting("127.0.0.1", "HDFS NameNode host.")
    port: int = setting(8020, "HDFS NameNode RPC port.")
    http_port: int = setting(9870, "NameNode HTTP port (web UI, WebHDFS).")
    warehouse_dir: str = setting("/user/hive/warehouse", "Hive warehouse path on HDFS.", variable="PA_WAREHOUSE_DIR")
    checkpoint_dir: str = setting("/checkpoints", "Streaming checkpoints path on HDFS.", variable="PA_CHECKPOINT_DIR")

    @property
    def uri(self) -> str:
        return f"hdfs://{self.host}:{self.port}"

    @property
    def warehouse_uri(self) -> str:
        return self.uri + self.warehouse_dir


@dataclass(frozen=True)
class HbaseSettings(Group):
    """HBase through its Thrift server, and the threshold rules it holds."""

    PREFIX: ClassVar[str] = "hbase_thrift_"
    host: str = setting("127.0.0.1", "HBase Thrift1 server host.")
    port: int = setting(9090, "HBase Thrift1 server port (happybase).")
    threshold_source: str = setting(
        "",
        "CSV or HBase-shell script hbase_setup loads; empty = the default table shipped in hbase_setup/reference "
        "(every vital, ages 0-120; the capstone table lies beside it).",
        variable="PA_THRESHOLD_SOURCE",
    )
    threshold_refresh_s: float = setting(
        10.0, "How often the stream checks HBase for changed thresholds (seconds).", variable="PA_THRESHOLD_REFRESH_S"
    )
    transport: ThriftTransport = setting(ThriftTransport.BUFFERED, "happybase transport; must match the Thrift server.")
    protocol: ThriftProtocol = setting(ThriftProtocol.BINARY, "happybase protocol; must match the Thrift server.")


@dataclass(frozen=True)
class HiveSettings(Group):
    """The Hive Metastore and HiveServer2 (the Spark Thrift Server)."""

    PREFIX: ClassVar[str] = "hive_"
    metastore_host: str = setting("127.0.0.1", "Hive Metastore host.")
    metastore_port: int = setting(9083, "Hive Metastore Thrift port.")
    server2_host: str = setting("127.0.0.1", "HiveServer2 (Spark Thrift Server) host.")
    server2_port: int = setting(10000, "HiveServer2 port (pyhive).")
    server2_auth: HiveAuth = setting(
        HiveAuth.LDAP,
        "pyhive auth mode; must match hive.server2.authentication (the local stack runs the one named here: LDAP "
        "with its own directory, or NOSASL/NONE without a login).",
    )
    server2_user: str = setting(
        "pa_analyst", "User analysts' and the pipeline's pyhive sessions log in as (LDAP, CUSTOM)."
    )
    server2_password: str = setting(
        "analyst-local-only",
        "Its password (LDAP, CUSTOM; local default, refused for a HiveServer2 on another machine).",
        secret=True,
    )

    @property
    def metastore_uri(self) -> str:
        return f"thrift://{self.metastore_host}:{self.metastore_port}"


@dataclass(frozen=True)
class SparkSettings(Group):
    """The local Spark session (the stack, tests, the demo) and its logs."""

    PREFIX: ClassVar[str] = "spark_"
    master: str = setting(
        "local[6]",
        "Spark master; empty = leave it to spark-submit (YARN, Kubernetes). Task slots, not cores: the real-time "
        "alert query holds one per vitals partition for as long as it runs, the landing query needs the rest.",
    )
    driver_memory: str = setting(
        "2g",
        "Driver memory of the pipeline's Spark jobs in local mode, where it is also the executors' (a "
        "400,000-reading micro-batch is cached in it); under spark-submit its --driver-memory decides.",
    )
    shuffle_partitions: int = setting(
        4, "spark.sql.shuffle.partitions in local mode (small on one machine); on a cluster, the cluster's."
    )
    codegen_method_limit: int = setting(
        8000,
        "spark.sql.codegen.hugeMethodLimit: a plan whose generated method is larger (bytecode) runs without "
        "whole-stage code generation. 8000 is HotSpot's limit for compiling a method at all; Spark's default "
        "(65535) lets the evaluation's methods run uncompiled, 2 to 3 times slower (docs, Benchmarks).",
    )
    kafka_jars: str = setting(
        "",
        "Jars of Spark's Kafka connector, comma-separated; empty = none (on a cluster spark-submit --packages "
        "brings them). The local stack sets it to the jars its Maven file resolved ('python -m local_stack env').",
    )
    ui: bool = setting(False, "Whether the pipeline's Spark jobs serve the Spark UI in local mode.")
    local_ip: str = setting(
        "127.0.0.1", "Address a Spark driver in local mode binds to (SPARK_LOCAL_IP); unused on a cluster."
    )
    timezone: str = setting("UTC", "Session time zone; event dates and partitions use it.")
    log_file: str = setting(
        "logs/spark-driver.log",
        "Where a Spark driver this project starts (not spark-submit's) writes Spark's own log, through "
        "clients/spark-log4j2.properties; the console then shows only the pipeline's lines. Empty = Spark's "
        "default (WARN and above on the console).",
    )


@dataclass(frozen=True)
class LogSettings(Group):
    """Every tool's and service's log lines."""

    PREFIX: ClassVar[str] = "log_"
    level: LogLevel = setting(
        LogLevel.WARNING,
        "Level of the pipeline's own log lines on the console (DEBUG, INFO, WARNING, ERROR): INFO adds routine "
        "progress (batches landed, alerts per batch, thresholds reloaded).",
    )
    format: LogFormat = setting(
        LogFormat.TEXT, "Console log lines: text (readable) or json (one object per line, for log shippers)."
    )


@dataclass(frozen=True)
class StreamSettings(Group):
    """The streaming application: what it reads, how it deduplicates, how alerts leave it."""

    PREFIX: ClassVar[str] = "stream_"
    field_map: str = setting(
        "",
        "JSON keys of incoming messages when they differ from the project's, 'field=key,...' "
        "(capstone shape: 'patient_id=customerId,heart_rate=heartBeat,bp_systolic=bp,event_time=message_time').",
    )
    starting_offsets: StartingOffsets = setting(
        StartingOffsets.EARLIEST, "Where a new checkpoint starts reading Kafka."
    )
    max_offsets_per_trigger: int = setting(
        400_000,
        "Upper bound of records per micro-batch (reached only when catching up). Larger batches spread each "
        "batch's fixed cost (commits on HDFS, Spark jobs; the docs' Benchmarks have the measurements); the price is "
        "memory (the batch is cached) and a longer batch to redo after a crash.",
    )
    news2_scoring: bool = setting(
        True,
        "Score every reading with NEWS2 (vitals_raw's news2 columns, the news2_scores view, news2 alerts; adults "
        "only). Off for a site that does not use NEWS2 (a children's hospital, say): the age-banded thresholds "
        "still apply.",
        variable="PA_NEWS2_SCORING",
    )
    fail_on_data_loss: bool = setting(True, "Stop when Kafka lost offsets the checkpoint expects (true is safe).")
    kafka_fetch_bytes: int = setting(
        16 << 20,
        "Largest Kafka fetch of the stream's source, per partition and request (max.partition.fetch.bytes and "
        "fetch.max.bytes): large fetches cut round trips when the job catches up.",
    )
    state_store: StateStore = setting(
        StateStore.ROCKSDB,
        "State store of the reading-id deduplication: 'rocksdb' (off-heap, changelog checkpoints; holds a window "
        "of millions of ids) or 'hdfs' (Spark's default, all state on the JVM heap). A checkpoint keeps the store "
        "it was created with.",
    )
    trigger_s: float = setting(5.0, "Micro-batch interval of the service (seconds).")
    stop_grace_s: float = setting(
        60.0,
        "How long stopping the application waits for the landing query's running micro-batch to finish "
        "(seconds); one cut short is redone after a restart, so nothing is lost either way.",
    )
    dedup_window: str = setting(
        "10 minutes",
        "How long the stream remembers reading ids in its state (a duration: '10 minutes'). Readings whose event "
        "time is older than this when they arrive still land (flagged late); their ids are checked against "
        "vitals_raw instead of the state.",
        duration=True,
    )
    max_future_s: float = setting(
        300.0,
        "How far (seconds) a reading's event time may lie after the time Kafka received it; beyond that it is "
        "rejected as 'event time in the future' (a device clock that is wrong), never moving what the job "
        "accepts for others. At most PA_STREAM_DEDUP_WINDOW.",
        minimum=0,
    )
    alert_path: AlertPath = setting(
        AlertPath.REALTIME,
        "How alerts reach doctors-queue: 'realtime' (a Real-time Mode query, Spark >= 4.1; the landing query only "
        "writes Hive) or 'microbatch' (the landing query publishes them after each micro-batch).",
        variable="PA_ALERT_PATH",
    )
    alert_batch_s: float = setting(
        30.0,
        "Real-time Mode batch duration (checkpoint interval): reference data (thresholds, patients) is checked at "
        "this interval and a change restarts the alert query, so it applies within one batch plus a restart.",
        variable="PA_ALERT_BATCH_S",
    )
    alert_kafka_compression: Compression = setting(
        Compression.LZ4,
        "Compression of alert records on doctors-queue; kafka-python readers need "
        "the codec's package (the project installs lz4).",
        variable="PA_ALERT_KAFKA_COMPRESSION",
    )
    alert_kafka_linger_ms: int = setting(
        20,
        "How long the micro-batch publish lets the Kafka producer fill a batch (ms); the real-time alert query "
        "keeps Kafka's default, as this adds to latency.",
        variable="PA_ALERT_KAFKA_LINGER_MS",
    )
    alert_kafka_batch_bytes: int = setting(
        1 << 20, "Kafka producer batch size of the micro-batch publish (bytes).", variable="PA_ALERT_KAFKA_BATCH_BYTES"
    )
    patients_refresh_s: float = setting(
        60.0, "How often the stream re-reads health.patients (seconds).", variable="PA_PATIENTS_REFRESH_S"
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_future_s > self.dedup_window_s:
            raise SettingsError(
                f"PA_STREAM_MAX_FUTURE_S={self.max_future_s:g} is not allowed: it must not exceed "
                f"PA_STREAM_DEDUP_WINDOW ({self.dedup_window}), or repeated readings stamped in the future "
                f"could outlive the deduplication state"
            )

    @property
    def dedup_window_s(self) -> float:
        return duration_seconds(self.dedup_window)


@dataclass(frozen=True)
class SnsSettings(Group):
    """Amazon SNS: the endpoint and credentials."""

    PREFIX: ClassVar[str] = "sns_"
    endpoint_url: str = setting(
        "http://127.0.0.1:5000",
        "SNS endpoint URL; empty = AWS's own (real SNS). The local stack serves moto's SNS on this URL's port.",
    )
    aws_region: str = setting("us-east-1", "AWS region of SNS.", variable="PA_AWS_REGION")
    aws_access_key_id: str = setting(
        "testing",
        "Access key for the local endpoint; empty = boto3's credential chain.",
        variable="PA_AWS_ACCESS_KEY_ID",
    )
    aws_secret_access_key: str = setting(
        "sns-local-only",
        "Secret key for the local endpoint (moto takes any; local default, refused for any other endpoint); "
        "empty = boto3's credential chain.",
        secret=True,
        variable="PA_AWS_SECRET_ACCESS_KEY",
    )


@dataclass(frozen=True)
class NotifierSettings(Group):
    """The notifier: episodes, escalation, what an email says."""

    PREFIX: ClassVar[str] = ""
    doctor_emails: str = setting(
        "oncall@hospital.example",
        "Email subscriptions of the SNS topic: 'address' for every ward or 'address:ward|ward' for some, "
        "comma-separated.",
    )
    alarm_confirm_readings: int = setting(
        2,
        "Consecutive readings a finding's severity must persist in before it raises (or lowers) its episode's "
        "severity: one artefact reading alarms nobody.",
        minimum=1,
    )
    alarm_confirm_s: float = setting(
        30.0,
        "Or this many seconds without a normal reading since a finding's first alert (a bed read once an hour is "
        "not held back waiting for a second reading).",
        minimum=0,
    )
    alarm_max_per_hour: int = setting(
        4,
        "Notifications per patient per hour at most, escalations included: while nobody acknowledged an episode, "
        "room is kept for its escalations; a rise to a severity not told within the hour takes the rest, other "
        "rises are folded into the next message. A monitoring-lost alarm is never held back.",
        minimum=1,
    )
    all_clear_readings: int = setting(
        3,
        "Consecutive normal readings of every finding before an episode is all clear (silence never clears one).",
        minimum=1,
    )
    monitoring_lost_s: float = setting(
        60.0,
        "A bed with an open episode whose readings stopped this long raises the technical alarm 'monitoring lost' "
        "(the notifier's clock: Kafka's record times while it catches up, the wall clock when idle; never a "
        "device's clock).",
        minimum=1,
    )
    monitoring_expected_s: float = setting(
        600.0,
        "Any bed whose readings stopped this long raises 'monitoring lost' (advisory without an open episode).",
        minimum=1,
    )
    escalate_after_s: float = setting(
        300.0,
        "An urgent or critical episode nobody acknowledged escalates to the next tier after this many seconds; "
        "at the last tier it is reminded at the same interval.",
        minimum=1,
    )
    escalation_tiers: str = setting(
        "ward doctor=patient-alerts-ward-doctor:ward-doctor@hospital.example,"
        "rapid response=patient-alerts-rapid-response:rapid-response@hospital.example",
        "The tiers an unacknowledged episode escalates to after PA_SNS_TOPIC's (the ward team): 'name=SNS topic' "
        "or 'name=topic:email|email', comma-separated, in order.",
    )
    alarm_timezone: str = setting("Europe/London", "Time zone emails show times in (times are stored in UTC).")
    notify_email_fields: str = setting(
        "patient_id,patient_name,admitted_ward,device_id,age,kind,severity,attribute,observed_value,rule_id,"
        "input_message_time,alert_generated_time,alert_id",
        "Alert fields an email may show, comma-separated (the minimum necessary by default; address and phone "
        "number are not alert fields and stay in Hive's patients table).",
    )
    notify_patient_name: PatientName = setting(
        PatientName.INITIALS, "How emails name the patient: initials (A.F.) or the full name."
    )
    notify_backoff_s: float = setting(
        0.5,
        "First retry delay (seconds) when SNS, Kafka or RDS fails; doubles on each attempt. Errors of the service "
        "(throttling, endpoint down, credentials, topic missing) are retried for as long as they last; only an "
        "error about one message dead-letters it.",
        minimum=0,
    )
    notify_backoff_max_s: float = setting(
        30.0, "Longest wait between two retries of the notifier (seconds).", minimum=0
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        parse_tiers(self.escalation_tiers)  # parsed once here, so a mistyped tier list fails at start
        try:
            zoneinfo.ZoneInfo(self.alarm_timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"PA_ALARM_TIMEZONE={self.alarm_timezone!r} is not a time zone (an IANA name such as Europe/London)"
            ) from None


@dataclass(frozen=True)
class ClusterSettings(Group):
    """spark-submit to a cluster (python -m cluster)."""

    PREFIX: ClassVar[str] = "cluster_"
    master: str = setting("yarn", "Master the jobs are submitted to (yarn, or k8s://https://HOST:PORT).")
    deploy_mode: DeployMode = setting(
        DeployMode.CLUSTER,
        "spark-submit --deploy-mode: 'cluster' runs the driver on the cluster, 'client' in the submitting process.",
    )
    python: str = setting(
        "",
        "Python of the driver and executors on the cluster, e.g. ./env/bin/python of a packed virtualenv shipped "
        "with PA_CLUSTER_ARCHIVES; empty = this interpreter (a cluster on this machine).",
    )
    archives: str = setting(
        "", "spark-submit --archives, e.g. env.tar.gz#env (a venv-pack archive of the project's dependencies)."
    )
    spark_jars: str = setting(
        "",
        "spark.yarn.jars: where the nodes find Spark's own jars, e.g. local:/usr/lib/spark/jars/* on EMR; empty = "
        "local: this pyspark's jars (a cluster on this machine).",
    )
    local_ip: str = setting(
        "",
        "SPARK_LOCAL_IP of a submitted job's driver and executors; empty = each node's own address (a real "
        "cluster). The test stack's YARN on this machine sets 127.0.0.1, so nothing listens beyond loopback.",
    )
    executors: int = setting(1, "Executors of a submitted job (--num-executors).", minimum=1)
    executor_cores: int = setting(
        5,
        "Cores of each executor: the streaming application needs vitals partitions + 1 in total (Real-time Mode).",
        minimum=1,
    )
    executor_memory: str = setting("2g", "Memory of each executor (--executor-memory).")
    driver_memory: str = setting("1g", "Memory of the driver (--driver-memory).")
    shuffle_partitions: int = setting(
        0,
        "spark.sql.shuffle.partitions of a submission; a new streaming checkpoint keeps it for good as its number "
        "of state partitions. 0 = the submission's task slots (executors x cores): Spark's default of 200 gives "
        "a small cluster 200 state stores to open and commit every micro-batch.",
        minimum=0,
    )
    spark_kafka_package: str = setting(
        "org.apache.spark:spark-sql-kafka-0-10_2.13:4.2.0",
        "Maven coordinates of Spark's Kafka connector, passed as --packages when PA_SPARK_KAFKA_JARS is empty.",
        variable="PA_SPARK_KAFKA_PACKAGE",
    )


@dataclass(frozen=True)
class SqoopSettings(Group):
    """Sqoop (RDS <-> Hive on Spark JDBC) and the JDBC driver."""

    PREFIX: ClassVar[str] = "sqoop_"
    jdbc_driver_jar: str = setting(
        "",
        "JDBC driver jar(s) for Spark, comma-separated; empty = none (spark-submit brings the driver from "
        "PA_JDBC_DRIVER_COORDINATES). The local stack sets it to the jar its Maven file resolved.",
        variable="PA_JDBC_DRIVER_JAR",
    )
    jdbc_driver_coordinates: str = setting(
        "org.mariadb.jdbc:mariadb-java-client:3.5.11",
        "Maven coordinates of the JDBC driver, passed as --packages when PA_JDBC_DRIVER_JAR is empty "
        "(com.mysql:mysql-connector-j:VERSION with PA_JDBC_DRIVER_CLASS=com.mysql.cj.jdbc.Driver for MySQL's).",
        variable="PA_JDBC_DRIVER_COORDINATES",
    )
    jdbc_driver_class: str = setting(
        "org.mariadb.jdbc.Driver",
        "JDBC driver class (com.mysql.cj.jdbc.Driver for MySQL's).",
        variable="PA_JDBC_DRIVER_CLASS",
    )
    fetch_size: int = setting(10000, "Default JDBC fetch size of an import (--fetch-size).")
    batch_size: int = setting(1000, "Default rows per INSERT statement of an export (--batch-size).")
    keep_versions: int = setting(
        2, "Table versions an import keeps on HDFS: the current one and the previous for readers still on it."
    )


@dataclass(frozen=True)
class AirflowSettings(Group):
    """Airflow: the DAGs' schedule, pool and Connections."""

    PREFIX: ClassVar[str] = "airflow_"
    start_date: str = setting(
        "2026-11-01",
        "Start of the DAGs' first data interval (UTC date or date-time); vitals_batch_aggregates catches up from it.",
    )
    task_timeout: str = setting(
        "1 hour",
        "execution_timeout of every DAG task (a duration): a hung task fails and retries instead of blocking.",
        duration=True,
    )
    spark_pool: str = setting(
        "spark_sessions",
        "Airflow pool every Spark task runs in, so a worker never starts more Spark sessions than it has room for.",
    )
    mysql_conn_id: str = setting(
        "patient_alert_rds",
        "Prefix of the Airflow Connections (MySQL) the tasks take RDS from, one per account: "
        "<prefix>_<account> (patient_alert_rds_sqoop, ...) gives host, port, schema and that account's login "
        "and password; an account without one keeps the PA_MYSQL_* settings.",
    )
    aws_conn_id: str = setting(
        "patient_alert_aws",
        "Airflow Connection (AWS) the tasks take SNS's keys, region_name and endpoint_url (extras) from; "
        "when it is not defined, the PA_AWS_* and PA_SNS_ENDPOINT_URL settings.",
    )
    settings_variable: str = setting(
        "patient_alert_settings",
        "Airflow Variable (JSON object of PA_* names to values) whose entries override the workers' environment.",
    )


@dataclass(frozen=True)
class QualitySettings(Group):
    """The data_quality DAG's limits."""

    PREFIX: ClassVar[str] = "quality_"
    max_reject_share: float = setting(0.05, "data_quality DAG: highest share of rejected readings a day may have.")
    max_unknown_patient_alerts: int = setting(
        0, "data_quality DAG: most unknown-patient alerts a day may have before the check fails."
    )
    max_staleness_s: float = setting(
        3600.0, "data_quality DAG: newest vitals_raw reading may be at most this old (seconds) when the check runs."
    )


@dataclass(frozen=True)
class MetricsSettings(Group):
    """The operators' metrics endpoints and alerting rules."""

    PREFIX: ClassVar[str] = ""
    metrics_host: str = setting(
        "127.0.0.1",
        "Address the services' Prometheus metrics endpoints listen on (loopback: a Prometheus on the same host, "
        "or 0.0.0.0 behind the cluster's network policy).",
    )
    producer_metrics_port: int = setting(9301, "Port of the producer's metrics endpoint (/metrics); 0 = none.")
    streaming_metrics_port: int = setting(
        9302, "Port of the streaming application's metrics endpoint (/metrics); 0 = none."
    )
    notifier_metrics_port: int = setting(9303, "Port of the notifier's metrics endpoint (/metrics); 0 = none.")
    ops_alert_for_s: float = setting(
        60.0,
        "Operators' alerting rules: how long a condition (a service down, a stalled stream, growing lag) must "
        "last before Alertmanager tells the operations topic.",
        minimum=1,
    )
    ops_stream_stalled_s: float = setting(
        300.0, "Operators' alerting rules: a query with no progress for this long is stalled.", minimum=1
    )
    ops_lag_records: int = setting(
        10_000,
        "Operators' alerting rules: Kafka records behind (stream) or RDS rows unpublished (producer) that, "
        "while still growing, raise the lag alert.",
    )


@dataclass(frozen=True)
class DashboardSettings(Group):
    """The live ward dashboard."""

    PREFIX: ClassVar[str] = "dashboard_"
    public_url: str = setting(
        "",
        "Base URL of the ward dashboard in emails (bed and acknowledgement links); empty = "
        "http://PA_DASHBOARD_HOST:PA_DASHBOARD_PORT.",
    )
    host: str = setting(
        "127.0.0.1", "Address the ward dashboard listens on (loopback: put an authenticating proxy in front to share)."
    )
    port: int = setting(8501, "Port of the ward dashboard (make dashboard).")
    refresh_s: float = setting(5.0, "Seconds between two refreshes of the ward dashboard's beds.", minimum=1)
    lookback_h: float = setting(
        24.0, "A bed shows its latest reading of the last this many hours (older ones: no recent reading).", minimum=0
    )

    @property
    def url(self) -> str:
        """The dashboard's base URL as emails link to it."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


@dataclass(frozen=True)
class StackGroup(Group):
    """What only the embedded local stack uses to run the servers on one machine."""

    PREFIX: ClassVar[str] = "stack_"
    directory: str = setting(
        ".stack",
        "Where the local stack keeps data, config, logs and pid files (relative to the working directory).",
        variable="PA_STACK_DATA_DIR",
    )
    host: str = setting("127.0.0.1", "Address every local-stack server binds to.")
    jar_repository: str = setting(
        "",
        "Maven local repository for the stack's jars; empty = Maven's default (~/.m2/repository).",
        variable="PA_JAR_REPOSITORY",
    )
    start_timeout_s: int = setting(180, "Seconds a server may take to answer its protocol after start.")
    mysql_tls: bool = setting(
        True,
        "Run the local MariaDB with TLS required (certificate signed by the stack's own CA, made at first start; "
        "PA_MYSQL_TLS_CA is handed to the pipeline).",
    )
    mariadb_buffer_pool_mb: int = setting(
        256, "InnoDB buffer pool of the local MariaDB, in MiB.", variable="PA_MARIADB_BUFFER_POOL_MB"
    )
    kafka_controller_port: int = setting(
        9093, "KRaft controller port (local stack).", variable="PA_KAFKA_CONTROLLER_PORT"
    )
    kafka_admin_port: int = setting(
        9094,
        "Port of the local Kafka's loopback administration listener (PLAINTEXT, a super user's: the broker's own "
        "traffic and the stack making the SCRAM users); the pipeline's listener is PA_KAFKA_PORT.",
        variable="PA_KAFKA_ADMIN_PORT",
    )
    kafka_heap: str = setting("512m", "Kafka JVM heap (-Xmx).", variable="PA_KAFKA_HEAP")
    ldap_port: int = setting(
        3890,
        "Port of the local OpenLDAP directory HiveServer2 checks logins against (started when "
        "PA_HIVE_SERVER2_AUTH=LDAP; it holds PA_HIVE_SERVER2_USER with PA_HIVE_SERVER2_PASSWORD).",
        variable="PA_LDAP_PORT",
    )
    hdfs_heap: str = setting("384m", "Heap of each HDFS JVM (NameNode, DataNode).", variable="PA_HDFS_HEAP")
    yarn: bool = setting(
        False,
        "Start a YARN ResourceManager and NodeManager with the stack, for spark-submit --master yarn "
        "(make stack-up-cluster sets it).",
    )
    yarn_resourcemanager_port: int = setting(
        8032,
        "YARN ResourceManager client port; its scheduler and resource-tracker ports are the two below it and its "
        "admin port the one above (8030, 8031, 8033: Hadoop's defaults).",
        variable="PA_YARN_RESOURCEMANAGER_PORT",
    )
    yarn_web_port: int = setting(8088, "ResourceManager web UI and REST API port.", variable="PA_YARN_WEB_PORT")
    yarn_nodemanager_web_port: int = setting(8042, "NodeManager web UI port.", variable="PA_YARN_NODEMANAGER_WEB_PORT")
    yarn_nodemanager_memory_mb: int = setting(
        6144, "Memory the NodeManager offers containers (MiB).", variable="PA_YARN_NODEMANAGER_MEMORY_MB"
    )
    yarn_nodemanager_vcores: int = setting(
        6,
        "Virtual cores the NodeManager offers containers (task slots, like PA_SPARK_MASTER's local[6]).",
        minimum=1,
        variable="PA_YARN_NODEMANAGER_VCORES",
    )
    yarn_heap: str = setting("512m", "Heap of each YARN JVM (ResourceManager, NodeManager).", variable="PA_YARN_HEAP")
    airflow: bool = setting(
        False,
        "Start Airflow's API server, DAG processor and scheduler with the stack (make stack-up-airflow sets it).",
    )
    airflow_api_port: int = setting(
        8080, "Airflow's API server and UI port (local stack).", variable="PA_AIRFLOW_API_PORT"
    )
    airflow_spark_pool_slots: int = setting(
        1,
        "Slots of the Spark pool the local Airflow creates: one, as each local Spark session takes every core.",
        minimum=1,
        variable="PA_AIRFLOW_SPARK_POOL_SLOTS",
    )
    monitoring: bool = setting(
        True, "Start Prometheus and Alertmanager (Debian's packages) with the stack, scraping the services."
    )
    prometheus_port: int = setting(
        9190, "Port of the local Prometheus (its UI and API; 9090 is HBase Thrift's).", variable="PA_PROMETHEUS_PORT"
    )
    alertmanager_port: int = setting(
        9193, "Port of the local Alertmanager (its UI and API).", variable="PA_ALERTMANAGER_PORT"
    )
    prometheus_scrape_s: float = setting(
        15.0,
        "How often the local Prometheus scrapes the services and evaluates the rules (seconds).",
        minimum=1,
        variable="PA_PROMETHEUS_SCRAPE_S",
    )
    hbase_thrift_info_port: int = setting(
        9095, "Thrift server's web UI port (local stack).", variable="PA_HBASE_THRIFT_INFO_PORT"
    )
    zookeeper_port: int = setting(2181, "ZooKeeper client port (HBase's, local stack).", variable="PA_ZOOKEEPER_PORT")
    hbase_heap: str = setting("768m", "HBase standalone JVM heap.", variable="PA_HBASE_HEAP")
    hbase_thrift_heap: str = setting("256m", "HBase Thrift server JVM heap.", variable="PA_HBASE_THRIFT_HEAP")
    hive_metastore_heap: str = setting("512m", "Hive Metastore JVM heap.", variable="PA_HIVE_METASTORE_HEAP")
    fuzz_cases: int = setting(
        100_000,
        "Cases per target of make fuzz (hostile records, sources, options and settings).",
        minimum=1,
        variable="PA_FUZZ_CASES",
    )
    hive_server2_memory: str = setting(
        "1g", "Driver memory of the Spark Thrift Server.", variable="PA_HIVE_SERVER2_MEMORY"
    )

    @property
    def data_dir(self) -> Path:
        """The stack's data directory as an absolute path."""
        return Path(self.directory).expanduser().resolve()
