"""Alert quality on a simulated ward: were the labelled episodes notified, how fast, and how often were doctors
notified outside them. Pure scoring (no I/O); ``testkit/ward.py`` gathers the inputs from a live run.

Targets (issue 20): every labelled episode notified, a median under 5 s from an
episode's first abnormal reading (its first alert's reading time) to the email
(the SNS delivery's timestamp), and at most one notification per patient-hour
outside labelled episodes.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from contract.alerts import TECHNICAL_NOTIFICATIONS
from simulation.bedside import Episode

TARGET_RECALL = 1.0
TARGET_MEDIAN_S = 5.0
TARGET_OUTSIDE_PER_PATIENT_HOUR = 1.0
JUDGED_AFTER_S = 30.0  # an episode starting closer than this to the run's end has not had time to alert
NOTICE_GRACE_S = 30.0  # a notification this long after an episode ended still belongs to it
CLOSING_NOTICES = ("all_clear",)
# not a telling of a deterioration: the close, and the technical alarms about the monitor
NOT_CLINICAL_NOTICES = (*CLOSING_NOTICES, *TECHNICAL_NOTIFICATIONS)


@dataclass(frozen=True)
class Notice:
    """One delivered notification about a patient."""

    patient_id: int
    sent_at: dt.datetime  # naive UTC
    type: str  # opened | worse | reminder | all_clear | data_quality


@dataclass(frozen=True)
class AlertQuality:
    judged: int
    notified: int
    unjudged: int  # started within JUDGED_AFTER_S of the end
    latencies_s: tuple[float, ...]
    outside: int  # notifications about ward patients outside every labelled episode
    patient_hours: float
    missed: tuple[Episode, ...] = field(default=())

    @property
    def recall(self) -> float:
        return self.notified / self.judged if self.judged else 1.0

    @property
    def median_latency_s(self) -> float | None:
        return statistics.median(self.latencies_s) if self.latencies_s else None

    @property
    def outside_per_patient_hour(self) -> float:
        return self.outside / self.patient_hours if self.patient_hours else 0.0

    def lines(self) -> list[str]:
        """The three targets, each with its measured value and whether it is met."""
        median = self.median_latency_s
        latency = "no notified episode" if median is None else f"{median:.1f} s"
        spread = (
            f" (P90 {statistics.quantiles(self.latencies_s, n=10)[-1]:.1f} s)" if len(self.latencies_s) >= 2 else ""
        )
        return [
            f"episode recall: {self.notified}/{self.judged} labelled episodes notified ({100 * self.recall:.0f}%; "
            f"target 100%) {_verdict(self.recall >= TARGET_RECALL)}"
            + (f"; {self.unjudged} started in the last {JUDGED_AFTER_S:.0f} s, not judged" if self.unjudged else ""),
            f"first abnormal reading -> email: median {latency}{spread} (target under {TARGET_MEDIAN_S:.0f} s) "
            f"{_verdict(median is not None and median < TARGET_MEDIAN_S)}",
            f"notifications outside labelled episodes: {self.outside} in {self.patient_hours:.1f} patient-hours = "
            f"{self.outside_per_patient_hour:.2f} per patient-hour (target at most "
            f"{TARGET_OUTSIDE_PER_PATIENT_HOUR:.0f}) {_verdict(self.outside_per_patient_hour <= 1.0)}",
        ]


def _verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def score(
    episodes: Iterable[Episode],
    alert_times: dict[int, list[dt.datetime]],
    notices: Iterable[Notice],
    *,
    patient_ids: set[int],
    started: dt.datetime,
    ended: dt.datetime,
    all_clear_s: float,
) -> AlertQuality:
    """Score a run from ``started`` to ``ended`` (the readings' span, naive UTC).

    ``alert_times``: each patient's clinical alerts' reading times (the pipeline's first abnormal readings).
    An episode is notified when its patient got an opening, worse or reminder notification from its start to
    NOTICE_GRACE_S after its end, or was still under an earlier notification not yet all-cleared.
    """
    by_patient: dict[int, list[Notice]] = {}
    for notice in sorted(notices, key=lambda notice: notice.sent_at):
        by_patient.setdefault(notice.patient_id, []).append(notice)
    episodes_of: dict[int, list[Episode]] = {}
    judged = notified = unjudged = 0
    latencies: list[float] = []
    missed: list[Episode] = []
    for episode in episodes:
        episodes_of.setdefault(episode.patient_id, []).append(episode)
        if (ended - episode.started_at).total_seconds() < JUDGED_AFTER_S:
            unjudged += 1
            continue
        judged += 1
        patient_notices = by_patient.get(episode.patient_id, [])
        window_end = episode.ended_at + dt.timedelta(seconds=NOTICE_GRACE_S)
        inside = [
            notice
            for notice in patient_notices
            if episode.started_at <= notice.sent_at <= window_end and notice.type not in NOT_CLINICAL_NOTICES
        ]
        if inside:
            notified += 1
            first_alert = min(
                (moment for moment in alert_times.get(episode.patient_id, []) if moment >= episode.started_at),
                default=None,
            )
            if first_alert is not None and first_alert <= inside[0].sent_at:
                latencies.append((inside[0].sent_at - first_alert).total_seconds())
        elif _still_notified(patient_notices, episode.started_at, all_clear_s):
            notified += 1
        else:
            missed.append(episode)
    outside = sum(
        1
        for patient_id, patient_notices in by_patient.items()
        if patient_id in patient_ids
        for notice in patient_notices
        if not any(
            episode.started_at
            <= notice.sent_at
            <= episode.ended_at + dt.timedelta(seconds=all_clear_s + NOTICE_GRACE_S)
            for episode in episodes_of.get(patient_id, [])
        )
    )
    return AlertQuality(
        judged=judged,
        notified=notified,
        unjudged=unjudged,
        latencies_s=tuple(latencies),
        outside=outside,
        patient_hours=len(patient_ids) * (ended - started).total_seconds() / 3600,
        missed=tuple(missed),
    )


def _still_notified(notices: list[Notice], moment: dt.datetime, all_clear_s: float) -> bool:
    """An earlier notification of the patient, within ``all_clear_s`` of ``moment``, not all-cleared since."""
    earlier = [notice for notice in notices if notice.sent_at < moment]
    return (
        bool(earlier)
        and earlier[-1].type not in CLOSING_NOTICES
        and ((moment - earlier[-1].sent_at).total_seconds() <= all_clear_s)
    )
