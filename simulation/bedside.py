"""Simulated patients and bedside readings: pure, seeded, reproducible generation (no I/O).

A ward as a doctor would recognise it: children on Pediatrics, pregnant women
on Maternity, adults elsewhere; each patient has stable, ordinary vitals for
their age (the middle of the default thresholds' normal bands, so ordinary
readings alert almost never). Labelled deterioration episodes move one or more
vitals (all six between them) with oxygen and consciousness changes where they
belong, and are recorded with their start and end so alert quality can be
scored. A configurable share of readings is bad on purpose: missing values,
impossible values, unknown patient ids, a monitor's self-test frame.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from contract.vitals import OBSERVATION_TYPES, VITAL_FIELDS

FIRST_PATIENT_ID = 1001
UNKNOWN_PATIENT_ID = 990_001  # no patient has an id this high: the stream must flag these
ADULT_WARDS = ("General", "General", "Cardiology", "Oncology", "ICU")  # General twice: the most beds
STREETS = ("Elm St", "Oak Ave", "Maple Rd", "Cedar Ln", "Pine Ct", "Birch Way")
FIRST_NAMES = ("Asha", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Kemi", "Liam")
LAST_NAMES = ("Rao", "Smith", "Okafor", "Novak", "Garcia", "Kim", "Haddad", "Ivanova", "Brown", "Tanaka")

# from this age (years): heart rate, respiratory rate, systolic and diastolic pressure at rest, mid-normal
_TYPICAL_BY_AGE: tuple[tuple[int, tuple[float, float, float, float]], ...] = (
    (0, (135, 38, 88, 55)),
    (1, (115, 28, 95, 60)),
    (5, (95, 22, 105, 64)),
    (12, (80, 18, 115, 68)),
)
# adults: heart rate, respiratory rate (pressures rise with age, see _baseline)
_TYPICAL_ADULT: tuple[float, float] = (75, 15)
DEEP = 0.75  # share of an episode's peak from which oxygen is started and consciousness changes


@dataclass(frozen=True)
class Change:
    """At an episode's peak ``field`` is ``factor`` times the patient's baseline, plus ``offset``."""

    field: str
    factor: float = 1.0
    offset: float = 0.0

    def apply(self, value: float, depth: float) -> float:
        return value * (1.0 + (self.factor - 1.0) * depth) + self.offset * depth


@dataclass(frozen=True)
class EpisodeKind:
    """How a deterioration shows at the bedside: the vitals it moves, and once deep, oxygen and ACVPU."""

    changes: tuple[Change, ...]
    oxygen: bool = False  # a nurse starts supplemental oxygen
    consciousness: str = "A"

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.field for change in self.changes)


# sized so that at the peak, for every age, at least one vital is outside the default thresholds' normal band
EPISODE_KINDS = {
    "tachycardia": EpisodeKind((Change("heart_rate", factor=1.75),)),
    "bradycardia": EpisodeKind((Change("heart_rate", factor=0.45),)),
    "hypotension": EpisodeKind(
        (Change("bp_systolic", factor=0.6), Change("bp_diastolic", factor=0.6), Change("heart_rate", factor=1.2)),
        consciousness="C",  # new confusion
    ),
    "hypertension": EpisodeKind((Change("bp_systolic", factor=1.7), Change("bp_diastolic", factor=1.5))),
    "desaturation": EpisodeKind((Change("spo2", offset=-12.0), Change("respiratory_rate", factor=1.3)), oxygen=True),
    "fever": EpisodeKind((Change("body_temperature", offset=3.0), Change("heart_rate", factor=1.15))),
    "hypothermia": EpisodeKind((Change("body_temperature", offset=-2.6),)),
    "tachypnoea": EpisodeKind((Change("respiratory_rate", factor=2.2), Change("spo2", offset=-3.0))),
    "bradypnoea": EpisodeKind((Change("respiratory_rate", factor=0.4),), consciousness="V"),  # responds to voice
}
# an impossible value is rejected on its own (the reading's other vitals land); a monitor's self-test frame, every
# vital -1, has nothing plausible and is rejected whole
BAD_KINDS = ("missing_values", "impossible_heart_rate", "unknown_patient", "impossible_spo2", "self_test_frame")


@dataclass(frozen=True)
class Patient:
    patientid: int
    patientname: str
    patientaddress: str
    phone_number: str
    admitted_ward: str
    age: int
    baseline: dict[str, float] = field(hash=False)
    pregnant: bool = False
    date_of_birth: dt.date | None = None  # recorded for children under 2: their bands are in months

    def as_row(self) -> tuple:
        """patients_information's columns: id, name, address, phone, ward, age, other details, pregnant, date of
        birth."""
        return (
            self.patientid,
            self.patientname,
            self.patientaddress,
            self.phone_number,
            self.admitted_ward,
            self.age,
            f"simulated; baseline HR {self.baseline['heart_rate']:.0f}",
            self.pregnant,
            self.date_of_birth,
        )


def _infant_birth_date(age: int, number: int) -> dt.date | None:
    """A child under 2 is admitted with a date of birth (``number`` months into its year of age, counted back from
    today, so the simulated ward always has infants of every month); older patients with their age in years only.
    Drawn without the random generator: a seed gives the same ward as before dates of birth were kept."""
    if age >= 2:
        return None
    months = age * 12 + number % 12
    return dt.date.today() - dt.timedelta(days=round(months * 30.44) + 10)


@dataclass(frozen=True)
class Episode:
    patient_id: int
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime


def make_patients(count: int, seed: int) -> list[Patient]:
    """A ward's mix: a tenth children, two fifths adults under 65, the rest older."""
    rng = random.Random(seed)
    patients = []
    for number in range(count):
        draw = rng.random()
        age = rng.randint(0, 15) if draw < 0.1 else rng.randint(16, 64) if draw < 0.5 else rng.randint(65, 98)
        pregnant = 16 <= age <= 45 and rng.random() < 0.2
        ward = "Pediatrics" if age < 16 else "Maternity" if pregnant else rng.choice(ADULT_WARDS)
        patients.append(
            Patient(
                patientid=FIRST_PATIENT_ID + number,
                patientname=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                patientaddress=f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                phone_number=f"+1-555-{rng.randint(0, 9999):04d}",
                admitted_ward=ward,
                age=age,
                baseline=_baseline(age, pregnant, rng),
                pregnant=pregnant,
                date_of_birth=_infant_birth_date(age, number),
            )
        )
    return patients


def _baseline(age: int, pregnant: bool, rng: random.Random) -> dict[str, float]:
    if age < 16:
        heart, breathing, systolic, diastolic = next(
            values for start, values in reversed(_TYPICAL_BY_AGE) if age >= start
        )
    else:
        heart, breathing = _TYPICAL_ADULT
        systolic, diastolic = 122 + 0.3 * (age - 16), 72 + 0.1 * (age - 16)
    return {
        "heart_rate": heart + (8 if pregnant else 0) + rng.uniform(-6, 6),
        "bp_systolic": systolic + rng.uniform(-6, 6),
        "bp_diastolic": diastolic + rng.uniform(-5, 5),
        "spo2": rng.uniform(96.5, 99.0),
        "body_temperature": rng.uniform(36.5, 37.1),
        "respiratory_rate": breathing + rng.uniform(-1, 1),
    }


@dataclass
class ReadingStream:
    """Readings of ``patients`` every 1/``rate_hz`` simulated seconds from ``start``.

    Rows are tuples in the column order of :data:`ROW_COLUMNS`. Episodes that
    ended are collected in ``finished_episodes`` as the stream goes.
    """

    patients: list[Patient]
    rate_hz: float
    start: dt.datetime
    seed: int
    bad_share: float = 0.01
    episodes_per_patient_hour: float = 2.0
    finished_episodes: list[Episode] = field(default_factory=list)

    def rows(self, count: int | None = None, duration_s: float | None = None) -> Iterator[tuple]:
        rng = random.Random(self.seed + 1)
        step = 1.0 / self.rate_hz
        episode_chance = self.episodes_per_patient_hour * step / 3600.0
        active: dict[int, tuple[str, dt.datetime, float, float]] = {}  # patient -> (kind, start, length, elapsed)
        emitted, tick = 0, 0
        while True:
            offset = tick * step
            if duration_s is not None and offset >= duration_s:
                break
            for patient in self.patients:
                if count is not None and emitted >= count:
                    self._close_all(active)
                    return
                moment = self.start + dt.timedelta(seconds=offset + rng.uniform(0, step * 0.5))
                shift = self._episode_shift(patient, moment, active, rng, episode_chance, step)
                yield self._reading(patient, moment, shift, rng)
                emitted += 1
            tick += 1
        self._close_all(active)

    def _episode_shift(self, patient, moment, active, rng, chance, step) -> tuple[EpisodeKind, float] | None:
        """The patient's episode and how far into its peak (0-1), if one is under way."""
        episode = active.get(patient.patientid)
        if episode is None:
            if rng.random() >= chance:
                return None
            kind = rng.choice(tuple(EPISODE_KINDS))
            episode = (kind, moment, rng.uniform(60, 300), 0.0)
        kind, started, length, elapsed = episode
        if elapsed >= length:
            self.finished_episodes.append(Episode(patient.patientid, kind, started, moment))
            del active[patient.patientid]
            return None
        active[patient.patientid] = (kind, started, length, elapsed + step)
        return EPISODE_KINDS[kind], min(1.0, elapsed / 20.0)  # deterioration builds over ~20 s

    def _close_all(self, active) -> None:
        for patient_id, (kind, started, _, elapsed) in active.items():
            self.finished_episodes.append(Episode(patient_id, kind, started, started + dt.timedelta(seconds=elapsed)))
        active.clear()

    def _reading(self, patient: Patient, moment: dt.datetime, shift, rng: random.Random) -> tuple:
        measured = {name: base + rng.gauss(0, _NOISE[name]) for name, base in patient.baseline.items()}
        oxygen, consciousness = False, "A"
        if shift is not None:
            kind, depth = shift
            for change in kind.changes:
                measured[change.field] = change.apply(measured[change.field], depth)
            if depth >= DEEP:
                oxygen, consciousness = kind.oxygen, kind.consciousness
        measured["spo2"] = min(measured["spo2"], 100.0)  # an oximeter reads at most 100 %
        values: dict[str, float | None] = dict(measured)
        patient_id = patient.patientid
        if rng.random() < self.bad_share:
            bad = rng.choice(BAD_KINDS)
            if bad == "missing_values":
                values["heart_rate"] = values["bp_systolic"] = None
            elif bad == "impossible_heart_rate":
                values["heart_rate"] = 900.0
            elif bad == "impossible_spo2":
                values["spo2"] = 140.0
            elif bad == "self_test_frame":
                values = dict.fromkeys(values, -1.0)
            else:
                patient_id = UNKNOWN_PATIENT_ID + rng.randint(0, 99)
        return (
            patient_id,
            f"bed-{patient.patientid}",
            moment,
            *(None if (value := values[name]) is None else round(value, 1) for name in VITAL_FIELDS),
            oxygen,
            consciousness,
        )


ROW_COLUMNS = ("patient_id", "device_id", "event_time", *VITAL_FIELDS, *OBSERVATION_TYPES)
_NOISE = {
    "heart_rate": 2.0,
    "bp_systolic": 3.0,
    "bp_diastolic": 2.0,
    "spo2": 0.5,
    "body_temperature": 0.1,
    "respiratory_rate": 1.0,
}
