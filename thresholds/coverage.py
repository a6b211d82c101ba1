"""Which vitals have no threshold band at which ages: printed by ``hbase_setup show``, warned of by the stream.

A reading whose vital has no band for the patient's age raises only a
data-quality alert (``no_band_for_age``), never a clinical one, so a table that
leaves a vital or an age range out must say so before readings arrive rather
than after. Ages are whole years, as the patients table keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract.vitals import VITALS
from thresholds.rules import ThresholdRule

AGES = range(0, 121)  # the ages a table is expected to cover


@dataclass(frozen=True)
class Uncovered:
    """Ages ``low_age``..``high_age`` (inclusive) at which ``attribute`` has no band."""

    field: str
    attribute: str
    low_age: int
    high_age: int

    def describe(self) -> str:
        ages = f"age {self.low_age}" if self.low_age == self.high_age else f"ages {self.low_age}-{self.high_age}"
        return f"{self.field} ({self.attribute}) at {ages}"


def uncovered(rules: Iterable[ThresholdRule], ages: range = AGES) -> list[Uncovered]:
    """Every vital's runs of ages in ``ages`` that no rule's age band holds, in vital order."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for rule in rules:
        spans.setdefault(rule.attribute, []).append((rule.low_age, rule.high_age))
    gaps = []
    for vital in VITALS:
        bands = spans.get(vital.attribute, [])
        missing = [age for age in ages if not any(low <= age <= high for low, high in bands)]
        for start, end in _runs(missing):
            gaps.append(Uncovered(vital.field, vital.attribute, start, end))
    return gaps


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted integers as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
