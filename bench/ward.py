"""Alert quality on a live simulated ward, longer and larger than the demo's: recall of labelled episodes, first
abnormal reading to email, notifications outside episodes (targets in simulation/alert_quality.py)."""

from __future__ import annotations

from bench.report import note, section
from clients.spark import session
from settings import Settings
from testkit.ward import WardPlan, run_ward

PLAN = WardPlan(patients=200, seconds=300, seed=23, episodes_per_patient_hour=6)


def run(settings: Settings) -> None:
    section(f"ward (alert quality: {PLAN.patients} patients live for {PLAN.seconds:.0f} s, default rules and NEWS2)")
    for text in run_ward(session(settings, "bench-ward"), settings, PLAN).lines():
        note(text)
