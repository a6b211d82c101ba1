"""The kinds of alert the stream raises; no Spark import, so the notifier and batch jobs can share them."""

from __future__ import annotations

VITAL_OUT_OF_RANGE = "vital_out_of_range"
ALERT_KINDS = (VITAL_OUT_OF_RANGE, "value_in_gap", "no_band_for_age", "unknown_patient")
