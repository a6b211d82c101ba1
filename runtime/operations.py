"""Notices for operators on the operations SNS topic (``PA_SNS_OPERATIONS_TOPIC``): a failed DAG run, rules the
stream refused or that changed outside ``hbase_setup``. Operators subscribe by email, chat or pager; doctors never
receive these."""

from __future__ import annotations

import logging

from settings import Settings

log = logging.getLogger(__name__)

SUBJECT_LIMIT = 100  # SNS refuses longer subjects, and any that are not ASCII


def announce(settings: Settings, subject: str, message: str, kind: str, **attributes: str) -> str:
    """Publish one notice (the topic created if missing); return its message id. ``kind`` and ``attributes`` are
    message attributes subscription filter policies can select on."""
    from clients import aws

    sns = aws.client(settings.sns, "sns")
    topic = sns.create_topic(Name=settings.names.sns_operations_topic)["TopicArn"]
    response = sns.publish(
        TopicArn=topic,
        Subject=subject.encode("ascii", "replace").decode()[:SUBJECT_LIMIT],
        Message=message,
        MessageAttributes={
            name: {"DataType": "String", "StringValue": value} for name, value in {"kind": kind, **attributes}.items()
        },
    )
    log.info("announced on %s: %s", settings.names.sns_operations_topic, subject)
    return response["MessageId"]
