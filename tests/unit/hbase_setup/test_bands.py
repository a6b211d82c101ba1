"""One rounding rule and half-open bands (hbase_setup/bands.py), without a server: no value of the default table
falls between two bands or in two, and the adult bands agree with NEWS2's single-parameter scores."""

from __future__ import annotations

import pytest

from hbase_setup import news2
from hbase_setup.ages import months_of_years
from hbase_setup.bands import ValueBand, rounded
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import parse_rows
from hbase_setup.sources import CAPSTONE_SOURCE, DEFAULT_SOURCE, read_rows

DEFAULT = ThresholdIndex(parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref")))


OFFSETS = (-0.1, -0.05, -0.01, 0.0, 0.01, 0.05, 0.1)


def matching(index: ThresholdIndex, attribute: str, age_months: int, value: float) -> list[str]:
    return [
        rule.rule_id
        for rule in index.rules_of[attribute]
        if rule.holds_age(age_months) and index.bands[rule.rule_id].holds(rounded(value, attribute))
    ]


@pytest.mark.parametrize("attribute", sorted(DEFAULT.rules_of))
def test_every_band_edge_of_the_default_table_at_one_and_two_decimals_falls_in_exactly_one_band(attribute):
    rules = DEFAULT.rules_of[attribute]
    checked = 0
    for age in sorted({rule.low_age_months for rule in rules}):
        at_age = [rule for rule in rules if rule.holds_age(age)]
        floor, ceiling = min(rule.low_value for rule in at_age), max(rule.high_value for rule in at_age)
        for rule in at_age:
            for edge in (rule.low_value, rule.high_value):
                for offset in OFFSETS:
                    for places in (1, 2):
                        value = round(edge + offset, places)
                        if floor <= value <= ceiling:
                            assert len(matching(DEFAULT, attribute, age, value)) == 1, (age, value)
                            checked += 1
    assert checked > 100


def test_abutting_bands_become_half_open_and_others_keep_their_inclusive_high():
    capstone = ThresholdIndex(parse_rows(read_rows(CAPSTONE_SOURCE, "threshold_ref")))
    assert capstone.bands["1"] == ValueBand(0.0, 70.0, True)  # 0-69 then 70-78: [0, 70)
    assert capstone.bands["3"] == ValueBand(79.0, 9999.0, False)  # the last band: inclusive
    assert DEFAULT.bands["1"] == ValueBand(0.0, 60.0, True)  # 0-59.99 then 60-84.99: [0, 60)


def test_values_round_half_up_at_news2s_resolution():
    assert [rounded(value, "spo2") for value in (91.49, 91.5, 92.5)] == [91.0, 92.0, 93.0]
    assert [rounded(value, "body_temperature") for value in (38.04, 38.05, 38.25)] == [38.0, 38.1, 38.3]


@pytest.mark.parametrize("parameter, attribute", [("spo2_scale1", "spo2"), ("heart_rate", "heartBeat")])
def test_adult_bands_agree_with_news2_single_parameter_scores_at_every_hundredth(parameter, attribute):
    """The default table's adult bands are NEWS2's: score 3 critical, 2 urgent, 0-1 normal, for every value."""
    chart = news2.chart()[parameter]
    expected = {3: "critical", 2: "urgent", 1: None, 0: None}
    for hundredths in range(3000, 20000 if attribute == "heartBeat" else 10001):
        value = hundredths / 100
        whole = rounded(value, attribute)
        score = next(
            band.score
            for band in chart
            if (band.low is None or band.low <= whole) and (band.high is None or whole <= band.high)
        )
        found = matching(DEFAULT, attribute, months_of_years(40), value)
        assert len(found) == 1, (value, found)  # exactly one band, whatever the decimals
        rule_id = found[0]
        rule = next(rule for rule in DEFAULT.rules if rule.rule_id == rule_id)
        assert (rule.alert_severity if rule.alerts else None) == expected[score], value
