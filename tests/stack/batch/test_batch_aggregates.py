"""The hourly aggregates and the ward rollup against values computed by hand for a small fixed input."""

from __future__ import annotations

import datetime as dt

import pytest

from batch.aggregates import aggregate_hours, ward_rollup
from contract.alerts import Outcome
from contract.vitals import VITAL_FIELDS
from testkit import scratch
from testkit.alerts import alert_record

HOUR = dt.datetime(2026, 11, 24, 10)


VITALS = ("heart_rate", "bp_systolic")  # the others stay null in this input


def at(minute: float) -> dt.datetime:
    return HOUR + dt.timedelta(minutes=minute)


# (reading id, patient, event time, heart rate, systolic)
READINGS = [
    (1, 1, at(5), 60.0, 120.0),
    (2, 1, at(20), 80.0, 140.0),
    (2, 1, at(20), 80.0, 140.0),  # the same reading landed twice: counted once
    (4, 2, at(59.99), 100.0, None),  # no systolic sensor: ignored by that vital's aggregates only
    (5, 3, at(60), 90.0, 90.0),  # 11:00, the next hour
    (6, 3, at(-0.01), 90.0, 90.0),  # 09:59:59.4, the hour before
    (7, 3, at(30), 70.0, 110.0),
]


# (alert id, patient, event time, kind)
ALERTS = [
    ("a1", 1, at(5), Outcome.VITAL_OUT_OF_RANGE),
    ("a2", 1, at(20), Outcome.VALUE_IN_GAP),
    ("a3", 2, at(59.99), Outcome.VITAL_OUT_OF_RANGE),
    ("a3", 2, at(59.99), Outcome.VITAL_OUT_OF_RANGE),  # the same alert twice: counted once
    ("a4", 3, at(60), Outcome.VITAL_OUT_OF_RANGE),  # the next hour
    ("a5", 9, at(10), Outcome.UNKNOWN_PATIENT),  # a patient without readings or a ward
]


PATIENTS = [
    (1, "P One", "-", "-", "ICU", 40),
    (2, "P Two", "-", "-", "ICU", 50),
    (3, "P Three", "-", "-", "Cardio", 60),
]


@pytest.fixture
def fixed_input(spark, running_stack, unique_name):
    settings = scratch.scratch_settings(running_stack, unique_name)
    database = settings.names.hive_database
    raw = spark.table(f"{database}.vitals_raw")
    rows = [
        {
            **dict.fromkeys(raw.columns),
            "reading_id": reading,
            "patient_id": patient,
            "event_time": moment,
            "heart_rate": heart,
            "bp_systolic": systolic,
            "event_date": moment.date(),
            "stream_batch": 0,
        }
        for reading, patient, moment, heart, systolic in READINGS
    ]
    spark.createDataFrame(rows, raw.schema).write.insertInto(f"{database}.vitals_raw")
    alerts = spark.table(f"{database}.alerts")
    spark.createDataFrame(
        [
            {
                **alert_record(alert_id=alert_id, patient_id=patient, input_message_time=moment, kind=kind.value),
                "alert_date": moment.date(),
                "stream_batch": 0,
            }
            for alert_id, patient, moment, kind in ALERTS
        ],
        alerts.schema,
    ).write.insertInto(f"{database}.alerts")
    scratch.add_patients(spark, settings, PATIENTS)
    yield settings
    scratch.drop(spark, settings)


def test_hourly_aggregates_and_the_ward_rollup_equal_the_hand_computed_values(spark, fixed_input):
    database = fixed_input.names.hive_database
    [hour] = aggregate_hours(spark, fixed_input.names, HOUR, HOUR + dt.timedelta(hours=1))
    assert (hour.patients, hour.readings) == (4, 4)

    hourly = {
        row["patient_id"]: row.asDict()
        for row in spark.table(f"{database}.vitals_hourly")
        .where(f"agg_date = '{HOUR.date()}' AND agg_hour = 10")
        .collect()
    }
    kinds = [f"alerts_{kind}" for kind in ("vital_out_of_range", "value_in_gap", "no_band_for_age", "unknown_patient")]

    def row(readings, heart, systolic, alerts):
        return {
            "readings": readings,
            **vitals(heart, "heart_rate"),
            **vitals(systolic, "bp_systolic"),
            **dict(zip(kinds, alerts)),
        }

    def vitals(values, vital):
        return dict(zip((f"{vital}_min", f"{vital}_avg", f"{vital}_max"), values))

    expected = {
        1: row(2, (60.0, 70.0, 80.0), (120.0, 130.0, 140.0), (1, 1, 0, 0)),
        2: row(1, (100.0, 100.0, 100.0), (None, None, None), (1, 0, 0, 0)),
        3: row(1, (70.0, 70.0, 70.0), (110.0, 110.0, 110.0), (0, 0, 0, 0)),
        9: row(0, (None, None, None), (None, None, None), (0, 0, 0, 1)),
    }
    assert {patient: {key: values[key] for key in expected[patient]} for patient, values in hourly.items()} == expected
    others = [f"{vital}_{name}" for vital in VITAL_FIELDS if vital not in VITALS for name in ("min", "avg", "max")]
    assert all(values[column] is None for values in hourly.values() for column in others)
    assert all(values["hour_start"] == HOUR for values in hourly.values())

    assert ward_rollup(spark, fixed_input.names, HOUR.date()) == 3
    wards = {
        row["ward"]: (
            row["patients"],
            row["readings"],
            row["heart_rate_avg"],
            row["bp_systolic_avg"],
            row["alerts_vital_out_of_range"],
            row["alerts_value_in_gap"],
            row["alerts_unknown_patient"],
        )
        for row in spark.table(f"{database}.ward_daily_vitals").where(f"agg_date = '{HOUR.date()}'").collect()
    }
    assert wards == {
        # heart rate weighted by readings: (70 x 2 + 100 x 1) / 3; systolic only over the readings that have one
        "ICU": (2, 3, 80.0, 130.0, 2, 1, 0),
        "Cardio": (1, 1, 70.0, 110.0, 0, 0, 0),
        "(unknown)": (1, 0, None, None, 0, 0, 1),
    }
