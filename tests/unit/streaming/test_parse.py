"""Parse and validate at the exact edges: plausible ranges, the future tolerance, lateness, wrong types."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from contract.vitals import VITALS
from streaming.parse import TimeRules, parse


@pytest.fixture(scope="module")
def spark(plain_spark):
    """This module needs only Spark's engine: no server (it runs with the unit tests)."""
    return plain_spark


KAFKA_TIME = dt.datetime(2026, 11, 24, 10, 0, 0)


RULES = TimeRules(max_future_s=300.0, late_after_s=600.0)


def parsed(spark, messages: list[dict | bytes]) -> dict[int, dict]:
    """Each message through :func:`parse` as a record Kafka received at KAFKA_TIME, by its offset."""
    rows = [
        (None, message if isinstance(message, bytes) else json.dumps(message).encode(), "t", 0, offset, KAFKA_TIME)
        for offset, message in enumerate(messages)
    ]
    frame = spark.createDataFrame(
        rows, "key binary, value binary, topic string, partition int, offset bigint, timestamp timestamp"
    )
    return {row["kafka_offset"]: row.asDict() for row in parse(frame, {}, RULES).collect()}


def reading(seconds_before_kafka: float, **vitals) -> dict:
    moment = KAFKA_TIME - dt.timedelta(seconds=seconds_before_kafka)
    return {"reading_id": 1, "patient_id": 2001, "event_time": moment.isoformat() + "Z", **vitals}


@pytest.fixture(scope="module")
def edges(spark):
    messages = []
    for vital in VITALS:
        for value in (vital.plausible_low, vital.plausible_high):
            messages.append(reading(0, **{vital.field: value}))
        for value in (vital.plausible_low - 0.1, vital.plausible_high + 0.1):
            messages.append(reading(0, **{vital.field: value}))
    return parsed(spark, messages)


def test_values_at_the_plausible_bounds_are_accepted_and_just_outside_rejected(edges):
    for number, vital in enumerate(VITALS):
        low, high, below, above = (edges[4 * number + k] for k in range(4))
        assert (low["reason"], high["reason"]) == (None, None), vital.field
        assert (
            below["reason"] == f"impossible value: {vital.field} {vital.plausible_low - 0.1:g} outside "
            f"{vital.plausible_low:g}-{vital.plausible_high:g}"
        ), vital.field
        assert above["reason"].startswith(f"impossible value: {vital.field} "), vital.field


def test_an_impossible_value_is_rejected_on_its_own_and_the_other_vitals_kept(spark):
    row = parsed(spark, [reading(0, spo2=0, heart_rate=150, bp_systolic=120)])[0]
    assert row["reason"] is None, "the reading is kept"
    assert (row["spo2"], row["heart_rate"], row["bp_systolic"]) == (None, 150.0, 120.0)
    assert row["rejected_fields"] == "impossible value: spo2 0.0 outside 30-100"
    alone = parsed(spark, [reading(0, spo2=0)])[0]  # no plausible vital left: rejected whole, with the reason
    assert alone["reason"] == "impossible value: spo2 0.0 outside 30-100"


def test_the_future_tolerance_and_lateness_hold_at_their_exact_edges(spark):
    rows = parsed(spark, [reading(-300), reading(-301), reading(600), reading(601), reading(0)])
    assert rows[0]["reason"] is None and rows[0]["arrival_delay_s"] == -300.0  # exactly the tolerance: accepted
    assert rows[1]["reason"] == (
        "event time in the future: event_time 2026-11-24 10:05:01 is 301 s after Kafka received it (tolerance 300 s)"
    )
    assert (rows[2]["late"], rows[3]["late"], rows[4]["late"]) == (False, True, False)
    assert rows[3]["reason"] is None  # late readings are valid: they land, flagged


def test_wrong_types_missing_fields_and_bad_json_are_rejected_with_their_reasons(spark):
    rows = parsed(
        spark,
        [
            reading(0, heart_rate="fast"),
            {"event_time": KAFKA_TIME.isoformat()},
            {"patient_id": 1},
            b"not json",
            b"[1, 2]",
            reading(0, heart_rate=80, device_id="d" * 65),  # longer than patients_vital_info.device_id
            reading(0, heart_rate=80, device_id="d" * 64),
            b"[" * 10_000 + b"]" * 10_000,
            b'{"reading_id": 1, "patient_id": 2001, "heart_rate": NaN, "spo2": 1e400, "event_time": "'
            + KAFKA_TIME.isoformat().encode()
            + b'Z"}',
        ],
    )
    assert rows[0]["reason"] == "wrong type: heart_rate fast is not a double"
    assert rows[1]["reason"] == "missing patient id"
    assert rows[2]["reason"] == "missing event time"
    assert rows[3]["reason"] == rows[4]["reason"] == rows[7]["reason"] == "invalid JSON: not a JSON object"
    assert rows[5]["reason"] == "too long: device_id is 65 characters (at most 64)"
    assert rows[6]["reason"] is None
    # NaN and 1e400 (infinite) are impossible values: nothing plausible is left, so the reading is rejected whole
    assert rows[8]["reason"].startswith("impossible value: heart_rate NaN outside")


def test_values_sent_as_text_or_in_other_json_forms_read_as_before_the_typed_fast_path(spark):
    """The typed JSON reading refuses these; read again as text, they are accepted or rejected exactly as the text
    reading always did (a number as a string, a boolean as a string, an integer written as a fraction)."""
    rows = parsed(
        spark,
        [
            reading(0, heart_rate="72", supplemental_oxygen="true", consciousness="v"),
            reading(0, heart_rate=72, spo2=97.5, supplemental_oxygen=False),
            {**reading(0), "patient_id": 2001.5},
            reading(0, heart_rate={"beats": 72}),
            {**reading(0), "patient_id": None},
            reading(0, supplemental_oxygen=1),
        ],
    )
    assert (rows[0]["reason"], rows[0]["heart_rate"], rows[0]["supplemental_oxygen"]) == (None, 72.0, True)
    assert (rows[1]["reason"], rows[1]["spo2"], rows[1]["supplemental_oxygen"]) == (None, 97.5, False)
    assert rows[2]["reason"] == "wrong type: patient_id 2001.5 is not a bigint"
    assert rows[3]["reason"] == 'wrong type: heart_rate {"beats":72} is not a double'
    assert rows[4]["reason"] == "missing patient id"
    assert rows[5]["reason"] is None and rows[5]["supplemental_oxygen"] is True
