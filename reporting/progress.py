"""A one-line progress report on stderr, rewritten at most once a second, shown only on a terminal (a log file or
a pipe gets the caller's summary line instead of a trail of carriage returns)."""

from __future__ import annotations

import sys
import time


class Progress:
    """Counts work done and prints ``label: done/total (rate/s)``; ``total`` may be unknown."""

    def __init__(self, label: str, total: int | None = None, stream=sys.stderr, every_s: float = 1.0):
        self.label, self.total, self.stream, self.every_s = label, total, stream, every_s
        self.done = 0
        self.started = self._last = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last >= self.every_s:
            self._last = now
            self._print(end="\r")

    def finish(self) -> float:
        """Print the final line and return the rate in items per second."""
        self._print(end="\n")
        return self.rate

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def _print(self, end: str) -> None:
        if not self.stream.isatty():
            return
        of_total = f"/{self.total:,}" if self.total is not None else ""
        print(
            f"{self.label}: {self.done:,}{of_total} ({self.rate:,.0f}/s, {time.monotonic() - self.started:.0f}s)",
            end=end,
            file=self.stream,
            flush=True,
        )
