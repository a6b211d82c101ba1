"""The console log: dependencies' routine chatter kept out of a run that works, shown in full when debugging."""

from __future__ import annotations

import json
import logging
import os
import sys

import pytest

import settings
from runtime import logs


def test_libraries_speak_only_when_critical_at_the_default_level():
    logs.configure(settings.load({}).logs)
    assert not logging.getLogger("kafka.conn").isEnabledFor(logging.ERROR)
    assert logging.getLogger("streaming.landing").isEnabledFor(logging.WARNING)


def test_debug_shows_the_libraries_own_lines_too():
    """A Kafka TLS or SASL failure is logged by kafka-python itself: PA_LOG_LEVEL=DEBUG must show it."""
    logs.configure(settings.load({"PA_LOG_LEVEL": "DEBUG"}).logs)
    assert logging.getLogger("kafka.conn").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("botocore.retryhandler").isEnabledFor(logging.DEBUG)


def test_json_format_writes_one_object_per_line_for_log_shippers():
    logs.configure(settings.load({"PA_LOG_FORMAT": "json"}).logs)
    [handler] = logging.getLogger().handlers
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("notifier.service").makeRecord(
            "notifier.service", logging.ERROR, __file__, 1, "SNS refused %s", ("it",), sys.exc_info()
        )
    line = handler.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert (parsed["level"], parsed["logger"], parsed["message"]) == ("ERROR", "notifier.service", "SNS refused it")
    assert parsed["time"].endswith("Z") and "ValueError: broken" in parsed["exception"]


def test_patient_alert_verbose_runs_the_tool_at_debug_with_the_libraries_lines(monkeypatch, capsys):
    """``patient-alert -v TOOL``: the tool runs with PA_LOG_LEVEL=DEBUG, the client libraries' own lines shown."""
    from runtime import cli

    monkeypatch.delenv("PA_LOG_LEVEL", raising=False)
    monkeypatch.delitem(sys.modules, "monitoring.__main__", raising=False)  # runpy runs it afresh
    settings.get.cache_clear()
    try:
        assert cli.main(["-v", "monitoring", "rules"]) == 0
        assert os.environ["PA_LOG_LEVEL"] == "DEBUG"
        assert logging.getLogger("kafka.conn").isEnabledFor(logging.DEBUG)
        assert '"PatientAlertServiceDown"' in capsys.readouterr().out
    finally:
        settings.get.cache_clear()


@pytest.fixture(autouse=True)
def restore_logging(capsys):
    """configure() sets the process's logging up: put it back as pytest had it, before the captured stderr its
    handler writes to is closed (``capsys`` is torn down after this fixture): a line logged in between, say by
    py4j's garbage collection thread of the unit run's SparkSession, would otherwise hit a closed stream."""
    root = logging.getLogger()
    handlers, root_level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logs.QUIET_LIBRARIES}
    yield
    root.handlers[:] = handlers
    root.setLevel(root_level)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
