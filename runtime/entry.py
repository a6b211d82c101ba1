"""How every command-line entry point of the pipeline starts: log format, settings, graceful stops."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

import settings
from runtime import logs, unreachable
from runtime.signals import stop_on_signals

S = TypeVar("S", bound=settings.Settings)


def start() -> tuple[settings.Settings, threading.Event]:
    """Logging configured, the settings loaded and SIGTERM/SIGINT turned into a stop request.

    A setting with a bad value ends the program with one line naming the variable and what is allowed,
    not a traceback.
    """
    current = loaded(settings.get)
    return current, stop_on_signals()


def loaded(load: Callable[[], S]) -> S:
    """``load()`` (``settings.get``, ``settings.stack``) with the console log configured by it
    (:func:`runtime.logs.configure`), or the program ended with one line naming the variable and what is allowed
    (exit status 1), never a traceback."""
    logging.basicConfig(level=logging.WARNING, format=logs.LOG_FORMAT)
    try:
        current = load()
    except settings.SettingsError as error:
        raise SystemExit(f"configuration error: {error}") from None
    logs.configure(current.logs)
    return current


def run(main: Callable[[], int | None]) -> int:
    """Run a command's ``main``; a server it cannot reach ends it with one line and exit status 3
    (:mod:`runtime.unreachable`) instead of a traceback."""
    try:
        return main() or 0
    except Exception as error:
        line = unreachable.describe(error, settings.get())
        if line is None:
            raise
        print(line, file=sys.stderr)
        return unreachable.EXIT_UNREACHABLE
