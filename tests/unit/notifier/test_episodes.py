"""The alarm rules without any server: one episode per patient, hysteresis, the cap, acknowledgement and
escalation, all-clear only from evidence, monitoring lost (docs/clinical-safety.md names the hazard each
test controls)."""

from __future__ import annotations

import dataclasses
import json

from contract.alerts import NotificationKind, Outcome, Severity
from contract.records import PatientContext
from notifier.episodes import (
    AlarmPolicy,
    EpisodeTracker,
    Notification,
    from_json,
    notification_from_json,
    notification_to_json,
    to_json,
)
from tests.notifier_fixtures import START, alert, observation, received_alert, received_observation

POLICY = AlarmPolicy(
    confirm_readings=2,
    confirm_s=30.0,
    max_per_hour=4,
    all_clear_readings=3,
    monitoring_lost_s=60.0,
    monitoring_expected_s=600.0,
    escalate_after_s=300.0,
    tiers=3,
)


CLOCK0 = START.timestamp()  # the notifier's clock in these tests: the readings' own times, as when caught up


class Ward:
    """Feeds a tracker readings as the stream sends them (each abnormal vital's alert, then the observation) and
    ticks it the way the service does after each poll; collects what it would send."""

    def __init__(self, policy: AlarmPolicy = POLICY):
        self.tracker = EpisodeTracker(policy)
        self.sent: list[tuple[float, Notification]] = []

    def reading(self, patient: int, second: float, *alerts: dict, clock: float | None = None) -> None:
        now = CLOCK0 + (second if clock is None else clock)
        notes = []
        for item in alerts:
            notes += self.tracker.observe_alert(received_alert(item), now)
        subjects = [item["attribute"] if item["kind"] != Outcome.UNKNOWN_PATIENT else "x" for item in alerts]
        notes += self.tracker.observe_reading(received_observation(observation(patient, second, subjects)), now)
        self.sent += [(now - CLOCK0, note) for note in notes + self.tracker.tick(now)]

    def tick(self, second: float) -> None:
        self.sent += [(second, note) for note in self.tracker.tick(CLOCK0 + second)]

    def kinds(self, patient: int | None = None) -> list[str]:
        return [note.kind.value for _, note in self.sent if patient is None or note.patient_id == str(patient)]


def vital(patient: int, second: float, attribute: str, value: float, severity: str) -> dict:
    return alert(patient, int(second), value=value, attribute=attribute, severity=severity, rule=attribute)


def news2(patient: int, second: float, score: int, severity: str) -> dict:
    return alert(
        patient, int(second), value=score, kind=Outcome.NEWS2, attribute="news2", severity=severity, rule="news2"
    )


def septic(patient: int, second: float) -> list[dict]:
    """Heart rate, systolic BP, respiratory rate and SpO2 critical, NEWS2 high: one reading's alerts."""
    return [
        vital(patient, second, "heartBeat", 140, Severity.CRITICAL),
        vital(patient, second, "bp", 85, Severity.CRITICAL),
        vital(patient, second, "respiratory_rate", 30, Severity.CRITICAL),
        vital(patient, second, "spo2", 88, Severity.CRITICAL),
        news2(patient, second, 13, Severity.CRITICAL),
    ]


def test_a_septic_patient_for_ten_minutes_is_one_episode_opened_once_then_escalated_within_the_cap():
    ward = Ward()
    for second in range(0, 610, 5):  # ten minutes and a reading
        ward.reading(2001, second, *septic(2001, second))
    assert ward.kinds() == ["opened", "escalation", "escalation"]  # 2 readings to confirm, then +300 s, +600 s
    opened_at, opened = ward.sent[0]
    assert opened_at == 5 and opened.severity == Severity.CRITICAL and opened.tier == 0
    assert {item.attribute for item in opened.findings} == {"heartBeat", "bp", "respiratory_rate", "spo2", "news2"}
    assert [(at, note.tier) for at, note in ward.sent[1:]] == [(305, 1), (605, 2)]


def test_a_sepsis_building_over_minutes_is_told_as_it_worsens_and_escalated_within_the_cap():
    """Urgent first, critical from 30 s, NEWS2 climbing 5, 7, 9, 11, 13: the rises within critical wait for the
    escalations, which the cap keeps room for and which carry the whole picture."""
    ward = Ward()
    for second in range(0, 640, 5):
        stage = min(second // 30, 4)  # every 30 s a little worse
        severity = Severity.URGENT if stage == 0 else Severity.CRITICAL
        heart, score = (
            vital(2001, second, "heartBeat", 115 + 5 * stage, severity),
            news2(2001, second, 5 + 2 * stage, severity),
        )
        ward.reading(2001, second, heart, score)
    assert [(at, note.kind.value, note.severity, note.tier) for at, note in ward.sent] == [
        (5, "opened", "urgent", 0),
        (35, "worse", "critical", 0),
        (335, "escalation", "critical", 1),
        (635, "escalation", "critical", 2),
    ]
    latest = {item.attribute: item.observed_value for item in ward.sent[-1][1].findings}
    assert latest == {"heartBeat": 135, "news2": 13}  # the digest: what happened since, in the escalation


def test_once_acknowledged_a_news2_rise_is_told_to_whoever_acknowledged_it():
    ward = Ward()
    second = 0
    for score, severity in [(5, "urgent"), (7, "critical"), (5, "urgent")]:
        for _ in range(2):
            ward.reading(2001, second, news2(2001, second, score, severity))
            second += 5
    ward.tracker.acknowledge(ward.sent[0][1].ack_code, "Dr Rao", CLOCK0 + second)
    for _ in range(2):
        ward.reading(2001, second, news2(2001, second, 7, "critical"))
        second += 5
    assert ward.kinds() == ["opened", "worse", "worse"]  # unacknowledged, the second rise would wait


def test_a_value_flapping_between_bands_sends_no_worse_and_nothing_on_improvement():
    ward = Ward()
    for index in range(60):  # SpO2 91/92 every 5 s for 5 minutes: critical, urgent, critical, ...
        severity = Severity.CRITICAL if index % 2 else Severity.URGENT
        ward.reading(2001, index * 5, vital(2001, index * 5, "spo2", 91 if index % 2 else 92, severity))
    # never critical in two consecutive readings: the episode is urgent, told once (and escalated, unacknowledged)
    assert ward.kinds() == ["opened"]
    assert ward.sent[0][1].severity == Severity.URGENT


def test_a_rise_that_persists_is_told_at_once_and_an_improvement_is_not():
    ward = Ward()
    for second, severity in [(0, "urgent"), (5, "urgent"), (10, "critical"), (15, "critical"), (20, "urgent")]:
        ward.reading(2001, second, vital(2001, second, "bp", 91 if severity == "urgent" else 85, severity))
    ward.reading(2001, 25, vital(2001, 25, "bp", 95, Severity.URGENT))
    assert [(at, kind) for at, kind in ((at, note.kind.value) for at, note in ward.sent)] == [
        (5, "opened"),
        (15, "worse"),
    ]


def test_news2_rising_again_after_it_settled_waits_for_the_escalation_while_unacknowledged():
    ward = Ward()
    second = 0
    for score, severity in [(5, "urgent"), (7, "critical"), (5, "urgent"), (7, "critical")]:
        for _ in range(2):  # each level held for two readings (confirmed)
            ward.reading(2001, second, news2(2001, second, score, severity))
            second += 5
    assert ward.kinds() == ["opened", "worse"]  # the second rise waits: room is kept for the escalations
    assert ward.tracker.beds["2001"].held
    for later in range(second, 320, 5):
        ward.reading(2001, later, news2(2001, later, 7, "critical"))
    assert ward.kinds() == ["opened", "worse", "escalation"]
    assert ward.sent[-1][1].severity == "critical" and ward.sent[-1][1].findings[0].observed_value == 7


def test_a_news2_rise_of_two_within_one_band_is_told_once_acknowledged():
    ward = Ward()
    for second, score in [(0, 5), (5, 5), (10, 6), (15, 6)]:
        ward.reading(2001, second, news2(2001, second, score, Severity.URGENT))  # medium risk all along
    ward.tracker.acknowledge(ward.sent[0][1].ack_code, "Nurse Lee", CLOCK0 + 16)
    for second in (20, 25):
        ward.reading(2001, second, news2(2001, second, 7, Severity.URGENT))
    assert ward.kinds() == ["opened", "worse"]
    assert ward.sent[1][0] == 25


def test_one_artefact_reading_alarms_nobody():
    ward = Ward()
    ward.reading(2001, 0, vital(2001, 0, "spo2", 40, Severity.CRITICAL))  # a loose probe, one reading
    for second in range(5, 60, 5):
        ward.reading(2001, second)
    assert ward.kinds() == []
    assert "2001" in ward.tracker.beds and not ward.tracker.beds["2001"].findings


def test_a_single_reading_with_no_contrary_evidence_is_confirmed_by_time():
    ward = Ward()
    ward.reading(2001, 0, news2(2001, 0, 7, Severity.CRITICAL))  # a bed observed once an hour
    ward.tick(29)
    assert ward.kinds() == []
    ward.tick(30)
    assert ward.kinds() == ["opened"]


def test_all_clear_only_after_enough_normal_readings_of_every_finding():
    ward = Ward()
    for second in (0, 5):
        ward.reading(
            2001,
            second,
            vital(2001, second, "heartBeat", 45, "urgent"),
            vital(2001, second, "spo2", 90, "urgent"),
        )
    ward.reading(2001, 10, vital(2001, 10, "spo2", 90, "urgent"))  # heart rate normal again, SpO2 not
    ward.reading(2001, 15)
    ward.reading(2001, 20)
    assert ward.kinds() == ["opened"]  # heart rate normal 3 times, SpO2 only twice
    ward.reading(2001, 25)
    assert ward.kinds() == ["opened", "all_clear"]
    assert not ward.tracker.beds["2001"].open


def test_a_silent_monitor_is_monitoring_lost_never_all_clear_while_another_bed_goes_on():
    ward = Ward()
    for second in (0, 5, 10):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    for second in range(0, 400, 5):  # another patient's readings continue, abnormal and normal
        ward.reading(2002, second, *([vital(2002, second, "heartBeat", 45, "urgent")] if second > 300 else []))
    assert ward.kinds(2001) == ["opened", "monitoring_lost", "escalation"]
    lost_at, lost = next((at, note) for at, note in ward.sent if note.kind == NotificationKind.MONITORING_LOST)
    assert lost_at == 70 and lost.severity == Severity.CRITICAL and lost.technical  # 60 s after its last reading
    assert "all_clear" not in ward.kinds()
    assert ward.tracker.beds["2001"].open
    ward.reading(2001, 400)  # the monitor is back: told so, the episode still open until readings are normal
    assert ward.kinds(2001)[-1] == "monitoring_restored" and ward.tracker.beds["2001"].open


def test_a_device_clock_290_s_fast_moves_no_other_patients_episode():
    ward = Ward()
    for second in (0, 5, 10):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    before = json.dumps(to_json(ward.tracker.beds["2001"]), sort_keys=True)
    for second in (15, 20, 25):  # patient 2002's device stamps its readings 290 s ahead
        ward.reading(2002, second + 290, vital(2002, second + 290, "heartBeat", 45, "urgent"), clock=second)
    ward.reading(2001, 30, vital(2001, 30, "spo2", 85, Severity.CRITICAL))
    assert ward.kinds(2001) == ["opened"]
    after = to_json(ward.tracker.beds["2001"])
    assert after["findings"]["spo2"]["abnormal_at"] == CLOCK0 + 30  # 2001's own time, not 2002's
    assert json.loads(before)["opened_at"] == after["opened_at"]


def test_an_unacknowledged_episode_escalates_once_per_interval_and_acknowledging_stops_it():
    ward = Ward()
    for second in range(0, 320, 5):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    assert [(at, note.kind.value, note.tier) for at, note in ward.sent] == [(5, "opened", 0), (305, "escalation", 1)]
    code = ward.sent[0][1].ack_code
    assert ward.tracker.acknowledge("WRONGCODE0", "someone", CLOCK0 + 320) is None
    acknowledged = ward.tracker.acknowledge(code, "Dr Rao", CLOCK0 + 320)
    assert acknowledged is not None and acknowledged.acknowledged_by == "Dr Rao"
    for second in range(320, 1500, 5):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    assert ward.kinds() == ["opened", "escalation"]  # no reminder, no further tier once acknowledged


def test_at_the_last_tier_reminders_stay_within_the_hourly_cap():
    ward = Ward(AlarmPolicy(**{**POLICY.__dict__, "escalate_after_s": 120.0}))
    for second in range(0, 3600, 10):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    assert ward.kinds()[:3] == ["opened", "escalation", "escalation"]
    assert len(ward.sent) == 4  # + one reminder at the last tier: 4 per hour
    assert ward.kinds()[3] == "reminder" and ward.sent[3][1].tier == 2


def test_flapping_in_and_out_of_range_is_capped_across_episodes():
    ward = Ward()
    second = 0
    for _ in range(20):  # abnormal twice (opened), normal three times (all clear), over and over for 8 minutes
        for _ in range(2):
            ward.reading(2001, second, vital(2001, second, "heartBeat", 45, "urgent"))
            second += 5
        for _ in range(3):
            ward.reading(2001, second)
            second += 5
    # the all-clear is no alarm; the re-openings of a severity told this hour wait (the dashboard shows them)
    assert ward.kinds() == ["opened", "all_clear"]


def test_data_quality_is_told_once_as_such_and_an_unknown_patients_silence_raises_no_alarm():
    ward = Ward()
    unknown = dict(kind=Outcome.UNKNOWN_PATIENT, attribute=None)
    for second in (0, 5, 10):
        ward.tracker.observe_alert(received_alert(alert(990001, second, **unknown)), CLOCK0 + second)
        ward.tick(second)
    ward.tick(2000)
    assert ward.kinds() == ["data_quality"]
    assert "990001" not in ward.tracker.beds


def test_a_known_bed_silent_past_its_expected_interval_is_reported_once_then_forgotten():
    ward = Ward()
    ward.reading(2001, 0)
    ward.tick(599)
    assert ward.kinds() == []
    ward.tick(600)
    ward.tick(1200)
    assert ward.kinds() == ["monitoring_lost"] and ward.sent[0][1].severity == Severity.ADVISORY
    changed, forgotten = ward.tracker.drain_changes()
    assert forgotten == {"2001"}


def test_records_read_twice_after_a_restart_change_nothing():
    ward = Ward()
    readings = [(second, vital(2001, second, "spo2", 85, Severity.CRITICAL)) for second in (0, 5, 10)]
    for second, item in readings:
        ward.reading(2001, second, item)
    saved = {patient: from_json(json.loads(json.dumps(to_json(bed)))) for patient, bed in ward.tracker.beds.items()}
    again = Ward()
    again.tracker = EpisodeTracker(POLICY, saved)
    for second, item in readings:
        again.reading(2001, second, item)
    assert again.sent == []
    assert to_json(again.tracker.beds["2001"]) == to_json(ward.tracker.beds["2001"])


def test_the_tracker_hands_over_what_changed_once():
    ward = Ward()
    ward.reading(2001, 0, vital(2001, 0, "spo2", 85, Severity.CRITICAL))
    ward.reading(2002, 0)
    changed, forgotten = ward.tracker.drain_changes()
    assert sorted(bed.patient_id for bed in changed) == ["2001", "2002"] and forgotten == set()
    assert ward.tracker.drain_changes() == ([], set())


def test_an_opening_sns_refused_is_not_told_and_the_next_reading_opens_the_episode_again():
    ward = Ward()
    for second in (0, 5):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    [(_, refused)] = ward.sent
    ward.tracker.untell(refused)
    assert not ward.tracker.beds["2001"].open and ward.tracker.beds["2001"].sent == []
    ward.reading(2001, 10, vital(2001, 10, "spo2", 85, Severity.CRITICAL))
    assert ward.kinds() == ["opened", "opened"]


def test_a_tight_cap_keeps_its_room_for_the_escalations_and_folds_the_rise_into_them():
    """With three messages an hour, urgent then critical a minute later: the rise waits (folded into the next
    message), so both escalations still reach the ward doctor and the rapid response team within the hour."""
    ward = Ward(dataclasses.replace(POLICY, max_per_hour=3))
    for second in range(0, 610, 5):
        severity = Severity.URGENT if second < 60 else Severity.CRITICAL
        ward.reading(2001, second, vital(2001, second, "spo2", 90 if second < 60 else 85, severity))
    assert ward.kinds() == ["opened", "escalation", "escalation"]
    assert [note.tier for _, note in ward.sent] == [0, 1, 2]
    assert ward.sent[1][1].severity == Severity.CRITICAL  # the escalation carries the rise it waited for


def test_state_and_dead_letters_saved_before_typed_records_read_back():
    """A bed saved with a partial context and an alert without a severity, and a technical alarm's dead letter
    whose ``alert`` is only the bed's context, as the notifier kept them before its records were typed."""
    ward = Ward()
    for second in (0, 5):
        ward.reading(2001, second, vital(2001, second, "spo2", 85, Severity.CRITICAL))
    saved = json.loads(json.dumps(to_json(ward.tracker.beds["2001"])))
    saved["context"] = {"patient_id": 2001, "admitted_ward": "ICU"}
    del saved["findings"]["spo2"]["last_alert"]["severity"]
    bed = from_json(saved)
    assert bed.context.admitted_ward == "ICU" and bed.context.device_id is None
    assert bed.findings["spo2"].last_alert.severity is Severity.URGENT  # the kind's default, as before
    technical = {
        "kind": "monitoring_lost",
        "patient_id": "2001",
        "severity": "urgent",
        "alert": {"patient_id": 2001, "admitted_ward": "ICU"},
        "findings": [],
        "opened_at": CLOCK0,
        "tier": 0,
        "ack_code": "K7Q2M9XP4T",
        "alert_id": None,
    }
    note = notification_from_json(technical)
    assert note.alert is None and note.context.admitted_ward == "ICU" and note.kind is NotificationKind.MONITORING_LOST
    assert notification_to_json(note) == technical | {"alert": PatientContext.from_json(technical["alert"]).as_json()}
