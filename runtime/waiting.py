"""Waiting for something to become true, with a deadline: the one polling loop of the project (services, the local
stack, the demo, benchmarks and tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T],
    timeout_s: float = 120.0,
    every_s: float = 0.5,
    between: Callable[[], object] | None = None,
) -> T:
    """``condition()`` every ``every_s`` seconds until it returns a true value, which is returned, or until
    ``timeout_s`` passed: then its last (false) value is returned and the caller says what did not happen.
    ``between`` runs before each try (a streaming application's ``tick``, which restarts a failed query)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if between is not None:
            between()
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every_s)
