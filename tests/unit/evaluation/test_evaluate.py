"""The Spark evaluation of readings against the threshold rules (evaluation/evaluate.py), on Spark's engine alone:
no server, so these run with the unit tests."""

from __future__ import annotations

import datetime as dt

import pytest

from hbase_setup.sources import CAPSTONE_SOURCE, DEFAULT_SOURCE
from testkit.repository import TEST_DATA


@pytest.fixture(scope="module")
def spark(plain_spark):
    """This module needs only Spark's engine: no server (it runs with the unit tests)."""
    return plain_spark


@pytest.mark.parametrize(
    "table",
    [
        DEFAULT_SOURCE,
        CAPSTONE_SOURCE,
        TEST_DATA / "overlapping_age_bands.csv",
    ],
    ids=lambda path: path.stem,
)
def test_spark_evaluation_agrees_with_the_threshold_index_at_every_age_and_value(spark, table):
    """The vectorised evaluation and the in-memory index (the rules' reference semantics) give the same
    outcome and rule for every vital, over ages in and out of every band (completed months from a date of birth,
    whole years, unknown) and values across every range, its bounds and its gaps; for the default table (every
    vital, nested by age band, months below 1 year), the capstone one, and one whose age bands overlap (each rule
    then tests its own ages)."""
    from contract.alerts import ALERT_KINDS
    from contract.vitals import VITAL_OF_ATTRIBUTE
    from evaluation.evaluate import evaluate
    from hbase_setup.ages import months_of_years
    from hbase_setup.repository import ThresholdIndex
    from hbase_setup.rules import parse_rows
    from hbase_setup.sources import read_rows
    from testkit.reference_evaluator import ReferenceEvaluator
    from testkit.scratch import patients_frame

    index = ThresholdIndex(parse_rows(read_rows(table, "threshold_ref")))
    bounds = sorted({bound for rule in index.rules for bound in (rule.low_value, rule.high_value)})
    offsets = (-0.5, -0.005, 0.0, 0.005, 0.5)  # around each bound, and inside the .99 gaps between bands
    values = sorted({round(bound + offset, 3) for bound in bounds for offset in offsets} | {0.0, 500.0})
    # ages in completed months around every band's edges, each patient's from a date of birth (day 15 of a month,
    # the readings on 2026-06-15); and patients with an age in whole years only, or none
    months = sorted(
        {
            month
            for rule in index.rules
            for month in (rule.low_age_months - 1, *rule.ages, rule.high_age_months + 1)
            if month >= 0
        }
    )
    readings_on = dt.date(2026, 6, 15)
    born = [_months_before(readings_on, month) for month in months]
    ages = [*[(None, day) for day in born], (None, None), (0, None), (1, None), (40, None)]
    ages_of = {
        9000 + n: month if day else months_of_years(years)
        for n, ((years, day), month) in enumerate(zip(ages, [*months, None, None, None, None]))
    }
    fields = [VITAL_OF_ATTRIBUTE[attribute].field for attribute in sorted(index.attributes)]
    patients = [(9000 + n, f"P{n}", "addr", "phone", "ward", years, day) for n, (years, day) in enumerate(ages)]
    readings = [(len(ages) * i + n, 9000 + n, value) for n in range(len(ages)) for i, value in enumerate(values)]
    frame = spark.createDataFrame(readings, "reading_id bigint, patient_id bigint, value double")
    frame = frame.selectExpr(
        "reading_id",
        "patient_id",
        *[f"value AS {field}" for field in fields],
        "'dev' AS device_id",
        "'rds:vitals' AS source",
        "TIMESTAMP'2026-06-15 12:00:00' AS event_time",
    )
    people = patients_frame(spark, patients)
    reference = ReferenceEvaluator(index)
    expected = set()
    for reading_id, patient_id, value in readings:
        for attribute in index.attributes:
            result = reference.evaluate(attribute, ages_of[patient_id], value)
            if result.outcome in ALERT_KINDS:
                expected.add((reading_id, attribute, result.outcome.value, result.rule and result.rule.rule_id))
    actual = {
        (row.reading_id, row.attribute, row.kind, row.rule_id)
        for row in evaluate(frame, people, index, news2_scoring=False).collect()
    }
    assert actual == expected and len(expected) > 100


def test_a_childs_age_is_its_completed_months_from_the_date_of_birth_at_the_reading(spark):
    """Temperature 38.2: critical under 3 months (NICE NG143), urgent at 4 months; a child with an age in years only
    is matched at its first month; a date of birth after the reading is an unknown age; the alert says the age as a
    doctor does and keeps the months."""
    from evaluation.evaluate import evaluate
    from hbase_setup.repository import ThresholdIndex
    from hbase_setup.rules import parse_rows
    from hbase_setup.sources import read_rows
    from testkit.scratch import patients_frame

    index = ThresholdIndex(parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref")))
    on = dt.date(2026, 6, 15)
    patients = [
        (1, "Two months", "a", "p", "Pediatrics", 5, _months_before(on, 2)),  # the date of birth wins over the age
        (2, "Four months", "a", "p", "Pediatrics", None, _months_before(on, 4)),
        (3, "Age 0 only", "a", "p", "Pediatrics", 0, None),
        (4, "Born later", "a", "p", "Pediatrics", None, on + dt.timedelta(days=3)),
        (5, "Nearly three months", "a", "p", "Pediatrics", None, dt.date(2026, 3, 20)),  # 2 months 26 days
    ]
    readings = spark.createDataFrame([(n, n) for n in range(1, 6)], "reading_id bigint, patient_id bigint")
    readings = readings.selectExpr(
        "reading_id",
        "patient_id",
        "38.2 AS body_temperature",
        "'dev' AS device_id",
        "'rds:vitals' AS source",
        "TIMESTAMP'2026-06-15 12:00:00' AS event_time",
    )
    found = {
        row.patient_id: (row.severity, row.rule_id, row.age, row.age_months, row.alert_message)
        for row in evaluate(readings, patients_frame(spark, patients), index, news2_scoring=False).collect()
        if row.attribute == "body_temperature"
    }
    assert found[1][:4] == ("critical", "93", 0, 2)
    assert found[2][:4] == ("urgent", "139", 0, 4)
    assert found[3][:4] == ("critical", "93", 0, 0)
    assert found[5][:4] == ("critical", "93", 0, 2)  # completed months: not yet 3
    assert found[4][:4] == ("advisory", None, None, None)
    assert found[4][4] == "no threshold band for body_temperature at age unknown (body_temperature 38.2)"


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` months before ``day`` (day 15 exists in every month)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, day.day)
