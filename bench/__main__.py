"""Run the benchmarks against the local stack (brought up if needed): ``python -m bench [NAME ...]``."""

from __future__ import annotations

import argparse
import sys
import time

import settings
from bench import alarms, cluster, dags, notifier, producers, report_file, sqoop, streaming, thresholds, ward
from bench.report import RESULTS
from local_stack import handoff, stack
from reporting.heartbeat import heartbeat
from runtime import logs

BENCHMARKS = {
    "thresholds": thresholds.run,
    "producers": producers.run,
    "streaming": streaming.run,
    "notifier": notifier.run,
    "ward": ward.run,
    "alarms": alarms.run,
    "sqoop": sqoop.run,
    "dags": dags.run,
    "cluster": cluster.run,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        epilog="the drills ('python -m drills chaos', 'python -m drills sqoop-parity') and the suite's checks "
        "('python -m hardening mutants', 'python -m hardening fuzz') have packages of their own",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    chosen = parser.parse_args(argv).names or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}")
    current = handoff.hand_over(settings.stack())
    logs.configure(current.logs)
    stack.up(current)
    began = time.monotonic()
    for number, name in enumerate(chosen, start=1):
        print(f"=== [{number}/{len(chosen)}] {name} ===", flush=True)
        started = time.monotonic()
        with heartbeat(f"[bench] {name}"):  # a load or landing phase of minutes prints nothing of its own
            BENCHMARKS[name](current)
        print(f"  ({name} took {time.monotonic() - started:.0f}s)\n", flush=True)
    print(f"report: {report_file.write(RESULTS, chosen, time.monotonic() - began)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
