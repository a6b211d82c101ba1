"""How a reading's value meets a threshold band: one rounding rule with NEWS2, and half-open bands. Pure, no I/O.

* **One rounding rule.** A value is rounded half up to NEWS2's resolution (whole numbers; temperature to one
  decimal, :data:`hbase_setup.news2.RESOLUTION`) before it is matched, exactly as NEWS2 scores it, so SpO2 91.5 is
  92 % for both (NEWS2 2, the threshold table's urgent band), never critical for one and urgent for the other.
* **Half-open bands.** A band followed, at the same ages, by one starting at most one resolution step above its
  high (the capstone table's 69 then 70, the default table's 59.99 then 60) holds values up to, not including,
  that next low: ``[low, next_low)``. No value can fall between two such bands, whatever its decimals; a table's
  rows are read as written and converted when loaded. A band with no such neighbour keeps its inclusive high.

The Spark expressions (evaluation/evaluate.py) and the tests' plain-Python evaluator both match through
:class:`ValueBand`, so the two cannot read a band differently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from contract.vitals import VITAL_OF_ATTRIBUTE
from hbase_setup.news2 import RESOLUTION
from hbase_setup.rules import ThresholdRule

_TOLERANCE = 1e-9


def decimals(attribute: str) -> int:
    """The decimals a vital is matched at (NEWS2's resolution for its reading field)."""
    vital = VITAL_OF_ATTRIBUTE.get(attribute)
    return RESOLUTION.get(vital.field, 0) if vital else 0


def rounded(value: float, attribute: str) -> float:
    """``value`` rounded half up at the vital's resolution, as Spark's ``round`` does (through the shortest decimal
    text of the double, so 91.5 is 92 and 37.25 is 37.3)."""
    step = Decimal(1).scaleb(-decimals(attribute))
    return float(Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class ValueBand:
    """The values a rule holds: [low, high], or [low, high) when ``exclusive``."""

    low: float
    high: float
    exclusive: bool

    def holds(self, value: float) -> bool:
        return self.low <= value and (value < self.high if self.exclusive else value <= self.high)


def value_bands(rules: Iterable[ThresholdRule]) -> dict[str, ValueBand]:
    """Each rule's band by rule id, half-open where the next band of the same vital and ages starts within one
    resolution step above it."""
    groups: dict[tuple[str, tuple[int, int]], list[ThresholdRule]] = {}
    for rule in rules:
        groups.setdefault((rule.attribute, rule.ages), []).append(rule)
    bands = {}
    for (attribute, _), group in groups.items():
        step = 10.0 ** -decimals(attribute)
        ordered = sorted(group, key=lambda rule: rule.low_value)
        for rule, following in zip(ordered, [*ordered[1:], None]):
            gap = None if following is None else float(following.low_value) - float(rule.high_value)
            if following is not None and gap is not None and 0 < gap <= step + _TOLERANCE:
                bands[rule.rule_id] = ValueBand(float(rule.low_value), float(following.low_value), True)
            else:
                bands[rule.rule_id] = ValueBand(float(rule.low_value), float(rule.high_value), False)
    return bands


def normal_ranges(rules: Iterable[ThresholdRule], age_months: int | None) -> dict[str, tuple[float, float]]:
    """Each vital's normal range at ``age_months`` by reading field: the span of the rules that raise no alert at
    that age (the band a doctor expects a trend inside). None for the age: no range, since no band is the
    patient's."""
    if age_months is None:
        return {}
    spans: dict[str, tuple[float, float]] = {}
    for rule in rules:
        vital = VITAL_OF_ATTRIBUTE.get(rule.attribute)
        if vital is None or rule.alerts or not rule.holds_age(age_months):
            continue
        low, high = spans.get(vital.field, (rule.low_value, rule.high_value))
        spans[vital.field] = (min(low, rule.low_value), max(high, rule.high_value))
    return spans
