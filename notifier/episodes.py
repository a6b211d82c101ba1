"""Alarm episodes: one per patient, decided from that patient's own readings. Pure logic, no I/O.

Why it is built this way (docs/clinical-safety.md keeps the hazards each rule controls):

* **One episode per patient**, not per vital: a septic patient is one emergency, told once, with every finding in
  the message. Its severity is the worst of its confirmed findings.
* **Hysteresis.** A finding's severity changes only when it persisted ``confirm_readings`` consecutive readings (or
  ``confirm_s`` with no normal reading in between): an artefact alarms nobody, and a value hovering on a band's
  edge does not flap. A rise is judged by severity order or a NEWS2 rise of 2 or more, never by a distance from a
  band's edge.
* **A cap.** At most ``max_per_hour`` notifications per patient-hour; what happens meanwhile is folded into the
  next message. An opening, a rise to a severity not told within the hour, an escalation and a monitoring-lost
  alarm are never held back.
* **Acknowledgement and escalation.** An urgent or critical episode nobody acknowledged goes to the next tier after
  ``escalate_after_s``, and at the last tier is reminded at that interval; acknowledging stops both.
* **All-clear only from evidence**: every finding normal in ``all_clear_readings`` consecutive readings of that
  patient. A bed that goes quiet raises "monitoring lost" (a technical alarm), never an all-clear.
* **Each patient on its own clock.** Readings are ordered by that patient's own event times; the silence of a bed
  is measured by the notifier's clock (Kafka's record times, which the stream stamps, or the wall clock when the
  queue is drained), so no device's clock can move another patient's episode.

Every decision is idempotent for a record seen twice (a restart re-reads what it had not committed): a reading
older than the evidence a finding already has changes nothing.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass, field
from typing import Any, TypeVar

from contract.alerts import (
    DATA_QUALITY_KINDS,
    SEVERITY_RANK,
    TECHNICAL_NOTIFICATIONS,
    NotificationKind,
    Outcome,
    Severity,
    finding_subject,
)
from contract.records import AlertRecord, ObservationRecord, PatientContext
from settings import Settings

HOUR_S = 3600.0
NEWS2_RISE = 2  # a NEWS2 score this much above the one told is news, whatever its band (RCP: a rise of 2)


@dataclass(frozen=True)
class AlarmPolicy:
    """The alarm rules' numbers (settings ``PA_ALARM_*``, ``PA_ALL_CLEAR_READINGS``, ``PA_MONITORING_*``,
    ``PA_ESCALATE_AFTER_S``)."""

    confirm_readings: int = 2
    confirm_s: float = 30.0
    max_per_hour: int = 4
    all_clear_readings: int = 3
    monitoring_lost_s: float = 60.0
    monitoring_expected_s: float = 600.0
    escalate_after_s: float = 300.0
    tiers: int = 3

    @classmethod
    def of(cls, settings: Settings) -> AlarmPolicy:
        return cls(
            confirm_readings=settings.notifier.alarm_confirm_readings,
            confirm_s=settings.notifier.alarm_confirm_s,
            max_per_hour=settings.notifier.alarm_max_per_hour,
            all_clear_readings=settings.notifier.all_clear_readings,
            monitoring_lost_s=settings.notifier.monitoring_lost_s,
            monitoring_expected_s=settings.notifier.monitoring_expected_s,
            escalate_after_s=settings.notifier.escalate_after_s,
            tiers=len(settings.alarm_tiers),
        )


@dataclass
class Finding:
    """One thing abnormal about a patient: a vital out of range, its NEWS2, or a data-quality problem."""

    subject: str
    data_quality: bool
    last_alert: AlertRecord
    first_heard: float  # the notifier's clock at its first alert since it was last normal
    recent: list[int] = field(default_factory=list)  # severity ranks of its latest consecutive readings
    scores: list[float] = field(default_factory=list)  # NEWS2 scores of the same readings (news2 only)
    confirmed: int | None = None  # the confirmed severity rank; None: not yet confirmed
    confirmed_score: float | None = None  # the confirmed NEWS2 score (news2 only), with the same hysteresis
    abnormal_at: float = 0.0  # event time of its newest alert
    normal_at: float = 0.0  # event time of its newest normal reading
    normal_readings: int = 0  # consecutive normal readings since its newest alert


RANKED = {rank: Severity(name) for name, rank in SEVERITY_RANK.items()}


@dataclass
class Bed:
    """What the notifier knows of one patient: when it last heard of the bed, and the open episode if any."""

    patient_id: str
    ack_code: str
    context: PatientContext  # who and where, as the bed's newest record had it (for messages about the bed)
    last_heard: float  # the notifier's clock at the bed's newest record
    persisted_heard: float = 0.0  # last_heard as last saved (a quiet bed is saved at most every PERSIST_HEARD_S)
    findings: dict[str, Finding] = field(default_factory=dict)
    opened_at: float | None = None  # the notifier's clock when the episode was first told; None: not told
    notified_rank: int | None = None  # the highest severity told since the episode last calmed down
    notified_score: float | None = None  # the NEWS2 score told
    told_data_quality: bool = False
    sent: list[tuple[float, int]] = field(default_factory=list)  # (clock, severity rank) of the last hour's messages
    held: bool = False  # a rise waits for the cap
    tier: int = 0
    tier_since: float = 0.0
    acknowledged_by: str | None = None
    acknowledged_at: float | None = None
    monitoring_lost: bool = False
    monitoring_told: bool = False
    observed: bool = False  # a reading of a known patient came (an unknown patient's device is not a bed to watch)

    @property
    def open(self) -> bool:
        """An episode is open from its first notification until its all-clear, while a technical alarm is on, and
        while an opening waits for the cap (the dashboard shows it meanwhile)."""
        return self.opened_at is not None or self.monitoring_lost or self.held

    @property
    def rank(self) -> int | None:
        """The episode's severity: the worst confirmed clinical finding (None: none confirmed)."""
        return max(
            (finding.confirmed for finding in self.clinical() if finding.confirmed is not None),
            default=None,
        )

    @property
    def severity(self) -> Severity | None:
        return None if self.rank is None else RANKED[self.rank]

    @property
    def news2_score(self) -> float | None:
        news2 = self.findings.get(Outcome.NEWS2.value)
        return None if news2 is None else news2.confirmed_score

    def clinical(self) -> list[Finding]:
        return [finding for finding in self.findings.values() if not finding.data_quality]


@dataclass(frozen=True)
class Notification:
    """One message to send: what happened to which patient's episode, told to which tier."""

    kind: NotificationKind
    patient_id: str
    severity: Severity
    alert: AlertRecord | None  # the alert it is about (the worst finding's newest); None: no finding is open
    context: PatientContext  # who and where: the bed's, with the alert's own where it names them
    findings: tuple[AlertRecord, ...]  # every open finding's newest alert, the worst first (the message's digest)
    opened_at: float  # the notifier's clock when the episode was first told
    tier: int
    ack_code: str
    alert_id: str | None = None  # the alert that caused it; None for one caused by time (escalation, silence)

    @property
    def technical(self) -> bool:
        return self.kind in TECHNICAL_NOTIFICATIONS


def new_ack_code() -> str:
    """An acknowledgement code: 10 characters of an unambiguous alphabet (about 50 bits), unguessable, typeable."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


PERSIST_HEARD_S = 30.0  # a bed with nothing open is saved when its last_heard moved on this much


class EpisodeTracker:
    """The beds and their episodes; every method returns the notifications to send and marks what to save."""

    def __init__(self, policy: AlarmPolicy, beds: dict[str, Bed] | None = None):
        self.policy = policy
        self.beds: dict[str, Bed] = dict(beds or {})
        self._changed: set[str] = set()
        self._forgotten: set[str] = set()
        self._pending: dict[str, str | None] = {}  # beds with new evidence -> the newest alert id among it

    # --- what to save -------------------------------------------------------------------------------------------
    def drain_changes(self) -> tuple[list[Bed], set[str]]:
        """The beds changed since the last call (a quiet bed only when its last_heard moved on enough), and the
        patient ids of beds forgotten."""
        changed = []
        for patient_id in self._changed:
            bed = self.beds.get(patient_id)
            if bed is not None:
                bed.persisted_heard = bed.last_heard
                changed.append(bed)
        forgotten = self._forgotten - self._changed
        self._changed, self._forgotten = set(), set()
        return changed, forgotten

    def _touch(self, bed: Bed) -> None:
        self._changed.add(bed.patient_id)

    # --- records ------------------------------------------------------------------------------------------------
    def _bed(self, record: AlertRecord | ObservationRecord, now: float) -> tuple[Bed, list[Notification]]:
        """The record's bed, heard now; a bed whose monitoring was lost is restored (and told so if it was told)."""
        patient_id = str(record.patient_id)
        bed = self.beds.get(patient_id)
        if bed is None:
            bed = self.beds[patient_id] = Bed(patient_id, new_ack_code(), PatientContext(), now)
            self._forgotten.discard(patient_id)
            self._touch(bed)
        bed.context = bed.context.updated(record.context)
        if now - bed.persisted_heard >= PERSIST_HEARD_S or bed.open:
            self._touch(bed)
        bed.last_heard = max(bed.last_heard, now)
        notes: list[Notification] = []
        if bed.monitoring_lost:
            bed.monitoring_lost = False
            self._touch(bed)
            if bed.monitoring_told:
                bed.monitoring_told = False
                notes.append(self._note(bed, NotificationKind.MONITORING_RESTORED, now, counted=False))
            if bed.opened_at is None and not bed.findings:
                self._close(bed)
        return bed, notes

    def observe_alert(self, alert: AlertRecord, now: float) -> list[Notification]:
        """An alert of a reading: its finding's evidence (decided on by the next :meth:`tick`, once the poll's
        other records are in); returns only a technical notification (monitoring restored)."""
        bed, notes = self._bed(alert, now)
        self._touch(bed)
        moment = alert.event_s
        subject = finding_subject(alert.kind, alert.attribute)
        finding = bed.findings.get(subject)
        if finding is None:
            finding = bed.findings[subject] = Finding(
                subject, alert.kind in DATA_QUALITY_KINDS, alert, now, normal_at=moment
            )
        if moment <= finding.abnormal_at:  # seen before (a re-read), or older than what the finding knows
            return notes
        if moment > finding.normal_at:  # the newest evidence is abnormal
            finding.normal_readings = 0
        if not finding.recent:
            finding.first_heard = now
        finding.abnormal_at, finding.last_alert = moment, alert
        keep = self.policy.confirm_readings
        finding.recent = [*finding.recent, SEVERITY_RANK[alert.severity]][-keep:]
        if alert.kind == Outcome.NEWS2 and alert.observed_value is not None:
            finding.scores = [*finding.scores, float(alert.observed_value)][-keep:]
        self._confirm(finding, by_time=False, now=now)
        self._pending[bed.patient_id] = alert.alert_id
        return notes

    def observe_reading(self, observation: ObservationRecord, now: float) -> list[Notification]:
        """A reading of a known patient (its alert subjects listed): the normal findings' evidence and the bed's
        heartbeat; the reading's alerts were observed before it, so what the episode calls for is decided here."""
        bed, notes = self._bed(observation, now)
        if not bed.observed:
            bed.observed = True
            self._touch(bed)
        if not bed.findings:
            self._pending.pop(bed.patient_id, None)
            return notes
        moment = observation.event_s
        present = set(observation.findings)
        for finding in bed.findings.values():
            if finding.subject in present or moment <= max(finding.abnormal_at, finding.normal_at):
                continue
            finding.normal_at = moment
            finding.normal_readings += 1
            finding.recent, finding.scores = [], []  # a normal reading breaks a run of abnormal ones
            self._touch(bed)
        # the reading is complete (its alerts came first): decide now, so a backlog read in one poll is told
        # reading by reading, not only as it ends
        return notes + self._resolve(bed, now, self._pending.pop(bed.patient_id, None))

    def acknowledge(self, ack_code: str, by: str, at: float) -> Bed | None:
        """Record who acknowledged the episode with ``ack_code``: its escalation and reminders stop. A technical
        alarm of a bed with nothing else open closes with it. None: no open episode has that code."""
        for bed in self.beds.values():
            if bed.ack_code == ack_code and bed.open:
                bed.acknowledged_by, bed.acknowledged_at = by, at
                self._touch(bed)
                if bed.opened_at is None and not bed.findings:  # only a technical alarm: seen to, closed
                    self._close(bed)
                return bed
        return None

    def untell(self, notification: Notification) -> None:
        """SNS refused ``notification`` (it is dead-lettered): an opening does not count as told (nor against the
        cap), so the bed's next evidence opens the episode again."""
        bed = self.beds.get(notification.patient_id)
        if bed is not None and notification.kind == NotificationKind.OPENED and bed.ack_code == notification.ack_code:
            bed.opened_at = bed.notified_rank = bed.notified_score = None
            bed.sent = bed.sent[:-1]  # nobody was told: it takes no place in the hour's cap
            self._touch(bed)

    # --- time ---------------------------------------------------------------------------------------------------
    def tick(self, now: float) -> list[Notification]:
        """What the evidence observed since the last tick calls for (an alert that caused a notification is named
        by its ``alert_id``), then what time alone does: confirmations by time, held rises the cap now lets
        through, escalations and reminders, beds gone quiet."""
        notes: list[Notification] = []
        pending, self._pending = self._pending, {}
        for patient_id, cause in pending.items():
            if patient_id in self.beds:
                notes += self._resolve(self.beds[patient_id], now, cause)
        for bed in list(self.beds.values()):
            confirmed = [finding for finding in bed.findings.values() if self._confirm(finding, by_time=True, now=now)]
            if confirmed or bed.held:
                notes += self._decide(bed, now, None)
            notes += self._escalate(bed, now)
            notes += self._watch(bed, now)
        return notes

    # --- the rules ----------------------------------------------------------------------------------------------
    def _confirm(self, finding: Finding, by_time: bool, now: float) -> bool:
        """Move the finding's confirmed severity when its recent readings agree (hysteresis); whether it moved."""
        if not finding.recent:
            return False
        persisted = len(finding.recent) >= self.policy.confirm_readings
        if by_time:
            persisted = finding.confirmed is None and now - finding.first_heard >= self.policy.confirm_s
        if not persisted:
            return False
        before = finding.confirmed, finding.confirmed_score
        finding.confirmed = _hysteresis(finding.confirmed, finding.recent)
        if finding.scores:
            finding.confirmed_score = _hysteresis(finding.confirmed_score, finding.scores)
        return (finding.confirmed, finding.confirmed_score) != before

    def _decide(self, bed: Bed, now: float, cause: str | None) -> list[Notification]:
        """Open, or tell a rise (or hold it for the cap), or nothing; lower what was told when the episode calmed."""
        rank = bed.rank
        if rank is None:
            if bed.opened_at is None and not bed.told_data_quality and self._confirmed_data_quality(bed):
                bed.told_data_quality = True
                return [self._note(bed, NotificationKind.DATA_QUALITY, now, cause=cause)]
            return []
        if bed.opened_at is None:
            if not self._has_room(bed, rank, now):  # reopened within the hour: the cap keeps it for later
                bed.held = True
                return []
            bed.held = False
            bed.opened_at, bed.tier, bed.tier_since = now, 0, now
            bed.notified_rank, bed.notified_score = rank, bed.news2_score
            return [self._note(bed, NotificationKind.OPENED, now, cause=cause)]
        score = bed.news2_score
        if bed.notified_rank is not None and rank < bed.notified_rank:
            bed.notified_rank = rank  # calmed down (confirmed): a later rise is news again
        if score is not None and (bed.notified_score is None or score < bed.notified_score):
            bed.notified_score = score
        risen = (bed.notified_rank is None or rank > bed.notified_rank) or (
            score is not None and bed.notified_score is not None and score >= bed.notified_score + NEWS2_RISE
        )
        if not risen:
            bed.held = False
            return []
        if not self._has_room(bed, rank, now):
            bed.held = True  # told with the next message the cap allows, digest and all
            return []
        bed.held = False
        bed.notified_rank, bed.notified_score = max(rank, bed.notified_rank or 0), score
        bed.acknowledged_by = bed.acknowledged_at = None  # a new deterioration needs a new acknowledgement
        bed.tier_since = now
        return [self._note(bed, NotificationKind.WORSE, now, cause=cause)]

    def _resolve(self, bed: Bed, now: float, cause: str | None) -> list[Notification]:
        """Drop findings normal in enough consecutive readings; the episode's all-clear once none is left, else
        what it calls for now."""
        for subject in [s for s, f in bed.findings.items() if f.normal_readings >= self.policy.all_clear_readings]:
            del bed.findings[subject]
            self._touch(bed)
        if bed.findings:
            return self._decide(bed, now, cause)
        if bed.opened_at is None:  # nothing was told (unconfirmed, or only data quality): closes quietly
            self._close(bed)
            return []
        # not counted against the cap (it is no alarm), but past it the episode closes without one: a patient
        # flapping in and out of range is not sent an all-clear each time (the last message asked for attention)
        capped = self._sent_this_hour(bed, now) >= self.policy.max_per_hour
        note = None if capped else self._note(bed, NotificationKind.ALL_CLEAR, now, counted=False)
        self._close(bed)
        return [note] if note else []

    def _escalate(self, bed: Bed, now: float) -> list[Notification]:
        """An unacknowledged urgent or critical episode: the next tier after escalate_after_s, reminders at the
        last tier at that interval (within the cap)."""
        rank = bed.rank
        if (
            bed.opened_at is None
            or bed.acknowledged_at is not None
            or rank is None
            or rank < SEVERITY_RANK[Severity.URGENT]
            or now - bed.tier_since < self.policy.escalate_after_s
        ):
            return []
        if self._sent_this_hour(bed, now) >= self.policy.max_per_hour:
            return []  # waits for the cap's hour to free a place (rises kept room for the escalations)
        bed.tier_since = now
        self._touch(bed)
        if bed.tier + 1 < self.policy.tiers:
            bed.tier += 1
            return [self._note(bed, NotificationKind.ESCALATION, now)]
        return [self._note(bed, NotificationKind.REMINDER, now)]

    def _watch(self, bed: Bed, now: float) -> list[Notification]:
        """A bed gone quiet: monitoring lost (technical), once per silence; never an all-clear."""
        if bed.monitoring_lost:
            return []
        silent = now - bed.last_heard
        watched = bed.opened_at is not None or bed.rank is not None
        if watched and silent >= self.policy.monitoring_lost_s:
            bed.monitoring_lost = bed.monitoring_told = True
            bed.acknowledged_by = bed.acknowledged_at = None
            self._touch(bed)
            return [self._note(bed, NotificationKind.MONITORING_LOST, now)]
        if silent < self.policy.monitoring_expected_s:
            return []
        # nothing open: told once if it was a known patient's bed, then forgotten (its next reading starts anew)
        note = self._note(bed, NotificationKind.MONITORING_LOST, now) if bed.observed else None
        self._forget(bed)
        return [note] if note else []

    def _confirmed_data_quality(self, bed: Bed) -> bool:
        return any(finding.data_quality and finding.confirmed is not None for finding in bed.findings.values())

    def _sent_this_hour(self, bed: Bed, now: float) -> int:
        return sum(1 for at, _ in bed.sent if now - at < HOUR_S)

    def _has_room(self, bed: Bed, rank: int, now: float) -> bool:
        """Whether an opening or a rise to ``rank`` may be told now within the hourly cap, which counts escalations
        too: while nobody has acknowledged the episode, room is kept for the escalations still to come (they bring
        the next tier the whole picture). A severity not told within the hour may use the rest; any other rise (a
        NEWS2 rise, a severity told already) also leaves room for a later rise to critical, and is otherwise
        folded into the next message. Opened urgent, worse to critical, two escalations: four."""
        room = self.policy.max_per_hour - self._sent_this_hour(bed, now)
        acknowledged = bed.opened_at is not None and bed.acknowledged_at is not None
        to_escalate = 0 if acknowledged else self.policy.tiers - 1 - (bed.tier if bed.opened_at is not None else 0)
        told = max((told for at, told in bed.sent if now - at < HOUR_S), default=-1)
        if rank > told:
            return room > to_escalate
        return room > to_escalate + (1 if rank < SEVERITY_RANK[Severity.CRITICAL] else 0)

    def _note(
        self, bed: Bed, kind: NotificationKind, now: float, cause: str | None = None, counted: bool = True
    ) -> Notification:
        """The notification, counted against the bed's hourly cap (an all-clear and a restoration are not)."""
        ordered = sorted(
            bed.findings.values(), key=lambda f: (f.data_quality, -(f.confirmed if f.confirmed is not None else -1))
        )
        rank = bed.rank
        if kind in TECHNICAL_NOTIFICATIONS:
            severity = RANKED[max(rank or 0, SEVERITY_RANK[Severity.URGENT] if bed.opened_at else 0)]
        elif kind == NotificationKind.DATA_QUALITY or rank is None:
            severity = Severity.ADVISORY
        else:
            severity = RANKED[rank]
        worst = ordered[0].last_alert if ordered else None
        bed.sent = [(at, told) for at, told in bed.sent if now - at < HOUR_S]
        if counted:
            bed.sent.append((now, rank if rank is not None else 0))
        self._touch(bed)
        return Notification(
            kind=kind,
            patient_id=bed.patient_id,
            severity=severity,
            alert=worst,
            context=bed.context if worst is None else bed.context.updated(worst.context),
            findings=tuple(finding.last_alert for finding in ordered if finding.confirmed is not None),
            opened_at=bed.opened_at if bed.opened_at is not None else now,
            tier=bed.tier,
            ack_code=bed.ack_code,
            alert_id=cause,
        )

    def _close(self, bed: Bed) -> None:
        """The episode is over, in place (callers still hold ``bed``); the bed stays watched, with its hour of
        messages (the cap spans episodes) and a new acknowledgement code for its next episode."""
        fresh = Bed(bed.patient_id, new_ack_code(), bed.context, bed.last_heard, sent=bed.sent, observed=bed.observed)
        for name in (item.name for item in dataclasses.fields(Bed)):
            setattr(bed, name, getattr(fresh, name))
        self._touch(bed)

    def _forget(self, bed: Bed) -> None:
        del self.beds[bed.patient_id]
        self._changed.discard(bed.patient_id)
        self._forgotten.add(bed.patient_id)


Level = TypeVar("Level", int, float)


def _hysteresis(confirmed: Level | None, recent: list[Level]) -> Level:
    """The confirmed value after ``recent`` consecutive readings: raised when all of them are above it, lowered
    when all are below, else kept."""
    if confirmed is None or min(recent) > confirmed:
        return min(recent)
    if max(recent) < confirmed:
        return max(recent)
    return confirmed


def to_json(bed: Bed) -> dict[str, Any]:
    """A bed as the notifier's state keeps it (records in their wire form)."""
    return dataclasses.asdict(bed)


def from_json(data: dict[str, Any]) -> Bed:
    findings = {
        subject: Finding(**{**finding, "last_alert": AlertRecord.from_json(finding["last_alert"])})
        for subject, finding in data.pop("findings", {}).items()
    }
    sent = [tuple(pair) for pair in data.pop("sent", [])]
    context = PatientContext.from_json(data.pop("context", {}))
    return Bed(**data, context=context, findings=findings, sent=sent)


def notification_to_json(notification: Notification) -> dict[str, Any]:
    """A notification as the dead-letter topic keeps it: ``alert`` is the alert's fields with the patient's context
    over them (only the context for a technical alarm), the form every dead letter has had."""
    shown = notification.alert.as_json() if notification.alert else {}
    return {
        "kind": notification.kind.value,
        "patient_id": notification.patient_id,
        "severity": notification.severity.value,
        "alert": {**shown, **notification.context.as_json()},
        "findings": [finding.as_json() for finding in notification.findings],
        "opened_at": notification.opened_at,
        "tier": notification.tier,
        "ack_code": notification.ack_code,
        "alert_id": notification.alert_id,
    }


def notification_from_json(data: dict[str, Any]) -> Notification:
    """A notification as :func:`notification_to_json` kept it (the dead-letter topic's records)."""
    about = data["alert"]
    return Notification(
        kind=NotificationKind(data["kind"]),
        patient_id=data["patient_id"],
        severity=Severity(data["severity"]),
        alert=AlertRecord.from_json(about) if about.get("alert_id") else None,
        context=PatientContext.from_json(about),
        findings=tuple(AlertRecord.from_json(finding) for finding in data.get("findings") or ()),
        opened_at=data["opened_at"],
        tier=data["tier"],
        ack_code=data["ack_code"],
        alert_id=data.get("alert_id"),
    )
