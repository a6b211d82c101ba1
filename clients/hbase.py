"""Connections to HBase through its Thrift1 gateway (happybase)."""

from __future__ import annotations

import happybase

from settings import Settings


def connect(settings: Settings, timeout_ms: int = 30_000) -> happybase.Connection:
    """A happybase connection; transport and protocol must match the Thrift server's flags."""
    return happybase.Connection(
        host=settings.hbase.host,
        port=settings.hbase.port,
        transport=settings.hbase.transport,
        protocol=settings.hbase.protocol,
        timeout=timeout_ms,
    )
