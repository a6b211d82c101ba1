"""The lock file pins what the two commands install: the virtualenv they made holds exactly its versions."""

from __future__ import annotations

import subprocess
import sys

from testkit.repository import REPOSITORY

LOCK = REPOSITORY / "constraints.txt"


def pinned(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        name, separator, version = line.strip().partition("==")
        if separator and not line.startswith("#"):
            found[name.lower().replace("_", "-")] = version
    return found


def test_the_virtualenv_holds_exactly_the_locked_versions():
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    locked = pinned(LOCK.read_text().splitlines())
    assert locked, "constraints.txt pins nothing"
    differences = {
        name: (locked.get(name), version) for name, version in pinned(frozen).items() if locked.get(name) != version
    }
    assert differences == {}, f"(locked, installed) differ: run 'make lock' after changing dependencies: {differences}"
