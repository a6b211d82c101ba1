"""``python -m hbase_setup load|show|history`` — manage the alert thresholds in HBase."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import settings
from clients import hbase
from hbase_setup import audit, coverage, verify
from hbase_setup.ages import describe_span
from hbase_setup.load import load
from hbase_setup.repository import ThresholdRepository
from hbase_setup.rules import InvalidThresholds
from hbase_setup.sources import SourceError
from runtime import cli, entry
from settings import RdsAccount


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("hbase_setup"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    load_command = commands.add_parser("load", help="create the table if needed and load a CSV or HBase-shell script")
    load_command.add_argument(
        "source",
        nargs="?",
        type=Path,
        help="CSV or shell script (default: PA_THRESHOLD_SOURCE or the shipped reference CSV)",
    )
    load_command.add_argument("--dry-run", action="store_true", help="show the diff against HBase, write nothing")
    load_command.add_argument("--replace", action="store_true", help="also remove rows that are not in the source")
    commands.add_parser(
        "show",
        help="print the rules as the stream sees them, the ages each vital lacks a band, and whether an audited load "
        "left them (exit 1 when not, or when the stream would refuse them)",
    )
    history_command = commands.add_parser("history", help="who changed the rules, when, from which file: the diffs")
    history_command.add_argument("-n", type=int, default=20, help="how many changes, newest first (default 20)")
    args = parser.parse_args(argv)
    current = entry.loaded(settings.get)

    if args.command == "history":
        entries = audit.history(current, args.n)
        print(
            "\n".join(entry.describe() for entry in entries) or f"no recorded change of {current.names.threshold_table}"
        )
        return 0
    if args.command == "load":
        try:
            changes = load(current, args.source, dry_run=args.dry_run, replace=args.replace)
        except (InvalidThresholds, SourceError) as error:
            print(f"[hbase_setup] {error}", file=sys.stderr)
            return 2
        print(changes.describe())
        if args.dry_run:
            print("(dry run: nothing written)")
        else:
            print(f"[hbase_setup] {current.names.threshold_table}: {changes.writes} row(s) written")
        return 0
    status = verify.verify(current, RdsAccount.RULES)
    repository = ThresholdRepository(lambda: hbase.connect(current.hbase), current.names.threshold_table)
    try:
        rules = repository.index.rules
    except InvalidThresholds as error:
        print(
            "\n".join([f"[hbase_setup] {current.names.threshold_table}: {error}", *status.describe()]), file=sys.stderr
        )
        return 1
    print(f"{'ref':>4} {'attribute':<12} {'ages':>9} {'values':>12} flag message")
    for rule in rules:
        print(
            f"{rule.rule_id:>4} {rule.attribute:<12} {describe_span(*rule.ages):<9} "
            f"{rule.low_value:>5g}-{rule.high_value:<6g} {rule.alert_flag:>4} {rule.message}"
        )
    print(f"{len(rules)} rules in HBase table {current.names.threshold_table}")
    gaps = coverage.uncovered(rules)
    if not gaps:
        every_age = describe_span(coverage.AGES.start, coverage.AGES.stop - 1)
        print(f"coverage: every vital has a band at every age {every_age}")
    for gap in gaps:
        print(f"coverage: no band for {gap.describe()} (no clinical alert from this table there)")
    print("\n".join(status.describe()), file=sys.stdout if status.sound else sys.stderr)
    return 0 if status.sound else 1


if __name__ == "__main__":
    sys.exit(entry.run(main))
