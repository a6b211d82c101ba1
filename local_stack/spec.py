"""The declarative description of one server of the local stack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from local_stack import jars
from local_stack.paths import StackPaths
from settings import StackSettings


@dataclass(frozen=True)
class StackContext:
    """What a spec's functions need: the settings and where things live."""

    settings: StackSettings
    paths: StackPaths

    def classpath(self, profile: str) -> str:
        return jars.classpath(self.paths.classpath_dir, profile, self.settings.stack.jar_repository)


@dataclass(frozen=True)
class ServerSpec:
    """One server: how to configure, start, check and provision it.

    Every callable takes the :class:`StackContext` (or the settings) so the
    same spec works on any ports and data directory.
    """

    name: str
    summary: str
    command: Callable[[StackContext], list[str]]
    probe: Callable[[StackSettings], str]
    address: Callable[[StackSettings], str]
    ports: Callable[[StackSettings], dict[str, int]] = lambda s: {}
    config_files: Callable[[StackContext], dict[str, str]] = lambda ctx: {}
    initialise: Callable[[StackContext], None] | None = None
    provision: Callable[[StackContext], None] | None = None
    environment: Callable[[StackContext], dict[str, str]] = lambda ctx: {}
    requires: tuple[str, ...] = field(default_factory=tuple)
    enabled: Callable[[StackSettings], bool] = lambda s: True  # opt-in servers say when they are part of the stack

    def conf_dir(self, ctx: StackContext) -> Path:
        return ctx.paths.conf_dir(self.name)

    def data_dir(self, ctx: StackContext) -> Path:
        return ctx.paths.data_dir(self.name)
