"""``python -m batch reconcile --from T1 --to T2`` — account for every RDS reading of a time range;
``python -m batch aggregates --from T1 --to T2`` — the vitals_batch_aggregates job for those hours (spark-submit-able:
``python -m cluster submit batch aggregates ...``)."""

from __future__ import annotations

import argparse
import sys

from batch.aggregates import aggregate_hours, ward_rollup
from batch.reconcile import reconcile, report
from clients.spark import session
from producers.rows import utc_time
from runtime import cli, entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("batch"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("reconcile", help="RDS vs Kafka vs vitals_raw + vitals_rejected, per hour")
    aggregate = commands.add_parser("aggregates", help="hourly aggregates per patient, then each day's ward rollup")
    for command in (check, aggregate):
        command.add_argument("--from", dest="start", type=utc_time, required=True, help="inclusive (ISO-8601)")
        command.add_argument("--to", dest="end", type=utc_time, required=True, help="exclusive (ISO-8601)")
    args = parser.parse_args(argv)
    current, _ = entry.start()
    spark = session(current, f"patient-alert-{args.command}")
    if args.command == "aggregates":
        hours = aggregate_hours(spark, current.names, args.start, args.end)
        for hour in hours:
            print(f"vitals_hourly {hour.hour_start:%Y-%m-%d %H}:00: {hour.patients} patients, {hour.readings} readings")
        for day in sorted({hour.hour_start.date() for hour in hours}):
            print(f"ward_daily_vitals {day}: {ward_rollup(spark, current.names, day)} ward(s)")
        return 0
    checked = reconcile(spark, current, args.start, args.end)
    print(report(checked))
    return 0 if all(hour.accounted for hour in checked) else 1


if __name__ == "__main__":
    sys.exit(entry.run(main))
