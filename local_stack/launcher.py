"""Start, check and stop any :class:`ServerSpec` — the one launcher for every server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from local_stack.errors import StackError
from local_stack.spec import ServerSpec, StackContext
from runtime.waiting import wait_until

_HINTS = (
    ("Address already in use", "a port is taken: stop the other process or change the port setting"),
    ("BindException", "a port is taken: stop the other process or change the port setting"),
    ("OutOfMemoryError", "the heap is too small: raise the heap setting of this server"),
    ("ClassNotFoundException", "the jars are incomplete: run 'python -m local_stack jars --refresh'"),
    ("NoClassDefFoundError", "the jars are incomplete: run 'python -m local_stack jars --refresh'"),
    ("Can't create/write", "the data directory is not writable"),
)


def running_pid(ctx: StackContext, spec: ServerSpec) -> int | None:
    """The pid from the spec's pid file if that process is alive, else None (stale files removed)."""
    pid_file = ctx.paths.pid_file(spec.name)
    try:
        pid = int(pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return None
    if not _alive(pid):
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def probe(spec: ServerSpec, ctx: StackContext) -> tuple[bool, str]:
    """Ask the server over its own protocol whether it serves; return (healthy, detail)."""
    try:
        return True, spec.probe(ctx.settings)
    except Exception as error:  # every client library raises its own types; all mean "not healthy"
        return False, f"{type(error).__name__}: {error}".strip()[:300]


def start(spec: ServerSpec, ctx: StackContext) -> int:
    """Write the spec's config, initialise it once, and start its process in the background; everything it and
    the server write is private to the user (umask 077: the data is patients')."""
    previous = os.umask(0o077)
    try:
        return _start(spec, ctx)
    finally:
        os.umask(previous)


def _start(spec: ServerSpec, ctx: StackContext) -> int:
    _check_ports_free(spec, ctx)
    conf = spec.conf_dir(ctx)
    conf.mkdir(parents=True, exist_ok=True)
    for relative, content in spec.config_files(ctx).items():
        target = conf / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    spec.data_dir(ctx).mkdir(parents=True, exist_ok=True)
    marker = spec.data_dir(ctx) / ".initialised"
    if spec.initialise is not None and not marker.exists():
        spec.initialise(ctx)
        marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S"))
    log = ctx.paths.log_file(spec.name)
    log.parent.mkdir(parents=True, exist_ok=True)
    ctx.paths.pid_file(spec.name).parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, **spec.environment(ctx))
    with open(log, "ab") as out:
        out.write(f"\n===== starting {spec.name} at {time.strftime('%H:%M:%S')} =====\n".encode())
        out.flush()
        process = subprocess.Popen(
            spec.command(ctx),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=spec.data_dir(ctx),
            env=env,
            start_new_session=True,
        )
    ctx.paths.pid_file(spec.name).write_text(str(process.pid))
    return process.pid


def stop(spec: ServerSpec, ctx: StackContext, timeout_s: float = 30) -> bool:
    """Stop the spec's process group if the stack started it; return whether one was running."""
    return _end(spec, ctx, signal.SIGTERM, timeout_s)


def kill(spec: ServerSpec, ctx: StackContext, timeout_s: float = 30) -> bool:
    """SIGKILL the spec's process group, as a crash would (for fault tests); return whether one was running."""
    return _end(spec, ctx, signal.SIGKILL, timeout_s)


def _end(spec: ServerSpec, ctx: StackContext, sig: signal.Signals, timeout_s: float) -> bool:
    """Send ``sig`` to the spec's process group, wait for it to go (SIGKILL after ``timeout_s``), drop its pid file."""
    pid = running_pid(ctx, spec)
    if pid is None:
        return False
    _signal_group(pid, sig)
    if not wait_until(lambda: not _alive(pid), timeout_s, every_s=0.1):
        _signal_group(pid, signal.SIGKILL)
    ctx.paths.pid_file(spec.name).unlink(missing_ok=True)
    return True


def resident_memory_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (spark-submit runs a JVM under a shell)."""
    total_kb = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total_kb / 1024


def log_tail(spec: ServerSpec, ctx: StackContext, lines: int = 20) -> str:
    log = ctx.paths.log_file(spec.name)
    if not log.exists():
        return "(no log yet)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return []
    kids = [int(child) for child in found]
    return kids + [grandchild for kid in kids for grandchild in _children(kid)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process counts as dead
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _check_ports_free(spec: ServerSpec, ctx: StackContext) -> None:
    for env_name, port in spec.ports(ctx.settings).items():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((ctx.settings.stack.host, port))
            except OSError:
                raise StackError(
                    f"{spec.name}: port {port} on {ctx.settings.stack.host} is already in use by another process "
                    f"(see 'ss -ltnp | grep :{port}'). Stop that process, or set {env_name} to a free port."
                ) from None


def failure_message(spec: ServerSpec, ctx: StackContext, what: str) -> str:
    tail = log_tail(spec, ctx, 25)
    hints = sorted({hint for needle, hint in _HINTS if needle in tail})
    hint_text = ("Likely fix: " + "; ".join(hints) + ".\n") if hints else ""
    return f"{spec.name} {what}.\n{hint_text}Log: {ctx.paths.log_file(spec.name)} (last lines below)\n{tail}"
