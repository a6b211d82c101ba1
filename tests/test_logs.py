"""The console log: dependencies' routine chatter kept out of a run that works, shown in full when debugging."""

from __future__ import annotations

import logging

import pytest

import settings
from runtime import logs


@pytest.fixture(autouse=True)
def restore_logging():
    """configure() sets the process's logging up: put it back as pytest had it."""
    root = logging.getLogger()
    handlers, root_level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logs.QUIET_LIBRARIES}
    yield
    root.handlers[:] = handlers
    root.setLevel(root_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def test_libraries_speak_only_when_critical_at_the_default_level():
    logs.configure(settings.load({}))
    assert not logging.getLogger("kafka.conn").isEnabledFor(logging.ERROR)
    assert logging.getLogger("streaming.landing").isEnabledFor(logging.WARNING)


def test_debug_shows_the_libraries_own_lines_too():
    """A Kafka TLS or SASL failure is logged by kafka-python itself: PA_LOG_LEVEL=DEBUG must show it."""
    logs.configure(settings.load({"PA_LOG_LEVEL": "DEBUG"}))
    assert logging.getLogger("kafka.conn").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("botocore.retryhandler").isEnabledFor(logging.DEBUG)
