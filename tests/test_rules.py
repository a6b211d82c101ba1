"""Threshold rule validation without a server: every problem named by row, overlaps found at their edges."""

from __future__ import annotations

import pytest

from hbase_setup.sources import CAPSTONE_SOURCE, read_rows
from thresholds.rules import InvalidThresholds, ThresholdRule, parse_rows

REFERENCE = read_rows(CAPSTONE_SOURCE, "threshold_ref")


def rule(rule_id: str, low_age: float, high_age: float, low: float, high: float) -> ThresholdRule:
    return ThresholdRule(rule_id, "spo2", low_age, high_age, low, high, 1, "Low SpO2")


def with_rules(*rules: ThresholdRule) -> dict:
    return {**REFERENCE, **{rule.rule_id: rule.to_cells() for rule in rules}}


def test_the_reference_table_parses_into_twelve_rules_in_numeric_order():
    assert [rule.rule_id for rule in parse_rows(REFERENCE)] == [str(n) for n in range(1, 13)]


def test_bands_that_share_an_edge_overlap_and_bands_one_apart_do_not():
    shared_value = "rows 20 and 21: overlapping bands for spo2 at ages 0-100, values 90-90"
    with pytest.raises(InvalidThresholds, match=shared_value):
        parse_rows(with_rules(rule("20", 0, 100, 0, 90), rule("21", 0, 100, 90, 100)))
    with pytest.raises(InvalidThresholds, match="rows 20 and 21: overlapping bands for spo2 at ages 50-50"):
        parse_rows(with_rules(rule("20", 0, 50, 0, 90), rule("21", 50, 100, 0, 90)))
    # the same edges with the bands in the other order (each bound of each band is compared)
    with pytest.raises(
        InvalidThresholds, match="rows 20 and 21: overlapping bands for spo2 at ages 0-100, values 90-90"
    ):
        parse_rows(with_rules(rule("20", 0, 100, 90, 100), rule("21", 0, 100, 0, 90)))
    with pytest.raises(InvalidThresholds, match="rows 20 and 21: overlapping bands for spo2 at ages 50-50"):
        parse_rows(with_rules(rule("20", 50, 100, 0, 90), rule("21", 0, 50, 0, 90)))
    assert len(parse_rows(with_rules(rule("20", 0, 100, 0, 89), rule("21", 0, 100, 90, 100)))) == 14
    assert len(parse_rows(with_rules(rule("20", 0, 49, 0, 90), rule("21", 50, 100, 0, 90)))) == 14


def test_every_problem_is_listed_with_its_row():
    broken = dict(REFERENCE)
    broken["30"] = {**rule("30", 80, 20, 0, 90).to_cells(), b"limit:low_range_value": b"zero"}
    broken["31"] = {**rule("31", 0, 10, 0, 90).to_cells(), b"alert:alert_flag": b"2"}
    del broken["31"][b"alert:alert_message"]
    with pytest.raises(InvalidThresholds) as raised:
        parse_rows(broken)
    assert raised.value.problems == [
        "row 30: low value 'zero' is not a number",
        "row 31: missing alert:alert_message",
    ]
