"""Where each part of the stack keeps its config, data, log and pid file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StackPaths:
    """The layout under the stack's data directory (``PA_STACK_DATA_DIR``)."""

    root: Path

    def conf_dir(self, server: str) -> Path:
        return self.root / "conf" / server

    def data_dir(self, server: str) -> Path:
        return self.root / "data" / server

    def log_file(self, server: str) -> Path:
        return self.root / "logs" / f"{server}.log"

    def pid_file(self, server: str) -> Path:
        return self.root / "run" / f"{server}.pid"

    @property
    def tls_dir(self) -> Path:
        """The stack's own certificate authority and the servers' certificates (keys 0600)."""
        return self.root / "tls"

    @property
    def classpath_dir(self) -> Path:
        return self.root / "classpaths"
