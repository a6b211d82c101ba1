"""The one polling loop (runtime/waiting.py): a true value ends it at once, a deadline ends it with the last false
value, ``between`` runs before every try (no server; no duration asserted)."""

from __future__ import annotations

from runtime.waiting import wait_until


def test_the_first_true_value_is_returned_and_between_ran_before_every_try():
    answers, ticks = iter([0, "", None, "landed 3"]), []
    assert wait_until(lambda: next(answers), every_s=0, between=lambda: ticks.append(1)) == "landed 3"
    assert len(ticks) == 4


def test_past_the_deadline_the_last_false_value_is_returned():
    tries = []
    assert wait_until(lambda: tries.append(1) or 0, timeout_s=0, every_s=0) == 0
    assert tries == [1], "a deadline already passed still tries once"
