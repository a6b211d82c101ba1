"""Connections to HBase through its Thrift1 gateway (happybase)."""

from __future__ import annotations

import happybase

from settings import HbaseSettings


def connect(hbase: HbaseSettings, timeout_ms: int = 30_000) -> happybase.Connection:
    """A happybase connection; transport and protocol must match the Thrift server's flags."""
    return happybase.Connection(
        host=hbase.host,
        port=hbase.port,
        transport=hbase.transport,
        protocol=hbase.protocol,
        timeout=timeout_ms,
    )
