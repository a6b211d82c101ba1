"""Which vitals have no threshold band at which ages: printed by ``hbase_setup show``, warned of by the stream.

A reading whose vital has no band for the patient's age raises only a
data-quality alert (``no_band_for_age``), never a clinical one, so a table that
leaves a vital or an age range out must say so before readings arrive rather
than after. Ages are completed months (:mod:`hbase_setup.ages`), from birth to 121 years, named as a table writes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract.vitals import VITALS
from hbase_setup.ages import MONTHS_PER_YEAR, describe_ages
from hbase_setup.rules import ThresholdRule

AGES = range(0, 121 * MONTHS_PER_YEAR)  # the ages a table is expected to cover, in completed months: 0 to 120 years


@dataclass(frozen=True)
class Uncovered:
    """Ages ``low_age_months``..``high_age_months`` (inclusive, completed months) at which ``attribute`` has no
    band."""

    field: str
    attribute: str
    low_age_months: int
    high_age_months: int

    def describe(self) -> str:
        return f"{self.field} ({self.attribute}) at {describe_ages(self.low_age_months, self.high_age_months)}"


def uncovered(rules: Iterable[ThresholdRule], ages: range = AGES) -> list[Uncovered]:
    """Every vital's runs of ages in ``ages`` that no rule's age band holds, in vital order."""
    held = covered(rules, ages)
    return _as_runs({vital.attribute: [age for age in ages if age not in held[vital.attribute]] for vital in VITALS})


def withdrawn(before: Iterable[ThresholdRule], after: Iterable[ThresholdRule]) -> list[Uncovered]:
    """The vitals and ages ``before`` had a band for and ``after`` has none: what a reload must not do (readings
    there would raise no clinical alert at all)."""
    held_before, held_after = covered(before), covered(after)
    return _as_runs(
        {vital.attribute: sorted(held_before[vital.attribute] - held_after[vital.attribute]) for vital in VITALS}
    )


def covered(rules: Iterable[ThresholdRule], ages: range = AGES) -> dict[str, set[int]]:
    """Per vital (threshold attribute), the ages in ``ages`` some rule's age band holds."""
    held: dict[str, set[int]] = {vital.attribute: set() for vital in VITALS}
    for rule in rules:
        low, high = max(rule.low_age_months, ages.start), min(rule.high_age_months, ages.stop - 1)
        held.setdefault(rule.attribute, set()).update(range(low, high + 1))
    return held


def _as_runs(missing: dict[str, list[int]]) -> list[Uncovered]:
    """Each vital's missing ages (sorted) as runs, in vital order."""
    return [
        Uncovered(vital.field, vital.attribute, start, end)
        for vital in VITALS
        for start, end in _runs(missing.get(vital.attribute, []))
    ]


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted integers as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
