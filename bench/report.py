"""Small helpers every benchmark uses to time work and print results the same way."""

from __future__ import annotations

import time
from collections.abc import Callable


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "n/a"


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def line(name: str, value: str) -> None:
    print(f"  {name:<52} {value}", flush=True)
