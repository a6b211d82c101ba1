"""Publish notifications to SNS in batches of ten: wait out the service's outages, set aside only a message's errors.

Two kinds of failure, treated apart:

* **The service's**: throttling, the endpoint down, timeouts, credentials or
  permissions refused, the topic missing. Another message would fail the same
  way, so nothing is dead-lettered: the same batch is retried with capped
  exponential backoff (an ERROR line per step) for as long as it lasts, and the
  caller commits no Kafka offsets meanwhile.
* **One message's**: SNS refused that entry for its content (SenderFault on a
  batch entry, or an invalid-parameter error a single publish isolates). Only
  that notification fails, and the caller dead-letters it.

Each batch's result is handed to ``on_batch`` as soon as SNS answered, so the
caller records what SNS accepted before it sends the next batch: a crash can
repeat at most the one batch in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from clients import aws
from notifier.episodes import Notification
from notifier.messages import Composer
from runtime.backoff import Backoff
from settings import SnsSettings

_BATCH = 10  # PublishBatch's limit
SERVICE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "KMSThrottling",
        "KMSDisabled",
        "KMSInvalidState",
        "KMSNotFound",
        "KMSAccessDenied",
        "KMSOptInRequired",
        "AuthorizationError",
        "AccessDenied",
        "AccessDeniedException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSecurity",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "NotFound",
        "NotFoundException",
    }
)


def is_service_error(code: str, http_status: int | None = None) -> bool:
    """Whether an SNS error is about the service (retry it) rather than about one message (dead-letter it)."""
    return code in SERVICE_CODES or (
        http_status is not None and (http_status >= 500 or http_status in (401, 403, 404, 429))
    )


def sns_client(sns: SnsSettings) -> Any:
    """An SNS client without botocore's own retries: the sender owns retries and backoff, botocore's would hide them."""
    return aws.client(sns, "sns", Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10))


@dataclass
class Delivery:
    sent: list[tuple[Notification, str]] = field(default_factory=list)  # (notification, SNS message id)
    failed: list[tuple[Notification, str]] = field(default_factory=list)  # (notification, the message's error)

    def add(self, other: Delivery) -> None:
        self.sent += other.sent
        self.failed += other.failed


class Sender:
    def __init__(self, sns: Any, topic_arns: list[str], backoff: Backoff, composer: Composer):
        """``topic_arns``: each escalation tier's topic, the ward team's first."""
        self._sns = sns
        self._topic_arns = topic_arns
        self._backoff = backoff
        self._composer = composer

    def deliver(self, notifications: list[Notification], on_batch: Callable[[Delivery], None]) -> Delivery:
        """Send every notification to its tier's topic; ``on_batch`` gets each batch's outcome the moment SNS
        answered."""
        total = Delivery()
        by_tier: dict[int, list[Notification]] = {}
        for notification in notifications:
            by_tier.setdefault(min(notification.tier, len(self._topic_arns) - 1), []).append(notification)
        for tier, notes in sorted(by_tier.items()):
            for start in range(0, len(notes), _BATCH):
                delivery = self._publish_batch(self._topic_arns[tier], notes[start : start + _BATCH])
                on_batch(delivery)
                total.add(delivery)
        return total

    def _publish_batch(self, topic_arn: str, batch: list[Notification]) -> Delivery:
        pending = dict(enumerate(batch))
        delivery = Delivery()
        while pending:
            try:
                response = self._sns.publish_batch(
                    TopicArn=topic_arn,
                    PublishBatchRequestEntries=[
                        {
                            "Id": str(index),
                            "Subject": self._composer.subject(note),
                            "Message": self._composer.body(note),
                            "MessageAttributes": self._composer.attributes(note),
                        }
                        for index, note in pending.items()
                    ],
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                if is_service_error(code, status):
                    self._backoff.wait(f"{code}: {error}")
                    continue
                self._backoff.reset()
                if len(pending) == 1:
                    delivery.failed.append((pending.popitem()[1], f"{code}: {error}"))
                else:  # about one message, but which: send them one at a time
                    for note in list(pending.values()):
                        delivery.add(self._publish_batch(topic_arn, [note]))
                    pending.clear()
                continue
            except BotoCoreError as error:  # endpoint unreachable, connection reset, timeouts, no credentials
                self._backoff.wait(f"{type(error).__name__}: {error}")
                continue
            self._backoff.reset()
            for entry in response.get("Successful", []):
                delivery.sent.append((pending.pop(int(entry["Id"])), entry["MessageId"]))
            retry = []
            for entry in response.get("Failed", []):
                reason = f"{entry.get('Code')}: {entry.get('Message')}"
                if entry.get("SenderFault") and not is_service_error(entry.get("Code", "")):
                    delivery.failed.append((pending.pop(int(entry["Id"])), reason))
                else:
                    retry.append(reason)
            if pending and retry:
                self._backoff.wait(retry[0])
        return delivery
