"""Create the doctors' SNS topic and their email subscriptions (with ward filter policies), idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass

from clients import aws
from settings import Settings


@dataclass(frozen=True)
class Subscriber:
    email: str
    wards: tuple[str, ...]  # empty: every ward


def subscribers(text: str) -> list[Subscriber]:
    """'a@x, b@y:ICU|Cardiology' -> subscribers (wards restrict what a doctor receives)."""
    found = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        email, _, wards = item.partition(":")
        found.append(Subscriber(email.strip(), tuple(w.strip() for w in wards.split("|") if w.strip())))
    return found


def topic_arn(settings: Settings, topic: str | None = None) -> str:
    """The ARN of ``topic`` (default: the ward team's, PA_SNS_TOPIC); CreateTopic is idempotent: it returns the
    existing topic."""
    return aws.client(settings.sns, "sns").create_topic(Name=topic or settings.names.sns_topic)["TopicArn"]


def setup(settings: Settings) -> list[dict]:
    """Create the ward team's topic and every escalation tier's, subscribe every configured doctor once; keep
    filter policies in step. Returns the ward team's subscriptions."""
    sns = aws.client(settings.sns, "sns")
    for tier in settings.alarm_tiers[1:]:
        tier_arn = topic_arn(settings, tier.topic)
        known = {sub["Endpoint"] for sub in subscriptions(settings, tier.topic)}
        for email in tier.emails:
            if email not in known:
                sns.subscribe(TopicArn=tier_arn, Protocol="email", Endpoint=email)
    arn = topic_arn(settings)
    existing = {sub["Endpoint"]: sub for sub in subscriptions(settings) if sub["Protocol"] == "email"}
    for subscriber in subscribers(settings.notifier.doctor_emails):
        policy = json.dumps({"ward": list(subscriber.wards)}) if subscriber.wards else ""
        current = existing.get(subscriber.email)
        if current is None:
            attributes = {"FilterPolicy": policy} if policy else {}
            sns.subscribe(TopicArn=arn, Protocol="email", Endpoint=subscriber.email, Attributes=attributes)
        elif current["SubscriptionArn"].startswith("arn:"):
            sns.set_subscription_attributes(
                SubscriptionArn=current["SubscriptionArn"], AttributeName="FilterPolicy", AttributeValue=policy or "{}"
            )
    return subscriptions(settings)


def subscriptions(settings: Settings, topic: str | None = None) -> list[dict]:
    sns = aws.client(settings.sns, "sns")
    arn = topic_arn(settings, topic)
    found, token = [], None
    while True:
        page = sns.list_subscriptions_by_topic(TopicArn=arn, **({"NextToken": token} if token else {}))
        found += page["Subscriptions"]
        token = page.get("NextToken")
        if not token:
            return found
