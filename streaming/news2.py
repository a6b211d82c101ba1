"""NEWS2 for every reading, as Spark column expressions built from the RCP chart (``thresholds/news2.py``).

No Python runs per row: each parameter's bands become one CASE expression,
so the landing query and the real-time alert query score readings as
generated code. A reading needs the patient's age (NEWS2 is for adults, 16
and over, not in pregnancy) and whether the patient uses SpO2 scale 2
(hypercapnic respiratory failure): the evaluation joins the patients first.
Missing ``supplemental_oxygen`` means room air and missing ``consciousness``
means alert, as on a paper chart; ``news2_assumed`` says so. A reading
missing a numeric parameter gets no score (``news2_risk`` says why).
"""

from __future__ import annotations

import functools

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from thresholds import news2
from thresholds.news2 import Band

# component -> the reading field it scores
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


def _scored(bands: tuple[Band, ...], value: Column) -> Column:
    """The score of the band holding ``value`` (null for a null value)."""
    conditions = []
    for band in bands:
        condition = F.lit(True)
        if band.low is not None:
            condition = condition & (value >= band.low)
        if band.high is not None:
            condition = condition & (value <= band.high)
        conditions.append((condition, F.lit(band.score)))
    scored = F.when(*conditions[0])
    for condition, score in conditions[1:]:
        scored = scored.when(condition, score)
    return scored


def _at_resolution(field: str) -> Column:
    return F.round(F.col(field).cast("double"), news2.RESOLUTION.get(field, 0))


def component_scores(scale2: Column) -> dict[str, Column]:
    """Each parameter's score, by component name; ``scale2`` is the patient's SpO2 scale 2 flag."""
    chart = news2.chart()
    on_oxygen = F.coalesce(F.col("supplemental_oxygen"), F.lit(False))
    spo2 = _at_resolution("spo2")
    oxygen = news2.category_scores("supplemental_oxygen")
    consciousness = news2.category_scores("consciousness")
    level = F.upper(F.trim(F.col("consciousness")))
    return {
        "respiratory_rate": _scored(chart["respiratory_rate"], _at_resolution("respiratory_rate")),
        # scale 2 scores saturations of 93 and above by oxygen use; below, its own bands
        "spo2": F.when(scale2 & (spo2 >= 93) & on_oxygen, _scored(chart["spo2_scale2_on_oxygen"], spo2))
        .when(scale2 & (spo2 >= 93), _scored(chart["spo2_scale2_on_air"], spo2))
        .when(scale2, _scored(chart["spo2_scale2"], spo2))
        .otherwise(_scored(chart["spo2_scale1"], spo2)),
        "supplemental_oxygen": F.when(on_oxygen, oxygen["yes"]).otherwise(oxygen["no"]),
        "bp_systolic": _scored(chart["bp_systolic"], _at_resolution("bp_systolic")),
        "heart_rate": _scored(chart["heart_rate"], _at_resolution("heart_rate")),
        "consciousness": F.when(level.isin(*news2.ACVPU[1:]), consciousness["cvpu"]).otherwise(consciousness["alert"]),
        "body_temperature": _scored(chart["body_temperature"], _at_resolution("body_temperature")),
    }


SCORE_COLUMNS = (
    *[f"news2_{name}" for name in COMPONENTS],
    "news2_score",
    "news2_risk",
    "news2_drivers",
    "news2_assumed",
)


def with_scores(frame: DataFrame) -> DataFrame:
    """``frame`` (a reading joined with its patient: ``age``, ``spo2_scale2``, ``pregnant``) with the NEWS2
    columns :data:`SCORE_COLUMNS`: news2_<component> scores, news2_score, news2_risk, news2_drivers, news2_assumed.

    Two projections: the components first, then what is computed from them. In one, each component's CASE
    would be generated again for the total, the highest score and the drivers, and the code of a stage that also
    evaluates a large threshold table outgrew the JVM's 64 KB method limit.
    """
    components, derived = _columns()
    return frame.select("*", *components).select("*", *derived)


@functools.lru_cache(maxsize=1)
def _columns() -> tuple[list[Column], list[Column]]:
    """The two projections' columns, built once (each is a few hundred JVM calls)."""
    applies = (F.col("age") >= news2.ADULT_AGE) & ~F.coalesce(F.col("pregnant"), F.lit(False))
    components = component_scores(F.coalesce(F.col("spo2_scale2"), F.lit(False)))
    scores = {name: F.col(f"news2_{name}") for name in components}
    total = functools.reduce(lambda left, right: left + right, scores.values())
    highest = F.greatest(*scores.values())
    risk = F.when(~F.coalesce(applies, F.lit(False)), F.lit(NOT_APPLICABLE)).when(total.isNull(), F.lit(INCOMPLETE))
    for alerting in news2.ALERTING_RISKS:  # highest first, as chart 4 reads
        risk = risk.when((highest if alerting.per_parameter else total) >= alerting.trigger, F.lit(alerting.name))
    risk = risk.otherwise(F.lit(news2.LOW.name))
    drivers = F.concat_ws(
        ", ",
        *[F.when(score > 0, F.concat(F.lit(f"{name} "), score.cast("string"))) for name, score in scores.items()],
    )
    assumed = F.concat_ws(
        ", ",
        F.when(F.col("supplemental_oxygen").isNull(), F.lit("room air")),
        F.when(F.col("consciousness").isNull(), F.lit("alert")),
    )
    return (
        [F.when(applies, score).cast("int").alias(f"news2_{name}") for name, score in components.items()],
        [
            total.cast("int").alias("news2_score"),
            risk.alias("news2_risk"),
            F.when(applies, drivers).alias("news2_drivers"),
            F.when(applies, assumed).alias("news2_assumed"),
        ],
    )


def responses() -> Column:
    """The RCP's clinical response to a news2_risk, for the alert's message."""
    mapping = F.create_map(*[item for risk in news2.RISKS for item in (F.lit(risk.name), F.lit(risk.response))])
    return mapping[F.col("news2_risk")]
