"""A plain-Python evaluator of threshold rules, written apart from the Spark one, to check it against.

Tests compare every alert the stream raises with this evaluator's answer for
the same reading; benchmarks use it as the per-record baseline. Ages are
completed months (:mod:`hbase_setup.ages`); those up to 150 years are
precomputed (bisect over sorted bands), the rest take the general path.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass

from contract.alerts import ALERT_KINDS, Outcome
from contract.vitals import VITAL_OF_ATTRIBUTE
from hbase_setup.ages import MONTHS_PER_YEAR
from hbase_setup.any_age import critical_at_every_age
from hbase_setup.bands import ValueBand, rounded
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import ThresholdRule, parse_rows
from hbase_setup.sources import CAPSTONE_SOURCE, read_rows

_INDEXED_AGES = range(0, 151 * MONTHS_PER_YEAR)


@dataclass(frozen=True)
class Evaluation:
    outcome: Outcome
    rule: ThresholdRule | None
    message: str


_NOT_MONITORED = Evaluation(Outcome.NOT_MONITORED, None, "no threshold rows for this vital")
_NO_BAND = Evaluation(Outcome.NO_BAND_FOR_AGE, None, "no threshold band covers the patient's age")
_GAP = Evaluation(Outcome.VALUE_IN_GAP, None, "value falls in a gap between threshold bands")


class _Bands:
    """The value bands of one vital at one age, sorted, with their answers precomputed; a value is matched rounded
    at NEWS2's resolution, against half-open bands where bands abut (:mod:`hbase_setup.bands`)."""

    __slots__ = ("attribute", "lows", "bands", "answers")

    def __init__(self, rules: list[ThresholdRule], bands: dict[str, ValueBand]):
        ordered = sorted(rules, key=lambda rule: rule.low_value)
        self.attribute = ordered[0].attribute
        self.lows = [rule.low_value for rule in ordered]
        self.bands = [bands[rule.rule_id] for rule in ordered]
        self.answers = [
            Evaluation(Outcome.VITAL_OUT_OF_RANGE if rule.alerts else Outcome.NORMAL, rule, rule.message)
            for rule in ordered
        ]

    def evaluate(self, value: float) -> Evaluation:
        value = rounded(value, self.attribute)
        position = bisect_right(self.lows, value) - 1
        if position >= 0 and self.bands[position].holds(value):
            return self.answers[position]
        return _GAP


class ReferenceEvaluator:
    """Answers "which rule matches this value of this vital at this age" for one :class:`ThresholdIndex`."""

    def __init__(self, index: ThresholdIndex):
        self.index = index
        # a patient of unknown age: the values critical at every age, as rules of their own (the stream's rule id)
        self._any_age = {
            attribute: [
                ThresholdRule(
                    f"{attribute}:critical-at-every-age",
                    attribute,
                    0,
                    0,
                    low,
                    high,
                    1,
                    "critical at every age",
                    "critical",
                )
                for low, high in critical_at_every_age(rules)
            ]
            for attribute, rules in index.rules_of.items()
        }
        self._bands: dict[tuple[str, int], _Bands] = {}
        for attribute, rules in index.rules_of.items():
            shared: dict[tuple[str, ...], _Bands] = {}  # one _Bands per set of matching rules, not per month
            for age in _INDEXED_AGES:
                matching = [rule for rule in rules if rule.holds_age(age)]
                if matching:
                    key = tuple(rule.rule_id for rule in matching)
                    if key not in shared:
                        shared[key] = _Bands(matching, index.bands)
                    self._bands[(attribute, age)] = shared[key]

    def evaluate(self, attribute: str, age_months: int | None, value: float) -> Evaluation:
        """The rule that matches ``value`` of ``attribute`` for a patient ``age_months`` old (completed months,
        :func:`hbase_setup.ages.months_of_years` for an age in years), or why none does."""
        bands = self._bands.get((attribute, age_months)) if age_months is not None else None
        if bands is not None:
            return bands.evaluate(value)
        rules = self.index.rules_of.get(attribute)
        if not rules:
            return _NOT_MONITORED
        if age_months is None or math.isnan(age_months):
            matched = rounded(value, attribute)
            for rule in self._any_age[attribute]:
                if rule.low_value <= matched <= rule.high_value:
                    return Evaluation(Outcome.VITAL_OUT_OF_RANGE, rule, rule.message)
            return _NO_BAND
        if _INDEXED_AGES.start <= age_months < _INDEXED_AGES.stop:
            return _NO_BAND  # every indexed age with a band was precomputed above
        matching = [rule for rule in rules if rule.holds_age(age_months)]
        return _Bands(matching, self.index.bands).evaluate(value) if matching else _NO_BAND

    def alerts(self, reading: dict, age_months: int | None) -> list[tuple[str, str]]:
        """(rule id, or the outcome when no rule matched; attribute) of each threshold alert ``reading`` (a dict of
        reading fields) raises for a known patient ``age_months`` old; NEWS2 is not a threshold and not here."""
        found = []
        for attribute in sorted(self.index.attributes):
            value = reading.get(VITAL_OF_ATTRIBUTE[attribute].field)
            if value is None:
                continue
            result = self.evaluate(attribute, age_months, value)
            if result.outcome in ALERT_KINDS:
                found.append((result.rule.rule_id if result.rule else result.outcome.value, attribute))
        return found


# the capstone's rules (hbase_setup/reference/threshold_reference.csv), evaluated by hand: what tests compare to
CAPSTONE_REFERENCE = ReferenceEvaluator(ThresholdIndex(parse_rows(read_rows(CAPSTONE_SOURCE, "threshold_ref"))))
