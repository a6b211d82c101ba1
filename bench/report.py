"""Small helpers every benchmark uses to time work and print results the same way."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "n/a"


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def percentiles_ms(samples_s: list[float]) -> str:
    """P50/P90/P99 of latencies given in seconds, printed in milliseconds."""
    if not samples_s:
        return "no samples"
    ordered = sorted(samples_s)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return (
        f"P50 {pick(0.50):.2f} ms, P90 {pick(0.90):.2f} ms, P99 {pick(0.99):.2f} ms "
        f"(mean {statistics.fmean(ordered) * 1000:.2f} ms, n={len(ordered)})"
    )


def line(name: str, value: str) -> None:
    print(f"  {name:<52} {value}", flush=True)
