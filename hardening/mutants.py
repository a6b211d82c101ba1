"""Mutation check of the suite's central promises: change one comparison, see a test's assertion fail.

``python -m hardening mutants [NAME ...]`` copies the checkout (tracked and new files, never the checkout itself) to a
temporary tree, checks that every mutant's original text is there exactly once, runs each guarding test set once
unchanged (the baseline: it must pass, else the run stops and says which), then applies each mutant in the copy in
turn and runs its guarding tests on the test stack. A mutant is **killed** only by a failing assertion of a guarding
test; a collection error, a missing test, an error in a fixture or a stopped stack leaves it **not judged**. A mutant
that survives names a comparison no test pins down. Exits 1 if any survived or could not be judged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
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


PARSE = ("tests/unit/streaming/test_parse.py",)
EVALUATE = (
    "tests/unit/evaluation/test_evaluate.py::test_spark_evaluation_agrees_with_the_threshold_index_at_every_age_and_value",
    "tests/stack/hbase_setup/test_threshold_repository.py",
    "tests/unit/hbase_setup/test_threshold_repository.py",
)
DEDUP = (
    "tests/stack/streaming/test_landing_accounting.py",
    "tests/faults/test_streaming.py::test_kill_9_mid_stream_then_restart_loses_and_duplicates_nothing",
)
EPISODES = ("tests/unit/notifier/test_episodes.py",)
RULES = ("tests/unit/hbase_setup/test_rules.py",)
FAIL_CLOSED = (
    "tests/unit/hbase_setup/test_default_thresholds.py::test_withdrawn_names_the_vitals_and_ages_a_new_rule_set_leaves_without_a_band",
    "tests/stack/hbase_setup/test_threshold_repository.py::test_a_table_losing_a_band_or_emptied_is_refused_the_last_good_rules_still_alert_and_operators_are_told",
)
RECORDS = ("tests/unit/notifier/test_alert_record.py",)
SQOOP = (
    "tests/stack/sqoop/test_sqoop.py::test_incremental_append_imports_only_new_rows_and_saves_the_last_value",
    "tests/stack/sqoop/test_sqoop.py::test_lastmodified_with_a_merge_key_updates_changed_rows",
    "tests/unit/sqoop/test_sqoop.py::test_incremental_bounds_are_sqoops_so_consecutive_runs_neither_skip_nor_repeat_a_row",
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
        "evaluation/evaluate.py",
        "below = value < band.high if band.exclusive else value <= band.high",
        "below = value <= band.high if band.exclusive else value <= band.high",
        EVALUATE,
    ),
    Mutant(
        "band age bounds inclusive",
        "evaluation/evaluate.py",
        "                age.between(low, high),",
        "                age.between(low, high - 1),",
        EVALUATE,
    ),
    Mutant(
        "half-open band high",
        "hbase_setup/bands.py",
        "(value < self.high if self.exclusive else value <= self.high)",
        "(value <= self.high if self.exclusive else value <= self.high)",
        ("tests/unit/hbase_setup/test_bands.py",),
    ),
    Mutant(
        "rounding half up",
        "hbase_setup/bands.py",
        "rounding=ROUND_HALF_UP",
        'rounding="ROUND_HALF_EVEN"',  # decimal's rounding modes are these strings
        ("tests/unit/hbase_setup/test_bands.py",),
    ),
    Mutant(
        "overlap check",
        "hbase_setup/rules.py",
        "and first.low_value <= second.high_value",
        "and first.low_value < second.high_value",
        ("tests/unit/hbase_setup/test_rules.py",),
    ),
    Mutant(
        "dedup key",
        "streaming/parse.py",
        'F.when(F.col("reason").isNull(), reading_key())',
        'F.when(F.col("reason").isNull() & F.lit(False), reading_key())',
        DEDUP,
    ),
    Mutant(
        "dedup key without source",
        "streaming/parse.py",
        'return F.concat_ws("|", F.coalesce("source", F.lit("")), F.col("reading_id")',
        'return F.concat_ws("|", F.col("reading_id")',
        DEDUP,
    ),
    Mutant(
        "producer may write alerts",
        "clients/kafka_acls.py",
        "Grant(stream, write, topic, names.topic_alerts),",
        "Grant(producer, write, topic, names.topic_alerts),",
        (
            "tests/unit/clients/test_kafka_security.py",
            "tests/stack/clients/test_transport_security.py::test_only_the_producer_writes_readings_and_only_the_stream_writes_alerts",
        ),
    ),
    Mutant(
        "reconciliation ignores content",
        "batch/reconcile.py",
        ".where(reduce(operator.or_, differs))",
        ".where(reduce(operator.and_, differs))",
        (
            "tests/stack/dags/test_dags.py::test_reconciliation_names_a_reading_that_landed_with_other_content_than_rds_holds",
        ),
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
        "the cap keeps room for the escalations",
        "notifier/episodes.py",
        "            return room > to_escalate\n",
        "            return room > 0\n",
        EPISODES,
    ),
    Mutant(
        "a whole-year high age holds its last month",
        "hbase_setup/ages.py",
        "(MONTHS_PER_YEAR - 1 if upper else 0)",
        "(MONTHS_PER_YEAR - 2 if upper else 0)",
        (*RULES, *EVALUATE[:1]),
    ),
    Mutant(
        "age in completed months from the birth date",
        "evaluation/evaluate.py",
        'since_birth = F.floor(F.months_between(F.col("event_time"), born)).cast("int")',
        'since_birth = F.ceil(F.months_between(F.col("event_time"), born)).cast("int")',
        (
            "tests/unit/evaluation/test_evaluate.py::test_a_childs_age_is_its_completed_months_from_the_date_of_birth_at_the_reading",
            *EVALUATE[:1],
        ),
    ),
    Mutant(
        "limits must be finite",
        "hbase_setup/rules.py",
        "if not math.isfinite(number):",
        "if math.isnan(number):",
        RULES,
    ),
    Mutant(
        "a reload may not withdraw a band",
        "hbase_setup/coverage.py",
        "sorted(held_before[vital.attribute] - held_after[vital.attribute])",
        "sorted(held_after[vital.attribute] - held_before[vital.attribute])",
        FAIL_CLOSED,
    ),
    Mutant(
        "alert id shape",
        "notifier/alert_record.py",
        'ALERT_ID = re.compile(r"[0-9a-f]{32}")',
        'ALERT_ID = re.compile(r"[0-9a-f]{32,}")',
        RECORDS,
    ),
    Mutant(
        "texts within their columns",
        "notifier/alert_record.py",
        "    if len(value) > limit:",
        "    if len(value) > limit + 1:",
        RECORDS,
    ),
    Mutant(
        "deep nesting is a poison record",
        "notifier/alert_record.py",
        "    except RecursionError:",
        "    except MemoryError:",
        RECORDS,
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


# a failure whose message starts so is an assertion of the test (pytest.raises and pytest.fail included); any other
# exception in a test, like an error in a fixture, says nothing about the mutant
ASSERTION_FAILURES = ("AssertionError", "assert ", "Failed: ")


@dataclass
class Judgement:
    verdict: str  # killed | survived | equivalent | not judged
    killers: list[str] = field(default_factory=list)
    detail: str = ""
    seconds: float = 0.0


def copy_checkout(destination: Path) -> None:
    """The checkout's tracked and new (not ignored) files into ``destination``: what a clean clone plus the work in
    hand would hold, without the virtualenv, the stacks' data or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def test_environment() -> dict[str, str]:
    """The environment the copy's tests run in: the checkout's test stack (its data directory made absolute, so the
    copy's tests find the running servers)."""
    environment = dict(os.environ)
    for line in (ROOT / "tests" / "stack.env").read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "PA_STACK_DATA_DIR" and not Path(value.strip()).is_absolute():
            environment["PA_STACK_DATA_DIR"] = str(ROOT / value.strip())
    return environment


def run_tests(tree: Path, tests: tuple[str, ...]) -> tuple[int, list[tuple[str, str, str]]]:
    """Run ``tests`` in ``tree``; (pytest's exit code, [(test id, outcome, message)]), outcome one of passed,
    assertion, exception, error, skipped."""
    report = tree / ".mutants-report.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *tests],
        cwd=tree,
        capture_output=True,
        text=True,
        env=test_environment(),
    )
    cases = []
    if report.exists():
        for case in ElementTree.parse(report).iter("testcase"):
            test_id = f"{case.get('classname')}::{case.get('name')}"
            failure, error, skipped = case.find("failure"), case.find("error"), case.find("skipped")
            if failure is not None:
                message = failure.get("message") or ""
                outcome = "assertion" if message.startswith(ASSERTION_FAILURES) else "exception"
                cases.append((test_id, outcome, message))
            elif error is not None:
                cases.append((test_id, "error", error.get("message") or ""))
            else:
                cases.append((test_id, "skipped" if skipped is not None else "passed", ""))
        report.unlink()
    if not cases:
        cases.append(("(collection)", "error", (result.stdout + result.stderr)[-500:]))
    return result.returncode, cases


def judge(mutant: Mutant, tree: Path) -> Judgement:
    """Apply ``mutant`` in ``tree``, run its guarding tests, restore the file."""
    path = tree / mutant.path
    source = path.read_text()
    started = time.monotonic()
    path.write_text(source.replace(mutant.original, mutant.mutated))
    try:
        code, cases = run_tests(tree, mutant.tests)
    finally:
        path.write_text(source)
    seconds = time.monotonic() - started
    killers = [test_id for test_id, outcome, _ in cases if outcome == "assertion"]
    if killers:
        return Judgement("killed", killers, seconds=seconds)
    unjudged = _problems(cases)
    if code == 0 and not unjudged:
        return Judgement("equivalent" if mutant.equivalent else "survived", seconds=seconds)
    return Judgement("not judged", detail="; ".join(unjudged) or f"pytest exited {code}", seconds=seconds)


SURVIVED_COLUMN = {"survived": "YES", "equivalent": "equivalent", "not judged": "NOT JUDGED"}


def _problems(cases: list[tuple[str, str, str]]) -> list[str]:
    """The test cases that neither passed nor were skipped, each with its outcome and message."""
    return [
        f"{test_id} ({outcome}: {message[:200]})"
        for test_id, outcome, message in cases
        if outcome not in ("passed", "skipped")
    ]


def baseline(chosen: list[Mutant], tree: Path) -> list[str]:
    """Each guarding test set run unchanged: the problems of those that do not pass (a mutant can only be judged by
    tests that pass without it)."""
    problems = []
    for tests in dict.fromkeys(mutant.tests for mutant in chosen):
        code, cases = run_tests(tree, tests)
        failing = _problems(cases)
        if code != 0 or failing:
            problems.append(f"{' '.join(tests)}: " + ("; ".join(failing) or f"pytest exited {code}"))
        print(f"  baseline {'passes' if code == 0 and not failing else 'FAILS '} {', '.join(tests)}", flush=True)
    return problems


def main(argv: list[str]) -> int:
    names = [mutant.name for mutant in MUTANTS]
    parser = argparse.ArgumentParser(prog="python -m hardening mutants", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"any of {', '.join(names)} (default: all)")
    wanted = parser.parse_args(argv).names
    if unknown := sorted(set(wanted) - set(names)):
        parser.error(f"unknown mutant(s) {', '.join(unknown)}")
    chosen = [mutant for mutant in MUTANTS if not wanted or mutant.name in wanted]
    moved = [
        f"mutant {mutant.name!r}: its original text is not found exactly once in {mutant.path} (the code moved: "
        "update the mutant in bench/mutants.py)"
        for mutant in chosen
        if (ROOT / mutant.path).read_text().count(mutant.original) != 1
    ]
    if moved:
        print("\n".join(moved), file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="mutants-") as directory:
        tree = Path(directory)
        copy_checkout(tree)
        print(f"{len(chosen)} mutants, applied in a copy of the checkout ({tree}); baseline first:", flush=True)
        problems = baseline(chosen, tree)
        if problems:
            print(
                "the guarding tests fail without any mutant, so no mutant can be judged; fix them (or start the "
                "test stack: make test) first:\n  " + "\n  ".join(problems),
                file=sys.stderr,
            )
            return 1
        judged = []
        for mutant in chosen:
            judgement = judge(mutant, tree)
            judged.append((mutant, judgement))
            print(f"  {judgement.verdict:<10} {mutant.name} ({judgement.seconds:.0f} s)", flush=True)
    print(f"\n{'mutant':<40} {'guarding tests':<44} {'killed by':<60} survived")
    for mutant, judgement in judged:
        guards = ", ".join(test.rsplit("/", 1)[-1] for test in mutant.tests)
        module, _, test = judgement.killers[0].partition("::") if judgement.killers else ("", "", "-")
        killer = f"{module.rsplit('.', 1)[-1]}::{test}" if module else test
        survived = {"survived": "YES", "equivalent": "equivalent", "not judged": "NOT JUDGED"}.get(
            judgement.verdict, "no"
        )
        print(f"{mutant.name:<40} {guards[:44]:<44} {killer[:60]:<60} {survived}")
        if judgement.verdict == "equivalent":
            print(f"    {mutant.equivalent}")
        if judgement.verdict == "not judged":
            print(f"    {judgement.detail[:600]}")
    gaps = [mutant.name for mutant, judgement in judged if judgement.verdict in ("survived", "not judged")]
    print(
        f"{len(judged) - len(gaps)} of {len(judged)} mutants killed or equivalent"
        + (f"; not killed: {gaps}" if gaps else "")
    )
    return 1 if gaps else 0
