"""The NEWS2 chart (Royal College of Physicians, 2017) as data: each parameter's scoring bands. Pure, no I/O.

The chart ships beside this module (``news2_chart.csv``, copied from the RCP's
chart 1). Values are scored at the chart's resolution: whole numbers, and
temperature to one decimal, so a reading of 90.4 beats/min is scored as 90.
The Spark expressions that score every reading are built from this chart in
``evaluation/news2_scoring.py``; the risk rules and the RCP's clinical response are here.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
from dataclasses import dataclass

from contract.alerts import Severity

# read as a package resource: on a cluster the package is inside the zip spark-submit ships
CHART_FILE = importlib.resources.files(__package__ or "hbase_setup") / "news2_chart.csv"
ADULT_AGE = 16  # NEWS2 applies from 16 years, not in pregnancy
RESOLUTION = {"body_temperature": 1}  # decimals the chart scores at; every other parameter: whole numbers

# the numeric parameters and the reading field each scores
NUMERIC = {
    "respiratory_rate": "respiratory_rate",
    "bp_systolic": "bp_systolic",
    "heart_rate": "heart_rate",
    "body_temperature": "body_temperature",
}
SPO2_SCALES = ("spo2_scale1", "spo2_scale2", "spo2_scale2_on_air", "spo2_scale2_on_oxygen")


@dataclass(frozen=True)
class Band:
    """Values in [low, high] (a missing bound is open) score ``score``."""

    low: float | None
    high: float | None
    score: int


@dataclass(frozen=True)
class Risk:
    """A clinical risk of chart 4: its response, and the alert it raises (none for low)."""

    name: str
    response: str  # the RCP's clinical response (chart 4)
    trigger: int = 0  # the score that raises it: the aggregate's, or one parameter's when ``per_parameter``
    per_parameter: bool = False
    severity: Severity | None = None  # the severity of its alert; None: it raises none


LOW = Risk("low", "minimum 4-12 hourly observations; a registered nurse assesses the patient")
LOW_MEDIUM = Risk(
    "low-medium",
    "urgent ward-based response: minimum 1 hourly; the registered nurse informs the medical team, who review "
    "and decide whether care must be escalated",
    trigger=3,
    per_parameter=True,
    severity=Severity.URGENT,  # a single red parameter: the RCP asks for an urgent ward-based response
)
MEDIUM = Risk(
    "medium",
    "urgent response: minimum 1 hourly; the medical team is told at once and a clinician "
    "competent in acute illness assesses the patient urgently",
    trigger=5,
    severity=Severity.URGENT,
)
HIGH = Risk(
    "high",
    "emergency response: continuous monitoring; emergency assessment by a team with critical-care "
    "competencies; consider transfer to a higher-dependency unit or ICU",
    trigger=7,
    severity=Severity.CRITICAL,
)
RISKS = (LOW, LOW_MEDIUM, MEDIUM, HIGH)
ALERTING_RISKS = (HIGH, MEDIUM, LOW_MEDIUM)


MAXIMUM_SCORE = 20  # every parameter at its worst


@functools.cache
def _rows() -> tuple[dict[str, str], ...]:
    lines = CHART_FILE.read_text().splitlines()
    return tuple(csv.DictReader(line for line in lines if not line.startswith("#")))


def chart() -> dict[str, tuple[Band, ...]]:
    """The numeric parameters' bands (SpO2 once per scale), in the chart's order."""
    bands: dict[str, list[Band]] = {}
    for row in _rows():
        if row["parameter"] not in CATEGORICAL:
            bands.setdefault(row["parameter"], []).append(
                Band(_bound(row["low_inclusive"]), _bound(row["high_inclusive"]), int(row["score"]))
            )
    return {parameter: tuple(found) for parameter, found in bands.items()}


CATEGORICAL = ("supplemental_oxygen", "consciousness")


def category_scores(parameter: str) -> dict[str, int]:
    """A categorical parameter's scores: supplemental_oxygen yes/no, consciousness alert/cvpu (ACVPU)."""
    return {row["low_inclusive"]: int(row["score"]) for row in _rows() if row["parameter"] == parameter}


def _bound(text: str) -> float | None:
    return float(text) if text.strip() else None


# ACVPU: A(lert) scores as "alert"; new C(onfusion), V(oice), P(ain), U(nresponsive) score as "cvpu"
ACVPU = ("A", "C", "V", "P", "U")

# the scored parameters, named as the reading fields they score (news2_<component> columns)
COMPONENTS = (
    "respiratory_rate",
    "spo2",
    "supplemental_oxygen",
    "bp_systolic",
    "heart_rate",
    "consciousness",
    "body_temperature",
)
NOT_APPLICABLE = "not applicable"
INCOMPLETE = "incomplete"


def _text_sql() -> dict[str, str]:
    """news2_drivers and news2_assumed as Spark SQL over a scored reading: the parameters that scored, with their
    scores ("respiratory_rate 3, heart_rate 1"), and what was assumed for a missing observation ("room air,
    alert"); null where NEWS2 does not apply. SQL text, not Column objects, because the news2_scores view
    (hive_ddl, which needs no Spark to apply it) computes the same text from vitals_raw's columns: one definition
    for the view and the alerts."""
    scored_parameters = ", ".join(
        f"CASE WHEN news2_{name} > 0 THEN concat('{name} ', CAST(news2_{name} AS STRING)) END" for name in COMPONENTS
    )
    assumptions = (
        "CASE WHEN supplemental_oxygen IS NULL THEN 'room air' END, CASE WHEN consciousness IS NULL THEN 'alert' END"
    )
    applies = f"news2_risk <> '{NOT_APPLICABLE}'"
    return {
        "news2_drivers": f"CASE WHEN {applies} THEN concat_ws(', ', {scored_parameters}) END",
        "news2_assumed": f"CASE WHEN {applies} THEN concat_ws(', ', {assumptions}) END",
    }


TEXT_SQL = _text_sql()
