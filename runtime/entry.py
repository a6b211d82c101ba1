"""How every command-line entry point of the pipeline starts: log format, settings, graceful stops."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

import settings
from runtime import logs
from runtime.signals import stop_on_signals

T = TypeVar("T")


def start() -> tuple[settings.Settings, threading.Event]:
    """Logging configured, the settings loaded and SIGTERM/SIGINT turned into a stop request.

    A setting with a bad value ends the program with one line naming the variable and what is allowed,
    not a traceback.
    """
    logging.basicConfig(level=logging.WARNING, format=logs.LOG_FORMAT)
    current = loaded(settings.get)
    logs.configure(current)
    return current, stop_on_signals()


def loaded(load: Callable[[], T]) -> T:
    """``load()`` (``settings.get``, ``settings.stack``), or the program ended with one line naming the variable
    and what is allowed (exit status 1), never a traceback."""
    try:
        return load()
    except settings.SettingsError as error:
        raise SystemExit(f"configuration error: {error}") from None
