"""Episode tracking: which alerts become notifications. Pure logic, no I/O.

An episode is one patient's one vital being abnormal (or one kind of
data-quality problem). Its first alert notifies ("opened"); further alerts
stay silent unless the vital gets worse (a more severe alert, another rule, or
a value at least ``worsen_step`` further out of range), or the quiet period
passed since the last notification ("reminder": ``quiet_s``, or the shorter
``critical_quiet_s`` while the episode is critical). When no alert for it arrived for ``all_clear_s``
of event time, it closes with an "all_clear". Time is the alerts' event time,
so a replay makes the same decisions as the live run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from contract.alerts import DATA_QUALITY_KINDS, SEVERITY_RANK, Outcome, Severity

Alert = dict[str, Any]


@dataclass
class Episode:
    key: str
    data_quality: bool
    rule_id: str | None
    opened_at: float
    last_alert_at: float
    last_notified_at: float
    worst_deviation: float
    last_alert: Alert
    severity: str = Severity.ADVISORY  # the highest severity notified in this episode


@dataclass(frozen=True)
class Notification:
    type: str  # opened | worse | reminder | data_quality | all_clear
    alert: Alert  # the alert it is about (for all_clear: the episode's last one)
    episode_key: str
    opened_at: float

    @property
    def alert_id(self) -> str | None:
        """The alert that caused it; an all-clear is caused by silence, not by an alert."""
        return None if self.type == "all_clear" else self.alert["alert_id"]


def event_seconds(alert: Alert) -> float:
    return dt.datetime.fromisoformat(str(alert["input_message_time"]).replace("Z", "+00:00")).timestamp()


def deviation(alert: Alert) -> float:
    """How far the value lies inside its alert band from the band's edge next to normal.

    Alert bands run from the attribute's floor (low band, e.g. 0-69: the normal
    side is the top, 69) or to its ceiling (high band, 79-9999: the normal side
    is 79).
    """
    low, high, value = alert.get("rule_low_value"), alert.get("rule_high_value"), alert.get("observed_value")
    if low is None or high is None or value is None:
        return 0.0
    return abs(value - (high if low <= 0 else low))


def episode_key(alert: Alert) -> str:
    kind = alert["kind"]
    subject = (
        alert.get("attribute") if kind == Outcome.VITAL_OUT_OF_RANGE else f"{kind}:{alert.get('attribute') or '-'}"
    )
    return f"{alert['patient_id']}/{subject}"


@dataclass(frozen=True)
class EpisodeChanges:
    """What to persist since the last drain: episodes opened or updated, and the keys of episodes closed."""

    changed: list[Episode]
    closed: set[str]


class EpisodeTracker:
    """Decides per alert; holds the open episodes and hands over what changed with :meth:`drain_changes`."""

    def __init__(
        self,
        quiet_s: float,
        all_clear_s: float,
        worsen_step: float,
        episodes: dict[str, Episode] | None = None,
        critical_quiet_s: float | None = None,
    ):
        self.quiet_s, self.all_clear_s, self.worsen_step = quiet_s, all_clear_s, worsen_step
        # a critical episode is never held back by the ordinary quiet period
        self.critical_quiet_s = min(quiet_s, critical_quiet_s if critical_quiet_s is not None else quiet_s)
        self.episodes: dict[str, Episode] = dict(episodes or {})
        self.clock = max((episode.last_alert_at for episode in self.episodes.values()), default=0.0)
        self._changed: set[str] = set()
        self._closed: set[str] = set()

    def drain_changes(self) -> EpisodeChanges:
        """The episodes changed and closed since the last call, forgotten here once handed over."""
        changes = EpisodeChanges([self.episodes[key] for key in self._changed if key in self.episodes], self._closed)
        self._changed, self._closed = set(), set()
        return changes

    def observe(self, alert: Alert) -> Notification | None:
        """The notification this alert causes, or None when it belongs to an episode already notified."""
        moment = event_seconds(alert)
        self.clock = max(self.clock, moment)
        key = episode_key(alert)
        self._changed.add(key)
        self._closed.discard(key)
        episode = self.episodes.get(key)
        severity = severity_of(alert)
        if episode is None:
            data_quality = alert["kind"] in DATA_QUALITY_KINDS
            episode = Episode(
                key, data_quality, alert.get("rule_id"), moment, moment, moment, deviation(alert), alert, severity
            )
            self.episodes[key] = episode
            return Notification("data_quality" if data_quality else "opened", alert, key, moment)
        episode.last_alert_at = max(episode.last_alert_at, moment)
        more_severe = SEVERITY_RANK.get(severity, 0) > SEVERITY_RANK.get(episode.severity, 0)
        # another band of the vital is news; a NEWS2 risk that moves between bands only counts when more severe
        other_band = alert["kind"] == Outcome.VITAL_OUT_OF_RANGE and alert.get("rule_id") != episode.rule_id
        if not episode.data_quality and (
            more_severe or other_band or deviation(alert) >= episode.worst_deviation + self.worsen_step
        ):
            episode.rule_id = alert.get("rule_id")
            episode.worst_deviation = max(episode.worst_deviation, deviation(alert))
            episode.severity = max(episode.severity, severity, key=lambda name: SEVERITY_RANK.get(name, 0))
            return self._notify(episode, "worse", alert, moment)
        quiet_s = self.critical_quiet_s if episode.severity == Severity.CRITICAL else self.quiet_s
        if moment - episode.last_notified_at >= quiet_s:
            return self._notify(episode, "data_quality" if episode.data_quality else "reminder", alert, moment)
        return None

    def forget(self, key: str) -> None:
        """Drop an episode whose notification never reached SNS: it was not notified, so the next alert opens it."""
        if self.episodes.pop(key, None) is not None:
            self._closed.add(key)
        self._changed.discard(key)

    def sweep(self) -> list[Notification]:
        """Close episodes silent for ``all_clear_s`` of event time; vitals get an all-clear, data quality closes
        quietly."""
        cleared = []
        for key, episode in list(self.episodes.items()):
            if self.clock - episode.last_alert_at >= self.all_clear_s:
                del self.episodes[key]
                self._closed.add(key)
                self._changed.discard(key)
                if not episode.data_quality:
                    cleared.append(Notification("all_clear", episode.last_alert, key, episode.opened_at))
        return cleared

    def _notify(self, episode: Episode, kind: str, alert: Alert, moment: float) -> Notification:
        episode.last_notified_at = moment
        episode.last_alert = alert
        return Notification(kind, alert, episode.key, episode.opened_at)


def to_json(episode: Episode) -> dict:
    return dataclasses.asdict(episode)


def from_json(data: dict) -> Episode:
    return Episode(**data)  # an episode saved before severities gets the field's default


def severity_of(alert: Alert) -> str:
    """The alert's severity; alerts queued before severities existed: urgent for a vital, advisory otherwise."""
    default = Severity.ADVISORY if alert.get("kind") in DATA_QUALITY_KINDS else Severity.URGENT
    return alert.get("severity") or default
