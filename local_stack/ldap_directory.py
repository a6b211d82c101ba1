"""The local LDAP directory's layout, and the one LDAP operation the stack needs: a simple bind.

The bind is what HiveServer2 does at every login (uid=<user> under the people
branch, with the user's password), so the stack's health probe and tests ask
the directory exactly that, with ldap3 (a pure-Python LDAP client).
"""

from __future__ import annotations

import ldap3

SUFFIX = "dc=patient-alert,dc=local"
PEOPLE = f"ou=people,{SUFFIX}"
SUCCESS = 0
INVALID_CREDENTIALS = 49


def person_dn(user: str) -> str:
    """The entry HiveServer2's LDAP provider binds as: uid=<user> under the base DN it is given (PEOPLE)."""
    return f"uid={user},{PEOPLE}"


def simple_bind(host: str, port: int, dn: str, password: str, timeout_s: float = 3.0) -> int:
    """Bind as ``dn`` with ``password``; return the LDAP result code (0 success, 49 invalid credentials). A
    directory that cannot be reached raises (ldap3's LDAPSocketOpenError, an OSError's kin)."""
    server = ldap3.Server(host, port=port, get_info=ldap3.NONE, connect_timeout=timeout_s)
    # ldap3 packs the receive timeout into a socket option: whole seconds
    connection = ldap3.Connection(server, user=dn, password=password, receive_timeout=max(1, round(timeout_s)))
    try:
        connection.bind()
        return int(connection.result["result"])
    finally:
        connection.unbind()
