"""Waiting out an outage: capped exponential backoff that logs each step and stops when told to."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Stopped(Exception):
    """The service was asked to stop while waiting; what was not recorded is redone after a restart."""


class Backoff:
    """``wait(cause)`` sleeps ``first_s``, doubling per call up to ``max_s``; ``reset()`` after a success.

    Each step is an ERROR line naming the cause, so an outage is visible while it lasts, not only in a
    summary afterwards.
    """

    def __init__(self, what: str, first_s: float, max_s: float, stopping: threading.Event, log: logging.Logger):
        self.what, self.first_s, self.max_s = what, first_s, max_s
        self.stopping = stopping
        self.attempts = 0
        self._log = log

    def wait(self, cause: str) -> None:
        delay = min(self.max_s, self.first_s * 2**self.attempts)
        self.attempts += 1
        self._log.error("%s failed (attempt %d): %s; retrying in %.1f s", self.what, self.attempts, cause, delay)
        if self.stopping.wait(delay):
            raise Stopped(f"stopped while waiting for {self.what}")

    def reset(self) -> None:
        if self.attempts:
            self._log.warning("%s works again after %d failed attempt(s)", self.what, self.attempts)
        self.attempts = 0


def retrying(backoff: Backoff, action: Callable[[], T], errors: tuple[type[BaseException], ...]) -> T:
    """``action()``, repeated after each of ``errors`` until it succeeds (or the service is stopped)."""
    while True:
        try:
            result = action()
        except errors as error:
            backoff.wait(f"{type(error).__name__}: {error}")
            continue
        backoff.reset()
        return result
