"""Serve a process's metrics on ``http://PA_METRICS_HOST:port/metrics`` for Prometheus to scrape."""

from __future__ import annotations

import logging

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


def serve(host: str, port: int, setting: str) -> None:
    """Start the endpoint on a daemon thread (port 0: none). A port already taken ends the service with one line
    naming ``setting`` (the variable that chose the port), as a bad setting does."""
    if port == 0:
        return
    try:
        start_http_server(port, addr=host)
    except OSError as error:
        raise SystemExit(
            f"configuration error: {setting}={port}: the metrics endpoint cannot listen on {host}:{port} "
            f"({error.strerror}); choose a free port, or 0 for no endpoint"
        ) from None
    log.info("metrics on http://%s:%d/metrics", host, port)
