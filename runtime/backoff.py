"""Waiting out an outage: capped exponential backoff that logs each step and stops when told to.

A call that fails on a server error is retried by tenacity (:func:`retrying`); the services' own supervision
loops (the producer's poll, the stream's query restarts, the notifier's SNS batches, which decide per failure
whether to wait) call :meth:`Backoff.wait` directly. Both take their delays, ERROR lines and stop event from one
:class:`Backoff`, so a service shares one growing delay across its calls to the same server until one succeeds.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

import tenacity

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
        delay = self.next_delay()
        self._log_failure(cause, delay)
        self.sleep(delay)

    def reset(self) -> None:
        if self.attempts:
            self._log.warning("%s works again after %d failed attempt(s)", self.what, self.attempts)
        self.attempts = 0

    def next_delay(self, _state: tenacity.RetryCallState | None = None) -> float:
        """The next wait (counting the attempt); a tenacity wait strategy as well."""
        delay = min(self.max_s, self.first_s * 2**self.attempts)
        self.attempts += 1
        return delay

    def sleep(self, delay: float) -> None:
        """Wait ``delay`` seconds unless the service is stopped first (then raise :class:`Stopped`)."""
        if self.stopping.wait(delay):
            raise Stopped(f"stopped while waiting for {self.what}")

    def log_retry(self, state: tenacity.RetryCallState) -> None:
        """tenacity's before-sleep hook: the failed attempt's ERROR line."""
        error = state.outcome.exception() if state.outcome is not None else None
        delay = state.next_action.sleep if state.next_action is not None else 0.0
        self._log_failure(f"{type(error).__name__}: {error}", delay)

    def _log_failure(self, cause: str, delay: float) -> None:
        self._log.error("%s failed (attempt %d): %s; retrying in %.1f s", self.what, self.attempts, cause, delay)


def retrying(backoff: Backoff, action: Callable[[], T], errors: tuple[type[BaseException], ...]) -> T:
    """``action()``, repeated by tenacity after each of ``errors`` until it succeeds (or the service is stopped),
    waiting and logging as ``backoff`` does."""
    retry = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(errors),
        wait=backoff.next_delay,
        sleep=backoff.sleep,
        before_sleep=backoff.log_retry,
        reraise=True,
    )
    result = retry(action)
    backoff.reset()
    return result
