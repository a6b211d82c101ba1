"""How every benchmark prints a result, and what it keeps of it for ``bench/report.md``.

Each printed line is also kept under the benchmark's heading (the report's
tables); the numbers the plots need are recorded as they are measured
(:data:`RESULTS`), so the report never parses printed text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Throughput:
    component: str
    rows_per_s: float
    floor: bool = False  # a baseline to compare the pipeline with, not a stage of it


@dataclass(frozen=True)
class LatencyPoint:
    path: str  # realtime | microbatch
    offered_per_s: int
    p50_ms: float
    p90_ms: float
    p99_ms: float


@dataclass
class Results:
    sections: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    throughput: list[Throughput] = field(default_factory=list)
    batch_sizes: list[tuple[int, float]] = field(default_factory=list)  # (max offsets per trigger, readings/s)
    latency: list[LatencyPoint] = field(default_factory=list)
    _current: str = "results"

    def section(self, title: str) -> None:
        self._current = title
        self.sections.setdefault(title, [])
        print(title, flush=True)

    def line(self, name: str, value: str) -> None:
        self.sections.setdefault(self._current, []).append((name.strip(), value))
        print(f"  {name:<52} {value}".rstrip(), flush=True)


RESULTS = Results()


def section(title: str) -> None:
    """Start a benchmark's part of the output (and of the report)."""
    RESULTS.section(title)


def line(name: str, value: str) -> None:
    RESULTS.line(name, value)


def note(text: str) -> None:
    """A result that is a sentence rather than a name and a value."""
    RESULTS.line(text, "")


def record_throughput(component: str, rows_per_s: float, floor: bool = False) -> None:
    """A rate for the report's throughput plot (``floor``: a baseline the pipeline is compared with)."""
    RESULTS.throughput.append(Throughput(component, rows_per_s, floor))


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "n/a"


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started
