"""The threshold repository, loaded from the real HBase: every band edge, explicit outcomes, cheap refresh."""

from __future__ import annotations

import pytest

from contract.alerts import Outcome
from hbase_setup.ages import MONTHS_PER_YEAR
from testkit.reference_evaluator import CAPSTONE_REFERENCE as REFERENCE

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
    # ages are completed months: "0-40" holds up to the 41st birthday, so no age falls between 40 and 41
    ("heartBeat", 40.5, 70, Outcome.NORMAL, "2"),
    ("heartBeat", 40 + 11 / 12, 66, Outcome.VITAL_OUT_OF_RANGE, "1"),
    ("heartBeat", 41, 66, Outcome.NORMAL, "8"),
    ("heartBeat", -1, 70, Outcome.NO_BAND_FOR_AGE, None),
    # matched rounded half up to whole numbers, as NEWS2 scores: no value falls between 69 and 70
    ("heartBeat", 40, 69.5, Outcome.NORMAL, "2"),
    ("heartBeat", 40, 69.49, Outcome.VITAL_OUT_OF_RANGE, "1"),
    ("bp", 41, 150.5, Outcome.NORMAL, "11"),
    ("bp", 41, 150.49, Outcome.VITAL_OUT_OF_RANGE, "10"),
    ("heartBeat", 40, 10_000, Outcome.VALUE_IN_GAP, None),
    ("heartBeat", 40, -1, Outcome.VALUE_IN_GAP, None),
    ("spo2", 40, 85, Outcome.NOT_MONITORED, None),
]


@pytest.mark.parametrize("attribute,age,value,outcome,rule_id", EDGES)
def test_every_band_edge(attribute, age, value, outcome, rule_id):
    evaluation = REFERENCE.evaluate(attribute, round(age * MONTHS_PER_YEAR), value)
    assert evaluation.outcome == outcome
    assert (evaluation.rule.rule_id if evaluation.rule else None) == rule_id
    if outcome is Outcome.VITAL_OUT_OF_RANGE:
        assert evaluation.message == evaluation.rule.message and "than Normal" in evaluation.message
