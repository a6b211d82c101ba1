"""The escalation tiers of PA_ESCALATION_TIERS: who is told next when nobody acknowledges an alarm."""

from __future__ import annotations

from dataclasses import dataclass

from settings.fields import SettingsError


@dataclass(frozen=True)
class AlarmTier:
    """One tier: its name in emails and audits, its SNS topic, and the addresses subscribed to it by setup."""

    name: str
    topic: str
    emails: tuple[str, ...]


def parse_tiers(text: str) -> tuple[AlarmTier, ...]:
    """'ward doctor=topic-a:a@x|b@y, rapid response=topic-b' -> tiers, in order; a malformed entry is refused."""
    tiers = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, equals, rest = item.partition("=")
        topic, _, emails = rest.partition(":")
        if not equals or not name.strip() or not topic.strip():
            raise SettingsError(
                f"PA_ESCALATION_TIERS entry {item!r} is not 'name=SNS topic' or 'name=topic:email|email'"
            )
        tiers.append(AlarmTier(name.strip(), topic.strip(), tuple(e.strip() for e in emails.split("|") if e.strip())))
    return tuple(tiers)
