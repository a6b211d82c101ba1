"""One command line for a tooling package of several runs (``python -m drills chaos ...``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def dispatch(prog: str, description: str | None, commands: dict[str, Callable[[list[str]], int]]) -> int:
    """Run the command the first argument names with the arguments after it (its own ``--help`` included)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("command", choices=commands)
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="the command's own options (see its --help)")
    chosen = parser.parse_args()
    return commands[chosen.command](chosen.arguments)
