"""The values of a vital that are critical at every age: what a reading of a patient whose age is unknown (a new
admission not yet registered) is still checked against. Pure, no I/O.

Without an age no band applies, so such a reading used to raise only a data-quality alert, even at SpO2 60 %. A
value inside a critical band of every age band the table has is critical whoever the patient is, so it alerts as
critical; anything else about an unknown-age patient stays a data-quality alert.
"""

from __future__ import annotations

from collections.abc import Iterable

from contract.alerts import Severity
from hbase_setup.rules import ThresholdRule

Interval = tuple[float, float]  # inclusive, as the table's bands are


def critical_at_every_age(rules: Iterable[ThresholdRule]) -> list[Interval]:
    """One vital's value intervals that lie in a critical band at every age band of ``rules`` (empty when some age
    band has no critical band there)."""
    by_age: dict[tuple[int, int], list[Interval]] = {}
    for rule in rules:
        intervals = by_age.setdefault(rule.ages, [])
        if rule.alerts and rule.alert_severity == Severity.CRITICAL:
            intervals.append((float(rule.low_value), float(rule.high_value)))
    if not by_age:
        return []
    common = sorted(next(iter(by_age.values())))
    for intervals in by_age.values():
        common = _intersect(common, sorted(intervals))
    return common


def _intersect(left: list[Interval], right: list[Interval]) -> list[Interval]:
    found = []
    for low_a, high_a in left:
        for low_b, high_b in right:
            low, high = max(low_a, low_b), min(high_a, high_b)
            if low <= high:
                found.append((low, high))
    return sorted(found)
