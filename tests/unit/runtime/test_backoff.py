"""Retrying a call through an outage (runtime/backoff.py): tenacity's loop with the service's delays, log lines and
stop event (no server; delays of milliseconds, never asserted as time)."""

from __future__ import annotations

import logging
import threading

import pytest

from runtime.backoff import Backoff, Stopped, retrying

log = logging.getLogger("tests.backoff")


class Flaky:
    """Fails ``failures`` times with ``error``, then answers 42."""

    def __init__(self, failures: int, error: BaseException):
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return 42


def backoff(stopping: threading.Event | None = None) -> Backoff:
    return Backoff("the test server", 0.001, 0.004, stopping or threading.Event(), log)


def test_a_call_is_retried_through_its_errors_with_doubling_capped_delays_then_recovery_is_logged(caplog):
    caplog.set_level(logging.WARNING, logger=log.name)
    call = Flaky(4, ConnectionError("refused"))
    waits = backoff()
    assert retrying(waits, call, (ConnectionError,)) == 42
    assert call.calls == 5 and waits.attempts == 0, "reset after the success"
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert errors == [
        f"the test server failed (attempt {attempt}): ConnectionError: refused; retrying in {delay} s"
        for attempt, delay in ((1, "0.0"), (2, "0.0"), (3, "0.0"), (4, "0.0"))
    ]
    assert caplog.records[-1].getMessage() == "the test server works again after 4 failed attempt(s)"


def test_the_delays_double_up_to_the_cap_and_are_shared_by_direct_waits():
    waits = Backoff("the test server", 1.0, 5.0, threading.Event(), log)
    assert [waits.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert waits.attempts == 5


def test_an_error_not_listed_is_raised_at_once():
    call = Flaky(1, ValueError("a bad record, not an outage"))
    with pytest.raises(ValueError, match="a bad record"):
        retrying(backoff(), call, (ConnectionError,))
    assert call.calls == 1


def test_a_stop_while_waiting_ends_the_retries():
    stopping = threading.Event()
    stopping.set()
    call = Flaky(10, ConnectionError("refused"))
    with pytest.raises(Stopped, match="stopped while waiting for the test server"):
        retrying(backoff(stopping), call, (ConnectionError,))
    assert call.calls == 1
