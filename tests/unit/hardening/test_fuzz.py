"""Hostile input refused with a named error, never a crash: the fuzzing targets (testkit/fuzz_targets.py), a few
hundred generated cases each, in ``make unit``; ``make fuzz`` runs them for PA_FUZZ_CASES cases each."""

from __future__ import annotations

import pytest

from hardening.fuzz import run_target
from testkit.fuzz_targets import TARGETS, FuzzTarget

CASES = 300


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.name.split(":")[0])
def test_every_generated_case_is_accepted_or_refused_with_a_named_error(target: FuzzTarget):
    result = run_target(target, CASES)
    assert result.tried > CASES // 2
    assert result.crashes == [], f"first failing example: {result.crashes[0]!r:.800}"


def test_a_crash_is_counted_and_its_example_kept():
    """The runner itself: a check that fails on some cases reports them rather than stopping."""
    from hypothesis import strategies as st

    def odd_fails(number: int) -> None:
        if number % 2:
            raise RuntimeError(f"odd {number}")

    result = run_target(FuzzTarget("odd numbers", st.integers(0, 1_000), odd_fails), 200)
    assert result.tried > 100 and result.crashes
    assert all(isinstance(error, RuntimeError) and case % 2 for case, error in result.crashes)
