"""The threshold repository: every rule from HBase in an immutable in-memory index.

The stream and the batch re-check ask it "which rule matches this value at
this age"; it answers from memory (never one HBase call per reading) and
reloads only when the table's fingerprint changed.
"""

from __future__ import annotations

import enum
import math
import time
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable

import happybase

from hbase_setup import table
from hbase_setup.rules import ThresholdRule, parse_rows

# integer ages up to this are precomputed; anything else takes the (correct, slower) general path
_INDEXED_AGES = range(0, 151)


class Outcome(str, enum.Enum):
    ALERT = "alert"                      # a rule with alert_flag=1 matched
    NORMAL = "normal"                    # a rule with alert_flag=0 matched
    NO_BAND_FOR_AGE = "no_band_for_age"  # the attribute has rules, none for this age
    VALUE_IN_GAP = "value_in_gap"        # bands exist for the age, the value falls between them
    NOT_MONITORED = "not_monitored"      # no rule at all for this attribute


@dataclass(frozen=True)
class Evaluation:
    outcome: Outcome
    rule: ThresholdRule | None
    message: str


_NOT_MONITORED = Evaluation(Outcome.NOT_MONITORED, None, "no threshold rows for this vital")
_NO_BAND = Evaluation(Outcome.NO_BAND_FOR_AGE, None, "no threshold band covers the patient's age")
_GAP = Evaluation(Outcome.VALUE_IN_GAP, None, "value falls in a gap between threshold bands")


class _Bands:
    """The value bands of one attribute at one age, sorted, with their answers precomputed."""

    __slots__ = ("lows", "highs", "answers")

    def __init__(self, rules: list[ThresholdRule]):
        ordered = sorted(rules, key=lambda rule: rule.low_value)
        self.lows = [rule.low_value for rule in ordered]
        self.highs = [rule.high_value for rule in ordered]
        self.answers = [Evaluation(Outcome.ALERT if rule.alerts else Outcome.NORMAL, rule, rule.message)
                        for rule in ordered]

    def evaluate(self, value: float) -> Evaluation:
        position = bisect_right(self.lows, value) - 1
        if position >= 0 and value <= self.highs[position]:
            return self.answers[position]
        return _GAP


class ThresholdIndex:
    """Immutable: built once from a rule set, then only read (safe to share between threads)."""

    def __init__(self, rules: list[ThresholdRule]):
        self.rules: tuple[ThresholdRule, ...] = tuple(rules)
        self._by_attribute: dict[str, list[ThresholdRule]] = {}
        for rule in rules:
            self._by_attribute.setdefault(rule.attribute, []).append(rule)
        self._bands: dict[tuple[str, int], _Bands] = {}
        for attribute, attribute_rules in self._by_attribute.items():
            for age in _INDEXED_AGES:
                matching = [rule for rule in attribute_rules if rule.low_age <= age <= rule.high_age]
                if matching:
                    self._bands[(attribute, age)] = _Bands(matching)

    def evaluate(self, attribute: str, age: float, value: float) -> Evaluation:
        """The rule that matches ``value`` of ``attribute`` for a patient of ``age``, or why none does."""
        bands = self._bands.get((attribute, age))  # ints (and whole floats) hit the precomputed index
        if bands is not None:
            return bands.evaluate(value)
        rules = self._by_attribute.get(attribute)
        if not rules:
            return _NOT_MONITORED
        if age is None or math.isnan(age):
            return _NO_BAND
        if float(age).is_integer() and _INDEXED_AGES.start <= age < _INDEXED_AGES.stop:
            return _NO_BAND  # every indexed age with a band was precomputed above
        matching = [rule for rule in rules if rule.low_age <= age <= rule.high_age]
        return _Bands(matching).evaluate(value) if matching else _NO_BAND

    @property
    def attributes(self) -> set[str]:
        return set(self._by_attribute)


class ThresholdRepository:
    """Loads the rules through happybase and keeps the current :class:`ThresholdIndex`.

    ``connect`` opens a happybase connection (so the repository works in a
    Spark driver or a long-running service and reconnects after HBase restarts).
    """

    def __init__(self, connect: Callable[[], happybase.Connection], table_name: str):
        self._connect = connect
        self._table_name = table_name
        self._fingerprint: str | None = None
        self._index: ThresholdIndex | None = None
        self.loads = 0
        self.last_check_s = 0.0

    @property
    def index(self) -> ThresholdIndex:
        if self._index is None:
            self.refresh_if_changed()
        assert self._index is not None
        return self._index

    def refresh_if_changed(self) -> bool:
        """Reload the rules if the table changed since the last load; return whether it reloaded.

        An invalid table (say, a bad `put` from the shell) keeps the last good
        index and raises, so a running stream never evaluates with broken rules.
        """
        started = time.perf_counter()
        connection = self._connect()
        try:
            current = table.fingerprint(connection, self._table_name)
            self.last_check_s = time.perf_counter() - started
            if current == self._fingerprint and self._index is not None:
                return False
            rules = parse_rows(table.read_rows(connection, self._table_name))
        finally:
            connection.close()
        self._index = ThresholdIndex(rules)
        self._fingerprint = current
        self.loads += 1
        return True
