"""The landing query: Kafka → vitals_raw / vitals_rejected / alerts in Hive, and alerts → doctors-queue.

Reads like the data-flow diagram: source → parse and validate → drop repeated
reading ids → per micro-batch: land, reject, evaluate, alert. The checkpoint
(on HDFS) records Kafka offsets; the sinks are idempotent per batch, so a
restart after kill -9 loses and duplicates nothing.

Every record ends in ``vitals_raw`` or ``vitals_rejected``, whatever its event
time. Deduplication has two parts:

* **Streaming state for the recent window.** Spark's
  ``dropDuplicatesWithinWatermark`` remembers reading ids for
  ``PA_STREAM_DEDUP_WINDOW``. Its clock is not the raw event time (one reading
  stamped 2099 would move the watermark there and every later reading would be
  dropped as "late", silently): it is the event time clamped into
  [batch time - window, batch time]. So the watermark never passes a reading
  that arrives, nothing is ever dropped for being late, and the state holds
  about one window of ids whatever the clocks say.
* **A bounded check against the table for the late minority.** A reading whose
  event time is older than the window at its batch (a replay, a monitor that
  buffered while offline, a catch-up after downtime) may have landed long
  before, beyond what the state remembers. Only those readings are checked
  against ``vitals_raw``: the reading ids of the partitions of their event
  dates, written by other batches. The check costs a read of those dates'
  reading ids, paid only by batches that hold late readings.

A reading id therefore lands once, whether it is repeated a second or a month
later (as long as ``PA_STREAM_MAX_FUTURE_S`` <= the window; settings enforce it).
"""

from __future__ import annotations

import logging
from collections import Counter

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from contract.vitals import OBSERVATION_TYPES, VITAL_FIELDS, parse_field_map
from evaluation.evaluate import OBSERVATION_KIND, alerts_of, only_alerts, scored
from runtime.waiting import wait_until
from settings import Settings
from settings.choices import AlertPath
from streaming import metrics
from streaming.batch_numbers import batch_base
from streaming.owned_query import OwnedQuery
from streaming.parse import TimeRules, dedup_key, parse, reading_key
from streaming.reference_data import ReferenceData
from streaming.sinks import BatchTable, publish_alerts
from streaming.source import vitals_stream

log = logging.getLogger(__name__)


def millis_before(moment: Column, seconds: float) -> Column:
    return F.timestamp_millis(F.unix_millis(moment) - int(seconds * 1000))


class LandingQuery(OwnedQuery):
    """The landing query; ``outcomes`` counts alerts by kind since start, ``late`` the late readings landed,
    ``repeats`` the repeated reading ids the table check dropped. ``available_now`` catches up with Kafka and ends
    instead of running on a trigger."""

    def __init__(self, spark: SparkSession, settings: Settings, available_now: bool = False):
        super().__init__(spark, settings, settings.names.stream_checkpoint_name)
        self.available_now = available_now
        self.reference = ReferenceData(spark, settings)
        self.field_map = parse_field_map(settings.stream.field_map)
        database = settings.names.hive_database
        self.raw, self.rejects, self.alerts = (
            BatchTable(spark, f"{database}.{name}") for name in ("vitals_raw", "vitals_rejected", "alerts")
        )
        self.time_rules = TimeRules.of(settings.stream)
        self.outcomes: Counter[str] = Counter()
        self.landed = 0
        self.rejected = 0
        self.late = 0
        self.repeats = 0
        self.batch_base = 0  # read from the tables and the checkpoint when the query starts
        self._repeated: list[DataFrame] = []

    def source(self) -> DataFrame:
        return vitals_stream(self.spark, self.settings)

    def readings(self) -> DataFrame:
        parsed = parse(self.source(), self.field_map, self.time_rules)
        batch_time = F.current_timestamp()  # in a stream: the micro-batch's timestamp, kept in the checkpoint
        state_time = F.greatest(
            F.least(F.coalesce("event_time", batch_time), batch_time),
            millis_before(batch_time, self.time_rules.late_after_s),
        )
        return (
            parsed
            # only a rejected record keeps its payload: valid ones are fully parsed, and the payload is most of
            # the bytes the deduplication shuffles and the batch cache holds
            .withColumn("raw_payload", F.when(F.col("reason").isNotNull(), F.col("raw_payload")))
            .withColumn("dedup_key", dedup_key())
            .withColumn("batch_time", batch_time)
            .withColumn("state_time", state_time)
            .withWatermark("state_time", self.settings.stream.dedup_window)
            .dropDuplicatesWithinWatermark(["dedup_key"])
        )

    def start(self) -> StreamingQuery:
        self.batch_base = batch_base(self.spark, self.checkpoint, (self.raw, self.rejects, self.alerts))
        writer = (
            self.readings()
            .writeStream.queryName(self.name)
            .foreachBatch(self.process_batch)
            .option("checkpointLocation", self.checkpoint)
        )
        writer = (
            writer.trigger(availableNow=True)
            if self.available_now
            else writer.trigger(processingTime=f"{self.settings.stream.trigger_s} seconds")
        )
        self.query = writer.start()
        return self.query

    def stop(self) -> None:
        """Stop between micro-batches when it can: one cut short is redone after a restart (nothing is lost), but
        letting it finish, for up to PA_STREAM_STOP_GRACE_S, spares the restart that work and the log a trace."""
        query = self.query
        if query is not None and query.isActive:
            wait_until(lambda: not query.status["isTriggerActive"], self.settings.stream.stop_grace_s, 0.1)
            query.stop()

    def process_batch(self, batch: DataFrame, batch_id: int) -> None:
        stream_batch = self.batch_base + batch_id
        batch.persist()  # derive nothing before this: a derived frame's cache would run the stateful plan again
        try:
            counts: Counter[tuple[bool, bool, bool]] = Counter(
                {
                    (row["valid"], row["beyond_state"], bool(row["late"])): row["count"]
                    for row in batch.groupBy(
                        F.col("reason").isNull().alias("valid"), self._beyond_state().alias("beyond_state"), "late"
                    )
                    .count()
                    .collect()
                }
            )
            rejected = sum(count for (valid, _, _), count in counts.items() if not valid)
            if rejected:
                self.rejects.overwrite_batch(self._rejected(batch, stream_batch), stream_batch)
            beyond_state = sum(count for (valid, beyond, _), count in counts.items() if valid and beyond)
            valid, repeats = self._unseen(batch, stream_batch, beyond_state)
            landed = sum(count for (valid_row, _, _), count in counts.items() if valid_row) - repeats
            late = sum(count for (valid_row, _, is_late), count in counts.items() if valid_row and is_late)
            if landed:
                valid = self._valid(valid, stream_batch)  # read twice from the batch's cache; no cache of its own
                if repeats:  # some late readings were repeats: count what really lands
                    late = valid.where("late").count()
                # each reading with its NEWS2 scores, in one write; the scored frame is computed again for the
                # alerts (read from the batch's cache): caching it once measured no faster (docs, Benchmarks)
                readings = scored(valid, self.reference.patients(), self.settings.stream.news2_scoring)
                self.raw.overwrite_batch(readings, stream_batch)
                self._alert(readings, stream_batch)
            metrics.READINGS.labels("landed").inc(landed)
            metrics.READINGS.labels("rejected").inc(rejected)
            metrics.LATE_READINGS.inc(late)
            self.landed, self.rejected, self.late, self.repeats = (
                self.landed + landed,
                self.rejected + rejected,
                self.late + late,
                self.repeats + repeats,
            )
            log.info(
                "batch %d (stream_batch %d): %d landed (%d late), %d rejected, %d repeated reading ids "
                "found in vitals_raw",
                batch_id,
                stream_batch,
                landed,
                late,
                rejected,
                repeats,
            )
        finally:
            for frame in (batch, *self._repeated):
                frame.unpersist()
            self._repeated.clear()

    def _unseen(self, batch: DataFrame, stream_batch: int, beyond_state: int) -> tuple[DataFrame, int]:
        """The batch's valid readings less those older than the state window that vitals_raw already holds
        (landed by another batch, same source and id); and how many were dropped that way.

        No union of two filters of the batch: Spark would run the whole stateful plan again for it instead of
        reading the batch's cache. The repeated ids are found among the late readings, then removed from all.
        """
        valid = batch.where(F.col("reason").isNull())
        if not beyond_state:
            return valid, 0
        late = batch.where(self._beyond_state())
        dates = [row[0] for row in late.select(F.to_date("event_time")).distinct().collect()]
        self.spark.catalog.refreshTable(self.raw.name)
        seen = (
            self.spark.table(self.raw.name)
            .where(F.col("event_date").isin(dates) & (F.col("stream_batch") != stream_batch))
            .select(reading_key().alias("dedup_key"))  # source and id, as the state keys them
        )
        repeated = late.select("dedup_key").join(seen, "dedup_key", "left_semi").distinct().persist()
        self._repeated.append(repeated)  # released with the batch
        count = repeated.count()
        return (valid.join(repeated, "dedup_key", "left_anti"), count) if count else (valid, 0)

    def _beyond_state(self) -> Column:
        """A valid reading whose event time is older than the state window at its batch: only vitals_raw can
        tell whether it landed before."""
        return F.col("reason").isNull() & (
            F.col("event_time") < millis_before(F.col("batch_time"), self.time_rules.late_after_s)
        )

    def _alert(self, readings: DataFrame, stream_batch: int) -> None:
        publishes = self.settings.stream.alert_path is AlertPath.MICROBATCH  # else the real-time alert query publishes
        rows = (
            alerts_of(readings, self.reference.thresholds(), self.settings.stream.news2_scoring, observations=publishes)
            .withColumn("alert_date", F.to_date("input_message_time"))
            .withColumn("stream_batch", F.lit(stream_batch).cast("bigint"))
            .persist()
        )
        try:
            kinds = {row["kind"]: row["count"] for row in rows.groupBy("kind").count().collect()}
            observed = kinds.pop(OBSERVATION_KIND, 0)
            if kinds:
                self.alerts.overwrite_batch(only_alerts(rows), stream_batch)
                self.outcomes.update(kinds)
                for kind, count in kinds.items():
                    metrics.ALERTS.labels(kind).inc(count)
                log.info("batch %d alerts: %s", stream_batch, dict(sorted(kinds.items())))
            if publishes and (kinds or observed):
                publish_alerts(rows, self.settings)
        finally:
            rows.unpersist()

    @staticmethod
    def _valid(valid: DataFrame, stream_batch: int) -> DataFrame:
        return valid.select(
            "reading_id",
            "patient_id",
            "device_id",
            "event_time",
            *VITAL_FIELDS,
            *OBSERVATION_TYPES,
            "rejected_fields",
            "source",
            "ingest_time",
            "kafka_partition",
            "kafka_offset",
            F.current_timestamp().alias("landed_at"),
            "late",
            "arrival_delay_s",
            F.to_date("event_time").alias("event_date"),
            F.lit(stream_batch).cast("bigint").alias("stream_batch"),
        )

    @staticmethod
    def _rejected(batch: DataFrame, stream_batch: int) -> DataFrame:
        return batch.where(F.col("reason").isNotNull()).select(
            "raw_payload",
            "reason",
            "kafka_topic",
            "kafka_partition",
            "kafka_offset",
            "kafka_timestamp",
            F.current_timestamp().alias("rejected_at"),
            F.to_date("kafka_timestamp").alias("rejected_date"),
            F.lit(stream_batch).cast("bigint").alias("stream_batch"),
        )
