"""Publish a batch of rows to Kafka and wait until every record is acknowledged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kafka import KafkaProducer

from producers.message import MessageEncoder, RawValue, Unpublishable, dead_letter
from settings import Names


@dataclass
class BatchResult:
    published: int = 0
    dead_lettered: int = 0


class BatchPublisher:
    """Sends rows as messages (bad rows to the dead-letter topic, with the reason) and flushes per batch.

    ``publish`` returns only after the broker acknowledged every record
    (acks=all, idempotent producer); a failed send raises, so the caller never
    advances its watermark past a record that was not stored.
    """

    def __init__(
        self,
        names: Names,
        producer: KafkaProducer,
        source: str,
        fields: Sequence[str],
        headers: list[tuple[str, bytes]] | None = None,
    ):
        self._topic = names.topic_vitals
        self._dead_letter_topic = names.topic_dead_letter
        self._producer = producer
        self._source = source
        self._encoder = MessageEncoder(fields, source)
        self._headers = headers or []

    def publish(self, rows: Sequence[Sequence[RawValue]]) -> BatchResult:
        result = BatchResult()
        futures = []
        send = self._producer.send
        for row in rows:
            try:
                key, value = self._encoder.encode(row)
            except Unpublishable as reason:
                futures.append(
                    send(
                        self._dead_letter_topic,
                        value=dead_letter(self._encoder.as_text(row), str(reason), self._source),
                    )
                )
                result.dead_lettered += 1
                continue
            futures.append(send(self._topic, key=key, value=value, headers=self._headers))
            result.published += 1
        self._producer.flush()
        for future in futures:
            future.get(timeout=0)  # raises the send's error, if any
        return result
