"""``python -m producers simulate|publish|replay`` — RDS and the RDS → Kafka producer."""

from __future__ import annotations

import argparse
import sys

from monitoring import endpoint
from producers import producer
from producers.replay import replay
from producers.rows import RowSelection, utc_time
from producers.simulated_rds import simulate
from runtime import cli, entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=cli.prog("producers"), description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    sim = commands.add_parser("simulate", help="write simulated patients and readings into RDS")
    sim.add_argument("--patients", type=int, default=200)
    sim.add_argument("--rate", type=float, default=1.0, help="readings per second per patient")
    sim.add_argument("--seed", type=int, default=7)
    amount = sim.add_mutually_exclusive_group(required=True)
    amount.add_argument("--count", type=int, help="stop after this many readings")
    amount.add_argument("--duration", type=float, help="simulated seconds of readings")
    sim.add_argument("--bad-share", type=float, default=0.01, help="share of deliberately bad readings")
    sim.add_argument("--episodes-per-hour", type=float, default=2.0, help="deterioration episodes per patient-hour")
    sim.add_argument("--realtime", action="store_true", help="pace writes to the wall clock, like live devices")

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

    if args.command == "simulate":
        simulated = simulate(
            current,
            patients=args.patients,
            rate_hz=args.rate,
            seed=args.seed,
            count=args.count,
            duration_s=args.duration,
            bad_share=args.bad_share,
            realtime=args.realtime,
            episodes_per_patient_hour=args.episodes_per_hour,
        )
        print(
            f"[simulator] {simulated.readings:,} readings of {simulated.patients} patients, {len(simulated.episodes)} "
            f"labelled episodes ({simulated.rows_per_s:,.0f} rows/s)"
        )
    elif args.command == "publish":
        if args.follow:  # a service: Prometheus scrapes its lag
            endpoint.serve(current.metrics_host, current.producer_metrics_port, "PA_PRODUCER_METRICS_PORT")
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
