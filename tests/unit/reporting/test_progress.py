"""Progress on long work: a bar with the count, rate and ETA on a terminal, plain lines in a log."""

from __future__ import annotations

import io

from reporting.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_with_the_count_and_the_time_left():
    screen = Terminal()
    progress = Progress("[producer] readings", total=400, stream=screen)
    progress.advance(100)
    progress.finish()
    shown = screen.getvalue().split("\r")[-1]
    assert shown.startswith("[producer] readings:  25%|") and "| 100/400 [" in shown, shown
    assert "<" in shown, f"an elapsed<remaining estimate: {shown}"


def test_a_log_gets_plain_lines_with_the_rate_and_eta_and_no_carriage_returns():
    clock = iter([0.0, 5.0] + [31.0] * 20)
    log = io.StringIO()
    progress = Progress("[replay] published", total=124, stream=log, clock=lambda: next(clock))
    progress.advance(10)  # 5 s in: too soon for a line in a log
    progress.advance(52)  # 31 s in: a plain line
    progress.finish()  # the caller prints its own summary in a log
    assert log.getvalue() == "[replay] published: 62/124 (2/s, 31s, ETA 31s)\n"
