"""The landing's CPU stages on their own: decode, patient join, NEWS2 scores, alerts — in memory, no I/O.

The landing rate mixes these with Kafka reads, Parquet writes and commits; measured apart, over the same records
the landing read, each stage's cost is visible, and so is what a Spark setting does to it. Each stage is run to
Spark's ``noop`` sink from cached input (its own input's cost excluded), best of three runs.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from bench.report import line, note, timed
from clients import kafka
from contract.vitals import parse_field_map
from evaluation.evaluate import alerts_of, enrich, scored
from settings import KafkaPrincipal, Settings
from streaming.parse import TimeRules, parse
from streaming.reference_data import ReferenceData

ROWS = 500_000
RUNS = 3
SPARK_DEFAULT_METHOD_LIMIT = 65535  # spark.sql.codegen.hugeMethodLimit's own default


def run(spark: SparkSession, settings: Settings) -> None:
    """Rates of each stage over the first ``ROWS`` records of ``settings``' vitals topic, at the project's
    code-generation method limit and at Spark's default."""
    records = (
        spark.read.format("kafka")
        .options(**kafka.spark_options(settings.kafka, KafkaPrincipal.ADMIN))
        .option("subscribe", settings.names.topic_vitals)
        .load()
        .limit(ROWS)
        .persist()
    )
    rows = records.count()
    readings = parse(records, parse_field_map(settings.stream.field_map), TimeRules.of(settings.stream))
    valid = readings.where(F.col("reason").isNull()).persist()
    valid.count()
    reference = ReferenceData(spark, settings)
    patients, index = reference.patients(), reference.thresholds()
    stages: dict[str, DataFrame] = {
        "decode and validate (parse)": readings,
        "patient join": enrich(valid, patients),
        "patient join + NEWS2 scores": scored(valid, patients, True),
        "alerts, without NEWS2": alerts_of(scored(valid, patients, False), index, False),
        "alerts, with NEWS2": alerts_of(scored(valid, patients, True), index, True),
    }
    note(f"the landing's stages in memory ({rows:,} records of its topic; noop sink, best of {RUNS}):")
    try:
        for limit in (settings.spark.codegen_method_limit, SPARK_DEFAULT_METHOD_LIMIT):
            spark.conf.set("spark.sql.codegen.hugeMethodLimit", str(limit))
            for stage, frame in stages.items():
                seconds = min(timed(frame.write.format("noop").mode("overwrite").save) for _ in range(RUNS))
                line(f"  {stage}, method limit {limit:,}", f"{rows / seconds:,.0f} readings/s")
    finally:
        spark.conf.set("spark.sql.codegen.hugeMethodLimit", str(settings.spark.codegen_method_limit))
        records.unpersist()
        valid.unpersist()
