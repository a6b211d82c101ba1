"""Publish notifications to SNS in batches of ten, retrying what can succeed later."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from notifier import messages
from notifier.episodes import Notification

_BATCH = 10  # PublishBatch's limit
_TRANSIENT_CODES = {"Throttling", "ThrottlingException", "InternalError", "InternalFailure", "ServiceUnavailable",
                    "KMSThrottling", "RequestTimeout"}


@dataclass
class Delivery:
    sent: list[tuple[Notification, str]] = field(default_factory=list)       # (notification, SNS message id)
    failed: list[tuple[Notification, str]] = field(default_factory=list)     # (notification, last error)


def publish(sns: Any, topic_arn: str, notifications: list[Notification], max_attempts: int,
            backoff_s: float) -> Delivery:
    """Send every notification; transient failures are retried with doubling backoff up to ``max_attempts``."""
    delivery = Delivery()
    for start in range(0, len(notifications), _BATCH):
        pending = dict(enumerate(notifications[start:start + _BATCH]))
        errors: dict[int, str] = {}
        for attempt in range(1, max_attempts + 1):
            try:
                response = sns.publish_batch(TopicArn=topic_arn, PublishBatchRequestEntries=[
                    {"Id": str(index), "Subject": messages.subject(note), "Message": messages.body(note),
                     "MessageAttributes": messages.attributes(note)} for index, note in pending.items()])
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                errors = {index: f"{code}: {error}" for index in pending}
                if code not in _TRANSIENT_CODES:
                    break
            except BotoCoreError as error:  # endpoint unreachable, connection reset, timeouts
                errors = {index: f"{type(error).__name__}: {error}" for index in pending}
            else:
                for entry in response.get("Successful", []):
                    delivery.sent.append((pending.pop(int(entry["Id"])), entry["MessageId"]))
                errors = {int(entry["Id"]): f"{entry.get('Code')}: {entry.get('Message')}"
                          for entry in response.get("Failed", [])}
                permanent = {int(entry["Id"]) for entry in response.get("Failed", []) if entry.get("SenderFault")}
                for index in permanent:
                    delivery.failed.append((pending.pop(index), errors[index]))
            if not pending:
                break
            if attempt < max_attempts:
                time.sleep(backoff_s * 2 ** (attempt - 1))
        delivery.failed += [(note, errors.get(index, "not sent")) for index, note in pending.items()]
    return delivery
