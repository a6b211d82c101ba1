"""What the ward dashboard shows, read from the pipeline's own stores.

Each bed's latest reading and its NEWS2 come from Hive (vitals_raw, whose
columns hold the scores, through HiveServer2, as analysts read it), the patients of a
ward from Hive's patients table, and the open alert episodes from the
notifier's episode table in RDS: the same episodes the doctors' emails are
about, so the board never shows an alert the doctors were not told of.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from clients import hive
from contract.alerts import SEVERITY_RANK, Severity
from contract.vitals import VITAL_OF_ATTRIBUTE
from hbase_setup import ages
from hbase_setup.bands import normal_ranges
from hbase_setup.rules import ThresholdRule
from notifier import episodes as alarm_episodes
from notifier.messages import finding_text
from notifier.store import NotifierStore
from settings import RdsAccount, Settings

VITALS = ("heart_rate", "bp_systolic", "bp_diastolic", "spo2", "body_temperature", "respiratory_rate")

_LATEST_READINGS = """
SELECT p.patientid AS patient_id, p.patientname AS patient_name,
       CAST(CASE WHEN p.date_of_birth IS NOT NULL THEN floor(months_between(current_timestamp(), p.date_of_birth))
                 ELSE p.age * 12 END AS INT) AS age_months,
       v.device_id, v.event_time,
       {vitals}, v.news2_score, v.news2_risk
FROM {db}.patients p
LEFT JOIN (
  SELECT *, row_number() OVER (PARTITION BY patient_id ORDER BY event_time DESC, reading_id DESC) AS newest
  FROM {db}.vitals_raw
  WHERE event_date >= date_sub(current_date(), {days}) AND event_time >= current_timestamp() - INTERVAL {hours} HOURS
) v ON v.patient_id = p.patientid AND v.newest = 1
WHERE p.admitted_ward = %(ward)s
ORDER BY p.patientid
"""

_LAST_HOUR = """
SELECT v.patient_id, v.event_time, {vitals}
FROM {db}.vitals_raw v JOIN {db}.patients p ON v.patient_id = p.patientid
WHERE p.admitted_ward = %(ward)s AND v.event_date >= date_sub(current_date(), 1)
  AND v.event_time >= current_timestamp() - INTERVAL 1 HOURS
ORDER BY v.patient_id, v.event_time
"""


@dataclass(frozen=True)
class OpenEpisode:
    """A bed's open alarm episode: what is abnormal, how bad, since when, who was told and who acknowledged it."""

    subject: str  # the findings, the worst first, in plain words
    severity: str
    since: dt.datetime  # naive UTC: when the episode was first told
    message: str
    ack_code: str
    acknowledged_by: str | None
    tier_name: str
    monitoring_lost: bool
    vitals: tuple[str, ...] = ()  # the reading fields its findings are about (the board highlights their values)


@dataclass(frozen=True)
class Bed:
    patient_id: int
    patient_name: str
    age: str | None  # as a doctor says it: months below 2 years (hbase_setup.ages.describe)
    device_id: str | None
    reading_time: dt.datetime | None  # None: no reading within the lookback
    vitals: dict[str, float | None]
    news2_score: int | None
    news2_risk: str | None
    episodes: list[OpenEpisode] = field(default_factory=list)
    trend: dict[str, list[float]] = field(default_factory=dict)  # each vital's values of the last hour, oldest first
    normal: dict[str, tuple[float, float]] = field(default_factory=dict)  # each vital's no-alert range at its age

    @property
    def abnormal(self) -> set[str]:
        """The vitals an open episode is about."""
        return {vital for episode in self.episodes for vital in episode.vitals}

    @property
    def severity(self) -> str | None:
        """The most severe open episode's severity (None: nothing open), for the bed's colour and order."""
        return max((episode.severity for episode in self.episodes), key=SEVERITY_RANK.__getitem__, default=None)


def wards(settings: Settings) -> list[str]:
    """The wards patients are admitted to, as Hive's patients table knows them."""
    db = settings.names.hive_database
    found = hive.frame(
        settings.hive, f"SELECT DISTINCT admitted_ward FROM {db}.patients WHERE admitted_ward IS NOT NULL"
    )
    return sorted(found["admitted_ward"])


def beds(settings: Settings, ward: str, rules: Iterable[ThresholdRule] = ()) -> list[Bed]:
    """Every patient of ``ward`` with the latest reading, its NEWS2, the open episodes and, from ``rules``, each
    vital's no-alert range at the patient's age; the sickest first."""
    readings = hive.frame(
        settings.hive,
        _LATEST_READINGS.format(
            db=settings.names.hive_database,
            vitals=", ".join(f"v.{vital}" for vital in VITALS),
            days=int(settings.dashboard.lookback_h // 24) + 1,
            hours=int(settings.dashboard.lookback_h),
        ),
        parameters={"ward": ward},
    )
    last_hour = hive.frame(
        settings.hive,
        _LAST_HOUR.format(db=settings.names.hive_database, vitals=", ".join(f"v.{vital}" for vital in VITALS)),
        parameters={"ward": ward},
    )
    return board(readings, NotifierStore(settings, RdsAccount.QUALITY).open_beds(), settings, last_hour, rules)


def trends(last_hour: pd.DataFrame) -> dict[int, dict[str, list[float]]]:
    """Each patient's values of each vital over the last hour, oldest first (missing values left out)."""
    found: dict[int, dict[str, list[float]]] = {}
    for patient_id, rows in last_hour.groupby("patient_id", sort=False):
        found[int(patient_id)] = {vital: [float(value) for value in rows[vital].dropna()] for vital in VITALS}
    return found


def board(
    readings: pd.DataFrame,
    watched: Iterable[alarm_episodes.Bed],
    settings: Settings,
    last_hour: pd.DataFrame | None = None,
    rules: Iterable[ThresholdRule] = (),
) -> list[Bed]:
    """The beds from the latest readings (one row per patient), the last hour of each vital, the notifier's
    open episodes and each vital's no-alert range from ``rules``; the most severe open episode first, then NEWS2."""
    by_patient = open_episodes(watched, settings)
    recent = trends(last_hour) if last_hour is not None else {}
    rules = tuple(rules)
    found = [
        Bed(
            patient_id=int(row.patient_id),
            patient_name=row.patient_name,
            age=None if pd.isna(row.age_months) else ages.describe(int(row.age_months)),
            device_id=_or_none(row.device_id),
            reading_time=None if pd.isna(row.event_time) else row.event_time.to_pydatetime(),
            vitals={vital: _or_none(getattr(row, vital)) for vital in VITALS},
            news2_score=_or_none(row.news2_score),
            news2_risk=_or_none(row.news2_risk),
            episodes=by_patient.get(int(row.patient_id), []),
            trend=recent.get(int(row.patient_id), {}),
            normal=normal_ranges(rules, None if pd.isna(row.age_months) else int(row.age_months)),
        )
        for row in readings.itertuples(index=False)
    ]
    return sorted(
        found, key=lambda bed: (-SEVERITY_RANK.get(bed.severity or "", -1), -(bed.news2_score or -1), bed.patient_id)
    )


def open_episodes(watched: Iterable[alarm_episodes.Bed], settings: Settings) -> dict[int, list[OpenEpisode]]:
    """The notifier's open episode of each patient id (one per patient: the list is empty or one long)."""
    tiers = settings.alarm_tiers
    found: dict[int, list[OpenEpisode]] = {}
    for bed in watched:
        findings = [finding for finding in bed.findings.values() if finding.confirmed is not None]
        findings.sort(key=lambda finding: -(finding.confirmed or 0))
        severity = bed.severity or (Severity.URGENT if bed.monitoring_lost else Severity.ADVISORY)
        opened = bed.opened_at if bed.opened_at is not None else bed.last_heard
        found[int(bed.patient_id)] = [
            OpenEpisode(
                subject=", ".join(finding_text(finding.last_alert) for finding in findings) or "monitoring lost",
                severity=severity,
                since=dt.datetime.fromtimestamp(opened, dt.UTC).replace(tzinfo=None),
                message="; ".join(finding.last_alert.alert_message or "" for finding in findings),
                ack_code=bed.ack_code,
                acknowledged_by=bed.acknowledged_by,
                tier_name=tiers[min(bed.tier, len(tiers) - 1)].name,
                monitoring_lost=bed.monitoring_lost,
                vitals=tuple(
                    VITAL_OF_ATTRIBUTE[attribute].field
                    for finding in findings
                    if (attribute := finding.last_alert.attribute) in VITAL_OF_ATTRIBUTE
                ),
            )
        ]
    return found


def _or_none(value):
    """pandas' missing values (NaN, NaT, None) as None; numpy scalars as Python numbers."""
    if value is None or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value
