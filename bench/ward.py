"""Alert quality on a live simulated ward, longer and larger than the demo's: recall of labelled episodes, first
abnormal reading to email, notifications outside episodes (targets in reporting/alert_quality.py)."""

from __future__ import annotations

from clients.spark import session
from settings import Settings
from testkit.ward import run_ward

PATIENTS, SECONDS, EPISODES_PER_PATIENT_HOUR = 200, 300, 6


def run(settings: Settings) -> None:
    print(f"ward (alert quality: {PATIENTS} patients live for {SECONDS} s, default thresholds and NEWS2)")
    spark = session(settings, "bench-ward")
    report = run_ward(
        spark,
        settings,
        patients=PATIENTS,
        seconds=SECONDS,
        seed=23,
        episodes_per_patient_hour=EPISODES_PER_PATIENT_HOUR,
    )
    for text in report.lines():
        print(f"  {text}")
