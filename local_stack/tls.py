"""The local stack's own certificate authority and a server certificate it signs, made once with openssl.

A real deployment's servers have certificates from the hospital's or the
cloud's authority; the local stack makes its own so the same verifying
clients (CA file, host name checked against 127.0.0.1) run here. The CA's key
never leaves the stack's private folder; clients get only ``ca.pem``.
"""

from __future__ import annotations

import ipaddress
import logging
import subprocess
from pathlib import Path

from local_stack.errors import StackError
from local_stack.paths import StackPaths
from local_stack.system_packages import ensure_command

log = logging.getLogger(__name__)

VALID_DAYS = 825


def authority(paths: StackPaths) -> Path:
    """The CA certificate (PEM) clients verify the stack's servers with."""
    return paths.tls_dir / "ca.pem"


def server_certificate(paths: StackPaths, host: str) -> tuple[Path, Path]:
    """(certificate, key) PEM files for a server reached at ``host``, signed by the stack's CA; made once."""
    folder = paths.tls_dir
    certificate, key = folder / "server.pem", folder / "server-key.pem"
    if certificate.is_file() and key.is_file():
        return certificate, key
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    ca_key = folder / "ca-key.pem"
    if not authority(paths).is_file():
        _openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", str(VALID_DAYS), "-subj",
            "/CN=Patient Alert local stack CA", "-keyout", str(ca_key), "-out", str(authority(paths)),
        )  # fmt: skip
    request = folder / "server.csr"
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={host}", "-keyout", str(key), "-out", str(request),
    )  # fmt: skip
    names = folder / "server.ext"
    names.write_text(f"subjectAltName = {'IP' if _is_address(host) else 'DNS'}:{host}, DNS:localhost\n")
    _openssl(
        "x509", "-req", "-in", str(request), "-CA", str(authority(paths)), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", str(VALID_DAYS), "-extfile", str(names), "-out", str(certificate),
    )  # fmt: skip
    for private in (key, ca_key):
        private.chmod(0o600)
    log.info("made the stack's TLS certificate for %s (CA %s)", host, authority(paths))
    return certificate, key


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _openssl(*arguments: str) -> None:
    result = subprocess.run([ensure_command("openssl", "openssl"), *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"openssl {arguments[0]} failed while making the stack's TLS certificates:\n{result.stderr}")


def keystore(paths: StackPaths, host: str) -> Path:
    """The server's key and certificate in one PEM file, as Kafka's PEM keystore (``ssl.keystore.type=PEM``) reads."""
    certificate, key = server_certificate(paths, host)
    combined = paths.tls_dir / "server-keystore.pem"
    if not combined.is_file():
        combined.touch(mode=0o600)
        combined.write_text(key.read_text() + certificate.read_text())
    return combined
