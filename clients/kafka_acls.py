"""The Kafka ACLs of the pipeline: which service may read or write which topic, and nothing more.

Only the producer may write the readings, only the streaming application the
alerts, only the notifier its dead letters: a client without the right login
cannot forge a reading or an alert, delete a topic or change a password. The
one list, :func:`pipeline_grants`, is what the local stack applies at every
start (each test's or benchmark's slice for its own topics), what the docs' Security page
lists for managed Kafka (MSK), and what ``python -m clients.kafka_acls``
prints as ``kafka-acls.sh`` commands for the topics the settings name.
The admin user is a super user (``super.users``) and needs no ACL.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from kafka.admin import (
    ACL,
    ACLFilter,
    ACLOperation,
    ACLPermissionType,
    ACLResourcePatternType,
    ResourcePattern,
    ResourcePatternFilter,
    ResourceType,
)

import settings
from clients import kafka
from settings import KafkaPrincipal, KafkaSettings, Names, Settings

log = logging.getLogger(__name__)

# Spark's Kafka source and batch reader pick consumer group ids with these prefixes
SPARK_STREAM_GROUPS = "spark-kafka-source"
SPARK_BATCH_GROUPS = "spark-kafka-relation"


@dataclass(frozen=True)
class Grant:
    """``principal`` may ``operation`` the topic or group ``name`` (every name starting with it when ``prefixed``)."""

    principal: KafkaPrincipal
    operation: ACLOperation
    resource: ResourceType
    name: str
    prefixed: bool = False

    def acl(self, kafka_settings: KafkaSettings) -> ACL:
        return ACL(self.user(kafka_settings), "*", self.operation, ACLPermissionType.ALLOW, self._pattern())

    def matching(self, kafka_settings: KafkaSettings) -> ACLFilter:
        """This grant exactly, as a filter (to delete it)."""
        pattern = self._pattern()
        return ACLFilter(
            self.user(kafka_settings),
            "*",
            self.operation,
            ACLPermissionType.ALLOW,
            ResourcePatternFilter(pattern.resource_type, pattern.resource_name, pattern.pattern_type),
        )

    def user(self, kafka_settings: KafkaSettings) -> str:
        return f"User:{kafka_settings.login(self.principal)[0]}"

    def command(self, kafka_settings: KafkaSettings) -> str:
        """The ``kafka-acls.sh`` options that add this grant."""
        option = "--topic" if self.resource is ResourceType.TOPIC else "--group"
        pattern = " --resource-pattern-type prefixed" if self.prefixed else ""
        return (
            f"--add --allow-principal {self.user(kafka_settings)} --operation {self.operation.name.title()} "
            f"{option} {self.name}{pattern}"
        )

    def _pattern(self) -> ResourcePattern:
        kind = ACLResourcePatternType.PREFIXED if self.prefixed else ACLResourcePatternType.LITERAL
        return ResourcePattern(self.resource, self.name, kind)


def pipeline_grants(names: Names) -> list[Grant]:
    """Every ACL the pipeline needs for the topics and groups ``settings`` name (reading implies describing)."""
    producer, stream, notifier, auditor = (
        KafkaPrincipal.PRODUCER,
        KafkaPrincipal.STREAM,
        KafkaPrincipal.NOTIFIER,
        KafkaPrincipal.AUDITOR,
    )
    read, write, topic, group = ACLOperation.READ, ACLOperation.WRITE, ResourceType.TOPIC, ResourceType.GROUP
    pipeline_topics = (
        names.topic_vitals,
        names.topic_dead_letter,
        names.topic_alerts,
        names.topic_observations,
        names.topic_notify_dead_letter,
    )
    return [
        Grant(producer, write, topic, names.topic_vitals),
        Grant(producer, write, topic, names.topic_dead_letter),
        Grant(stream, read, topic, names.topic_vitals),
        Grant(stream, read, group, SPARK_STREAM_GROUPS, prefixed=True),
        Grant(stream, write, topic, names.topic_alerts),
        Grant(stream, write, topic, names.topic_observations),
        Grant(notifier, read, topic, names.topic_alerts),
        Grant(notifier, read, topic, names.topic_observations),
        Grant(notifier, read, group, names.notifier_group, prefixed=True),  # its group and its re-drive's
        Grant(notifier, ACLOperation.CREATE, topic, names.topic_notify_dead_letter),  # made at the first letter
        Grant(notifier, write, topic, names.topic_notify_dead_letter),
        Grant(notifier, read, topic, names.topic_notify_dead_letter),  # re-drive
        *(Grant(auditor, read, topic, name) for name in pipeline_topics),
        Grant(auditor, read, group, SPARK_BATCH_GROUPS, prefixed=True),
        Grant(auditor, ACLOperation.DESCRIBE, group, names.notifier_group, prefixed=True),  # the notifier's lag
    ]


def markdown_table(settings: Settings) -> str:
    """The grants as the docs' Security page lists them for managed Kafka: user, operation, topic or group."""
    rows = [
        f"| `{grant.user(settings.kafka)}` | {grant.operation.name} | {grant.resource.name.lower()} "
        f"`{grant.name}`{' (prefix)' if grant.prefixed else ''} |"
        for grant in pipeline_grants(settings.names)
    ]
    return "\n".join(["| principal | operation | resource |", "|---|---|---|", *rows])


def _chosen(names_settings: Names, names: Iterable[str] | None) -> list[Grant]:
    grants = pipeline_grants(names_settings)
    if names is None:
        return grants
    wanted = set(names)
    return [grant for grant in grants if grant.name in wanted]


def grant(settings: Settings, names: Iterable[str] | None = None) -> int:
    """Add the pipeline's ACLs (those on ``names`` only, when given: a slice's own topics and groups); adding one
    that exists changes nothing. Returns how many were asked for."""
    chosen = _chosen(settings.names, names)
    if not chosen:
        return 0
    client = kafka.admin(settings.kafka, KafkaPrincipal.ADMIN)
    try:
        result = client.create_acls([each.acl(settings.kafka) for each in chosen])
    finally:
        client.close()
    if result["failed"]:
        acl, error = result["failed"][0]
        raise RuntimeError(f"Kafka refused the ACL {acl}: {error} ({len(result['failed'])} refused)")
    log.debug("granted %d Kafka ACLs", len(chosen))
    return len(chosen)


def revoke(settings: Settings, names: Iterable[str]) -> None:
    """Remove the pipeline's ACLs on ``names`` (a slice's topics and groups, when the slice is dropped)."""
    chosen = _chosen(settings.names, names)
    if not chosen:
        return
    client = kafka.admin(settings.kafka, KafkaPrincipal.ADMIN)
    try:
        client.delete_acls([each.matching(settings.kafka) for each in chosen])
    finally:
        client.close()


def provision(settings: Settings, partitions: dict[str, int], groups: Iterable[str] = ()) -> None:
    """Make the topics of ``partitions`` (name -> partitions; a slice's, a benchmark's) and add the pipeline's ACLs
    on them and on ``groups``: the services of the slice may then use them as they use the pipeline's own."""
    kafka.ensure_topics(settings.kafka, partitions)
    grant(settings, [*partitions, *groups])


def remove(settings: Settings, names: Iterable[str]) -> None:
    """Undo :func:`provision`: the ACLs on ``names`` (topics and groups), then those of them that are topics."""
    names = list(names)
    revoke(settings, names)
    kafka.delete_topics(settings.kafka, names)


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m clients.kafka_acls",
        description="Print the kafka-acls.sh options that grant the pipeline's services their topics (for MSK or "
        "any Kafka with an authorizer), for the topics and users the PA_* settings name.",
    )
    parser.parse_args()
    current = settings.get()
    for each in pipeline_grants(current.names):
        print(
            'kafka-acls.sh --bootstrap-server "$BROKERS" --command-config admin.properties '
            + each.command(current.kafka)
        )


if __name__ == "__main__":
    main()
