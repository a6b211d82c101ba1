"""The dashboard's beds from the latest readings and the notifier's open episodes (no server)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.ward_board import VITALS, board
from notifier.episodes import Episode

SEEN = pd.Timestamp("2026-11-27 10:00:00")


def latest(patient_id: int, name: str, news2: int | None, seen: pd.Timestamp | None = SEEN) -> dict:
    vitals = {vital: 75.0 for vital in VITALS} if seen is not None else {vital: None for vital in VITALS}
    return {
        "patient_id": patient_id,
        "patient_name": name,
        "age": 40,
        "device_id": f"bed-{patient_id}" if seen is not None else None,
        "event_time": seen if seen is not None else pd.NaT,
        **vitals,
        "news2_score": news2,
        "news2_risk": None if news2 is None else "low",
    }


def episode(patient_id: int, subject: str, severity: str, opened: float) -> Episode:
    alert = {"patient_id": patient_id, "kind": "vital_out_of_range", "severity": severity, "alert_message": "high"}
    return Episode(f"{patient_id}/{subject}", False, "r1", opened, opened, opened, 1.0, alert, severity)


def test_beds_lead_with_the_most_severe_open_episode_then_news2():
    readings = pd.DataFrame(
        [latest(1, "Calm", 0), latest(2, "Urgent", 1), latest(3, "Critical", 0), latest(4, "High score", 5)]
    )
    episodes = [episode(2, "heartBeat", "urgent", 0.0), episode(3, "spo2", "critical", 60.0)]
    shown = board(readings, episodes)
    assert [bed.patient_id for bed in shown] == [3, 2, 4, 1]
    assert shown[0].severity == "critical" and shown[0].episodes[0].subject == "spo2"
    assert shown[0].episodes[0].since == dt.datetime(1970, 1, 1, 0, 1)
    assert shown[3].severity is None and shown[3].episodes == []


def test_a_bed_without_a_recent_reading_is_shown_empty_not_dropped():
    [bed] = board(pd.DataFrame([latest(7, "Quiet", None, seen=None)]), [])
    assert bed.reading_time is None and bed.news2_score is None and set(bed.vitals.values()) == {None}
    assert bed.device_id is None


def test_several_episodes_of_one_patient_are_listed_most_severe_first():
    episodes = [episode(5, "heartBeat", "advisory", 0.0), episode(5, "bp", "critical", 1.0)]
    [bed] = board(pd.DataFrame([latest(5, "Two", 3)]), episodes)
    assert [item.subject for item in bed.episodes] == ["bp", "heartBeat"] and bed.severity == "critical"
