"""The threshold table in HBase, through happybase (the Thrift1 gateway)."""

from __future__ import annotations

import hashlib

import happybase

from hbase_setup.rules import FAMILIES, Cells


def ensure_table(connection: happybase.Connection, name: str) -> bool:
    """Create the table with families attribute, limit, alert unless it exists; return whether it was created."""
    if name.encode() in connection.tables():
        return False
    connection.create_table(name, {family: dict(max_versions=1) for family in sorted(FAMILIES)})
    return True


def read_rows(connection: happybase.Connection, name: str) -> dict[str, Cells]:
    """Every row of the table: row key -> {b'family:column': value}."""
    return {key.decode(): dict(cells) for key, cells in connection.table(name).scan(batch_size=1000)}


def fingerprint(connection: happybase.Connection, name: str) -> str:
    """A digest of every cell's row, column and timestamp, without transferring the values.

    Any write (hbase_setup, happybase, `hbase shell`) gives the cell a new
    timestamp and any delete removes one, so the digest changes; it is cheap
    enough to check every few seconds because HBase strips the values server-side.
    """
    digest = hashlib.blake2b(digest_size=16)
    for key, cells in connection.table(name).scan(filter=b"KeyOnlyFilter()", include_timestamp=True, batch_size=1000):
        digest.update(key)
        for column in sorted(cells):
            digest.update(column)
            digest.update(str(cells[column][1]).encode())
    return digest.hexdigest()
