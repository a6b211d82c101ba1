"""Mutation check of the suite's central promises: change one comparison, see a test fail.

``python -m bench mutants [NAME ...]`` applies each mutant below to a copy of the
source (one at a time, restored afterwards), runs the tests that guard that
promise on the test stack, and reports which mutants the suite killed. A mutant
that survives names a comparison no test pins down.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]
    equivalent: str = ""  # why a surviving mutant cannot change an outcome (reported, not counted as a gap)


PARSE = ("tests/test_parse.py",)
EVALUATE = (
    "tests/test_streaming.py::test_spark_evaluation_agrees_with_the_threshold_index_at_every_age_and_value",
    "tests/test_threshold_repository.py",
)
DEDUP = (
    "tests/test_landing_accounting.py",
    "tests/test_streaming.py::test_kill_9_mid_stream_then_restart_loses_and_duplicates_nothing",
)
EPISODES = ("tests/test_episodes.py",)
SQOOP = (
    "tests/test_sqoop.py::test_incremental_append_imports_only_new_rows_and_saves_the_last_value",
    "tests/test_sqoop.py::test_lastmodified_with_a_merge_key_updates_changed_rows",
    "tests/test_sqoop.py::test_incremental_bounds_are_sqoops_so_consecutive_runs_neither_skip_nor_repeat_a_row",
)

MUTANTS = (
    Mutant(
        "plausible low <",
        "streaming/parse.py",
        "(value[vital.field] < vital.plausible_low)",
        "(value[vital.field] <= vital.plausible_low)",
        PARSE,
    ),
    Mutant(
        "plausible high >",
        "streaming/parse.py",
        "(value[vital.field] > vital.plausible_high)",
        "(value[vital.field] >= vital.plausible_high)",
        PARSE,
    ),
    Mutant(
        "future tolerance <",
        "streaming/parse.py",
        "arrival_delay < -time_rules.max_future_s,",
        "arrival_delay <= -time_rules.max_future_s,",
        PARSE,
    ),
    Mutant(
        "late >",
        "streaming/parse.py",
        "(arrival_delay > time_rules.late_after_s)",
        "(arrival_delay >= time_rules.late_after_s)",
        PARSE,
    ),
    Mutant(
        "half-open band high in Spark",
        "streaming/evaluate.py",
        "below = value < band.high if band.exclusive else value <= band.high",
        "below = value <= band.high if band.exclusive else value <= band.high",
        EVALUATE,
    ),
    Mutant(
        "band age bounds inclusive",
        "streaming/evaluate.py",
        "age.between(float(rule.low_age), float(rule.high_age))",
        "age.between(float(rule.low_age), float(rule.high_age) - 1)",
        EVALUATE,
    ),
    Mutant(
        "half-open band high",
        "thresholds/bands.py",
        "(value < self.high if self.exclusive else value <= self.high)",
        "(value <= self.high if self.exclusive else value <= self.high)",
        ("tests/test_bands.py",),
    ),
    Mutant(
        "rounding half up",
        "thresholds/bands.py",
        "rounding=ROUND_HALF_UP",
        "rounding=ROUND_HALF_EVEN",
        ("tests/test_bands.py",),
    ),
    Mutant(
        "overlap check",
        "thresholds/rules.py",
        "and first.low_value <= second.high_value",
        "and first.low_value < second.high_value",
        ("tests/test_rules.py",),
    ),
    Mutant(
        "dedup key",
        "streaming/parse.py",
        'F.when(F.col("reason").isNull(), F.col("reading_id").cast("string"))',
        'F.when(F.col("reason").isNull() & F.lit(False), F.col("reading_id").cast("string"))',
        DEDUP,
    ),
    Mutant(
        "beyond the state window",
        "streaming/landing.py",
        'F.col("event_time") < millis_before(F.col("batch_time"), self.time_rules.late_after_s)',
        'F.col("event_time") < millis_before(F.col("batch_time"), 2 * self.time_rules.late_after_s)',
        DEDUP,
        equivalent="the state keeps an id until the watermark passes its state time plus the window, which happens "
        "only once batches are more than two windows past it; a repeat one to two windows old is still dropped by "
        "the state, so checking from two windows would lose nothing (one window is the conservative bound)",
    ),
    Mutant(
        "confirmed after enough readings",
        "notifier/episodes.py",
        "persisted = len(finding.recent) >= self.policy.confirm_readings",
        "persisted = len(finding.recent) > self.policy.confirm_readings",
        EPISODES,
    ),
    Mutant(
        "all clear after enough normal readings",
        "notifier/episodes.py",
        "if f.normal_readings >= self.policy.all_clear_readings]",
        "if f.normal_readings > self.policy.all_clear_readings]",
        EPISODES,
    ),
    Mutant(
        "escalation after the interval",
        "notifier/episodes.py",
        "or now - bed.tier_since < self.policy.escalate_after_s",
        "or now - bed.tier_since <= self.policy.escalate_after_s",
        EPISODES,
    ),
    Mutant(
        "monitoring lost after the interval",
        "notifier/episodes.py",
        "if watched and silent >= self.policy.monitoring_lost_s:",
        "if watched and silent > self.policy.monitoring_lost_s:",
        EPISODES,
    ),
    Mutant(
        "append lower bound",
        "sqoop/jdbc_source.py",
        'above = f"{column} > {literal(self.lower)} AND "',
        'above = f"{column} >= {literal(self.lower)} AND "',
        SQOOP,
    ),
    Mutant(
        "append upper bound",
        "sqoop/jdbc_source.py",
        'return f"{above}{column} <= {literal(self.upper)}"',
        'return f"{above}{column} < {literal(self.upper)}"',
        SQOOP,
    ),
    Mutant(
        "lastmodified upper bound",
        "sqoop/jdbc_source.py",
        'return f"{since}{column} < {literal(self.upper)}"',
        'return f"{since}{column} <= {literal(self.upper)}"',
        SQOOP,
    ),
)


def run(mutant: Mutant) -> tuple[bool, float]:
    """Apply ``mutant``, run its tests, restore the file; (killed, seconds)."""
    path = ROOT / mutant.path
    source = path.read_text()
    if source.count(mutant.original) != 1:
        raise SystemExit(f"mutant {mutant.name!r}: the original text is not found exactly once in {mutant.path}")
    started = time.monotonic()
    path.write_text(source.replace(mutant.original, mutant.mutated))
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        path.write_text(source)
    return result.returncode != 0, time.monotonic() - started


def main(argv: list[str]) -> int:
    names = [mutant.name for mutant in MUTANTS]
    parser = argparse.ArgumentParser(prog="python -m bench mutants", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(names)} (default: all)")
    wanted = parser.parse_args(argv).names
    if unknown := sorted(set(wanted) - set(names)):
        parser.error(f"unknown mutant(s) {', '.join(unknown)}")
    chosen = [mutant for mutant in MUTANTS if not wanted or mutant.name in wanted]
    for mutant in chosen:  # every mutant applies, before minutes of test runs
        if (ROOT / mutant.path).read_text().count(mutant.original) != 1:
            raise SystemExit(f"mutant {mutant.name!r}: the original text is not found exactly once in {mutant.path}")
    survived = []
    for mutant in chosen:
        killed, seconds = run(mutant)
        verdict = "killed    " if killed else "EQUIVALENT" if mutant.equivalent else "SURVIVED  "
        print(f"  {verdict} {mutant.name:<30} {mutant.path} ({seconds:.0f} s)", flush=True)
        if not killed and mutant.equivalent:
            print(f"             {mutant.equivalent}", flush=True)
        elif not killed:
            survived.append(mutant.name)
    equivalent = sum(1 for mutant in chosen if mutant.equivalent)
    print(
        f"{len(chosen) - len(survived)} of {len(chosen)} mutants killed or equivalent ({equivalent} equivalent)"
        + (f"; survived: {survived}" if survived else "")
    )
    return 1 if survived else 0
