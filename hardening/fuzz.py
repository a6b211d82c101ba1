"""``python -m hardening fuzz``: every fuzzing target (testkit/fuzz_targets.py) for ``PA_FUZZ_CASES`` cases each; per
target the cases tried, the crashes found and the first failing example. Exits 1 on any crash. Needs no server."""

from __future__ import annotations

import argparse
import logging
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

import settings
from reporting.progress import Progress
from testkit.fuzz_targets import TARGETS, FuzzTarget


@dataclass
class FuzzResult:
    target: str
    tried: int = 0
    crashes: list[tuple[Any, BaseException]] = field(default_factory=list)
    seconds: float = 0.0


def run_target(target: FuzzTarget, cases: int) -> FuzzResult:
    """``cases`` generated cases through ``target.check``; a crash is counted and the run goes on (no shrinking:
    the first failing example is shown as generated)."""
    result = FuzzResult(target.name)
    progress = Progress(f"[fuzz] {target.name}", total=cases)  # minutes per target: never a silent stretch

    @hypothesis_settings(
        max_examples=cases,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(target.cases)
    def one(case: Any) -> None:
        result.tried += 1
        progress.advance(1)
        try:
            target.check(case)
        except (Exception, SystemExit) as error:  # a crash of the code under test (exiting too): counted, kept
            result.crashes.append((case, error))

    started = time.monotonic()
    one()
    progress.finish()
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(prog="python -m hardening fuzz", description=__doc__).parse_args(argv)
    cases = settings.stack().stack.fuzz_cases
    logging.disable(logging.WARNING)  # a refused case's warnings (an ignored Sqoop flag) are the expected answer
    print(f"fuzzing {len(TARGETS)} targets, {cases:,} cases each (PA_FUZZ_CASES)\n", flush=True)
    print(f"{'target':<44} {'tried':>9} {'crashes':>8} {'cases/s':>9}")
    results = []
    for target in TARGETS:
        result = run_target(target, cases)
        results.append(result)
        rate = result.tried / result.seconds if result.seconds else 0.0
        print(f"{result.target:<44} {result.tried:>9,} {len(result.crashes):>8,} {rate:>9,.0f}", flush=True)
    failed = [result for result in results if result.crashes]
    for result in failed:
        case, error = result.crashes[0]
        print(f"\nfirst failing example of {result.target}: {case!r:.500}")
        print("".join(traceback.format_exception(error)).rstrip())
    print(f"\n{sum(len(result.crashes) for result in results):,} crash(es) in {sum(r.tried for r in results):,} cases")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
