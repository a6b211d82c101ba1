"""The simulated ward is one a doctor would recognise: wards that fit the age, ordinary vitals that do not
alert under the default thresholds, and labelled episodes that do, across all six vitals."""

from __future__ import annotations

import datetime as dt

import pytest

from contract.alerts import Outcome
from contract.vitals import VITAL_FIELDS, VITAL_OF_ATTRIBUTE, VITALS
from hbase_setup.ages import months_of_years
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import parse_rows
from hbase_setup.sources import DEFAULT_SOURCE, read_rows
from simulation.bedside import EPISODE_KINDS, ROW_COLUMNS, ReadingStream, make_patients
from testkit.reference_evaluator import ReferenceEvaluator

EVALUATOR = ReferenceEvaluator(ThresholdIndex(parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref"))))


PATIENTS = make_patients(300, seed=7)


def alerting_vitals(age: int, values: dict[str, float | None]) -> list[str]:
    return [
        vital.field
        for vital in VITALS
        if values[vital.field] is not None
        and EVALUATOR.evaluate(vital.attribute, months_of_years(age), values[vital.field]).outcome
        is Outcome.VITAL_OUT_OF_RANGE
    ]


def test_wards_fit_the_age():
    for patient in PATIENTS:
        assert (patient.admitted_ward == "Pediatrics") == (patient.age < 16), patient
        assert (patient.admitted_ward == "Maternity") == patient.pregnant, patient
        assert not patient.pregnant or 16 <= patient.age <= 45, patient
    ages = [patient.age for patient in PATIENTS]
    assert min(ages) < 16 and max(ages) >= 65 and sum(age < 16 for age in ages) < len(ages) / 5


def test_ordinary_vitals_almost_never_alert_under_the_default_thresholds():
    """An hour of 100 patients at one reading a minute, no episodes: at most one alerting reading in a thousand."""
    stream = ReadingStream(
        PATIENTS[:100], 1 / 60, dt.datetime(2026, 11, 26), seed=3, bad_share=0.0, episodes_per_patient_hour=0
    )
    rows = list(stream.rows(duration_s=3600))
    ages = {patient.patientid: patient.age for patient in PATIENTS}
    alerting = [row for row in rows if alerting_vitals(ages[row[0]], dict(zip(ROW_COLUMNS, row, strict=True)))]
    assert len(rows) == 6000 and len(alerting) <= 6, alerting[:5]
    assert all(row[ROW_COLUMNS.index("consciousness")] == "A" for row in rows)


@pytest.mark.parametrize("kind", sorted(EPISODE_KINDS))
def test_every_episode_kind_alerts_at_its_peak_for_every_patient(kind):
    episode = EPISODE_KINDS[kind]
    for patient in PATIENTS:
        peak = dict(patient.baseline)
        for change in episode.changes:
            peak[change.field] = change.apply(peak[change.field], 1.0)
        peak = {field: round(value, 1) for field, value in peak.items()}  # as the devices send them
        assert alerting_vitals(patient.age, peak), (kind, patient.age, peak)


def test_episodes_move_all_six_vitals_and_bring_oxygen_and_confusion_where_they_belong():
    moved = {field for episode in EPISODE_KINDS.values() for field in episode.fields}
    assert moved == set(VITAL_FIELDS) == {vital.field for vital in VITAL_OF_ATTRIBUTE.values()}
    assert EPISODE_KINDS["desaturation"].oxygen and EPISODE_KINDS["hypotension"].consciousness == "C"
    stream = ReadingStream(PATIENTS[:50], 1.0, dt.datetime(2026, 11, 26), seed=5, episodes_per_patient_hour=30)
    rows = list(stream.rows(duration_s=600))
    oxygen = ROW_COLUMNS.index("supplemental_oxygen")
    assert any(row[oxygen] for row in rows) and {row[oxygen + 1] for row in rows} > {"A"}
    assert {episode.kind for episode in stream.finished_episodes} == set(EPISODE_KINDS)
