"""The producer's gap bookkeeping (pure): ids skipped by open transactions are waited for, then given up."""

from __future__ import annotations

from producers.pending_ids import PendingIds


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_ids_skipped_by_an_open_transaction_hold_the_watermark_until_they_appear():
    clock = Clock()
    pending = PendingIds(100, timeout_s=60, clock=clock)
    pending.published_above([101, 102, 110, 111])  # 103-109 still uncommitted elsewhere
    assert pending.ranges() == [(103, 109)] and pending.low == 102 and pending.high == 111
    pending.published_within([103, 104, 105, 106, 107, 108, 109])
    assert pending.ranges() == [] and pending.low == 111


def test_a_gap_partly_filled_splits_and_keeps_its_first_sighting():
    clock = Clock()
    pending = PendingIds(0, timeout_s=10, clock=clock)
    pending.published_above([5])
    clock.now = 6
    pending.published_within([3])
    assert pending.ranges() == [(1, 2), (4, 4)] and pending.low == 0
    clock.now = 9.9
    assert pending.give_up_expired() == [] and pending.low == 0


def test_a_rolled_back_range_is_given_up_after_the_timeout():
    clock = Clock()
    pending = PendingIds(0, timeout_s=10, clock=clock)
    pending.published_above([1, 4])
    clock.now = 5
    pending.published_above([9])
    clock.now = 10
    expired = pending.give_up_expired()
    assert [(gap.first, gap.last) for gap in expired] == [(2, 3)]
    assert pending.ranges() == [(5, 8)] and pending.low == 4
