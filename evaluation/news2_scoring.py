"""NEWS2 for every reading, as Spark column expressions built from the RCP chart (``hbase_setup/news2.py``).

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

from hbase_setup import news2
from hbase_setup.news2 import COMPONENTS, INCOMPLETE, NOT_APPLICABLE, TEXT_SQL, Band


def _scored(bands: tuple[Band, ...], field: str) -> Column:
    """The score of the band holding ``field``'s value at the chart's resolution (null for a null value)."""
    value = F.col(field).cast("double")
    conditions = []
    for band in bands:
        condition = F.lit(True)
        if band.low is not None:
            condition = condition & _at_least(value, band.low, field)
        if band.high is not None:
            condition = condition & ~_at_least(value, band.high + 10 ** -news2.RESOLUTION.get(field, 0), field)
        conditions.append((condition, F.lit(band.score)))
    scored = F.when(*conditions[0])
    for condition, score in conditions[1:]:
        scored = scored.when(condition, score)
    return scored


def _at_least(value: Column, bound: float, field: str) -> Column:
    """Whether ``value`` rounded half up to the chart's resolution is at least ``bound``: ``value >= bound - half
    a unit``. A comparison, not Spark's round(), which goes through BigDecimal for every value and row."""
    decimals = news2.RESOLUTION.get(field, 0)
    return value >= round(bound - 0.5 * 10**-decimals, decimals + 1)


def component_scores(scale2: Column) -> dict[str, Column]:
    """Each parameter's score, by component name; ``scale2`` is the patient's SpO2 scale 2 flag."""
    chart = news2.chart()
    on_oxygen = F.coalesce(F.col("supplemental_oxygen"), F.lit(False))
    high_saturation = _at_least(F.col("spo2").cast("double"), 93, "spo2")
    oxygen = news2.category_scores("supplemental_oxygen")
    consciousness = news2.category_scores("consciousness")
    level = F.upper(F.trim(F.col("consciousness")))
    return {
        "respiratory_rate": _scored(chart["respiratory_rate"], "respiratory_rate"),
        # scale 2 scores saturations of 93 and above by oxygen use; below, its own bands
        "spo2": F.when(scale2 & high_saturation & on_oxygen, _scored(chart["spo2_scale2_on_oxygen"], "spo2"))
        .when(scale2 & high_saturation, _scored(chart["spo2_scale2_on_air"], "spo2"))
        .when(scale2, _scored(chart["spo2_scale2"], "spo2"))
        .otherwise(_scored(chart["spo2_scale1"], "spo2")),
        "supplemental_oxygen": F.when(on_oxygen, oxygen["yes"]).otherwise(oxygen["no"]),
        "bp_systolic": _scored(chart["bp_systolic"], "bp_systolic"),
        "heart_rate": _scored(chart["heart_rate"], "heart_rate"),
        "consciousness": F.when(level.isin(*news2.ACVPU[1:]), consciousness["cvpu"]).otherwise(consciousness["alert"]),
        "body_temperature": _scored(chart["body_temperature"], "body_temperature"),
    }


SCORE_COLUMNS = (
    *[f"news2_{name}" for name in COMPONENTS],
    "news2_score",
    "news2_risk",
    "news2_drivers",
    "news2_assumed",
)


def with_scores(frame: DataFrame) -> DataFrame:
    """``frame`` (a reading joined with its patient: ``age``, ``spo2_scale2``, ``pregnant``) with the numeric NEWS2
    columns: news2_<component> scores, news2_score, news2_risk, as vitals_raw keeps them. The text
    (:data:`hbase_setup.news2.TEXT_SQL`) is built only where it is read or sent: strings for every reading cost the
    landing more than the scores did.

    Two projections: the components first, then what is computed from them. In one, each component's CASE
    would be generated again for the total, the highest score and the drivers, and the code of a stage that also
    evaluates a large threshold table outgrew the JVM's 64 KB method limit.
    """
    components, derived = _columns()
    # readings read back from vitals_raw carry the scores they landed with: scored again, they are replaced
    landed = [name for name in SCORE_COLUMNS if name in frame.columns]
    return frame.drop(*landed).select("*", *components).select("*", *derived)


def drivers() -> Column:
    """news2_drivers of a scored reading (:data:`hbase_setup.news2.TEXT_SQL`)."""
    return F.expr(TEXT_SQL["news2_drivers"])


def assumed() -> Column:
    """news2_assumed of a scored reading (:data:`hbase_setup.news2.TEXT_SQL`)."""
    return F.expr(TEXT_SQL["news2_assumed"])


def applies() -> Column:
    """NEWS2 is for adults (16 and over), not in pregnancy."""
    return (F.col("age") >= news2.ADULT_AGE) & ~F.coalesce(F.col("pregnant"), F.lit(False))


@functools.lru_cache(maxsize=1)
def _columns() -> tuple[list[Column], list[Column]]:
    """The two projections' numeric columns, built once (each is a few hundred JVM calls)."""
    adult = applies()
    components = component_scores(F.coalesce(F.col("spo2_scale2"), F.lit(False)))
    scores = [F.col(f"news2_{name}") for name in components]
    total = functools.reduce(lambda left, right: left + right, scores)
    highest = F.greatest(*scores)
    risk = F.when(~F.coalesce(adult, F.lit(False)), F.lit(NOT_APPLICABLE)).when(total.isNull(), F.lit(INCOMPLETE))
    for alerting in news2.ALERTING_RISKS:  # highest first, as chart 4 reads
        risk = risk.when((highest if alerting.per_parameter else total) >= alerting.trigger, F.lit(alerting.name))
    risk = risk.otherwise(F.lit(news2.LOW.name))
    return (
        [F.when(adult, score).cast("int").alias(f"news2_{name}") for name, score in components.items()],
        [total.cast("int").alias("news2_score"), risk.alias("news2_risk")],
    )


def responses() -> Column:
    """The RCP's clinical response to a news2_risk, for the alert's message."""
    mapping = F.create_map(*[item for risk in news2.RISKS for item in (F.lit(risk.name), F.lit(risk.response))])
    return mapping[F.col("news2_risk")]
