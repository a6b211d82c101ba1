"""An SQS queue subscribed to the doctors' topic, to read back what SNS delivered.

Doctors read email; the demo, the tests and the benchmark read the same
deliveries through this queue (SNS fans out to every subscription alike).
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator

from clients import aws
from notifier.sns_setup import topic_arn
from settings import Settings


def subscribe(settings: Settings, name: str | None = None, topic: str | None = None) -> str:
    """Create a queue subscribed to ``topic`` (default: the ward team's, PA_SNS_TOPIC); return its URL."""
    sqs = aws.client(settings.sns, "sqs")
    url = sqs.create_queue(QueueName=name or f"inbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.client(settings.sns, "sns").subscribe(TopicArn=topic_arn(settings, topic), Protocol="sqs", Endpoint=queue_arn)
    return url


def read_all(settings: Settings, url: str) -> list[dict]:
    """Every delivered SNS envelope (Subject, Message, MessageAttributes, Timestamp), oldest first; consumes them."""
    sqs, found, empty = aws.client(settings.sns, "sqs"), [], 0
    while empty < 2:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        empty = 0 if batch else empty + 1
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(found, key=lambda envelope: envelope["Timestamp"])


def remove(settings: Settings, topic: str) -> None:
    """Delete SNS topic ``topic`` and every SQS queue subscribed to it (what :func:`subscribe` made)."""
    sns, sqs = aws.client(settings.sns, "sns"), aws.client(settings.sns, "sqs")
    arn = topic_arn(settings, topic)
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn):
        for subscription in page.get("Subscriptions", []):
            if subscription["Protocol"] == "sqs":
                queue = subscription["Endpoint"].rsplit(":", 1)[-1]
                try:
                    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName=queue)["QueueUrl"])
                except sqs.exceptions.QueueDoesNotExist:
                    pass
    sns.delete_topic(TopicArn=arn)


def discard(settings: Settings, url: str) -> None:
    """Delete the queue at ``url`` and its subscription, leaving the topic (one the stack's servers publish to)."""
    sqs, sns = aws.client(settings.sns, "sqs"), aws.client(settings.sns, "sns")
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    for page in sns.get_paginator("list_subscriptions").paginate():
        for subscription in page.get("Subscriptions", []):
            if subscription["Endpoint"] == queue_arn:
                sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    sqs.delete_queue(QueueUrl=url)


@contextlib.contextmanager
def subscribed(settings: Settings, topic: str) -> Iterator[str]:
    """A queue subscribed to ``topic`` for the block (its URL), then the topic and its queues removed."""
    try:
        yield subscribe(settings, topic=topic)
    finally:
        remove(settings, topic)
