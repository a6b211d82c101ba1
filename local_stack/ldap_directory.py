"""The local LDAP directory's layout, and the one LDAP operation the stack needs: a simple bind.

The bind is what HiveServer2 does at every login (uid=<user> under the people
branch, with the user's password), so the stack's health probe and tests ask
the directory exactly that. It is one request of RFC 4511, encoded here in a
few lines of BER rather than adding an LDAP client library for it.
"""

from __future__ import annotations

import socket

SUFFIX = "dc=patient-alert,dc=local"
PEOPLE = f"ou=people,{SUFFIX}"
SUCCESS = 0
INVALID_CREDENTIALS = 49

_SEQUENCE, _INTEGER, _OCTET_STRING, _ENUMERATED = 0x30, 0x02, 0x04, 0x0A
_BIND_REQUEST, _BIND_RESPONSE, _SIMPLE_AUTHENTICATION = 0x60, 0x61, 0x80


def person_dn(user: str) -> str:
    """The entry HiveServer2's LDAP provider binds as: uid=<user> under the base DN it is given (PEOPLE)."""
    return f"uid={user},{PEOPLE}"


def simple_bind(host: str, port: int, dn: str, password: str, timeout_s: float = 3.0) -> int:
    """Bind as ``dn`` with ``password``; return the LDAP result code (0 success, 49 invalid credentials)."""
    version, name, secret = _tlv(_INTEGER, b"\x03"), _tlv(_OCTET_STRING, dn.encode()), password.encode()
    bind = _tlv(_BIND_REQUEST, version + name + _tlv(_SIMPLE_AUTHENTICATION, secret))
    request = _tlv(_SEQUENCE, _tlv(_INTEGER, b"\x01") + bind)  # message id 1
    with socket.create_connection((host, port), timeout=timeout_s) as connection:
        connection.sendall(request)
        message = _read_message(connection)
    _, body, _ = _split(message)  # the LDAPMessage sequence
    _, _, rest = _split(body)  # skip the message id
    tag, response, _ = _split(rest)
    if tag != _BIND_RESPONSE:
        raise ConnectionError(f"the directory answered a bind with LDAP operation 0x{tag:02x}")
    tag, code, _ = _split(response)
    if tag != _ENUMERATED:
        raise ConnectionError("the directory's bind response has no result code")
    return int.from_bytes(code, "big")


def _tlv(tag: int, value: bytes) -> bytes:
    length = len(value)
    if length < 0x80:
        return bytes([tag, length]) + value
    size = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + value


def _split(data: bytes) -> tuple[int, bytes, bytes]:
    """The first element of ``data``: its tag, its value, and what follows it."""
    header = _header(data)
    if header is None:
        raise ConnectionError("the directory's answer ends inside an element's header")
    start, length = header
    return data[0], data[start : start + length], data[start + length :]


def _read_message(connection: socket.socket) -> bytes:
    data = b""
    while (header := _header(data)) is None or len(data) < sum(header):
        chunk = connection.recv(4096)
        if not chunk:
            raise ConnectionError("the directory closed the connection before answering")
        data += chunk
    return data[: sum(header)]


def _header(data: bytes) -> tuple[int, int] | None:
    """Where the value of the element ``data`` starts and how long it is (BER's short or long length form), once
    its header has arrived (None before)."""
    if len(data) < 2:
        return None
    if data[1] < 0x80:
        return 2, data[1]
    start = 2 + (data[1] & 0x7F)
    if len(data) < start:
        return None
    return start, int.from_bytes(data[2:start], "big")
