"""Bring the whole stack (or some of its servers) up, down, and report on it."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import asdict, dataclass

from local_stack import jars, launcher
from local_stack.errors import StackError
from local_stack.paths import StackPaths
from local_stack.servers import ALL, BY_NAME, of_stack
from local_stack.spec import ServerSpec, StackContext
from settings import StackSettings

_POLL_S = 0.5


@dataclass(frozen=True)
class ServerStatus:
    name: str
    summary: str
    address: str
    pid: int | None
    memory_mb: float
    healthy: bool
    detail: str


def context(settings: StackSettings) -> StackContext:
    return StackContext(settings=settings, paths=StackPaths(settings.stack.data_dir))


def selected(settings: StackSettings, names: list[str] | None) -> list[ServerSpec]:
    """The named specs plus everything they require, in stack order; none named: the stack's servers."""
    if not names:
        return of_stack(settings)
    _check_known(names)
    wanted: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted.add(name)
            pending.extend(required for required in BY_NAME[name].requires if BY_NAME[required].enabled(settings))
    return [spec for spec in ALL if spec.name in wanted]


def with_dependents(names: list[str]) -> list[ServerSpec]:
    """The named specs plus every spec that (transitively) requires one of them, in stack order; opt-in servers
    included whatever the settings say (stopping one that runs is always right)."""
    _check_known(names)
    chosen = set(names)
    for spec in ALL:  # ALL is in dependency order, so one pass reaches every dependent
        if chosen.intersection(spec.requires):
            chosen.add(spec.name)
    return [spec for spec in ALL if spec.name in chosen]


def up(settings: StackSettings, names: list[str] | None = None) -> dict[str, float]:
    """Start what is not running and wait until every server answers; return seconds per server.

    Each server starts as soon as the servers it requires are healthy, so
    independent JVMs warm up side by side. Running, healthy servers are left alone.
    """
    ctx = context(settings)
    specs = selected(settings, names)
    ctx.paths.root.mkdir(parents=True, exist_ok=True)
    ctx.paths.root.chmod(0o700)  # patient data: the stack's folder is its user's alone, whatever lies beneath
    jars.resolve(ctx.paths.classpath_dir, jars.PROFILES, settings.stack.jar_repository)
    began = time.monotonic()
    started: dict[str, tuple[int | None, float]] = {}
    ready: dict[str, float] = {}
    running = {spec.name for spec in specs}
    while len(ready) < len(specs):
        for spec in specs:
            # a requirement this stack leaves out (the LDAP directory without LDAP logins) is not waited for
            if spec.name not in started and all(required in ready for required in spec.requires if required in running):
                started[spec.name] = (_adopt_or_start(spec, ctx), time.monotonic())
        for spec in specs:
            if spec.name in started and spec.name not in ready:
                pid, since = started[spec.name]
                if _became_healthy(spec, ctx, pid, since):
                    if spec.provision is not None:
                        spec.provision(ctx)
                    ready[spec.name] = time.monotonic() - since
                    _report(f"{spec.name:<15} up     {ready[spec.name]:5.1f}s  {spec.address(settings)}")
        if len(ready) < len(specs):
            time.sleep(_POLL_S)
    _report(f"all {len(specs)} servers healthy in {time.monotonic() - began:.1f}s (data: {ctx.paths.root})")
    return ready


def down(settings: StackSettings, names: list[str] | None = None) -> list[str]:
    """Stop the named servers (all by default) and those that need them, dependents first; data is kept."""
    ctx = context(settings)
    stopped = []
    for spec in reversed(with_dependents(names) if names else list(ALL)):  # an opt-in server left running too
        if launcher.stop(spec, ctx):
            stopped.append(spec.name)
            _report(f"{spec.name:<15} stopped")
    return stopped


def kill(settings: StackSettings, names: list[str]) -> list[str]:
    """SIGKILL exactly the named servers (not their dependents), as a crash would; ``up`` starts them again."""
    _check_known(names)
    ctx = context(settings)
    killed = [spec.name for spec in selected(settings, names) if launcher.kill(spec, ctx)]
    for name in killed:
        _report(f"{name:<15} killed (SIGKILL)")
    return killed


def reset(settings: StackSettings) -> None:
    """Stop everything and wipe its data (resolved class paths are kept)."""
    down(settings)
    ctx = context(settings)
    for folder in ("conf", "data", "logs", "run"):
        shutil.rmtree(ctx.paths.root / folder, ignore_errors=True)
    _report(f"wiped {ctx.paths.root} (kept class paths)")


def status(settings: StackSettings) -> list[ServerStatus]:
    ctx = context(settings)
    report = []
    for spec in of_stack(settings):
        pid = launcher.running_pid(ctx, spec)
        healthy, detail = launcher.probe(spec, ctx) if pid else (False, "not running")
        report.append(
            ServerStatus(
                name=spec.name,
                summary=spec.summary,
                address=spec.address(settings),
                pid=pid,
                memory_mb=round(launcher.resident_memory_mb(pid), 1) if pid else 0.0,
                healthy=healthy,
                detail=detail,
            )
        )
    return report


def status_table(report: list[ServerStatus]) -> str:
    lines = [f"{'server':<15} {'health':<8} {'pid':>7} {'RSS MiB':>8}  address / detail"]
    for row in report:
        health = "healthy" if row.healthy else ("DOWN" if row.pid is None else "failing")
        lines.append(
            f"{row.name:<15} {health:<8} {row.pid or '-':>7} {row.memory_mb:>8.0f}  {row.address}  ({row.detail})"
        )
    total = sum(row.memory_mb for row in report)
    lines.append(f"{'total':<15} {'':<8} {'':>7} {total:>8.0f}")
    return "\n".join(lines)


def status_dicts(report: list[ServerStatus]) -> list[dict]:
    return [asdict(row) for row in report]


def _check_known(names: list[str]) -> None:
    unknown = [name for name in names if name not in BY_NAME]
    if unknown:
        raise StackError(f"unknown server(s) {unknown}; the stack has {list(BY_NAME)}")


def _adopt_or_start(spec: ServerSpec, ctx: StackContext) -> int | None:
    pid = launcher.running_pid(ctx, spec)
    if pid is not None:
        return pid
    _report(f"{spec.name:<15} starting ({spec.summary}); log {ctx.paths.log_file(spec.name)}")
    return launcher.start(spec, ctx)


def _became_healthy(spec: ServerSpec, ctx: StackContext, pid: int | None, since: float) -> bool:
    healthy, detail = launcher.probe(spec, ctx)
    if healthy:
        return True
    if pid is not None and launcher.running_pid(ctx, spec) is None:
        raise StackError(launcher.failure_message(spec, ctx, "exited during start-up"))
    if time.monotonic() - since > ctx.settings.stack.start_timeout_s:
        raise StackError(
            launcher.failure_message(
                spec, ctx, f"did not answer within {ctx.settings.stack.start_timeout_s}s (last probe: {detail})"
            )
        )
    return False


def _report(message: str) -> None:
    print(f"[stack] {message}", file=sys.stderr, flush=True)
