"""Ids the producer has not seen yet although higher ids were published: pure bookkeeping, no I/O.

InnoDB hands out AUTO_INCREMENT ids when a row is inserted, but the row becomes
visible when its transaction commits. With several writers, id 120 can commit
(and be published) while ids 101-119 belong to a transaction still open on
another connection. Reading ``id > newest published`` would skip them for ever.

So the producer remembers every such gap as a range with the moment it first
saw it, re-reads the ranges on each poll and publishes what has appeared. A
rolled-back transaction's ids never appear; a range still empty after the gap
timeout is given up (and logged). The durable watermark is the contiguous low
mark: every id at or below it was published or given up, so a restart re-reads
from there and loses nothing (re-publishing rows above it, whose reading ids
let the stream drop the repeats).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass
class Gap:
    first: int
    last: int
    seen_at: float


class PendingIds:
    """Open gaps below ``high``, the newest id published."""

    def __init__(self, high: int, timeout_s: float, clock: Callable[[], float] = time.monotonic):
        self.high = high
        self.timeout_s = timeout_s
        self._clock = clock
        self.gaps: list[Gap] = []

    def published_above(self, ids: Iterable[int]) -> None:
        """New rows above ``high`` were published (ids ascending): the ids skipped between them are gaps."""
        now = self._clock()
        for found in ids:
            if found > self.high + 1:
                self.gaps.append(Gap(self.high + 1, found - 1, now))
            self.high = max(self.high, found)

    def published_within(self, ids: Iterable[int]) -> None:
        """Rows inside gaps appeared and were published: split the gaps around them."""
        for found in sorted(ids):
            for position, gap in enumerate(self.gaps):
                if gap.first <= found <= gap.last:
                    parts = [
                        Gap(first, last, gap.seen_at)
                        for first, last in ((gap.first, found - 1), (found + 1, gap.last))
                        if first <= last
                    ]
                    self.gaps[position : position + 1] = parts
                    break

    def give_up_expired(self) -> list[Gap]:
        """Remove and return the gaps open longer than the timeout (taken for rolled-back inserts)."""
        now = self._clock()
        expired = [gap for gap in self.gaps if now - gap.seen_at >= self.timeout_s]
        self.gaps = [gap for gap in self.gaps if now - gap.seen_at < self.timeout_s]
        return expired

    @property
    def low(self) -> int:
        """Every id at or below this was published or given up: the durable watermark."""
        return min((gap.first for gap in self.gaps), default=self.high + 1) - 1

    def ranges(self) -> list[tuple[int, int]]:
        return [(gap.first, gap.last) for gap in self.gaps]
