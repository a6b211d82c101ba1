"""``python -m batch reconcile --from T1 --to T2`` — account for every RDS reading of a time range."""

from __future__ import annotations

import argparse
import sys

from batch.reconcile import reconcile, report
from clients.spark import session
from producers.rows import utc_time
from runtime import entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m batch", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("reconcile", help="RDS vs Kafka vs vitals_raw + vitals_rejected, per hour")
    check.add_argument("--from", dest="start", type=utc_time, required=True, help="event time, inclusive (ISO-8601)")
    check.add_argument("--to", dest="end", type=utc_time, required=True, help="event time, exclusive (ISO-8601)")
    args = parser.parse_args(argv)
    current, _ = entry.start()
    spark = session(current, "patient-alert-reconcile")
    hours = reconcile(spark, current, args.start, args.end)
    print(report(hours))
    return 0 if all(hour.accounted for hour in hours) else 1


if __name__ == "__main__":
    sys.exit(main())
