"""The notifier's dead-letter topic: what could not be notified, with the reason, never dropped on the floor.

Two kinds of record, told apart by ``kind``:

* ``poison`` — a doctors-queue record that is not a usable alert: the reason,
  its Kafka coordinates and the raw value (not re-drivable; fix the sender);
* ``notification`` — a notification SNS refused for its content: the reason,
  the whole notification as it was decided (``python -m notifier redrive``
  sends it again, once per alert id).

A send is confirmed by the broker before the caller moves on, and retried with
backoff while Kafka is unreachable: a record set aside is a record kept.
"""

from __future__ import annotations

import enum
import json
from typing import Any

from kafka.errors import KafkaError

from clients import kafka
from notifier.episodes import Notification, notification_from_json, notification_to_json
from runtime.backoff import Backoff, retrying
from settings import KafkaPrincipal, Settings

SEND_TIMEOUT_S = 30


class DeadLetterKind(enum.StrEnum):
    """What a dead-letter record holds (its ``kind`` field)."""

    POISON = "poison"  # a record that is not a usable alert or observation: not re-drivable
    NOTIFICATION = "notification"  # a notification SNS refused: re-drivable


RAW_KEPT = 65_536  # characters of a poison record kept with its reason: a 1 MB record must not outgrow the topic's


def poison(record: Any, reason: str) -> dict:
    """A record set aside: its reason, coordinates and (the start of) its value; the whole stays on its topic."""
    raw = record.value.decode("utf-8", errors="replace")[:RAW_KEPT] if record.value is not None else None
    return {
        "kind": DeadLetterKind.POISON,
        "reason": reason,
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp,
        "raw": raw,
        "raw_bytes": None if record.value is None else len(record.value),
    }


def refused(notification: Notification, reason: str) -> dict:
    return {"kind": DeadLetterKind.NOTIFICATION, "reason": reason, "notification": notification_to_json(notification)}


def as_notification(record: dict) -> Notification:
    """The notification a ``notification`` dead-letter record holds, as it was first decided."""
    return notification_from_json(record["notification"])


class DeadLetters:
    def __init__(self, settings: Settings, backoff: Backoff):
        self._settings = settings
        self._producer = kafka.producer(settings.kafka, KafkaPrincipal.NOTIFIER)
        self._topic = settings.names.topic_notify_dead_letter
        self._backoff = backoff
        self._topic_made = False

    def send(self, record: dict) -> None:
        value = json.dumps(record, separators=(",", ":")).encode()

        def send_once() -> None:
            if not self._topic_made:  # the broker makes no topic on request: the first letter makes it
                kafka.ensure_topics(self._settings.kafka, {self._topic: 1})
                self._topic_made = True
            self._producer.send(self._topic, value=value).get(timeout=SEND_TIMEOUT_S)

        retrying(self._backoff, send_once, (KafkaError,))

    def close(self) -> None:
        self._producer.close()
