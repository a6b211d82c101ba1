"""Labelled alarm scenarios: one scripted patient each, whose readings a clinician would recognise, with the
moment the deterioration (or the fault) begins. Pure generation, no I/O; ``python -m bench alarms`` sends them
through the real stream and notifier and scores what the doctors were told against these labels.

Each scenario says what a safe alarm system does with it: tell the doctors (a deterioration), report the monitor
(a technical fault), or stay quiet (a value normal for that patient, an artefact).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

READING_INTERVAL_S = 5.0
BASELINE = {
    "heart_rate": 78.0,
    "bp_systolic": 124.0,
    "bp_diastolic": 76.0,
    "spo2": 97.0,
    "body_temperature": 36.8,
    "respiratory_rate": 16.0,
}


class Expected(enum.StrEnum):
    NOTIFIED = "notified"  # a deterioration: the doctors must be told, and escalated if nobody acknowledges
    MONITORING_LOST = "monitoring lost"  # the bed goes quiet: a technical alarm, never an all-clear
    QUIET = "quiet"  # nothing the doctors should be emailed about


Vitals = dict[str, float]


@dataclass(frozen=True)
class Scenario:
    name: str
    expected: Expected
    age: int | None  # None: a new admission whose age is not registered yet
    onset_s: float  # seconds into the run when the deterioration or fault begins (the label)
    vitals_at: Callable[[float, int], Vitals]  # (seconds since onset, or negative before it; reading number)
    scale2: bool = False  # SpO2 scale 2 (hypercapnic respiratory failure, COPD)
    stops_after_s: float | None = None  # the monitor's last reading, seconds after onset
    clock_skew_s: float = 0.0  # how far ahead the device's clock runs

    def reading(self, second: float, number: int) -> Vitals | None:
        """The vitals at ``second`` into the run (None: the monitor sends nothing then)."""
        since = second - self.onset_s
        if self.stops_after_s is not None and since > self.stops_after_s:
            return None
        return {**BASELINE, **self.vitals_at(since, number)}


def _ramp(since: float, over_s: float, targets: Vitals) -> Vitals:
    """From the baseline towards ``targets``, reached ``over_s`` seconds after onset (nothing before onset)."""
    share = 0.0 if since < 0 else min(1.0, since / over_s)
    return {name: BASELINE[name] + share * (target - BASELINE[name]) for name, target in targets.items()}


def _after_onset(since: float, vitals: Vitals) -> Vitals:
    return vitals if since >= 0 else {}


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "sepsis",
        Expected.NOTIFIED,
        67,
        30,
        lambda since, _: _ramp(
            since,
            60,
            {"heart_rate": 136, "respiratory_rate": 28, "body_temperature": 39.4, "bp_systolic": 88, "spo2": 91},
        ),
    ),
    Scenario(
        "hypoxia", Expected.NOTIFIED, 54, 30, lambda since, _: _ramp(since, 40, {"spo2": 86, "respiratory_rate": 24})
    ),
    Scenario(
        "hypertensive crisis",
        Expected.NOTIFIED,
        58,
        30,
        lambda since, _: _ramp(since, 40, {"bp_systolic": 226, "bp_diastolic": 128, "heart_rate": 96}),
    ),
    Scenario(
        "haemorrhage",
        Expected.NOTIFIED,
        45,
        30,
        lambda since, _: _ramp(since, 50, {"heart_rate": 132, "bp_systolic": 84, "respiratory_rate": 25}),
    ),
    Scenario(
        "band flapping",  # SpO2 on the edge of two bands: critical, urgent, critical, ...
        Expected.NOTIFIED,
        71,
        30,
        lambda since, number: _after_onset(since, {"spo2": 91.0 if number % 2 else 92.0}),
    ),
    Scenario(
        "monitor unplugged",
        Expected.MONITORING_LOST,
        62,
        30,
        lambda since, _: _after_onset(since, {"spo2": 86.0}),
        stops_after_s=20,
    ),
    Scenario(
        "device clock 290 s fast",
        Expected.NOTIFIED,
        49,
        30,
        lambda since, _: _ramp(since, 30, {"heart_rate": 142, "respiratory_rate": 26}),
        clock_skew_s=290,
    ),
    Scenario(
        "COPD patient at 89 %", Expected.QUIET, 74, 30, lambda since, _: _after_onset(since, {"spo2": 89.0}), True
    ),
    Scenario(
        "new admission, age unknown",
        Expected.NOTIFIED,
        None,
        30,
        lambda since, _: _ramp(since, 60, {"spo2": 60}) if since >= 0 else {"spo2": 95.0},
    ),
    Scenario(
        "loose SpO2 probe",  # three readings of SpO2 0 (the probe off the finger), the patient well
        Expected.QUIET,
        38,
        30,
        lambda since, _: {"spo2": 0.0} if 0 <= since < 15 else {},
    ),
)
