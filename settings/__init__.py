"""The one place configuration comes from: :class:`Settings` for the pipeline, :class:`StackSettings` for the
local stack that runs it on one machine.

Every host, port, path, topic, table name, credential and tuning knob is a
field of a group for its concern (``settings.kafka``, ``settings.rds``,
``settings.names`` ...: :mod:`settings.groups`); its environment variable is
``PA_`` + the group's prefix + the field's name in capitals (``PA_KAFKA_HOST``)
and its default points at the embedded local stack. Pointing the same code at a
real cluster means setting these variables, nothing else (docs, "Deployment on a
cluster"). The runtime reads :func:`get`; only the local stack, the demo, the
benchmarks and the tests read :func:`stack`, whose extra group (heaps, internal
ports, the stack's data directory) means nothing on a cluster.

``python -m settings`` prints the tables of variables (the docs' configuration page is
generated from it, so the two never drift apart).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import urlsplit

from settings.alarm_tiers import AlarmTier, parse_tiers
from settings.choices import HiveAuth, KafkaPrincipal, RdsAccount
from settings.fields import (
    Group,
    SettingsError,
    as_environment,
    duration_seconds,
    groups_of,
    is_loopback,
    load_from,
    markdown_table,
    refuse_public_default,
)
from settings.groups import (
    AirflowSettings,
    ClusterSettings,
    DashboardSettings,
    HbaseSettings,
    HdfsSettings,
    HiveSettings,
    KafkaSettings,
    LogSettings,
    MetricsSettings,
    Names,
    NotifierSettings,
    ProducerSettings,
    QualitySettings,
    RdsSettings,
    ServiceSettings,
    SnsSettings,
    SparkSettings,
    SqoopSettings,
    StackGroup,
    StreamSettings,
)

__all__ = [
    "AirflowSettings",
    "ClusterSettings",
    "DashboardSettings",
    "HbaseSettings",
    "HdfsSettings",
    "HiveSettings",
    "KafkaPrincipal",
    "KafkaSettings",
    "LogSettings",
    "MetricsSettings",
    "Names",
    "NotifierSettings",
    "ProducerSettings",
    "QualitySettings",
    "RdsAccount",
    "RdsSettings",
    "ServiceSettings",
    "Settings",
    "SettingsError",
    "SnsSettings",
    "SparkSettings",
    "SqoopSettings",
    "StackGroup",
    "StackSettings",
    "StreamSettings",
    "duration_seconds",
    "environment",
    "get",
    "is_loopback",
    "load",
    "load_stack",
    "stack",
    "variables_table",
]


@dataclass(frozen=True)
class Settings:
    """The pipeline's configuration, read once from the environment by :func:`load`: one group per concern."""

    names: Names = field(default_factory=Names)
    rds: RdsSettings = field(default_factory=RdsSettings)
    producer: ProducerSettings = field(default_factory=ProducerSettings)
    service: ServiceSettings = field(default_factory=ServiceSettings)
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    hdfs: HdfsSettings = field(default_factory=HdfsSettings)
    hbase: HbaseSettings = field(default_factory=HbaseSettings)
    hive: HiveSettings = field(default_factory=HiveSettings)
    spark: SparkSettings = field(default_factory=SparkSettings)
    logs: LogSettings = field(default_factory=LogSettings)
    stream: StreamSettings = field(default_factory=StreamSettings)
    sns: SnsSettings = field(default_factory=SnsSettings)
    notifier: NotifierSettings = field(default_factory=NotifierSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    sqoop: SqoopSettings = field(default_factory=SqoopSettings)
    airflow: AirflowSettings = field(default_factory=AirflowSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)

    def __post_init__(self) -> None:
        # the shared secrets are checked here; each RDS account's and Kafka user's when a service logs in with it
        # (RdsSettings.login, KafkaSettings.login), so a service needs only its own account's secret
        if self.hive.server2_auth in (HiveAuth.LDAP, HiveAuth.CUSTOM):
            refuse_public_default(self.hive, "server2_password", self.hive.server2_host)
        refuse_public_default(self.sns, "aws_secret_access_key", urlsplit(self.sns.endpoint_url).hostname or "")

    @property
    def alarm_tiers(self) -> tuple[AlarmTier, ...]:
        """Who is told, in escalation order: the ward team on PA_SNS_TOPIC, then PA_ESCALATION_TIERS."""
        return (AlarmTier("ward team", self.names.sns_topic, ()), *parse_tiers(self.notifier.escalation_tiers))

    def changed(self, **groups: Mapping[str, Any] | Group) -> Self:
        """These settings with some groups replaced or some of their fields changed, checked as at load:
        ``s.changed(names=s.names.scratch("t1"), notifier={"escalate_after_s": 4.0})``; a field name that is not
        one of its group's raises TypeError."""
        replaced: dict[str, Any] = {
            name: change if isinstance(change, Group) else dataclasses.replace(getattr(self, name), **change)
            for name, change in groups.items()
        }
        return dataclasses.replace(self, **replaced)


@dataclass(frozen=True)
class StackSettings(Settings):
    """The pipeline's settings plus what only the embedded local stack uses to run the servers on one machine."""

    stack: StackGroup = field(default_factory=StackGroup)


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """The pipeline's settings from ``environ`` (default: the process environment); a bad value raises SettingsError."""
    return load_from(Settings, os.environ if environ is None else environ)


def load_stack(environ: Mapping[str, str] | None = None) -> StackSettings:
    """The local stack's settings (the pipeline's included) from ``environ``."""
    return load_from(StackSettings, os.environ if environ is None else environ)


@functools.lru_cache(maxsize=1)
def get() -> Settings:
    """The process-wide pipeline settings, read from the environment on first use."""
    return load()


def stack() -> StackSettings:
    """The local stack's settings, read from the environment now (tools call it once at start)."""
    return load_stack()


def environment(settings: Settings) -> dict[str, str]:
    """``settings`` as the environment variables that would load it (for child processes and Airflow)."""
    return as_environment(settings)


def variables_table() -> str:
    """The configuration page's tables: the pipeline's variables by group, then the local stack's own."""
    pipeline = groups_of(Settings)
    own = [group for group in groups_of(StackSettings) if group not in pipeline]
    return markdown_table(pipeline) + "\n\nThe local stack's own (ignored on a cluster):\n\n" + markdown_table(own)
