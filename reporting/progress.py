"""Progress on long work, on stderr: on a terminal a tqdm bar (count, rate, elapsed, ETA) redrawn at most once a
second; in a log file or a pipe a plain line at most every half minute (no trail of carriage returns), then the
caller's own summary."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from tqdm import tqdm

PLAIN_LINE_EVERY_S = 30.0  # when the stream is not a terminal


class Progress:
    """Counts work done and shows it; ``total`` may be unknown (then no ETA)."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        stream=sys.stderr,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.label, self.total, self.stream, self.clock = label, total, stream, clock
        self.done = 0
        self.started = self._last = self.clock()
        self._bar = (
            tqdm(desc=label, total=total, file=stream, mininterval=1.0, unit_scale=True, dynamic_ncols=True)
            if stream.isatty()
            else None
        )

    def advance(self, count: int) -> None:
        self.done += count
        if self._bar is not None:
            self._bar.update(count)
            return
        now = self.clock()
        if now - self._last >= PLAIN_LINE_EVERY_S:
            self._last = now
            print(self.line(), file=self.stream, flush=True)

    def finish(self) -> float:
        """Close the bar (on a terminal) and return the rate in items per second."""
        if self._bar is not None:
            self._bar.close()
        return self.rate

    @property
    def rate(self) -> float:
        elapsed = self.clock() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the rate so far; None without a total or a rate."""
        if self.total is None or self.rate <= 0 or self.done >= self.total:
            return None
        return (self.total - self.done) / self.rate

    def line(self) -> str:
        of_total = f"/{self.total:,}" if self.total is not None else ""
        eta = f", ETA {self.eta_s:.0f}s" if self.eta_s is not None else ""
        elapsed = self.clock() - self.started
        return f"{self.label}: {self.done:,}{of_total} ({self.rate:,.0f}/s, {elapsed:.0f}s{eta})"
