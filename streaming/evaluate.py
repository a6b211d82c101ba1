"""Evaluate readings against the thresholds: vectorised Spark joins, shared by every query and batch job.

The rules come from :class:`hbase_setup.repository.ThresholdIndex` (loaded on the
driver, never per reading) as a small broadcast table; each vital of each
reading is range-joined to it. Outcomes are explicit, and every one but
"normal" becomes an alert row:

* ``vital_out_of_range`` — a rule with alert_flag=1 matched (its message);
* ``value_in_gap`` — bands exist for the patient's age, the value falls between them;
* ``no_band_for_age`` — no band covers the patient's age (or the age is unknown);
* ``unknown_patient`` — the reading's patient id is not in ``patients``.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from hbase_setup.repository import ThresholdIndex
from hbase_setup.rules import READING_FIELD_OF_ATTRIBUTE

ALERT_KINDS = ("vital_out_of_range", "value_in_gap", "no_band_for_age", "unknown_patient")
ALERT_COLUMNS = ("alert_id", "reading_id", "patient_id", "kind", "attribute", "rule_id", "observed_value",
                 "patient_name", "age", "patient_address", "phone_number", "admitted_ward", "bp", "heart_rate",
                 "input_message_time", "alert_generated_time", "alert_message")


def rules_frame(spark: SparkSession, index: ThresholdIndex) -> DataFrame:
    rows = [(r.rule_id, r.attribute, float(r.low_age), float(r.high_age), float(r.low_value), float(r.high_value),
             int(r.alert_flag), r.message) for r in index.rules]
    return spark.createDataFrame(rows, "rule_id string, rule_attribute string, low_age double, high_age double, "
                                       "low_value double, high_value double, alert_flag int, rule_message string")


def age_bands_frame(spark: SparkSession, index: ThresholdIndex) -> DataFrame:
    """Per attribute, the merged age intervals any rule covers (to tell a gap from a missing age band)."""
    rows = []
    for attribute in sorted(index.attributes):
        spans = sorted((r.low_age, r.high_age) for r in index.rules if r.attribute == attribute)
        merged = [list(spans[0])]
        for low, high in spans[1:]:
            if low <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], high)
            else:
                merged.append([low, high])
        rows += [(attribute, float(low), float(high)) for low, high in merged]
    return spark.createDataFrame(rows, "band_attribute string, band_low_age double, band_high_age double")


def evaluate(readings: DataFrame, patients: DataFrame, index: ThresholdIndex) -> DataFrame:
    """Alert rows (:data:`ALERT_COLUMNS`) for ``readings`` (the vitals_raw shape).

    One pass, no union of two branches of the input: Spark's Real-time Mode runs
    this too, and it cannot read one stream twice in a query. A reading of a
    known patient becomes one row per monitored vital; a reading of an unknown
    patient becomes one row that is its data-quality alert.
    """
    spark = readings.sparkSession
    people = F.broadcast(patients.select(
        F.col("patientid").alias("known_patient_id"), F.col("patientname").alias("patient_name"), "age",
        F.col("patientaddress").alias("patient_address"), "phone_number", "admitted_ward"))
    enriched = readings.join(people, readings.patient_id == people.known_patient_id, "left")
    known = F.col("known_patient_id").isNotNull()

    item = lambda attribute, value: F.struct(attribute.alias("attribute"), value.alias("value"))  # noqa: E731
    unknown_item = item(F.lit(None).cast("string"), F.lit(None).cast("double"))
    vital_items = [item(F.lit(attribute), F.col(READING_FIELD_OF_ATTRIBUTE[attribute]).cast("double"))
                   for attribute in sorted(index.attributes)]
    no_vitals = F.filter(F.array(unknown_item), lambda _: F.lit(False))  # typed empty array: nothing monitored
    items = F.when(known, F.array(*vital_items) if vital_items else no_vitals).otherwise(F.array(unknown_item))
    per_vital = (enriched.select("*", F.explode(items).alias("vital"))
                 .select("*", F.col("vital.attribute").alias("attribute"), F.col("vital.value").alias("observed_value"))
                 .drop("vital").where(~known | F.col("observed_value").isNotNull()))
    rules = F.broadcast(rules_frame(spark, index))
    bands = F.broadcast(age_bands_frame(spark, index))
    matched = (per_vital
               .join(rules, (F.col("attribute") == F.col("rule_attribute"))
                     & F.col("age").between(F.col("low_age"), F.col("high_age"))
                     & F.col("observed_value").between(F.col("low_value"), F.col("high_value")), "left")
               .join(bands, (F.col("attribute") == F.col("band_attribute"))
                     & F.col("age").between(F.col("band_low_age"), F.col("band_high_age")), "left"))
    kind = (F.when(~known, "unknown_patient")
            .when(F.col("rule_id").isNotNull() & (F.col("alert_flag") == 1), "vital_out_of_range")
            .when(F.col("rule_id").isNotNull(), "normal")
            .when(F.col("band_attribute").isNotNull(), "value_in_gap")
            .otherwise("no_band_for_age"))
    value_text = F.concat(F.col("attribute"), F.lit(" "), F.col("observed_value").cast("string"))
    age_text = F.coalesce(F.col("age").cast("string"), F.lit("unknown"))
    message = (F.when(kind == "unknown_patient", F.concat(
                   F.lit("reading from unknown patient id "), F.col("patient_id").cast("string"), F.lit(" (device "),
                   F.coalesce(F.col("device_id"), F.lit("?")), F.lit(")")))
               .when(kind == "vital_out_of_range", F.col("rule_message"))
               .when(kind == "value_in_gap", F.concat(value_text, F.lit(" falls in a gap between threshold bands "
                                                                         "for age "), age_text))
               .otherwise(F.concat(F.lit("no threshold band for "), F.col("attribute"), F.lit(" at age "),
                                   age_text, F.lit(" ("), value_text, F.lit(")"))))
    return _finish(matched.select("*", kind.alias("kind"), message.alias("alert_message"))
                   .where(F.col("kind") != "normal"))


def _finish(alerts: DataFrame) -> DataFrame:
    """Deterministic alert ids (reading + rule or kind), the capstones' field names, and the generation time."""
    alert_id = F.substring(F.sha2(F.concat_ws(":", F.col("reading_id").cast("string"),
                                              F.coalesce(F.col("rule_id"), F.col("kind")),
                                              F.coalesce(F.col("attribute"), F.lit(""))), 256), 1, 32)
    return alerts.select(
        alert_id.alias("alert_id"), "reading_id", "patient_id", "kind", "attribute", "rule_id", "observed_value",
        "patient_name", F.col("age").cast("int").alias("age"), "patient_address", "phone_number", "admitted_ward",
        F.col("bp_systolic").alias("bp"), "heart_rate", F.col("event_time").alias("input_message_time"),
        F.current_timestamp().alias("alert_generated_time"), "alert_message",
        # the matched band, so a reader can tell how far out of range the value is
        F.col("low_value").alias("rule_low_value"), F.col("high_value").alias("rule_high_value"))
