"""The pipeline's services as child processes (``python -m MODULE ARGS`` under a settings object's environment), as
the tests, the demo and the chaos run start them: the one way to do it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from settings import Settings, environment


def start_service(
    settings: Settings,
    module: str,
    *args: str,
    extra: dict[str, str] | None = None,
    log: Path | None = None,
    own_group: bool = False,
) -> subprocess.Popen:
    """Start ``python -m module args`` with ``settings`` (and ``extra`` variables) in its environment.

    With ``log``, its output (stdout and stderr) is appended there, which suits a long run whose lines nobody reads
    as they come; without, stdout is dropped and stderr kept as text for the caller (``communicate`` it, or the
    pipe fills). ``own_group`` starts it in a process group of its own, so a kill reaches its Spark JVM too.
    """
    output = log.open("a") if log is not None else None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", module, *args],
            env={**os.environ, **environment(settings), **(extra or {})},
            stdout=output if output is not None else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if output is not None else subprocess.PIPE,
            text=True,
            start_new_session=own_group,
        )
    finally:
        if output is not None:
            output.close()  # the child holds its own copy
