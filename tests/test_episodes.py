"""Episode rules without any server: which alerts become notifications, and what the tracker hands over to save."""

from __future__ import annotations

from contract.alerts import Outcome
from notifier.episodes import EpisodeTracker
from tests.notifier_fixtures import alert

QUIET_S, ALL_CLEAR_S, WORSEN_STEP = 120.0, 60.0, 10.0


def tracker() -> EpisodeTracker:
    return EpisodeTracker(QUIET_S, ALL_CLEAR_S, WORSEN_STEP)


def kinds(episodes: EpisodeTracker, *alerts: dict) -> list[str | None]:
    return [None if (note := episodes.observe(item)) is None else note.type for item in alerts]


def test_the_first_alert_opens_and_repeats_within_the_quiet_period_stay_silent():
    assert kinds(tracker(), alert(2001, 0), alert(2001, 5), alert(2001, int(QUIET_S) - 1)) == ["opened", None, None]


def test_a_reminder_comes_exactly_when_the_quiet_period_has_passed():
    assert kinds(tracker(), alert(2001, 0), alert(2001, 30), alert(2001, int(QUIET_S))) == ["opened", None, "reminder"]


def test_worse_needs_the_full_step_further_out_of_range_or_another_rule():
    # rule 1's band is 0-69: 60 is 9 below its normal edge, 51 is 18 (9 more: not yet a step), 50 is 19 (a step)
    episodes = tracker()
    assert kinds(episodes, alert(2001, 0, value=60), alert(2001, 1, value=51), alert(2001, 2, value=50)) == [
        "opened",
        None,
        "worse",
    ]
    assert kinds(episodes, alert(2001, 3, value=50, rule="3")) == ["worse"]


def test_silence_for_the_all_clear_period_closes_a_vital_episode_with_an_all_clear():
    episodes = tracker()
    episodes.observe(alert(2001, 0))
    episodes.observe(alert(2002, int(ALL_CLEAR_S) - 1))  # another patient's alert moves the event clock
    assert episodes.sweep() == []
    episodes.observe(alert(2002, int(ALL_CLEAR_S)))
    cleared = episodes.sweep()
    assert [(note.type, note.episode_key) for note in cleared] == [("all_clear", "2001/heartBeat")]
    assert kinds(episodes, alert(2001, int(ALL_CLEAR_S) + 1)) == ["opened"]  # a new episode


def test_data_quality_episodes_notify_as_data_quality_and_close_without_an_all_clear():
    episodes = tracker()
    unknown = dict(kind=Outcome.UNKNOWN_PATIENT, attribute=None)
    assert kinds(episodes, alert(990001, 0, **unknown), alert(990001, 1, **unknown)) == ["data_quality", None]
    episodes.observe(alert(2001, int(ALL_CLEAR_S) + 5))
    assert [note.type for note in episodes.sweep()] == []
    assert "990001/unknown_patient:-" not in episodes.episodes


def test_the_tracker_hands_over_its_changes_once():
    episodes = tracker()
    episodes.observe(alert(2001, 0))
    episodes.observe(alert(2002, 0))
    first = episodes.drain_changes()
    assert sorted(episode.key for episode in first.changed) == ["2001/heartBeat", "2002/heartBeat"]
    assert first.closed == set()
    again = episodes.drain_changes()
    assert again.changed == [] and again.closed == set()
    episodes.forget("2001/heartBeat")  # its notification never reached SNS
    assert episodes.drain_changes().closed == {"2001/heartBeat"}


def test_a_more_severe_alert_notifies_at_once_and_a_critical_episode_reminds_sooner():
    episodes = EpisodeTracker(QUIET_S, ALL_CLEAR_S, WORSEN_STEP, critical_quiet_s=30.0)
    news2 = dict(kind=Outcome.NEWS2, attribute="news2", rule="news2:medium", severity="urgent")
    assert kinds(episodes, alert(2001, 0, value=5, **news2), alert(2001, 10, value=5, **news2)) == ["opened", None]
    critical = {**news2, "rule": "news2:high", "severity": "critical"}
    assert kinds(episodes, alert(2001, 11, value=7, **critical)) == ["worse"]  # within the quiet period
    assert kinds(episodes, alert(2001, 40, value=7, **critical)) == [None]  # 29 s after the last notification
    assert kinds(episodes, alert(2001, 41, value=7, **critical)) == ["reminder"]  # 30 s: the critical quiet period


def test_news2_episodes_are_clinical_not_data_quality():
    episodes = tracker()
    episodes.observe(alert(2001, 0, kind=Outcome.NEWS2, attribute="news2", rule="news2:medium", value=5))
    episodes.observe(alert(2002, int(ALL_CLEAR_S)))
    assert [note.type for note in episodes.sweep()] == ["all_clear"]  # data-quality episodes close quietly


def test_a_news2_risk_going_back_and_forth_notifies_only_when_it_rises_above_what_was_told():
    def news2(second: int, risk: str, score: int, severity: str) -> dict:
        item = alert(2001, second, value=score, kind=Outcome.NEWS2, attribute="news2", severity=severity)
        return {**item, "rule_id": f"news2:{risk}"}

    assert kinds(
        tracker(),
        news2(0, "low-medium", 3, "advisory"),  # a single 3: opened
        news2(5, "medium", 5, "urgent"),  # more severe: worse
        news2(10, "low-medium", 3, "advisory"),  # back down: silent
        news2(15, "medium", 5, "urgent"),  # up again, but the doctor was told of medium already: silent
    ) == ["opened", "worse", None, None]
