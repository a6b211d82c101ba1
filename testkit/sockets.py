"""Which addresses a local port listens on, from the kernel's own table (/proc/net/tcp and tcp6)."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

_LISTEN = "0A"


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Every local address with a socket listening on ``port`` ('127.0.0.1', '0.0.0.0', '::', ...)."""
    found = set()
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == _LISTEN and int(port_hex, 16) == port:
                found.add(str(_address(address)))
    return found


def _address(kernel_hex: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """/proc/net/tcp writes addresses as host-order 32-bit words in hex."""
    raw = bytes.fromhex(kernel_hex)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(words)
