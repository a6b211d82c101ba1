"""The shipped default thresholds: every vital at every age, contiguous bands, adults in step with NEWS2;
the capstone table still loads, and coverage names what it leaves out."""

from __future__ import annotations

import pytest

from contract.alerts import Outcome, Severity
from contract.vitals import VITAL_OF_ATTRIBUTE, VITALS
from hbase_setup import coverage, news2
from hbase_setup.ages import describe_span, months_of_years
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import ThresholdRule, parse_rows
from hbase_setup.sources import CAPSTONE_SOURCE, DEFAULT_SOURCE, SourceError, read_rows
from testkit.reference_evaluator import ReferenceEvaluator

DEFAULT = parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref"))


CAPSTONE = parse_rows(read_rows(CAPSTONE_SOURCE, "threshold_ref"))


ADULT_AGES = (16, 40, 120)


def test_every_vital_has_a_band_at_every_age_from_0_to_120():
    assert coverage.uncovered(DEFAULT) == []
    assert {rule.attribute for rule in DEFAULT} == {vital.attribute for vital in VITALS}


def test_the_capstone_table_loads_unchanged_and_coverage_names_what_it_leaves_out():
    assert len(CAPSTONE) == 12 and {rule.attribute for rule in CAPSTONE} == {"heartBeat", "bp"}
    assert [gap.describe() for gap in coverage.uncovered(CAPSTONE)] == [
        "heart_rate (heartBeat) at ages 101-120",
        "bp_systolic (bp) at ages 101-120",
        "bp_diastolic (bp_diastolic) at ages 0-120",
        "spo2 (spo2) at ages 0-120",
        "body_temperature (body_temperature) at ages 0-120",
        "respiratory_rate (respiratory_rate) at ages 0-120",
    ]


def test_coverage_reports_single_ages_runs_and_months():
    rules = [
        ThresholdRule("1", "spo2", 0, 2, 0, 100, 0, "Normal"),  # 0-2m
        ThresholdRule("2", "spo2", 6, 4 * 12 + 11, 0, 100, 0, "Normal"),  # 6m-4
        ThresholdRule("3", "spo2", 6 * 12, 119 * 12 + 11, 0, 100, 0, ""),  # 6-119
    ]
    spo2_gaps = [gap for gap in coverage.uncovered(rules) if gap.attribute == "spo2"]
    assert [gap.describe() for gap in spo2_gaps] == [
        "spo2 (spo2) at ages 3m-5m",
        "spo2 (spo2) at age 5",
        "spo2 (spo2) at age 120",
    ]


def _age_groups(rules: tuple[ThresholdRule, ...] | list[ThresholdRule]) -> dict[tuple[str, int, int], list]:
    groups: dict[tuple[str, int, int], list[ThresholdRule]] = {}
    for rule in rules:
        groups.setdefault((rule.attribute, *rule.ages), []).append(rule)
    return {key: sorted(found, key=lambda rule: rule.low_value) for key, found in groups.items()}


@pytest.mark.parametrize("group", sorted(_age_groups(DEFAULT)), ids=lambda key: f"{key[0]}-{describe_span(*key[1:])}")
def test_each_age_band_runs_from_0_past_the_plausible_maximum_with_one_normal_band(group):
    bands = _age_groups(DEFAULT)[group]
    vital = VITAL_OF_ATTRIBUTE[group[0]]
    assert bands[0].low_value == 0 and bands[-1].high_value >= vital.plausible_high
    for lower, upper in zip(bands, bands[1:]):
        assert upper.low_value - lower.high_value == pytest.approx(0.01), (lower.rule_id, upper.rule_id)
    assert [rule.message for rule in bands if not rule.alerts] == ["Normal"]
    assert all(rule.severity in (Severity.CRITICAL, Severity.URGENT) for rule in bands if rule.alerts)
    normal = next(rule for rule in bands if not rule.alerts)
    assert all(
        (rule.high_value < normal.low_value) or (rule.low_value > normal.high_value) for rule in bands if rule.alerts
    )


# NEWS2 chart parameter -> the threshold attribute scoring the same vital
NEWS2_OF_ATTRIBUTE = {
    "heartBeat": "heart_rate",
    "bp": "bp_systolic",
    "spo2": "spo2_scale1",
    "body_temperature": "body_temperature",
    "respiratory_rate": "respiratory_rate",
}


def _news2_score(parameter: str, value: float) -> int:
    for band in news2.chart()[parameter]:
        if (band.low is None or value >= band.low) and (band.high is None or value <= band.high):
            return band.score
    raise AssertionError(f"{parameter} {value} is in no NEWS2 band")


@pytest.mark.parametrize("attribute", sorted(NEWS2_OF_ATTRIBUTE))
def test_adult_bands_follow_the_news2_single_parameter_scores(attribute):
    """Adults: a parameter scoring 3 is critical, 2 urgent, 0-1 normal; the one addition is severe hypertension
    (systolic 180-219, NICE NG136), urgent though NEWS2 scores it 0."""
    evaluator = ReferenceEvaluator(ThresholdIndex(DEFAULT))
    vital = VITAL_OF_ATTRIBUTE[attribute]
    step = 0.1 if attribute == "body_temperature" else 1.0
    values = [
        round(vital.plausible_low + step * n, 1)
        for n in range(int((vital.plausible_high - vital.plausible_low) / step) + 1)
    ]
    expected_of_score = {3: Severity.CRITICAL, 2: Severity.URGENT, 1: None, 0: None}
    for age in ADULT_AGES:
        for value in values:
            evaluation = evaluator.evaluate(attribute, months_of_years(age), value)
            expected = expected_of_score[_news2_score(NEWS2_OF_ATTRIBUTE[attribute], value)]
            if attribute == "bp" and 180 <= value <= 219:
                expected = Severity.URGENT
            found = evaluation.rule.severity if evaluation.outcome is Outcome.VITAL_OUT_OF_RANGE else None
            assert evaluation.outcome in (Outcome.NORMAL, Outcome.VITAL_OUT_OF_RANGE), (age, value)
            assert found == expected, (attribute, age, value)


def test_csv_comment_lines_are_skipped_and_errors_still_name_the_file_line(tmp_path):
    source = tmp_path / "with_comments.csv"
    lines = CAPSTONE_SOURCE.read_text().splitlines()
    source.write_text(
        "\n".join(["# cited source, line 1", "# line 2", lines[0], "# between", lines[1], lines[1]]) + "\n"
    )
    with pytest.raises(SourceError, match=r"with_comments.csv:6: ref_id 1 appears twice"):
        read_rows(source, "threshold_ref")


def test_withdrawn_names_the_vitals_and_ages_a_new_rule_set_leaves_without_a_band():
    """What a reload must not do: the capstone's heart rate at 41-100 gone; adding bands withdraws nothing."""
    without_older_heart_rates = [
        rule for rule in CAPSTONE if not (rule.attribute == "heartBeat" and rule.low_age_months)
    ]
    assert [gap.describe() for gap in coverage.withdrawn(CAPSTONE, without_older_heart_rates)] == [
        "heart_rate (heartBeat) at ages 41-100"
    ]
    assert coverage.withdrawn(without_older_heart_rates, CAPSTONE) == []
    assert coverage.withdrawn(CAPSTONE, DEFAULT) == []  # the default covers all the capstone does, and more
