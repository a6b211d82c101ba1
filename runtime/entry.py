"""How every command-line entry point of the pipeline starts: log format, settings, graceful stops."""

from __future__ import annotations

import logging
import threading

import settings
from runtime import logs
from runtime.signals import stop_on_signals


def start() -> tuple[settings.Settings, threading.Event]:
    """Logging configured, the settings loaded and SIGTERM/SIGINT turned into a stop request.

    A setting with a bad value ends the program with one line naming the variable and what is allowed,
    not a traceback.
    """
    logging.basicConfig(level=logging.WARNING, format=logs.LOG_FORMAT)
    try:
        current = settings.get()
    except settings.SettingsError as error:
        raise SystemExit(f"configuration error: {error}") from None
    logs.configure(current)
    return current, stop_on_signals()
