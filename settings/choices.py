"""The choice settings' types: a value outside an enum fails when the settings load, naming the variable."""

from __future__ import annotations

import enum


class AlertPath(enum.StrEnum):
    REALTIME = "realtime"  # a Real-time Mode query publishes alerts (Spark >= 4.1)
    MICROBATCH = "microbatch"  # the landing query publishes them after each micro-batch


class StartingOffsets(enum.StrEnum):
    EARLIEST = "earliest"
    LATEST = "latest"


class StateStore(enum.StrEnum):
    ROCKSDB = "rocksdb"
    HDFS = "hdfs"


class ThriftTransport(enum.StrEnum):
    BUFFERED = "buffered"
    FRAMED = "framed"


class ThriftProtocol(enum.StrEnum):
    BINARY = "binary"
    COMPACT = "compact"


class HiveAuth(enum.StrEnum):
    NOSASL = "NOSASL"
    NONE = "NONE"
    LDAP = "LDAP"
    KERBEROS = "KERBEROS"
    CUSTOM = "CUSTOM"


class PatientName(enum.StrEnum):
    INITIALS = "initials"  # A.F.: enough to match the bed, little to leak
    FULL = "full"


class Compression(enum.StrEnum):
    NONE = "none"
    GZIP = "gzip"
    SNAPPY = "snappy"
    LZ4 = "lz4"
    ZSTD = "zstd"


class KafkaSecurity(enum.StrEnum):
    PLAINTEXT = "PLAINTEXT"  # no authentication, no encryption: a private network only
    SASL_SSL = "SASL_SSL"  # SCRAM over TLS: the client proves who it is, the broker's certificate is verified


class KafkaPrincipal(enum.StrEnum):
    """Who connects to Kafka: one SCRAM user per service, each allowed only its topics (clients/kafka_acls.py)."""

    PRODUCER = "producer"  # writes the readings (and the rows it cannot publish, to their dead-letter topic)
    STREAM = "stream"  # reads the readings, writes the alerts and the beds' observations
    NOTIFIER = "notifier"  # reads the alerts and observations, writes (and re-drives) its dead letters
    AUDITOR = "auditor"  # the batch checks and operators' counts: reads every pipeline topic, writes none
    ADMIN = "admin"  # makes topics, users and ACLs (the stack, tests, benchmarks): a Kafka super user


class LogLevel(enum.StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class LogFormat(enum.StrEnum):
    TEXT = "text"  # one readable line per record
    JSON = "json"  # one JSON object per line, for log shippers (Fluent Bit, Vector, CloudWatch)


class DeployMode(enum.StrEnum):
    CLUSTER = "cluster"  # the driver runs on the cluster (YARN's application master)
    CLIENT = "client"  # the driver runs in the submitting process


class RdsAccount(enum.StrEnum):
    """Who connects to RDS: one account per service, each with only its grants (rds_schema/grants.py)."""

    MIGRATION = "migration"
    DEVICES = "devices"
    PRODUCER = "producer"
    NOTIFIER = "notifier"
    SQOOP = "sqoop"
    RULES = "rules"
    QUALITY = "quality"
