"""``python -m producers publish|replay`` — the RDS → Kafka producer (simulated devices: ``python -m simulation``)."""

from __future__ import annotations

import argparse
import sys

from monitoring import endpoint
from producers import producer
from producers.replay import replay
from producers.rows import RowSelection, utc_time
from runtime import cli, entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("producers"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    pub = commands.add_parser("publish", help="publish new readings from RDS to Kafka (resumable)")
    pub.add_argument("--follow", action="store_true", help="keep polling for new rows (service mode)")

    rep = commands.add_parser("replay", help="publish a time or id range from RDS to Kafka again")
    rep.add_argument("--from", dest="start", type=utc_time, help="event time, inclusive (ISO-8601, UTC)")
    rep.add_argument("--to", dest="end", type=utc_time, help="event time, exclusive (ISO-8601, UTC)")
    rep.add_argument("--first-id", type=int)
    rep.add_argument("--last-id", type=int)
    rep.add_argument("--dry-run", action="store_true", help="only count the matching readings")
    rep.add_argument("--rate", type=float, help="at most this many rows per second")
    args = parser.parse_args(argv)
    current, stopping = entry.start()

    if args.command == "publish":
        if args.follow:  # a service: Prometheus scrapes its lag
            endpoint.serve(
                current.metrics.metrics_host, current.metrics.producer_metrics_port, "PA_PRODUCER_METRICS_PORT"
            )
        published = producer.run(current, follow=args.follow, stopping=stopping)
        print(
            f"[producer] published {published.published:,}, dead-lettered {published.dead_lettered}, "
            f"watermark {published.last_id} ({published.rows_per_s:,.0f} rows/s)"
        )
    elif args.command == "replay":
        if not any((args.start, args.end, args.first_id, args.last_id)):
            parser.error("replay needs a range: --from/--to and/or --first-id/--last-id")
        replayed = replay(
            current,
            RowSelection(first_id=args.first_id, last_id=args.last_id, start_time=args.start, end_time=args.end),
            dry_run=args.dry_run,
            rows_per_s=args.rate,
        )
        print(
            f"[replay] {replayed.matching:,} matching"
            + ("" if replayed.dry_run else f", {replayed.published:,} published")
        )
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
