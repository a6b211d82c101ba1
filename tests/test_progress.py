"""Progress on long work: rewritten in place on a terminal with a rate and an ETA, plain lines in a log."""

from __future__ import annotations

import io

from reporting.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_rate_and_the_time_left():
    clock = iter([0.0] + [10.0] * 20)
    screen = Terminal()
    progress = Progress("[producer] readings", total=400, stream=screen, clock=lambda: next(clock))
    progress.advance(100)  # 100 in 10 s: 10/s, 300 left
    assert screen.getvalue() == "[producer] readings: 100/400 (10/s, 10s, ETA 30s)\r"


def test_a_log_gets_plain_lines_and_no_carriage_returns():
    clock = iter([0.0, 5.0] + [31.0] * 20)
    log = io.StringIO()
    progress = Progress("[replay] published", total=None, stream=log, clock=lambda: next(clock))
    progress.advance(10)  # 5 s in: too soon for a line in a log
    progress.advance(52)  # 31 s in: a plain line
    progress.finish()  # the caller prints its own summary in a log
    assert log.getvalue() == "[replay] published: 62 (2/s, 31s)\n"
