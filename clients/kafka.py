"""Kafka admin, producer and consumer factories (kafka-python), each logged in as the service that uses it.

Every client names its :class:`KafkaPrincipal`: over SASL_SSL each service is
its own SCRAM user and the brokers' ACLs (:mod:`clients.kafka_acls`) allow it
its topics only; the offset counts of operators and batch checks read as the
auditor, who writes nothing.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError

from settings import KafkaPrincipal, KafkaSettings
from settings.choices import KafkaSecurity

ADMIN = KafkaPrincipal.ADMIN
AUDITOR = KafkaPrincipal.AUDITOR


def admin(kafka: KafkaSettings, principal: KafkaPrincipal, **overrides: Any) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=kafka.bootstrap, **security(kafka, principal), **overrides)


def producer(kafka: KafkaSettings, principal: KafkaPrincipal, **overrides: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas, so an acknowledged record is durable."""
    options: dict[str, Any] = dict(acks="all", linger_ms=5)
    options.update(overrides)
    return KafkaProducer(bootstrap_servers=kafka.bootstrap, **security(kafka, principal), **options)


def ensure_topics(kafka: KafkaSettings, partitions: dict[str, int], principal: KafkaPrincipal = ADMIN) -> None:
    """Create the topics of ``partitions`` (name -> partitions) that do not exist yet: a broker that creates no
    topic on request (auto.create.topics.enable=false, as managed Kafka is usually set) needs each made first."""
    client = admin(kafka, principal)
    try:
        existing = set(client.list_topics())
        missing = [NewTopic(name, count, 1) for name, count in partitions.items() if name not in existing]
        if missing:
            try:
                client.create_topics(missing)
            except TopicAlreadyExistsError:  # made meanwhile by another process: as good
                pass
    finally:
        client.close()


def delete_topics(kafka: KafkaSettings, names: list[str]) -> None:
    """Delete those of the topics ``names`` that exist (a slice's, a test's: never auto-created again, see
    :func:`ensure_topics`)."""
    client = admin(kafka, ADMIN)
    try:
        existing = sorted(set(names) & set(client.list_topics()))
        if existing:
            try:
                client.delete_topics(existing)
            except UnknownTopicOrPartitionError:  # deleted meanwhile
                pass
    finally:
        client.close()


def consumer(kafka: KafkaSettings, principal: KafkaPrincipal, *topics: str, **overrides: Any) -> KafkaConsumer:
    options: dict[str, Any] = dict(auto_offset_reset="earliest", enable_auto_commit=False)
    options.update(overrides)
    return KafkaConsumer(*topics, bootstrap_servers=kafka.bootstrap, **security(kafka, principal), **options)


def security(kafka: KafkaSettings, principal: KafkaPrincipal) -> dict[str, Any]:
    """kafka-python's arguments for PA_KAFKA_SECURITY_PROTOCOL: none for PLAINTEXT; for SASL_SSL ``principal``'s
    SCRAM login and a TLS context that checks the broker's certificate and host name."""
    if kafka.security_protocol is KafkaSecurity.PLAINTEXT:
        return {}
    user, password = kafka.login(principal)
    return {
        "security_protocol": str(kafka.security_protocol),
        "sasl_mechanism": kafka.sasl_mechanism,
        "sasl_plain_username": user,
        "sasl_plain_password": password,
        "ssl_cafile": kafka.tls_ca or None,
        "ssl_check_hostname": True,
    }


def spark_options(kafka: KafkaSettings, principal: KafkaPrincipal) -> dict[str, str]:
    """The ``kafka.*`` options of every Spark Kafka source and sink: the brokers, and with SASL_SSL ``principal``'s
    login and the verification of :func:`security` (the JAAS line holds the password: the session redacts it in
    plans)."""
    options = {"kafka.bootstrap.servers": kafka.bootstrap}
    if kafka.security_protocol is KafkaSecurity.PLAINTEXT:
        return options
    quoted = {
        name: value.replace("\\", "\\\\").replace('"', '\\"')
        for name, value in zip(("username", "password"), kafka.login(principal))
    }
    options |= {
        "kafka.security.protocol": str(kafka.security_protocol),
        "kafka.sasl.mechanism": kafka.sasl_mechanism,
        "kafka.sasl.jaas.config": (
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f'username="{quoted["username"]}" password="{quoted["password"]}";'
        ),
        "kafka.ssl.endpoint.identification.algorithm": "https",
    }
    if kafka.tls_ca:
        options |= {"kafka.ssl.truststore.type": "PEM", "kafka.ssl.truststore.location": kafka.tls_ca}
    return options


def _partitions(reader: KafkaConsumer, topic: str) -> list:
    """The topic's partitions as TopicPartitions; none when the topic does not exist."""
    from kafka import TopicPartition

    return [TopicPartition(topic, number) for number in reader.partitions_for_topic(topic) or ()]


def end_offsets(kafka: KafkaSettings, topic: str, principal: KafkaPrincipal = AUDITOR) -> int:
    """How many records ``topic`` has taken so far (the sum of its partitions' end offsets)."""
    reader = consumer(kafka, principal)
    try:
        partitions = _partitions(reader, topic)
        return sum(reader.end_offsets(partitions).values()) if partitions else 0
    finally:
        reader.close()


def count_between(kafka: KafkaSettings, topic: str, start_ms: int, end_ms: int) -> int:
    """Messages of ``topic`` whose timestamps fall in [start_ms, end_ms), from the broker's time index."""
    reader = consumer(kafka, AUDITOR)
    try:
        partitions = _partitions(reader, topic)
        if not partitions:
            return 0
        ends = reader.end_offsets(partitions)

        def offsets_at(ms: int) -> dict:
            found = reader.offsets_for_times({partition: ms for partition in partitions})
            return {
                partition: found[partition].offset if found[partition] else ends[partition] for partition in partitions
            }

        first, after = offsets_at(start_ms), offsets_at(end_ms)
        return sum(after[partition] - first[partition] for partition in partitions)
    finally:
        reader.close()


def committed(kafka: KafkaSettings, group_id: str, topic: str) -> int:
    """Records of ``topic`` that consumer group ``group_id`` has committed past (0 when it committed nothing)."""
    client = admin(kafka, AUDITOR)
    try:
        offsets = client.list_group_offsets(group_id).get(group_id, {})
    finally:
        client.close()
    return sum(meta.offset for partition, meta in offsets.items() if partition.topic == topic and meta.offset > 0)


def topic_exists(kafka: KafkaSettings, topic: str, principal: KafkaPrincipal = AUDITOR) -> bool:
    reader = consumer(kafka, principal)
    try:
        return bool(_partitions(reader, topic))
    finally:
        reader.close()
