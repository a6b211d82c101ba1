"""A one-line progress report on stderr: on a terminal rewritten in place at most once a second; in a log file or
a pipe a plain line at most every half minute (no trail of carriage returns), then the final line."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

PLAIN_LINE_EVERY_S = 30.0  # when the stream is not a terminal


class Progress:
    """Counts work done and prints ``label: done/total (rate/s, elapsed, ETA)``; ``total`` may be unknown."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        stream=sys.stderr,
        every_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.label, self.total, self.stream, self.clock = label, total, stream, clock
        self.on_terminal = stream.isatty()
        self.every_s = every_s if self.on_terminal else PLAIN_LINE_EVERY_S
        self.done = 0
        self.started = self._last = self.clock()

    def advance(self, count: int) -> None:
        self.done += count
        now = self.clock()
        if now - self._last >= self.every_s:
            self._last = now
            self._print(end="\r" if self.on_terminal else "\n")

    def finish(self) -> float:
        """Print the final line (on a terminal) and return the rate in items per second."""
        if self.on_terminal:
            self._print(end="\n")
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

    def _print(self, end: str) -> None:
        print(self.line(), end=end, file=self.stream, flush=True)
