"""An SQS queue subscribed to the doctors' topic, to read back what SNS delivered.

Doctors read email; the demo, the tests and the benchmark read the same
deliveries through this queue (SNS fans out to every subscription alike).
"""

from __future__ import annotations

import json
import uuid

from clients import aws
from notifier.sns_setup import topic_arn
from settings import Settings


def subscribe(settings: Settings, name: str | None = None, topic: str | None = None) -> str:
    """Create a queue subscribed to ``topic`` (default: the ward team's, PA_SNS_TOPIC); return its URL."""
    sqs = aws.client(settings, "sqs")
    url = sqs.create_queue(QueueName=name or f"inbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    aws.client(settings, "sns").subscribe(TopicArn=topic_arn(settings, topic), Protocol="sqs", Endpoint=queue_arn)
    return url


def read_all(settings: Settings, url: str) -> list[dict]:
    """Every delivered SNS envelope (Subject, Message, MessageAttributes, Timestamp), oldest first; consumes them."""
    sqs, found, empty = aws.client(settings, "sqs"), [], 0
    while empty < 2:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        empty = 0 if batch else empty + 1
        for message in batch:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return sorted(found, key=lambda envelope: envelope["Timestamp"])
