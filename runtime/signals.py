"""Graceful stops: SIGTERM (what Airflow, systemd and Kubernetes send) and SIGINT (Ctrl-C) alike."""

from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger(__name__)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT; the service finishes the work in hand, records it, then returns."""
    stopping = threading.Event()

    def request_stop(number: int, _frame) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt  # a second signal: stop now
        log.warning("%s received: stopping after the work in hand", signal.Signals(number).name)
        stopping.set()

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, request_stop)
    return stopping
