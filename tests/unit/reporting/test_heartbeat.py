"""Long work is never silent: a heartbeat line while the block runs, none after it ends (no server)."""

from __future__ import annotations

import io
import re
import threading

from reporting.heartbeat import heartbeat


class Lines(io.StringIO):
    """A stream that says when a line arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        self.arrived.set()
        return written


def test_a_line_arrives_while_the_block_runs_and_none_once_it_ended():
    stream = Lines()
    with heartbeat("[bench] streaming", every_s=0.01, stream=stream):
        assert stream.arrived.wait(30), "no heartbeat while the block ran"
    ended = stream.getvalue()
    assert re.match(r"\[bench\] streaming: still running, 0 min 0\d s in\n", ended), ended
    stream.arrived.clear()
    assert not stream.arrived.wait(0.2), f"a line after the block ended (twenty periods): {stream.getvalue()!r}"
