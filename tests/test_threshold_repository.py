"""The threshold repository, loaded from the real HBase: every band edge, explicit outcomes, cheap refresh."""

from __future__ import annotations

import dataclasses

import pytest

from clients import hbase
from contract.alerts import Outcome
from hbase_setup.load import load
from testkit.reference_evaluator import ReferenceEvaluator
from thresholds.repository import ThresholdRepository


@pytest.fixture(scope="module")
def repository(running_stack):
    scoped = dataclasses.replace(running_stack, threshold_table="t_repository_reference")
    load(scoped, replace=True)
    return ThresholdRepository(lambda: hbase.connect(scoped), scoped.threshold_table)


# (attribute, age, value) -> (outcome, rule id or None)
EDGES = [
    ("heartBeat", 40, 69, Outcome.VITAL_OUT_OF_RANGE, "1"),
    ("heartBeat", 40, 70, Outcome.NORMAL, "2"),
    ("heartBeat", 40, 78, Outcome.NORMAL, "2"),
    ("heartBeat", 40, 79, Outcome.VITAL_OUT_OF_RANGE, "3"),
    ("heartBeat", 41, 65, Outcome.VITAL_OUT_OF_RANGE, "7"),
    ("heartBeat", 41, 66, Outcome.NORMAL, "8"),
    ("heartBeat", 41, 73, Outcome.NORMAL, "8"),
    ("heartBeat", 41, 74, Outcome.VITAL_OUT_OF_RANGE, "9"),
    ("heartBeat", 41, 69, Outcome.NORMAL, "8"),
    ("heartBeat", 41, 79, Outcome.VITAL_OUT_OF_RANGE, "9"),
    ("bp", 40, 160, Outcome.VITAL_OUT_OF_RANGE, "4"),
    ("bp", 40, 161, Outcome.NORMAL, "5"),
    ("bp", 40, 220, Outcome.NORMAL, "5"),
    ("bp", 40, 221, Outcome.VITAL_OUT_OF_RANGE, "6"),
    ("bp", 41, 160, Outcome.NORMAL, "11"),
    ("bp", 41, 161, Outcome.NORMAL, "11"),
    ("bp", 41, 220, Outcome.VITAL_OUT_OF_RANGE, "12"),
    ("bp", 41, 221, Outcome.VITAL_OUT_OF_RANGE, "12"),
    ("bp", 41, 150, Outcome.VITAL_OUT_OF_RANGE, "10"),
    ("bp", 41, 151, Outcome.NORMAL, "11"),
    ("bp", 41, 180, Outcome.NORMAL, "11"),
    ("bp", 41, 181, Outcome.VITAL_OUT_OF_RANGE, "12"),
    ("heartBeat", 0, 75, Outcome.NORMAL, "2"),
    ("heartBeat", 0, 0, Outcome.VITAL_OUT_OF_RANGE, "1"),
    ("heartBeat", 100, 70, Outcome.NORMAL, "8"),
    ("bp", 100, 9999, Outcome.VITAL_OUT_OF_RANGE, "12"),
    ("heartBeat", 101, 70, Outcome.NO_BAND_FOR_AGE, None),
    ("bp", 101, 120, Outcome.NO_BAND_FOR_AGE, None),
    ("heartBeat", 40.5, 70, Outcome.NO_BAND_FOR_AGE, None),
    ("heartBeat", -1, 70, Outcome.NO_BAND_FOR_AGE, None),
    ("heartBeat", 40, 69.5, Outcome.VALUE_IN_GAP, None),
    ("bp", 41, 150.5, Outcome.VALUE_IN_GAP, None),
    ("heartBeat", 40, 10_000, Outcome.VALUE_IN_GAP, None),
    ("heartBeat", 40, -1, Outcome.VALUE_IN_GAP, None),
    ("spo2", 40, 85, Outcome.NOT_MONITORED, None),
]


@pytest.mark.parametrize("attribute,age,value,outcome,rule_id", EDGES)
def test_every_band_edge(repository, attribute, age, value, outcome, rule_id):
    evaluation = ReferenceEvaluator(repository.index).evaluate(attribute, age, value)
    assert evaluation.outcome == outcome
    assert (evaluation.rule.rule_id if evaluation.rule else None) == rule_id
    if outcome is Outcome.VITAL_OUT_OF_RANGE:
        assert evaluation.message == evaluation.rule.message and "than Normal" in evaluation.message


def test_a_change_through_happybase_is_seen_after_refresh_and_an_unchanged_table_is_not_reloaded(running_stack):
    scoped = dataclasses.replace(running_stack, threshold_table="t_repository_changes")
    load(scoped, replace=True)
    repository = ThresholdRepository(lambda: hbase.connect(scoped), scoped.threshold_table)
    assert ReferenceEvaluator(repository.index).evaluate("heartBeat", 40, 75).outcome is Outcome.NORMAL
    assert repository.loads == 1
    assert repository.refresh_if_changed() is False
    assert repository.loads == 1

    connection = hbase.connect(scoped)
    connection.table(scoped.threshold_table).put(b"2", {b"limit:high_range_value": b"74"})
    connection.table(scoped.threshold_table).put(b"3", {b"limit:low_range_value": b"75"})
    connection.close()

    assert repository.refresh_if_changed() is True
    assert repository.loads == 2
    changed = ReferenceEvaluator(repository.index).evaluate("heartBeat", 40, 75)
    assert (changed.outcome, changed.rule.rule_id) == (Outcome.VITAL_OUT_OF_RANGE, "3")


def test_an_invalid_change_keeps_the_last_good_rules(running_stack):
    scoped = dataclasses.replace(running_stack, threshold_table="t_repository_invalid")
    load(scoped, replace=True)
    repository = ThresholdRepository(lambda: hbase.connect(scoped), scoped.threshold_table)
    good = repository.index
    connection = hbase.connect(scoped)
    connection.table(scoped.threshold_table).put(b"2", {b"limit:high_range_value": b"not-a-number"})
    connection.close()
    with pytest.raises(ValueError, match="row 2: high value 'not-a-number' is not a number"):
        repository.refresh_if_changed()
    assert repository.index is good
    load(scoped, replace=True)
