"""Install a Debian package when the machine lacks the command the stack needs.

A fresh machine has Java and Python but maybe not Maven or MariaDB; the stack
installs them itself (as the README promises) instead of asking the user to.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable

from local_stack.errors import StackError

_apt_updated = False


def ensure_command(command: str, package: str, answers: tuple[str, ...] = ()) -> str:
    """Return the path of ``command``, installing Debian ``package`` with apt if missing.

    ``answers`` are debconf lines (``package question type value``) given before the install: slapd, say, would
    otherwise set up and start a directory of its own for the whole machine.
    """
    return _ensure(lambda: shutil.which(command) or _in_sbin(command), f"'{command}'", package, answers)


def _ensure(find: Callable[[], str | None], what: str, package: str, answers: tuple[str, ...]) -> str:
    found = find()
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise StackError(f"{what} is missing and apt-get is not available: install {package} and retry.")
    print(f"[stack] {what} not found: installing Debian package {package} ...", file=sys.stderr, flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    global _apt_updated
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
        _apt_updated = True
    if answers:
        subprocess.run([*sudo, "debconf-set-selections"], input="\n".join(answers) + "\n", text=True, check=True)
    # dpkg's per-package lines are not the user's business unless the install fails
    result = subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", package], env=env, capture_output=True, text=True
    )
    found = find()
    if result.returncode != 0 or not found:
        raise StackError(
            f"installing {package} with apt-get failed (exit {result.returncode}); apt-get said:\n"
            f"{(result.stdout + result.stderr)[-2000:]}"
        )
    return found


def _in_sbin(command: str) -> str | None:
    """Daemons such as mariadbd live in /usr/sbin, which a non-root PATH may omit."""
    path = f"/usr/sbin/{command}"
    return path if os.access(path, os.X_OK) else None
