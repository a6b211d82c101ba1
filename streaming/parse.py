"""Parse and validate Kafka records against an explicit schema: Spark column expressions only.

Every record gets a ``reason``: null when the reading is usable, otherwise
the first problem found (invalid JSON, missing patient id or event time, a
wrong type, an event time further in the future than
``PA_STREAM_MAX_FUTURE_S``, no plausible vital at all). Nothing is dropped
here; the job sends rows with a reason to ``vitals_rejected``.

A physiologically impossible value (SpO2 0 from a probe off the finger) is
rejected on its own: the field becomes null and ``rejected_fields`` says which
and why, and the reading's other vitals are landed and checked, so a loose
probe never hides a heart rate of 150. Only a reading with no plausible vital
left is rejected whole.

Time is judged against the record's Kafka timestamp (when the producer sent
it), never against the newest event time seen: one device with a wrong clock
is rejected on its own and cannot move what the job accepts for everyone else.
The same timestamp gives every reading its ``arrival_delay_s`` and ``late``
flag (arrived more than ``PA_STREAM_DEDUP_WINDOW`` after it was measured: a
replay, or a monitor that buffered while off the network), identical in the
landing and the real-time alert query because they depend on the record only.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

from contract.vitals import CONSCIOUSNESS_LEVELS, READING_TEXT_LIMITS, VITALS
from contract.vitals import READING_FIELD_TYPES as FIELD_TYPES
from settings import StreamSettings

CORRUPT_RECORD = "_corrupt_record"  # from_json puts a record here when it is not one JSON object (or, typed, not ours)
# the reading's types Spark's JSON reader types as our casts would; the others (timestamps) are read as text
_READER_TYPES = {"double": DoubleType(), "bigint": LongType(), "boolean": BooleanType()}


def _fast() -> Column:
    """The fast reading typed the whole record."""
    return ~F.col("refused")


def _text(field: str, key: str) -> Column:
    """The field as JSON text; for a field the fast reading types, text only where it refused the record (a wrong
    type can only be there)."""
    if FIELD_TYPES[field] in _READER_TYPES:
        return F.col(f"fields.`{key}`")
    return F.when(_fast(), F.col(f"typed.`{key}`")).otherwise(F.col(f"fields.`{key}`"))


def _value(field: str, key: str) -> Column:
    """The field's typed value: from the fast reading, or cast from its text (null when it is not of its type)."""
    kind = FIELD_TYPES[field]
    if kind in _READER_TYPES:
        return F.when(_fast(), F.col(f"typed.`{key}`")).otherwise(F.col(f"fields.`{key}`").try_cast(kind))
    return _text(field, key) if kind == "string" else _text(field, key).try_cast(kind)


def _present(key: str) -> Column:
    """Whether the record has the field (not absent, not JSON null), in whichever reading was used."""
    return F.when(_fast(), F.col(f"typed.`{key}`").isNotNull()).otherwise(F.col(f"fields.`{key}`").isNotNull())


@dataclass(frozen=True)
class TimeRules:
    """How event times are judged: the future tolerance and the delay after which a reading is late."""

    max_future_s: float
    late_after_s: float

    @classmethod
    def of(cls, stream: StreamSettings) -> TimeRules:
        return cls(stream.max_future_s, stream.dedup_window_s)


def parse(kafka_records: DataFrame, field_map: dict[str, str], time_rules: TimeRules) -> DataFrame:
    """Kafka rows (key, value, topic, partition, offset, timestamp) -> typed readings with ``reason``.

    Two readings of the JSON, the second only where the first fails. The fast
    one types numbers and booleans in Spark's JSON reader (no text for them,
    no casts); any record it cannot type entirely (a number sent as text, a
    wrong type, not JSON) is read again as text, with our own casts and
    rejection reasons, exactly as before. Where the fast reading succeeds, it
    gives the values the text one would, so the result is the same for every
    record (tests/unit/streaming/test_parse.py) and typical input pays for one typed parse:
    in memory, 204,000-219,000 -> 292,000-302,000 records/s (docs,
    Benchmarks). Event times stay text in both, cast by us, so every
    accepted timestamp format is unchanged.

    Then three projections, each computed once per row: the JSON, the typed
    values, the reason from those values. Written as one projection, Spark
    would repeat each cast inside the reason (it does not collapse
    projections that would duplicate an expensive expression).
    """
    keys = {field: field_map.get(field, field) for field in FIELD_TYPES}
    options = {"columnNameOfCorruptRecord": CORRUPT_RECORD}
    as_text = StructType([StructField(key, StringType()) for key in (*keys.values(), CORRUPT_RECORD)])
    as_typed = StructType(
        [StructField(key, _READER_TYPES.get(FIELD_TYPES[field], StringType())) for field, key in keys.items()]
        + [StructField(CORRUPT_RECORD, StringType())]
    )
    raw = F.col("value").cast("string")
    refused = F.col("typed").isNull() | F.col(f"typed.{CORRUPT_RECORD}").isNotNull()
    records = kafka_records.select(
        raw.alias("raw_payload"),
        F.col("topic").alias("kafka_topic"),
        F.col("partition").alias("kafka_partition"),
        F.col("offset").alias("kafka_offset"),
        F.col("timestamp").alias("kafka_timestamp"),
        F.from_json(raw, as_typed, options).alias("typed"),
    ).select(
        "*",
        refused.alias("refused"),
        F.when(refused, F.from_json(F.col("raw_payload"), as_text, options)).alias("fields"),  # the slow reading
    )
    typed = records.select(
        "raw_payload",
        "kafka_topic",
        "kafka_partition",
        "kafka_offset",
        "kafka_timestamp",
        "refused",
        "fields",
        *[_value(field, key).alias(field) for field, key in keys.items()],
        *[_text(field, key).alias(f"_text_{field}") for field, key in keys.items() if FIELD_TYPES[field] != "string"],
        *[_present(keys[field]).alias(f"_present_{field}") for field in ("patient_id", "event_time")],
    )
    text = {field: F.col(f"_text_{field}") for field in keys if FIELD_TYPES[field] != "string"}
    value = {field: F.col(field) for field in FIELD_TYPES}
    impossible = {
        vital.field: F.when(
            (value[vital.field] < vital.plausible_low) | (value[vital.field] > vital.plausible_high),
            F.concat(
                F.lit(f"impossible value: {keys[vital.field]} "),
                value[vital.field].cast("string"),
                F.lit(f" outside {vital.plausible_low:g}-{vital.plausible_high:g}"),
            ),
        )
        for vital in VITALS
    }
    # every vital either absent or impossible, and at least one impossible: nothing of the reading can be checked
    nothing_plausible = functools.reduce(
        operator.and_, [value[field].isNull() | impossible[field].isNotNull() for field in impossible]
    ) & functools.reduce(operator.or_, [impossible[field].isNotNull() for field in impossible])
    rejected_fields = F.concat_ws("; ", *impossible.values())
    # seconds from measurement to Kafka; negative when the device clock runs ahead
    arrival_delay = F.col("kafka_timestamp").cast("double") - F.col("event_time").cast("double")
    reason = F.coalesce(
        F.when(
            F.col("refused") & (F.col("fields").isNull() | F.col(f"fields.{CORRUPT_RECORD}").isNotNull()),
            F.lit("invalid JSON: not a JSON object"),
        ),
        F.when(~F.col("_present_patient_id"), F.lit("missing patient id")),
        F.when(~F.col("_present_event_time"), F.lit("missing event time")),
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
                F.length(value[field]) > limit,
                F.concat(
                    F.lit(f"too long: {keys[field]} is "),
                    F.length(value[field]).cast("string"),
                    F.lit(f" characters (at most {limit})"),
                ),
            )
            for field, limit in READING_TEXT_LIMITS.items()
        ],
        F.when(nothing_plausible, rejected_fields),
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
        *[
            F.when(impossible[field].isNull(), value[field]).alias(field) if field in impossible else field
            for field in FIELD_TYPES
            if field != "reading_id"
        ],
        F.when(rejected_fields != "", rejected_fields).alias("rejected_fields"),
        arrival_delay.alias("arrival_delay_s"),
        (arrival_delay > time_rules.late_after_s).alias("late"),
        reason.alias("reason"),
    )


def reading_key() -> Column:
    """A valid reading's identity: its source and reading id (one source's reading never shadows another's that
    has the same id)."""
    return F.concat_ws("|", F.coalesce("source", F.lit("")), F.col("reading_id").cast("string"))


def dedup_key() -> Column:
    """Valid readings deduplicate by :func:`reading_key`; rejected records never collide (Kafka coordinates)."""
    return F.when(F.col("reason").isNull(), reading_key()).otherwise(
        F.concat_ws("/", F.col("kafka_partition"), F.col("kafka_offset"))
    )
