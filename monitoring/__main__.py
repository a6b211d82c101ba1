"""``python -m monitoring rules`` — print the operators' alerting rules for a cluster's Prometheus."""

from __future__ import annotations

import argparse
import sys

from monitoring.rules import rules_file
from runtime import cli, entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("monitoring"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("rules", help="the Prometheus rule file (YAML) from the settings, on stdout")
    parser.parse_args(argv)
    current, _ = entry.start()
    sys.stdout.write(rules_file(current.metrics))
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
