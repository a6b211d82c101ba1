"""Which addresses a local port listens on, from the kernel's own table (/proc/net/tcp and tcp6)."""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path

_LISTEN = "0A"


def free_port(host: str) -> int:
    """A port of ``host`` (a local address, from the settings) that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> set[str]:
    """Every local address with a socket listening on ``port`` (loopback, the IPv4 or IPv6 wildcard, ...)."""
    return {address for address, listening_port, _ in _listening() if listening_port == port}


def listening_sockets(pids: set[int]) -> set[tuple[str, int]]:
    """(address, port) of every socket listening in the processes ``pids`` or their descendants."""
    family = _with_descendants(pids)
    inodes = set()
    for pid in family:
        for link in _fd_links(pid):
            if link.startswith("socket:["):
                inodes.add(link[len("socket:[") : -1])
    return {(address, port) for address, port, inode in _listening() if inode in inodes}


def _fd_links(pid: int) -> list[str]:
    """What the open file descriptors of ``pid`` point at (fewer if some close meanwhile, none if it ended)."""
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return []
    links = []
    for descriptor in descriptors:
        try:
            links.append(os.readlink(descriptor))
        except OSError:
            continue
    return links


def _listening() -> list[tuple[str, int, str]]:
    """(address, port, socket inode) of every listening TCP socket, IPv4 and IPv6."""
    found = []
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == _LISTEN:
                found.append((str(_address(address)), int(port_hex, 16), fields[9]))
    return found


def _with_descendants(pids: set[int]) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    family = set(pids)
    while True:
        children = {pid for pid, parent in parents.items() if parent in family} - family
        if not children:
            return family
        family |= children


def _address(kernel_hex: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """/proc/net/tcp writes addresses as host-order 32-bit words in hex."""
    raw = bytes.fromhex(kernel_hex)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    mapped = getattr(address, "ipv4_mapped", None)  # a Java socket on an IPv4 address shows IPv4-mapped
    return mapped or address
