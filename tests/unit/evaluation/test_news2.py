"""NEWS2 scores equal a hand computation from the RCP chart at the edge of every band, and the risk rules hold."""

from __future__ import annotations

import pytest

from evaluation.news2_scoring import SCORE_COLUMNS, assumed, drivers, with_scores


@pytest.fixture(scope="module")
def spark(plain_spark):
    """This module needs only Spark's engine: no server (it runs with the unit tests)."""
    return plain_spark


NORMAL = {
    "respiratory_rate": 16.0,
    "spo2": 97.0,
    "supplemental_oxygen": False,
    "bp_systolic": 120.0,
    "heart_rate": 70.0,
    "consciousness": "A",
    "body_temperature": 37.0,
    "age": 40,
    "spo2_scale2": False,
    "pregnant": False,
}


SCHEMA = (
    "respiratory_rate double, spo2 double, supplemental_oxygen boolean, bp_systolic double, heart_rate double, "
    "consciousness string, body_temperature double, age int, spo2_scale2 boolean, pregnant boolean"
)


# (changes to a normal adult reading, the component that scores, its score by hand from the chart)
BAND_EDGES = [
    *[
        ({"respiratory_rate": value}, "respiratory_rate", score)
        for value, score in ((8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3))
    ],
    *[({"spo2": value}, "spo2", score) for value, score in ((91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0))],
    *[
        ({"spo2": value, "spo2_scale2": True}, "spo2", score)
        for value, score in ((83, 3), (84, 2), (85, 2), (86, 1), (87, 1), (88, 0), (92, 0), (93, 0), (100, 0))
    ],
    *[
        ({"spo2": value, "spo2_scale2": True, "supplemental_oxygen": True}, "spo2", score)
        for value, score in ((92, 0), (93, 1), (94, 1), (95, 2), (96, 2), (97, 3))
    ],
    ({"supplemental_oxygen": True}, "supplemental_oxygen", 2),
    *[
        ({"bp_systolic": value}, "bp_systolic", score)
        for value, score in ((90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3))
    ],
    *[
        ({"heart_rate": value}, "heart_rate", score)
        for value, score in (
            (40, 3),
            (41, 1),
            (50, 1),
            (51, 0),
            (90, 0),
            (91, 1),
            (110, 1),
            (111, 2),
            (130, 2),
            (131, 3),
        )
    ],
    *[
        ({"consciousness": value}, "consciousness", score)
        for value, score in (("A", 0), ("C", 3), ("V", 3), ("P", 3), ("U", 3), (" v ", 3))
    ],
    *[
        ({"body_temperature": value}, "body_temperature", score)
        for value, score in ((35.0, 3), (35.1, 1), (36.0, 1), (36.1, 0), (38.0, 0), (38.1, 1), (39.0, 1), (39.1, 2))
    ],
    # scored at the chart's resolution: whole numbers, temperature to one decimal
    ({"heart_rate": 90.4}, "heart_rate", 0),
    ({"heart_rate": 90.5}, "heart_rate", 1),
    ({"body_temperature": 38.04}, "body_temperature", 0),
    ({"body_temperature": 38.05}, "body_temperature", 1),
]


def scored(spark, changes: list[dict]) -> list[dict]:
    def typed(name: str, value):  # the chart's whole numbers, as the double columns readings have
        return float(value) if isinstance(value, int) and not isinstance(value, bool) and name != "age" else value

    rows = [{name: typed(name, value) for name, value in {**NORMAL, **change}.items()} for change in changes]
    frame = spark.createDataFrame(rows, SCHEMA)
    # the text as the news2_scores view and the alert messages compute it
    scores = with_scores(frame).select("*", drivers().alias("news2_drivers"), assumed().alias("news2_assumed"))
    return [row.asDict() for row in scores.select(*SCORE_COLUMNS).collect()]


def test_every_band_edge_scores_as_the_chart_says(spark):
    rows = scored(spark, [change for change, _, _ in BAND_EDGES])
    for (change, component, score), row in zip(BAND_EDGES, rows):
        oxygen = 2 if change.get("supplemental_oxygen") else 0
        assert row[f"news2_{component}"] == score, change
        assert row["news2_score"] == score + (oxygen if component != "supplemental_oxygen" else 0), change


# (changes, aggregate by hand, risk, drivers)
RISKS = [
    ({}, 0, "low", ""),
    (
        {"heart_rate": 91, "respiratory_rate": 9, "body_temperature": 35.5, "bp_systolic": 105},
        4,
        "low",
        "respiratory_rate 1, bp_systolic 1, heart_rate 1, body_temperature 1",
    ),
    ({"respiratory_rate": 25}, 3, "low-medium", "respiratory_rate 3"),
    ({"respiratory_rate": 25, "heart_rate": 91}, 4, "low-medium", "respiratory_rate 3, heart_rate 1"),
    (
        {"supplemental_oxygen": True, "spo2": 94, "heart_rate": 111},
        5,
        "medium",
        "spo2 1, supplemental_oxygen 2, heart_rate 2",
    ),
    ({"respiratory_rate": 21, "spo2": 92, "heart_rate": 111}, 6, "medium", "respiratory_rate 2, spo2 2, heart_rate 2"),
    (
        {"consciousness": "V", "respiratory_rate": 21, "heart_rate": 91, "body_temperature": 38.5},
        7,
        "high",
        "respiratory_rate 2, heart_rate 1, consciousness 3, body_temperature 1",
    ),
    (
        {
            "respiratory_rate": 30,
            "spo2": 85,
            "supplemental_oxygen": True,
            "bp_systolic": 85,
            "heart_rate": 140,
            "consciousness": "U",
            "body_temperature": 34,
        },
        20,
        "high",
        "respiratory_rate 3, spo2 3, supplemental_oxygen 2, bp_systolic 3, heart_rate 3, consciousness 3, "
        "body_temperature 3",
    ),
]


@pytest.mark.parametrize("changes, aggregate, risk, drivers", RISKS)
def test_the_aggregate_risk_and_drivers_follow_the_rcp_trigger_thresholds(spark, changes, aggregate, risk, drivers):
    [row] = scored(spark, [changes])
    assert (row["news2_score"], row["news2_risk"], row["news2_drivers"]) == (aggregate, risk, drivers)


def test_children_pregnancy_unknown_age_and_missing_values_get_no_misleading_score(spark):
    rows = scored(
        spark,
        [
            {"age": 15, "respiratory_rate": 30},
            {"age": 16, "respiratory_rate": 30},
            {"pregnant": True},
            {"age": None},
            {"heart_rate": None},
            {"supplemental_oxygen": None, "consciousness": None},
        ],
    )
    assert [(row["news2_score"], row["news2_risk"]) for row in rows] == [
        (None, "not applicable"),
        (3, "low-medium"),
        (None, "not applicable"),
        (None, "not applicable"),
        (None, "incomplete"),
        (0, "low"),
    ]
    assert rows[0]["news2_respiratory_rate"] is None  # no component scores either
    assert rows[5]["news2_assumed"] == "room air, alert" and rows[1]["news2_assumed"] == ""


def _alerts(spark, changes: dict, age: int | None = 40, scale2: bool = False, news2_scoring: bool = True) -> list:
    """The default table's and NEWS2's alerts for one reading of otherwise normal vitals, of a patient of ``age``."""
    from evaluation.evaluate import evaluate
    from hbase_setup.repository import ThresholdIndex
    from hbase_setup.rules import parse_rows
    from hbase_setup.sources import DEFAULT_SOURCE, read_rows
    from testkit.scratch import PATIENT_SCHEMA

    index = ThresholdIndex(parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref")))
    vitals = {name: value for name, value in NORMAL.items() if name not in ("age", "spo2_scale2", "pregnant")}
    readings = spark.createDataFrame(
        [{**vitals, **changes, "reading_id": 1, "patient_id": 7001, "device_id": "bed-1", "source": "rds:vitals"}],
        SCHEMA.replace(", age int, spo2_scale2 boolean, pregnant boolean", "")
        + ", reading_id bigint, patient_id bigint, device_id string, source string",
    ).selectExpr("*", "current_timestamp() AS event_time")
    patients = spark.createDataFrame(
        [(7001, "Ada Lovelace", "addr", "phone", "General", age, "scratch patient", scale2, False, None, None)],
        PATIENT_SCHEMA,
    )
    return evaluate(readings, patients, index, news2_scoring).collect()


@pytest.mark.parametrize(
    "news2_scoring, kinds", [(True, ["news2", "vital_out_of_range"]), (False, ["vital_out_of_range"])]
)
def test_a_single_red_parameter_raises_an_urgent_news2_alert_unless_scoring_is_off(spark, news2_scoring, kinds):
    """Respiratory rate 30 at 40: the default thresholds' critical band, and a NEWS2 single 3 (low-medium), which
    the RCP answers with an urgent ward-based response."""
    alerts = _alerts(spark, {"respiratory_rate": 30.0}, news2_scoring=news2_scoring)
    assert sorted(alert["kind"] for alert in alerts) == kinds
    assert {alert["severity"] for alert in alerts} == ({"critical", "urgent"} if news2_scoring else {"critical"})


def test_a_scale2_patient_at_89_percent_raises_nothing_and_is_judged_by_scale2_only(spark):
    assert _alerts(spark, {"spo2": 89.0}, scale2=True) == []  # inside a COPD patient's target, 88-92 %
    [low] = _alerts(spark, {"spo2": 83.0}, scale2=True)  # scale 2 scores 3: NEWS2's single red parameter
    assert (low["kind"], low["severity"]) == ("news2", "urgent")
    scale1 = _alerts(spark, {"spo2": 89.0})  # the same value on scale 1 is critical
    assert {(alert["kind"], alert["severity"]) for alert in scale1} == {
        ("vital_out_of_range", "critical"),
        ("news2", "urgent"),
    }


def test_a_patient_of_unknown_age_is_still_checked_against_the_limits_critical_at_every_age(spark):
    def spo2(alerts: list) -> list:  # every other vital of an unknown-age patient is a data-quality alert
        return [alert for alert in alerts if alert["attribute"] == "spo2"]

    [critical] = spo2(_alerts(spark, {"spo2": 60.0}, age=None))
    assert (critical["kind"], critical["severity"], critical["rule_id"]) == (
        "vital_out_of_range",
        "critical",
        "spo2:critical-at-every-age",
    )
    assert "critical at every age" in critical["alert_message"]
    [unknown] = spo2(_alerts(spark, {"spo2": 93.0}, age=None))  # low for an adult, not critical at every age
    assert (unknown["kind"], unknown["severity"]) == ("no_band_for_age", "advisory")


def test_a_reading_without_oxygen_or_consciousness_says_its_news2_is_incomplete(spark):
    [alert] = [
        alert
        for alert in _alerts(spark, {"respiratory_rate": 30.0, "supplemental_oxygen": None, "consciousness": None})
        if alert["kind"] == "news2"
    ]
    assert alert["alert_message"].endswith(
        "Incomplete: not recorded, scored as room air, alert (the true score may be higher)"
    )
