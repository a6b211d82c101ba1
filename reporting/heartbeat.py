"""A line every so often while long work runs without other output (a benchmark's load phase, a landing run of
minutes), so a terminal or a log never goes quiet long enough to look hung."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

EVERY_S = 60.0


@contextlib.contextmanager
def heartbeat(label: str, every_s: float = EVERY_S, stream: TextIO = sys.stderr) -> Iterator[None]:
    """While the block runs, print ``label: still running, N min M s in`` every ``every_s`` seconds."""
    done = threading.Event()
    started = time.monotonic()

    def beat() -> None:
        while not done.wait(every_s):
            minutes, seconds = divmod(int(time.monotonic() - started), 60)
            print(f"{label}: still running, {minutes} min {seconds:02d} s in", file=stream, flush=True)

    beating = threading.Thread(target=beat, name=f"heartbeat {label}", daemon=True)
    beating.start()
    try:
        yield
    finally:
        done.set()
        beating.join()
