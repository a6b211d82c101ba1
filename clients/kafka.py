"""Kafka admin, producer and consumer factories (kafka-python)."""

from __future__ import annotations

from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from settings import Settings


def admin(settings: Settings, **overrides: Any) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers, **overrides)


def producer(settings: Settings, **overrides: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas, so an acknowledged record is durable."""
    options: dict[str, Any] = dict(acks="all", linger_ms=5)
    options.update(overrides)
    return KafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers, **options)


def consumer(settings: Settings, *topics: str, **overrides: Any) -> KafkaConsumer:
    options: dict[str, Any] = dict(auto_offset_reset="earliest", enable_auto_commit=False)
    options.update(overrides)
    return KafkaConsumer(*topics, bootstrap_servers=settings.kafka_bootstrap_servers, **options)
