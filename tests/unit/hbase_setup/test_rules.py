"""Threshold rule validation without a server: every problem named by row, overlaps found at their edges."""

from __future__ import annotations

import pytest

from hbase_setup.rules import InvalidThresholds, ThresholdRule, parse_rows
from hbase_setup.sources import CAPSTONE_SOURCE, read_rows

REFERENCE = read_rows(CAPSTONE_SOURCE, "threshold_ref")


def rule(rule_id: str, low_age: int, high_age: int, low: float, high: float) -> ThresholdRule:
    """A rule for ages ``low_age`` to ``high_age`` whole years."""
    return ThresholdRule(rule_id, "spo2", low_age * 12, high_age * 12 + 11, low, high, 1, "Low SpO2")


def with_rules(*rules: ThresholdRule) -> dict:
    return {**REFERENCE, **{rule.rule_id: rule.to_cells() for rule in rules}}


def test_the_reference_table_parses_into_twelve_rules_in_numeric_order():
    assert [rule.rule_id for rule in parse_rows(REFERENCE)] == [str(n) for n in range(1, 13)]


def test_bands_that_share_an_edge_overlap_and_bands_one_apart_do_not():
    shared_value = "rows 20 and 21: overlapping bands for spo2 at ages 0-100, values 90-90"
    with pytest.raises(InvalidThresholds, match=shared_value):
        parse_rows(with_rules(rule("20", 0, 100, 0, 90), rule("21", 0, 100, 90, 100)))
    with pytest.raises(InvalidThresholds, match="rows 20 and 21: overlapping bands for spo2 at age 50"):
        parse_rows(with_rules(rule("20", 0, 50, 0, 90), rule("21", 50, 100, 0, 90)))
    # the same edges with the bands in the other order (each bound of each band is compared)
    with pytest.raises(
        InvalidThresholds, match="rows 20 and 21: overlapping bands for spo2 at ages 0-100, values 90-90"
    ):
        parse_rows(with_rules(rule("20", 0, 100, 90, 100), rule("21", 0, 100, 0, 90)))
    with pytest.raises(InvalidThresholds, match="rows 20 and 21: overlapping bands for spo2 at age 50"):
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
        "row 30: low age 80 > high age 20",
        "row 31: missing alert:alert_message",
    ]


def test_ages_are_whole_years_or_whole_months_and_a_high_limit_holds_its_whole_unit():
    """``40`` ends at the 41st birthday, ``2m`` at 3 months: bands that meet leave no age between them; written
    back as they were read."""
    infant = {**rule("40", 0, 0, 0, 90).to_cells(), b"limit:low_age_limit": b"3m", b"limit:high_age_limit": b"11m"}
    newborn = {**rule("41", 0, 0, 0, 90).to_cells(), b"limit:high_age_limit": b"2m"}
    parsed = {found.rule_id: found for found in parse_rows({**REFERENCE, "40": infant, "41": newborn})}
    assert parsed["41"].ages == (0, 2) and parsed["40"].ages == (3, 11)
    assert parsed["1"].ages == (0, 40 * 12 + 11) and parsed["7"].ages == (41 * 12, 100 * 12 + 11)
    assert parsed["40"].to_cells()[b"limit:low_age_limit"] == b"3m"
    assert parsed["40"].to_cells()[b"limit:high_age_limit"] == b"11m"
    assert parsed["1"].to_cells()[b"limit:high_age_limit"] == b"40"
    assert parsed["41"].to_cells()[b"limit:high_age_limit"] == b"2m"
    broken = {**rule("42", 0, 0, 0, 90).to_cells(), b"limit:high_age_limit": b"0.5"}
    with pytest.raises(InvalidThresholds, match=r"row 42: high age '0.5' is not a whole, non-negative number .* 6m"):
        parse_rows({**REFERENCE, "42": broken})


def test_a_limit_that_is_not_finite_and_a_message_no_email_can_carry_are_refused():
    """NaN compares false with everything, so it passed every check; a newline made SNS refuse each email."""
    broken = {
        "50": {**rule("50", 0, 10, 0, 90).to_cells(), b"limit:high_range_value": b"NaN"},
        "51": {**rule("51", 20, 30, 0, 90).to_cells(), b"limit:low_range_value": b"-inf"},
        "52": {**rule("52", 40, 50, 0, 90).to_cells(), b"alert:alert_message": b"Low SpO2\ncall the team"},
        "53": {**rule("53", 60, 70, 0, 90).to_cells(), b"alert:alert_message": b"x" * 201},
        "\u00b2": rule("54", 80, 90, 0, 90).to_cells(),  # a digit to isdigit(), not to int()
    }
    with pytest.raises(InvalidThresholds) as raised:
        parse_rows({**REFERENCE, **broken})
    assert raised.value.problems == [
        "row 50: high value 'NaN' is not a finite number",
        "row 51: low value '-inf' is not a finite number",
        "row 52: alert message has control characters (U+000A): write it on one line",
        "row 53: alert message is 201 characters, more than 200",
    ]
