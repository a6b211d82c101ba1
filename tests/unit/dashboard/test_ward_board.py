"""The dashboard's beds from the latest readings and the notifier's open episodes (no server)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

import settings as settings_module
from dashboard.ward_board import VITALS, board
from hbase_setup.rules import parse_rows
from hbase_setup.sources import DEFAULT_SOURCE, read_rows
from notifier.episodes import AlarmPolicy, Bed, EpisodeTracker
from tests.notifier_fixtures import START, alert, received_alert

SETTINGS = settings_module.load({})


SEEN = pd.Timestamp("2026-11-27 10:00:00")


def latest(patient_id: int, name: str, news2: int | None, seen: pd.Timestamp | None = SEEN) -> dict:
    vitals = {vital: 75.0 for vital in VITALS} if seen is not None else {vital: None for vital in VITALS}
    return {
        "patient_id": patient_id,
        "patient_name": name,
        "age_months": 7 if patient_id == 1 else 40 * 12 + 5,
        "device_id": f"bed-{patient_id}" if seen is not None else None,
        "event_time": seen if seen is not None else pd.NaT,
        **vitals,
        "news2_score": news2,
        "news2_risk": None if news2 is None else "low",
    }


def watched(*findings: tuple[int, str, str, float]) -> list[Bed]:
    """The open beds a tracker keeps after (patient, vital, severity, value) findings held for two readings,
    told at the notifier's clock START + 60 s."""
    tracker = EpisodeTracker(AlarmPolicy())
    for second in (0, 5):
        for patient, attribute, severity, value in findings:
            record = alert(patient, second, value=value, attribute=attribute, severity=severity, rule=attribute)
            tracker.observe_alert(received_alert(record), START.timestamp() + 60)
    tracker.tick(START.timestamp() + 60)
    return [bed for bed in tracker.beds.values() if bed.open]


def test_beds_lead_with_the_most_severe_open_episode_then_news2():
    readings = pd.DataFrame(
        [latest(1, "Calm", 0), latest(2, "Urgent", 1), latest(3, "Critical", 0), latest(4, "High score", 5)]
    )
    episodes = watched((2, "heartBeat", "urgent", 45), (3, "spo2", "critical", 85))
    shown = board(readings, episodes, SETTINGS)
    assert [bed.patient_id for bed in shown] == [3, 2, 4, 1]
    assert shown[0].severity == "critical" and shown[0].episodes[0].subject == "SpO2 85 % (critical)"
    assert shown[0].episodes[0].since == START + dt.timedelta(seconds=60)
    assert shown[0].episodes[0].tier_name == "ward team" and shown[0].episodes[0].acknowledged_by is None
    assert shown[3].severity is None and shown[3].episodes == []
    assert (shown[3].age, shown[0].age) == ("7 months", "40 years")  # months below 2 years


def test_a_bed_without_a_recent_reading_is_shown_empty_not_dropped():
    [bed] = board(pd.DataFrame([latest(7, "Quiet", None, seen=None)]), [], SETTINGS)
    assert bed.reading_time is None and bed.news2_score is None and set(bed.vitals.values()) == {None}
    assert bed.device_id is None


def test_one_patients_findings_are_one_episode_listed_most_severe_first_with_its_acknowledgement():
    episodes = watched((5, "heartBeat", "urgent", 45), (5, "bp", "critical", 85))
    episodes[0].acknowledged_by = "Dr Rao"
    [bed] = board(pd.DataFrame([latest(5, "Two", 3)]), episodes, SETTINGS)
    [episode] = bed.episodes
    assert episode.subject == "Systolic BP 85 mmHg (critical), Heart rate 45 beats/min (urgent)"
    assert bed.severity == "critical" and episode.acknowledged_by == "Dr Rao"


def test_each_bed_has_the_no_alert_range_of_its_age_and_none_without_an_age():
    rules = parse_rows(read_rows(DEFAULT_SOURCE, "threshold_ref"))
    unknown = {**latest(9, "Unknown age", 0), "age_months": None}
    infant, adult, nobody = board(
        pd.DataFrame([latest(1, "Infant", 0), latest(2, "Adult", 0), unknown]), [], SETTINGS, rules=rules
    )
    assert adult.normal["heart_rate"] == (41.0, 110.99) and adult.normal["spo2"] == (94.0, 100.0)
    assert infant.normal["heart_rate"] == (85.0, 170.99), "7 months: an infant's heart-rate range"
    assert nobody.normal == {}, "no age: no band is the patient's"
