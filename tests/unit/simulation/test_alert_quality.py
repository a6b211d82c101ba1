"""Scoring a simulated ward's notifications against its labelled episodes."""

from __future__ import annotations

import datetime as dt

import pytest

from simulation.alert_quality import Notice, score
from simulation.bedside import Episode

T0 = dt.datetime(2026, 11, 26, 8, 0)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def run(episodes, alerts, notices, end_s=600.0, patients=frozenset({1, 2, 3, 4})):
    return score(episodes, alerts, notices, patient_ids=set(patients), started=T0, ended=at(end_s), all_clear_s=300)


def test_an_episode_notified_after_its_first_alert_counts_with_its_latency():
    quality = run([Episode(1, "fever", at(10), at(100))], {1: [at(25), at(26)]}, [Notice(1, at(28.5), "opened")])
    assert (quality.judged, quality.notified, quality.latencies_s) == (1, 1, (3.5,))
    assert quality.median_latency_s == 3.5 and quality.outside == 0 and quality.recall == 1.0


def test_an_episode_without_a_notification_is_missed_and_named():
    episode = Episode(2, "bradycardia", at(10), at(100))
    quality = run([episode], {}, [Notice(2, at(5), "all_clear")])
    assert (quality.notified, quality.missed) == (0, (episode,))
    assert "0/1 labelled episodes notified (0%; target 100%) NOT MET" in quality.lines()[0]


def test_an_episode_under_a_notification_not_yet_all_cleared_counts_as_notified():
    episodes = [Episode(3, "fever", at(10), at(60)), Episode(3, "tachycardia", at(120), at(200))]
    quality = run(episodes, {3: [at(15)]}, [Notice(3, at(17), "opened")])
    assert (quality.judged, quality.notified, quality.latencies_s) == (2, 2, (2.0,))


def test_notifications_outside_episodes_count_per_patient_hour_and_all_clears_after_an_episode_do_not():
    notices = [Notice(1, at(20), "opened"), Notice(1, at(100 + 300 + 10), "all_clear"), Notice(4, at(500), "opened")]
    quality = run([Episode(1, "fever", at(10), at(100))], {1: [at(15)]}, notices, end_s=3600)
    assert quality.outside == 1 and quality.patient_hours == pytest.approx(4.0)
    assert quality.outside_per_patient_hour == pytest.approx(0.25)
    assert quality.lines()[2].endswith("(target at most 1) MET")


def test_notifications_about_unknown_patients_are_not_counted_against_the_ward():
    quality = run([], {}, [Notice(990_001, at(30), "data_quality")])
    assert quality.outside == 0


def test_episodes_starting_too_close_to_the_end_are_not_judged():
    quality = run([Episode(1, "fever", at(590), at(600))], {}, [])
    assert (quality.judged, quality.unjudged) == (0, 1)
    assert "1 started in the last 30 s, not judged" in quality.lines()[0]
