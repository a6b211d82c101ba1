"""Kafka admin, producer and consumer factories (kafka-python)."""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from settings import Settings


def admin(settings: Settings, **overrides: Any) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, **overrides)


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas, so an acknowledged record is durable."""
    options: dict[str, Any] = dict(acks="all", linger_ms=5)
    options.update(overrides)
    return KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, **options)


def consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    options: dict[str, Any] = dict(auto_offset_reset="earliest", enable_auto_commit=False)
    options.update(overrides)
    return KafkaConsumer(*topics, bootstrap_servers=settings.kafka_bootstrap, **options)


def _partitions(reader: KafkaConsumer, topic: str) -> list:
    """The topic's partitions as TopicPartitions; none when the topic does not exist."""
    from kafka import TopicPartition

    return [TopicPartition(topic, number) for number in reader.partitions_for_topic(topic) or ()]


def end_offsets(settings: Settings, topic: str) -> int:
    """How many records ``topic`` has taken so far (the sum of its partitions' end offsets)."""
    reader = consumer(settings)
    try:
        partitions = _partitions(reader, topic)
        return sum(reader.end_offsets(partitions).values()) if partitions else 0
    finally:
        reader.close()


def count_between(settings: Settings, topic: str, start_ms: int, end_ms: int) -> int:
    """Messages of ``topic`` whose timestamps fall in [start_ms, end_ms), from the broker's time index."""
    reader = consumer(settings)
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


def committed(settings: Settings, group_id: str, topic: str) -> int:
    """Records of ``topic`` that consumer group ``group_id`` has committed past (0 when it committed nothing)."""
    client = admin(settings)
    try:
        offsets = client.list_group_offsets(group_id).get(group_id, {})
    finally:
        client.close()
    return sum(meta.offset for partition, meta in offsets.items() if partition.topic == topic and meta.offset > 0)


def topic_exists(settings: Settings, topic: str) -> bool:
    reader = consumer(settings)
    try:
        return bool(_partitions(reader, topic))
    finally:
        reader.close()
