"""How every command-line entry point of the pipeline starts: log format, settings, graceful stops."""

from __future__ import annotations

import logging
import threading

import settings
from runtime.signals import stop_on_signals

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def start() -> tuple[settings.Settings, threading.Event]:
    """Logging configured, the settings loaded and SIGTERM/SIGINT turned into a stop request.

    A setting with a bad value ends the program with one line naming the variable and what is allowed,
    not a traceback.
    """
    logging.basicConfig(level=logging.WARNING, format=LOG_FORMAT)
    try:
        current = settings.get()
    except settings.SettingsError as error:
        raise SystemExit(f"configuration error: {error}") from None
    return current, stop_on_signals()
