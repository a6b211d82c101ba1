"""``python -m simulation devices``: simulated bedside devices writing patients and readings into RDS, with labelled
deterioration episodes (tooling: the demo, the benchmarks and the chaos run use it; a hospital's devices do this)."""

from __future__ import annotations

import argparse
import sys

from runtime import entry
from simulation.rds_devices import simulate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulation", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    sim = commands.add_parser("devices", help="write simulated patients and readings into RDS")
    sim.add_argument("--patients", type=int, default=200)
    sim.add_argument("--rate", type=float, default=1.0, help="readings per second per patient")
    sim.add_argument("--seed", type=int, default=7)
    amount = sim.add_mutually_exclusive_group(required=True)
    amount.add_argument("--count", type=int, help="stop after this many readings")
    amount.add_argument("--duration", type=float, help="simulated seconds of readings")
    sim.add_argument("--bad-share", type=float, default=0.01, help="share of deliberately bad readings")
    sim.add_argument("--episodes-per-hour", type=float, default=2.0, help="deterioration episodes per patient-hour")
    sim.add_argument("--realtime", action="store_true", help="pace writes to the wall clock, like live devices")
    args = parser.parse_args(argv)
    current, _ = entry.start()
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
    return 0


if __name__ == "__main__":
    sys.exit(entry.run(main))
