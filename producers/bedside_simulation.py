"""Simulated patients and bedside readings: pure, seeded, reproducible generation (no I/O).

Each patient has stable baselines for their age. Labelled deterioration
episodes shift one vital for a while (their start, end and kind are recorded
so alert quality can be scored), and a configurable share of readings is bad
on purpose: missing values, impossible values, unknown patient ids.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from contract.vitals import OBSERVATION_TYPES, VITAL_FIELDS

FIRST_PATIENT_ID = 1001
UNKNOWN_PATIENT_ID = 990_001  # no patient has an id this high: the stream must flag these
WARDS = ("ICU", "Cardiology", "Pediatrics", "Oncology", "General", "Maternity")
STREETS = ("Elm St", "Oak Ave", "Maple Rd", "Cedar Ln", "Pine Ct", "Birch Way")
FIRST_NAMES = ("Asha", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Kemi", "Liam")
LAST_NAMES = ("Rao", "Smith", "Okafor", "Novak", "Garcia", "Kim", "Haddad", "Ivanova", "Brown", "Tanaka")

# kind -> (vital, shift at the episode's peak)
EPISODE_KINDS = {
    "tachycardia": ("heart_rate", +55.0),
    "bradycardia": ("heart_rate", -30.0),
    "hypotension": ("bp_systolic", -45.0),
    "hypertension": ("bp_systolic", +75.0),
    "desaturation": ("spo2", -12.0),
    "fever": ("body_temperature", +2.4),
}
BAD_KINDS = ("missing_values", "impossible_heart_rate", "unknown_patient", "impossible_spo2")


@dataclass(frozen=True)
class Patient:
    patientid: int
    patientname: str
    patientaddress: str
    phone_number: str
    admitted_ward: str
    age: int
    baseline: dict[str, float] = field(hash=False)

    def as_row(self) -> tuple:
        return (
            self.patientid,
            self.patientname,
            self.patientaddress,
            self.phone_number,
            self.admitted_ward,
            self.age,
            f"simulated; baseline HR {self.baseline['heart_rate']:.0f}",
        )


@dataclass(frozen=True)
class Episode:
    patient_id: int
    kind: str
    started_at: dt.datetime
    ended_at: dt.datetime


def make_patients(count: int, seed: int) -> list[Patient]:
    rng = random.Random(seed)
    patients = []
    for number in range(count):
        age = rng.choice((rng.randint(1, 17), rng.randint(18, 64), rng.randint(65, 98)))
        baseline = {
            "heart_rate": (95.0 if age < 12 else 74.0) + rng.uniform(-4, 4),
            "bp_systolic": 100.0 + 0.55 * min(age, 80) + rng.uniform(-8, 8),
            "bp_diastolic": 62.0 + 0.25 * min(age, 80) + rng.uniform(-5, 5),
            "spo2": rng.uniform(96.0, 99.0),
            "body_temperature": rng.uniform(36.5, 37.1),
            "respiratory_rate": (22.0 if age < 12 else 15.0) + rng.uniform(-2, 2),
        }
        patients.append(
            Patient(
                patientid=FIRST_PATIENT_ID + number,
                patientname=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                patientaddress=f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
                phone_number=f"+1-555-{rng.randint(0, 9999):04d}",
                admitted_ward=rng.choice(WARDS),
                age=age,
                baseline=baseline,
            )
        )
    return patients


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

    def _episode_shift(self, patient, moment, active, rng, chance, step) -> tuple[str, float] | None:
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
        ramp = min(1.0, elapsed / 20.0)  # deterioration builds over ~20 s
        vital, peak = EPISODE_KINDS[kind]
        return vital, peak * ramp

    def _close_all(self, active) -> None:
        for patient_id, (kind, started, _, elapsed) in active.items():
            self.finished_episodes.append(Episode(patient_id, kind, started, started + dt.timedelta(seconds=elapsed)))
        active.clear()

    def _reading(self, patient: Patient, moment: dt.datetime, shift, rng: random.Random) -> tuple:
        measured = {name: base + rng.gauss(0, _NOISE[name]) for name, base in patient.baseline.items()}
        if shift is not None:
            measured[shift[0]] += shift[1]
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
            else:
                patient_id = UNKNOWN_PATIENT_ID + rng.randint(0, 99)
        return (
            patient_id,
            f"bed-{patient.patientid}",
            moment,
            *(None if (value := values[name]) is None else round(value, 1) for name in VITAL_FIELDS),
            # a nurse starts oxygen when a desaturation deepens; deep hypotension brings new confusion (ACVPU C)
            shift is not None and shift[0] == "spo2" and shift[1] <= -6.0,
            "C" if shift is not None and shift[0] == "bp_systolic" and shift[1] <= -40.0 else "A",
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
