"""Evaluate readings against the thresholds: Spark column expressions, shared by every query and batch job.

The rules come from :class:`hbase_setup.repository.ThresholdIndex` (loaded on the
driver, never per reading) and become one CASE expression per vital (the
rules of a vital never overlap, hbase_setup checks that): no join, no Python
per row, so the real-time alert query and micro-batches run it as generated
code. The expressions are built once per rule set; a changed rule set means
new expressions, hence a new plan: the micro-batch job uses them from its
next batch, the real-time query restarts.
Each reading also gets its NEWS2 score (evaluation/news2_scoring.py), whose medium or
high risk, or single red parameter, is an alert of kind ``news2``.
Outcomes are :class:`contract.alerts.Outcome`; every one in ``ALERT_KINDS``
becomes an alert row (:data:`contract.alerts.ALERT_FIELDS`). A vital without
rules is not monitored and raises nothing.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from contract.alerts import ALERT_FIELDS, Outcome, Severity
from contract.vitals import OBSERVATION_TYPES, VITAL_FIELDS, VITAL_OF_ATTRIBUTE
from evaluation.news2_scoring import applies as news2_applies
from evaluation.news2_scoring import assumed as news2_assumed
from evaluation.news2_scoring import drivers as news2_drivers
from evaluation.news2_scoring import responses as news2_responses
from evaluation.news2_scoring import with_scores as with_news2_scores
from hbase_setup import news2
from hbase_setup.ages import MONTHS_PER_YEAR, MONTHS_SHOWN_BELOW
from hbase_setup.any_age import critical_at_every_age
from hbase_setup.bands import ValueBand, decimals
from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import ThresholdRule

SPO2 = "spo2"  # the threshold attribute NEWS2's two SpO2 scales are about

# one vital's outcome; the unknown-patient outcome has the same shape with no vital
OUTCOME_FIELDS = (
    ("attribute", "string"),
    ("observed_value", "double"),
    ("rule_id", "string"),
    ("low_value", "double"),
    ("high_value", "double"),
    ("alert_flag", "int"),
    ("kind", "string"),
    ("alert_message", "string"),
    ("severity", "string"),
)


def rule_position(rules: list[ThresholdRule], bands: dict[str, ValueBand], age: Column, value: Column) -> Column:
    """The 1-based position in ``rules`` of the rule whose age range holds ``age`` (completed months,
    :mod:`hbase_setup.ages`: whole numbers, so bands that meet leave no age between them) and whose value band
    (``bands``, by rule id: :mod:`hbase_setup.bands`) holds ``value`` (already rounded, :func:`matched_value`); null
    when none does.

    A CASE returning only a number (the rules' fields are read by position from literal arrays, see
    :func:`rule_field`), nested by age band when the bands do not overlap: the age is tested once per band, not
    once per rule. Both keep the generated code of a table of a hundred rules and more within the JVM's 64 KB
    method limit (past it Spark falls back from whole-stage code generation, and is slower).
    """
    positioned = list(enumerate(rules, start=1))
    spans: dict[tuple[int, int], list[tuple[int, ThresholdRule]]] = {}
    for position, rule in positioned:
        spans.setdefault(rule.ages, []).append((position, rule))
    ordered = sorted(spans)
    if any(later[0] <= earlier[1] for earlier, later in zip(ordered, ordered[1:])):  # overlapping age bands
        return _first_match(
            [(age.between(*rule.ages) & _holds(bands[rule.rule_id], value), position) for position, rule in positioned]
        )
    return _first_match(
        [
            (
                age.between(low, high),
                _first_match([(_holds(bands[rule.rule_id], value), position) for position, rule in band]),
            )
            for (low, high), band in spans.items()
        ]
    )


def _holds(band: ValueBand, value: Column) -> Column:
    """:meth:`hbase_setup.bands.ValueBand.holds` as a Spark condition."""
    below = value < band.high if band.exclusive else value <= band.high
    return (value >= band.low) & below


def matched_value(attribute: str) -> Column:
    """The reading's value of ``attribute`` as bands are matched: rounded half up at NEWS2's resolution
    (:func:`hbase_setup.bands.rounded`; Spark's ``round`` is half up)."""
    return F.round(F.col(VITAL_OF_ATTRIBUTE[attribute].field).cast("double"), decimals(attribute))


def _first_match(branches: list[tuple[Column, Column | int]]) -> Column:
    """CASE WHEN condition 1 THEN result 1 ... (ELSE null)."""
    matched = F.when(*branches[0])
    for condition, result in branches[1:]:
        matched = matched.when(condition, result)
    return matched


# a rule's fields as an outcome reads them
_RULE_FIELDS = {
    "rule_id": lambda rule: rule.rule_id,
    "low_value": lambda rule: float(rule.low_value),
    "high_value": lambda rule: float(rule.high_value),
    "alert_flag": lambda rule: int(rule.alert_flag),
    "message": lambda rule: rule.message,
    "severity": lambda rule: rule.alert_severity,
}


def rule_field(rules: list[ThresholdRule], name: str, position: Column) -> Column:
    """Field ``name`` of the rule at 1-based ``position`` (null position: null).

    ``get`` (0-based, null for a null index), not ``element_at``: Spark 4.2's generated code for ``element_at`` of a
    literal array reads a null index as 0 and fails the batch with INVALID_INDEX_OF_ZERO.
    """
    return F.get(F.array(*[F.lit(_RULE_FIELDS[name](rule)) for rule in rules]), position - 1)


def has_band(rules: list[ThresholdRule], age: Column) -> Column:
    """Whether any rule of the vital covers ``age`` (completed months; so an unmatched value is in a gap, not a
    missing band)."""
    spans = sorted({rule.ages for rule in rules})
    return F.coalesce(functools.reduce(operator.or_, [age.between(low, high) for low, high in spans]), F.lit(False))


def _outcome(
    attribute: str,
    rules: list[ThresholdRule],
    value: Column,
    matched: Column,
    position: Column,
    band: Column,
    any_age: list[tuple[float, float]],
    judged_elsewhere: Column,
) -> Column:
    """The vital's outcome when it is an alert (out of range, in a gap, no band for the age); null when the value is
    normal or absent. The struct, its texts and its rule fields are built only for an alert: most vitals of most
    readings are normal, and building seven structs per reading to drop most of them was the evaluation's largest
    cost (measured: docs, Benchmarks).

    A patient whose age is unknown has no band; a value critical at every age (``any_age``,
    :func:`hbase_setup.any_age.critical_at_every_age`) is still a critical alert, anything else a data-quality one.
    ``value`` is the reading's, ``matched`` the same rounded as bands are matched; where ``judged_elsewhere``
    holds (a scale-2 patient's SpO2, judged by NEWS2) the vital raises nothing here. That condition is part of the
    outcome's own condition, not a CASE around it: wrapped, Catalyst's conditional rewrites grow the plan until a
    query takes minutes to optimise (measured).
    """

    def rule(name: str) -> Column:
        return rule_field(rules, name, position)

    in_band = position.isNotNull()
    out_of_range = in_band & (rule("alert_flag") == 1)
    critical_anyway = F.lit(False)
    for low, high in any_age:
        critical_anyway = critical_anyway | matched.between(low, high)
    critical_anyway = F.col("age_months").isNull() & critical_anyway
    kind = (
        F.when(out_of_range | critical_anyway, Outcome.VITAL_OUT_OF_RANGE.value)
        .when(band, Outcome.VALUE_IN_GAP.value)
        .otherwise(Outcome.NO_BAND_FOR_AGE.value)
    )
    value_text = F.concat(F.lit(f"{attribute} "), value.cast("string"))
    age_text = F.coalesce(age_said(), F.lit("unknown"))
    message = (
        F.when(in_band, rule("message"))
        .when(critical_anyway, F.concat(value_text, F.lit(" is critical at every age (the patient's age is unknown)")))
        .when(band, F.concat(value_text, F.lit(" falls in a gap between threshold bands for age "), age_text))
        .otherwise(
            F.concat(F.lit(f"no threshold band for {attribute} at age "), age_text, F.lit(" ("), value_text, F.lit(")"))
        )
    )
    # an alerting rule's own severity; a gap or a missing band is about the data: advisory
    severity = (
        F.when(in_band, rule("severity"))
        .when(critical_anyway, F.lit(Severity.CRITICAL.value))
        .otherwise(F.lit(Severity.ADVISORY.value))
    )
    return F.when(
        value.isNotNull() & (out_of_range | ~in_band) & ~judged_elsewhere,
        _outcome_struct(
            F.lit(attribute),
            value,
            F.when(critical_anyway, F.lit(f"{attribute}:critical-at-every-age")).otherwise(rule("rule_id")),
            rule("low_value"),
            rule("high_value"),
            F.when(critical_anyway, F.lit(1)).otherwise(rule("alert_flag")),
            kind,
            message,
            severity,
        ),
    )


def _judged_on_scale2() -> Column:
    """A patient on SpO2 scale 2 (hypercapnic respiratory failure, target 88-92 %) to whom NEWS2 applies: their SpO2
    is judged by NEWS2's scale 2 only, never by the scale-1 threshold bands (critical inside their target)."""
    return F.coalesce(F.col("spo2_scale2"), F.lit(False)) & F.coalesce(news2_applies(), F.lit(False))


def _outcome_struct(*values: Column) -> Column:
    return F.struct(*[value.cast(kind).alias(name) for value, (name, kind) in zip(values, OUTCOME_FIELDS)])


def _news2_outcome() -> Column:
    """The reading's NEWS2 as an outcome when it is an alert (medium or high risk, or one parameter scored 3), else
    null; the rule id names the risk (so a rise from medium to high notifies as worse), the band its trigger."""
    risk = F.col("news2_risk")
    first, *others = news2.ALERTING_RISKS
    trigger, severity = F.when(risk == first.name, first.trigger), F.when(risk == first.name, first.severity)
    for alerting in others:
        trigger = trigger.when(risk == alerting.name, alerting.trigger)
        severity = severity.when(risk == alerting.name, alerting.severity)
    message = F.concat(
        F.lit("NEWS2 "),
        F.col("news2_score").cast("string"),
        F.lit(" ("),
        risk,
        F.lit(" risk): "),
        news2_drivers(),
        F.lit(". "),
        news2_responses(),
        F.when(
            news2_assumed() != "",
            F.concat(
                F.lit(". Incomplete: not recorded, scored as "),
                news2_assumed(),
                F.lit(" (the true score may be higher)"),
            ),
        ).otherwise(""),
    )
    return F.when(
        trigger.isNotNull() & F.col("news2_score").isNotNull(),
        _outcome_struct(
            F.lit(Outcome.NEWS2.value),
            F.col("news2_score"),
            F.concat(F.lit("news2:"), risk),
            trigger,
            F.lit(float(news2.MAXIMUM_SCORE)),
            F.lit(1),
            F.lit(Outcome.NEWS2.value),
            message,
            severity,
        ),
    )


def age_said() -> Column:
    """The patient's age as a doctor says it (:func:`hbase_setup.ages.describe`): months below 2 years, then whole
    years; null when unknown."""
    return F.when(
        F.col("age_months") < MONTHS_SHOWN_BELOW,
        F.concat(F.col("age_months").cast("string"), F.when(F.col("age_months") == 1, " month").otherwise(" months")),
    ).otherwise(F.concat(F.col("age").cast("string"), F.lit(" years")))


def _ages_at_reading() -> dict[str, Column]:
    """``age_months`` (completed months at the reading's time: what bands match, :mod:`hbase_setup.ages`) and
    ``age`` (whole years), from the date of birth where one is recorded (a date after the reading: unknown), else
    from the recorded age in years."""
    born = F.col("date_of_birth")
    since_birth = F.floor(F.months_between(F.col("event_time"), born)).cast("int")
    months = F.when(born.isNull(), F.col("recorded_age") * MONTHS_PER_YEAR).when(since_birth >= 0, since_birth)
    return {
        "age_months": months,
        "age": F.when(born.isNull(), F.col("recorded_age")).otherwise(F.floor(months / MONTHS_PER_YEAR).cast("int")),
    }


def enrich(readings: DataFrame, patients: DataFrame) -> DataFrame:
    """``readings`` (the vitals_raw shape) with their patient's details (null for an unknown patient) and age at
    the reading (:func:`_ages_at_reading`)."""
    people = F.broadcast(
        patients.select(
            F.col("patientid").alias("known_patient_id"),
            F.col("patientname").alias("patient_name"),
            F.col("age").alias("recorded_age"),
            _column_or_null(patients, "date_of_birth", "date"),
            "admitted_ward",
            *[_column_or_null(patients, name, "boolean") for name in ("spo2_scale2", "pregnant")],
        )
    )
    optional = {
        "late": "boolean",
        "arrival_delay_s": "double",
        **OBSERVATION_TYPES,
        **dict.fromkeys(VITAL_FIELDS, "double"),
    }
    missing = {column: kind for column, kind in optional.items() if column not in readings.columns}
    if missing:  # readings landed before these were kept, or a narrower frame: not known
        readings = readings.withColumns({column: F.lit(None).cast(kind) for column, kind in missing.items()})
    joined = readings.join(people, readings.patient_id == people.known_patient_id, "left")
    return joined.withColumns(_ages_at_reading()).drop("recorded_age", "date_of_birth")


def _column_or_null(frame: DataFrame, name: str, kind: str) -> Column:
    """``name`` of ``frame``, or null where the table predates it (an older vitals_raw or patients)."""
    return (F.col(name) if name in frame.columns else F.lit(None).cast(kind)).alias(name)


def scored(readings: DataFrame, patients: DataFrame, news2_scoring: bool = True) -> DataFrame:
    """``readings`` with their patient (:func:`enrich`) and, with ``news2_scoring``, their NEWS2 scores: what
    vitals_raw keeps and :func:`alerts_of` reads."""
    enriched = enrich(readings, patients)
    return with_news2_scores(enriched) if news2_scoring else enriched


def evaluate(
    readings: DataFrame,
    patients: DataFrame,
    index: ThresholdIndex,
    news2_scoring: bool = True,
    observations: bool = False,
) -> DataFrame:
    """Alert rows (:data:`contract.alerts.ALERT_FIELDS`) for ``readings`` (the vitals_raw shape).

    One pass, no union of two branches of the input: Spark's Real-time Mode runs
    this too, and it cannot read one stream twice in a query. A reading of a
    known patient becomes one row per vital out of the normal bands and one for
    a NEWS2 risk that needs a response; a reading of an unknown patient becomes
    one row that is its data-quality alert. Without ``news2_scoring`` (PA_NEWS2_SCORING) no NEWS2 is computed.
    With ``observations``, every reading of a known patient also becomes one row of kind ``observation`` (see
    :func:`alerts_of`).
    """
    return alerts_of(scored(readings, patients, news2_scoring), index, news2_scoring, observations)


def alerts_of(
    enriched: DataFrame, index: ThresholdIndex, news2_scoring: bool = True, observations: bool = False
) -> DataFrame:
    """The alert rows of readings already :func:`scored` (with the same ``news2_scoring``).

    With ``observations`` the frame also has one row of kind :data:`OBSERVATION_KIND` per reading of a known
    patient, with two more columns, ``findings`` (the reading's alert subjects) and ``news2_score``: what the
    notifier needs to see normal readings and silent beds (:data:`contract.alerts.OBSERVATION_FIELDS`). Hive's
    ``alerts`` keeps only the alert rows (:func:`only_alerts`).
    """
    plan = _plan(index, news2_scoring)
    # each vital's matched rule and band first, computed once (the outcomes read them several times); then
    # explode and drop the null (not alerting) outcomes: a plain filter is generated code, an array filter (a
    # lambda) is interpreted. Without observations the outcomes are exploded as an expression: a projection of
    # their own made planning each query 1.5 s -> 6.5 s (measured)
    checked = enriched.select("*", *plan.checks)
    outcomes, columns = plan.outcomes, list(plan.alert_columns)
    if observations:  # the outcomes once as a column, read by the findings and the explode
        checked = checked.select("*", plan.outcomes.alias("_outcomes")).select(
            "*", _findings(plan.size).alias("findings")
        )
        outcomes = F.concat(F.col("_outcomes"), F.array(_observation_outcome()))
        columns += [F.col("findings"), _column_or_null(enriched, "news2_score", "int")]
    return (
        checked.select("*", F.explode(outcomes).alias("outcome"))
        .where(F.col("outcome").isNotNull())
        .select("*", "outcome.*")
        .select(*columns)
    )


OBSERVATION_KIND = "observation"


def only_alerts(rows: DataFrame) -> DataFrame:
    """The alert rows of :func:`alerts_of`'s output (observations dropped): what Hive's ``alerts`` keeps."""
    return rows.where(F.col("kind") != OBSERVATION_KIND) if "findings" in rows.columns else rows


def finding_subject_column(kind: Column, attribute: Column) -> Column:
    """:func:`contract.alerts.finding_subject` as a Spark column (the two must agree: the notifier matches them)."""
    clinical = kind.isin(Outcome.VITAL_OUT_OF_RANGE.value, Outcome.NEWS2.value)
    return F.when(clinical, attribute).otherwise(F.concat(kind, F.lit(":"), F.coalesce(attribute, F.lit("-"))))


def _findings(size: int) -> Column:
    """The subjects of a reading's alerting outcomes (positions of ``_outcomes``: generated code, no lambda;
    ``get``, null past the end, since an unknown patient's array is shorter)."""
    outcomes = [F.get(F.col("_outcomes"), position) for position in range(size)]
    return F.array_compact(F.array(*[finding_subject_column(item["kind"], item["attribute"]) for item in outcomes]))


def _observation_outcome() -> Column:
    """The reading's observation as an outcome row (null for an unknown patient: no bed to watch)."""
    return F.when(
        F.col("known_patient_id").isNotNull(),
        _outcome_struct(*[F.lit(None)] * 6, F.lit(OBSERVATION_KIND), F.lit(None), F.lit(None)),
    )


@dataclass(frozen=True)
class _EvaluationPlan:
    """The columns :func:`evaluate` selects, in order, for one rule set."""

    checks: list[Column]  # the NEWS2 columns; _rule_<n> (matched rule's position), _band_<n> per vital
    outcomes: Column  # array of outcome structs per reading, null where an outcome is no alert
    size: int  # the length of that array
    alert_columns: list[Column]  # ALERT_FIELDS


@functools.lru_cache(maxsize=4)
def _plan(index: ThresholdIndex, news2_scoring: bool) -> _EvaluationPlan:
    """The column expressions for one rule set, built once per rule set (the index is immutable): building them
    is hundreds of calls into the JVM, a few hundred milliseconds that every micro-batch would pay again."""
    rules_of = {attribute: list(rules) for attribute, rules in index.rules_of.items()}
    values = {attribute: F.col(VITAL_OF_ATTRIBUTE[attribute].field).cast("double") for attribute in rules_of}
    checks = [
        *[
            rule_position(rules, index.bands, F.col("age_months"), matched_value(attribute)).alias(f"_rule_{position}")
            for position, (attribute, rules) in enumerate(rules_of.items())
        ],
        *[
            has_band(rules, F.col("age_months")).alias(f"_band_{position}")
            for position, (attribute, rules) in enumerate(rules_of.items())
        ],
        _judged_on_scale2().alias("_scale2"),
    ]
    unknown = _outcome_struct(
        *[F.lit(None)] * 6,
        F.lit(Outcome.UNKNOWN_PATIENT.value),
        F.concat(
            F.lit("reading from unknown patient id "),
            F.col("patient_id").cast("string"),
            F.lit(" (device "),
            F.coalesce(F.col("device_id"), F.lit("?")),
            F.lit(")"),
        ),
        F.lit(Severity.ADVISORY.value),
    )
    outcome_type = "struct<" + ",".join(f"{name}:{kind}" for name, kind in OUTCOME_FIELDS) + ">"
    vital_outcomes = [
        _outcome(
            attribute,
            rules,
            values[attribute],
            matched_value(attribute),
            F.col(f"_rule_{position}"),
            F.col(f"_band_{position}"),
            critical_at_every_age(rules),
            F.col("_scale2") if news2_scoring and attribute == SPO2 else F.lit(False),
        )
        for position, (attribute, rules) in enumerate(rules_of.items())
    ]
    if news2_scoring:
        vital_outcomes.append(_news2_outcome())
    vitals = F.array(*vital_outcomes).cast(f"array<{outcome_type}>")
    return _EvaluationPlan(
        checks=checks,
        outcomes=F.when(F.col("known_patient_id").isNull(), F.array(unknown)).otherwise(vitals),
        size=len(vital_outcomes),
        alert_columns=_alert_columns(),
    )


def _alert_columns() -> list[Column]:
    """:data:`ALERT_FIELDS`, in order and of their types; fields not listed here are the reading's own columns."""
    alert_id = F.substring(
        F.sha2(
            F.concat_ws(
                ":",
                F.col("reading_id").cast("string"),
                F.coalesce(F.col("rule_id"), F.col("kind")),
                F.coalesce(F.col("attribute"), F.lit("")),
                F.coalesce(F.col("source"), F.lit("")),
            ),
            256,
        ),
        1,
        32,
    )
    computed = {
        "alert_id": alert_id,  # deterministic (reading, its source, rule or kind): a repeat is dropped downstream
        "bp": F.col("bp_systolic"),  # the capstone threshold table's name for systolic pressure
        "input_message_time": F.col("event_time"),
        "alert_generated_time": F.current_timestamp(),
        # the matched band, so a reader can tell how far out of range the value is
        "rule_low_value": F.col("low_value"),
        "rule_high_value": F.col("high_value"),
    }
    # a late reading still alerts, marked as old news (late, arrival_delay_s): the doctor sees how old it is
    return [computed.get(name, F.col(name)).cast(kind).alias(name) for name, kind in ALERT_FIELDS.items()]
