"""The console log of every command: the pipeline's own lines at PA_LOG_LEVEL, its dependencies' chatter kept out.

A run that worked should read clean: the Kafka client's routine warnings (a
topic's metadata not there yet, a broker reconnect it rides out) and Python
deprecation warnings from libraries are not the operator's business, so they
show only when critical. With PA_LOG_LEVEL=DEBUG they show in full: a Kafka
TLS or SASL failure, an SNS retry, a Thrift reconnect are then visible. Spark's
own log goes to a file (clients/spark.py).
"""

from __future__ import annotations

import json
import logging
import time
import warnings

from settings import LogSettings
from settings.choices import LogFormat, LogLevel

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# libraries whose WARNING lines describe what they retry or work around themselves
QUIET_LIBRARIES = ("kafka", "py4j", "urllib3", "botocore", "happybase", "thriftpy2", "thrift", "py.warnings")


def configure(logs: LogSettings) -> None:
    """Log the pipeline's lines at PA_LOG_LEVEL on stderr; dependencies and Python warnings only when critical
    (what they retry, the pipeline's own code reports when it gives up), unless the level is DEBUG."""
    logging.basicConfig(level=logs.level.value, format=LOG_FORMAT, force=True)
    if logs.format is LogFormat.JSON:
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonLines())
    logging.captureWarnings(True)
    # Airflow's dag.test runs its execution API in process through Starlette's TestClient, which warns on import;
    # Airflow then logs warnings through its own structlog set-up, past the py.warnings level below
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    quiet = logging.NOTSET if logs.level is LogLevel.DEBUG else logging.CRITICAL
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(quiet)


class JsonLines(logging.Formatter):
    """One JSON object per record (PA_LOG_FORMAT=json), for log shippers: time (UTC, ISO 8601), level, logger,
    message, and the exception's traceback as one field."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

    converter = time.gmtime  # type: ignore[assignment] # typeshed's stub has the argument optional, gmtime too
