"""The threshold repository, loaded from the real HBase: every band edge, explicit outcomes, cheap refresh."""

from __future__ import annotations

import pytest

from clients import hbase
from contract.alerts import Outcome
from hbase_setup.ages import months_of_years
from hbase_setup.load import load
from hbase_setup.repository import ThresholdRepository
from hbase_setup.sources import CAPSTONE_SOURCE
from testkit import inbox
from testkit.reference_evaluator import CAPSTONE_REFERENCE as REFERENCE
from testkit.reference_evaluator import ReferenceEvaluator
from testkit.scratch import drop_threshold_table as drop_table


def test_the_repository_reads_back_from_hbase_exactly_the_rules_loaded(own_table):
    repository = ThresholdRepository(lambda: hbase.connect(own_table.hbase), own_table.names.threshold_table)
    assert repository.index.rules == REFERENCE.index.rules and len(repository.index.rules) == 12


@pytest.fixture
def own_table(running_stack, unique_name):
    """A threshold table of this test's own, loaded with the reference rules and dropped afterwards."""
    scoped = running_stack.changed(names={"threshold_table": unique_name})
    load(scoped, CAPSTONE_SOURCE, replace=True)
    yield scoped
    drop_table(scoped)


def test_a_change_through_happybase_is_seen_after_refresh_and_an_unchanged_table_is_not_reloaded(own_table):
    repository = ThresholdRepository(lambda: hbase.connect(own_table.hbase), own_table.names.threshold_table)
    assert ReferenceEvaluator(repository.index).evaluate("heartBeat", months_of_years(40), 75).outcome is Outcome.NORMAL
    assert repository.loads == 1
    assert repository.refresh_if_changed() is False
    assert repository.loads == 1

    connection = hbase.connect(own_table.hbase)
    connection.table(own_table.names.threshold_table).put(b"2", {b"limit:high_range_value": b"74"})
    connection.table(own_table.names.threshold_table).put(b"3", {b"limit:low_range_value": b"75"})
    connection.close()

    assert repository.refresh_if_changed() is True
    assert repository.loads == 2
    changed = ReferenceEvaluator(repository.index).evaluate("heartBeat", months_of_years(40), 75)
    assert (changed.outcome, changed.rule.rule_id) == (Outcome.VITAL_OUT_OF_RANGE, "3")


def test_an_invalid_change_keeps_the_last_good_rules(own_table):
    repository = ThresholdRepository(lambda: hbase.connect(own_table.hbase), own_table.names.threshold_table)
    good = repository.index
    connection = hbase.connect(own_table.hbase)
    connection.table(own_table.names.threshold_table).put(b"2", {b"limit:high_range_value": b"not-a-number"})
    connection.close()
    with pytest.raises(ValueError, match="row 2: high value 'not-a-number' is not a number"):
        repository.refresh_if_changed()
    assert repository.index is good


@pytest.fixture
def told(own_table, unique_name):
    """The test's own table, read at every call (no refresh interval), and an operations topic of its own with a
    queue subscribed (removed afterwards)."""
    scoped = own_table.changed(
        names={"sns_operations_topic": f"ops-{unique_name[-12:]}"}, hbase={"threshold_refresh_s": 0.0}
    )
    with inbox.subscribed(scoped, scoped.names.sns_operations_topic) as url:
        yield scoped, url


def test_a_table_losing_a_band_or_emptied_is_refused_the_last_good_rules_still_alert_and_operators_are_told(
    spark, told
):
    """Rules fail closed: a reload that would leave heart rate without a band at 41-100 (its rows deleted through
    happybase), then an emptied table, are refused; the stream's rules in force still raise the alert; each
    refusal is told once on the operations topic."""
    from evaluation.evaluate import evaluate
    from streaming.reference_data import ReferenceData
    from testkit.scratch import patients_frame

    s, operators = told
    reference = ReferenceData(spark, s)
    assert len(reference.thresholds().rules) == 12
    connection = hbase.connect(s.hbase)
    for key in (b"7", b"8", b"9"):  # heart rate at ages 41-100
        connection.table(s.names.threshold_table).delete(key)
    half_deleted = reference.thresholds()
    for key, _ in connection.table(s.names.threshold_table).scan():
        connection.table(s.names.threshold_table).delete(key)
    emptied = reference.thresholds()
    connection.close()

    assert len(half_deleted.rules) == len(emptied.rules) == 12  # the last good rules stay in force
    reading = spark.createDataFrame(
        [(1, 1, 60.0, 120.0)], "reading_id bigint, patient_id bigint, heart_rate double, bp_systolic double"
    )
    reading = reading.selectExpr(
        "*", "'bed-1' AS device_id", "'rds:vitals' AS source", "TIMESTAMP'2026-06-15 12:00:00' AS event_time"
    )
    patient = patients_frame(spark, [(1, "Fifty", "a", "p", "W", 50)])
    alerts = [
        (row.attribute, row.rule_id) for row in evaluate(reading, patient, emptied, news2_scoring=False).collect()
    ]
    assert ("heartBeat", "7") in alerts  # heart rate 60 at 50: still alerting on the rules in force
    notices = inbox.read_all(s, operators)
    assert [notice["Subject"] for notice in notices] == [
        f"alert rules refused, the last good rules stay ({s.names.threshold_table})"
    ] * 2
    assert "heart_rate (heartBeat) at ages 41-100 would have no band" in notices[0]["Message"]
    assert f"table {s.names.threshold_table} is empty" in notices[1]["Message"]


def test_a_rule_changed_through_hbase_shell_is_reported_as_unaudited_with_the_difference(spark, told, tmp_path):
    """The real `hbase shell` changes rule 2: the stream takes the (valid) rules but reports them, once, on the
    operations topic with the difference; `hbase_setup show` says UNAUDITED and exits 1; loading the file again
    vouches for the table."""
    import os
    import subprocess
    import sys

    from hbase_setup import verify
    from local_stack import hbase_shell, stack
    from settings import environment
    from streaming.reference_data import ReferenceData

    s, operators = told
    reference = ReferenceData(spark, s)
    reference.thresholds()
    assert verify.verify(s).sound
    script = tmp_path / "change.rb"
    script.write_text(f"put '{s.names.threshold_table}', '2', 'limit:high_range_value', '74'\nexit\n")
    shell = hbase_shell.run(stack.context(s), script, capture=True)
    assert shell.returncode == 0, shell.stderr[-2000:]
    reference.thresholds()
    reference.thresholds()  # no change since: told once
    show = subprocess.run(
        [sys.executable, "-m", "hbase_setup", "show"],
        capture_output=True,
        text=True,
        env={**os.environ, **environment(s)},
    )
    load(s, CAPSTONE_SOURCE, replace=True)

    [notice] = inbox.read_all(s, operators)
    assert notice["Subject"] == f"alert rules changed outside hbase_setup ({s.names.threshold_table})"
    assert "~ row 2: limit:high_range_value '78' -> '74'" in notice["Message"]
    assert show.returncode == 1 and "UNAUDITED rules" in show.stderr and "'78' -> '74'" in show.stderr
    assert verify.verify(s).sound  # loaded again through hbase_setup: audited
