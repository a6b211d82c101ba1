"""Parse and validate Kafka records against an explicit schema: Spark column expressions only.

Every record gets a ``reason``: null when the reading is usable, otherwise
the first problem found (invalid JSON, missing patient id or event time, a
wrong type, a physiologically impossible value, an event time further in the
future than ``PA_STREAM_MAX_FUTURE_S``). Nothing is dropped here; the job sends
rows with a reason to ``vitals_rejected``.

Time is judged against the record's Kafka timestamp (when the producer sent
it), never against the newest event time seen: one device with a wrong clock
is rejected on its own and cannot move what the job accepts for everyone else.
The same timestamp gives every reading its ``arrival_delay_s`` and ``late``
flag (arrived more than ``PA_STREAM_DEDUP_WINDOW`` after it was measured: a
replay, or a monitor that buffered while off the network), identical in the
landing and the real-time alert query because they depend on the record only.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from contract.mapping import parse_mapping
from contract.vitals import CONSCIOUSNESS_LEVELS, VITALS
from contract.vitals import READING_FIELD_TYPES as FIELD_TYPES
from settings import Settings


def parse_field_map(text: str) -> dict[str, str]:
    """PA_STREAM_FIELD_MAP: {reading field: JSON key of incoming messages}."""
    return parse_mapping(text, FIELD_TYPES, "PA_STREAM_FIELD_MAP")


CORRUPT_RECORD = "_corrupt_record"  # from_json puts a record here when it is not one JSON object


@dataclass(frozen=True)
class TimeRules:
    """How event times are judged: the future tolerance and the delay after which a reading is late."""

    max_future_s: float
    late_after_s: float

    @classmethod
    def of(cls, settings: Settings) -> TimeRules:
        return cls(settings.stream_max_future_s, settings.stream_dedup_window_s)


def parse(kafka_records: DataFrame, field_map: dict[str, str], time_rules: TimeRules) -> DataFrame:
    """Kafka rows (key, value, topic, partition, offset, timestamp) -> typed readings with ``reason``.

    Three projections, each computed once per row: the JSON parsed once (as
    strings, so type checks are ours), then the typed values, then the reason
    from those values. Written as one projection, Spark would repeat each cast
    inside the reason (it does not collapse projections that would duplicate
    an expensive expression).
    """
    keys = {field: field_map.get(field, field) for field in FIELD_TYPES}
    schema = StructType([StructField(key, StringType()) for key in (*keys.values(), CORRUPT_RECORD)])
    raw = F.col("value").cast("string")
    records = kafka_records.select(
        raw.alias("raw_payload"),
        F.col("topic").alias("kafka_topic"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.from_json(raw, schema, {"columnNameOfCorruptRecord": CORRUPT_RECORD}).alias("fields"),
    )
    text = {field: F.col(f"fields.`{key}`") for field, key in keys.items()}
    typed = records.select(
        "raw_payload",
        "kafka_topic",
        "kafka_partition",
        "kafka_offset",
        "kafka_timestamp",
        "fields",
        *[F.expr(f"try_cast(fields.`{key}` AS {FIELD_TYPES[field]})").alias(field) for field, key in keys.items()],
    )
    value = {field: F.col(field) for field in FIELD_TYPES}
    # seconds from measurement to Kafka; negative when the device clock runs ahead
    arrival_delay = F.col("kafka_timestamp").cast("double") - F.col("event_time").cast("double")
    reason = F.coalesce(
        F.when(
            F.col("fields").isNull() | F.col(f"fields.{CORRUPT_RECORD}").isNotNull(),
            F.lit("invalid JSON: not a JSON object"),
        ),
        F.when(text["patient_id"].isNull(), F.lit("missing patient id")),
        F.when(text["event_time"].isNull(), F.lit("missing event time")),
        *[
            F.when(
                text[field].isNotNull() & value[field].isNull(),
                F.concat(F.lit(f"wrong type: {keys[field]} "), text[field], F.lit(f" is not a {FIELD_TYPES[field]}")),
            )
            for field in FIELD_TYPES
            if FIELD_TYPES[field] != "string"
        ],
        *[
            F.when(
                (value[vital.field] < vital.plausible_low) | (value[vital.field] > vital.plausible_high),
                F.concat(
                    F.lit(f"impossible value: {keys[vital.field]} "),
                    value[vital.field].cast("string"),
                    F.lit(f" outside {vital.plausible_low:g}-{vital.plausible_high:g}"),
                ),
            )
            for vital in VITALS
        ],
        F.when(
            value["consciousness"].isNotNull() & ~F.upper(F.trim(value["consciousness"])).isin(*CONSCIOUSNESS_LEVELS),
            F.concat(
                F.lit(f"impossible value: {keys['consciousness']} "),
                value["consciousness"],
                F.lit(f" is not one of {', '.join(CONSCIOUSNESS_LEVELS)} (ACVPU)"),
            ),
        ),
        F.when(
            arrival_delay < -time_rules.max_future_s,
            F.concat(
                F.lit(f"event time in the future: {keys['event_time']} "),
                value["event_time"].cast("string"),
                F.lit(" is "),
                F.format_number(-arrival_delay, 0),
                F.lit(f" s after Kafka received it (tolerance {time_rules.max_future_s:g} s)"),
            ),
        ),
    )
    return typed.select(
        "raw_payload",
        "kafka_topic",
        "kafka_partition",
        "kafka_offset",
        "kafka_timestamp",
        # messages without an id (capstone shape) get one from their content, so a resent copy still deduplicates
        F.coalesce("reading_id", F.xxhash64("raw_payload")).alias("reading_id"),
        *[field for field in FIELD_TYPES if field != "reading_id"],
        arrival_delay.alias("arrival_delay_s"),
        (arrival_delay > time_rules.late_after_s).alias("late"),
        reason.alias("reason"),
    )


def dedup_key() -> Column:
    """Valid readings deduplicate by reading id; rejected records never collide (Kafka coordinates)."""
    return F.when(F.col("reason").isNull(), F.col("reading_id").cast("string")).otherwise(
        F.concat_ws("/", F.col("kafka_partition"), F.col("kafka_offset"))
    )
