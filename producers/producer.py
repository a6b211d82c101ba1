"""RDS → Kafka: publish new readings in primary-key order; resume from a durable watermark.

Per poll: re-read the id gaps left by transactions that were still open
(:mod:`producers.pending_ids`), then read rows after the newest id published;
publish them, wait for every acknowledgement, then advance the watermark to
the contiguous low mark. A kill at any moment loses nothing: at worst the rows
above the watermark are published again on restart, and every message carries
its reading_id so downstream drops the repeat.

Why gap re-checks and not the binlog: reading MySQL's binlog (change data
capture) needs the binlog enabled in row format, replication privileges on RDS
and a CDC client beside the producer; re-checking recent gaps needs only SELECT
on the readings table and its primary key, and bounds the wait for a
transaction by ``PA_PRODUCER_GAP_TIMEOUT_S``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import mysql.connector
from kafka.errors import KafkaError

from producers import metrics, watermark
from producers.parallel import ParallelPublisher, PublishFailed
from producers.pending_ids import PendingIds
from producers.rows import ReadingsTable, RowSelection
from reporting.progress import Progress
from runtime.backoff import Backoff, Stopped
from settings import RdsAccount, Settings

log = logging.getLogger(__name__)

SERVER_ERRORS = (KafkaError, PublishFailed, mysql.connector.Error, OSError)
BACKLOG_COUNT_EVERY_S = 15.0


@dataclass
class ProducerRun:
    published: int = 0
    dead_lettered: int = 0
    batches: int = 0
    last_id: int = 0
    rows_per_s: float = 0.0
    backlog: int = 0  # rows above the watermark at the last count (the lag metric)
    backlog_counted_at: float = float("-inf")


def run(
    settings: Settings,
    *,
    follow: bool = False,
    max_batches: int | None = None,
    stop_after_s: float | None = None,
    stopping: threading.Event | None = None,
) -> ProducerRun:
    """Publish until caught up (or, with ``follow``, keep polling every PA_PRODUCER_POLL_S until stopped).

    In follow mode an outage of RDS or Kafka is waited out with backoff (ERROR lines while it lasts); the
    poll is repeated from the last acknowledged position, so nothing is skipped (repeats carry their ids).
    """
    stopping = stopping or threading.Event()
    table = ReadingsTable(settings, RdsAccount.PRODUCER)
    publisher = ParallelPublisher(settings, table.source, table.fields)
    outcome = ProducerRun(last_id=watermark.read(settings.rds, settings.names.producer_name))
    metrics.WATERMARK.set(outcome.last_id)
    pending = PendingIds(outcome.last_id, settings.producer.gap_timeout_s)
    # the backlog to catch up with, when there is an end to it (in follow mode rows keep coming)
    backlog = None if follow else table.count(RowSelection(after_id=outcome.last_id))
    progress = Progress(f"[producer] {table.table} → {settings.names.topic_vitals}", total=backlog)
    backoff = Backoff(
        f"producer {settings.names.producer_name}",
        settings.service.backoff_s,
        settings.service.backoff_max_s,
        stopping,
        log,
    )
    deadline = None if stop_after_s is None else time.monotonic() + stop_after_s
    try:
        while not stopping.is_set():
            try:
                caught_up = _poll(settings, table, publisher, pending, outcome, progress, max_batches)
                backoff.reset()
            except SERVER_ERRORS as error:
                if not follow:
                    raise
                backoff.wait(f"{type(error).__name__}: {error}")
                continue
            if caught_up is None or not follow or (deadline is not None and time.monotonic() > deadline):
                return outcome
            if caught_up:
                stopping.wait(settings.producer.poll_s)
        return outcome
    except Stopped:
        return outcome
    finally:
        outcome.rows_per_s = progress.finish()
        publisher.close()
        if outcome.dead_lettered:
            log.warning(
                "%d row(s) went to %s with their reason", outcome.dead_lettered, settings.names.topic_dead_letter
            )


def _poll(
    settings: Settings,
    table: ReadingsTable,
    publisher: ParallelPublisher,
    pending: PendingIds,
    outcome: ProducerRun,
    progress: Progress,
    max_batches: int | None,
) -> bool | None:
    """One poll: gaps re-read, new rows published, watermark advanced. True when there was nothing new, None when
    ``max_batches`` is reached."""

    def publish(rows: list[tuple]) -> None:
        result = publisher.publish(rows)
        outcome.published += result.published
        outcome.dead_lettered += result.dead_lettered
        metrics.PUBLISHED.inc(result.published)
        metrics.DEAD_LETTERED.inc(result.dead_lettered)
        outcome.batches += 1
        progress.advance(len(rows))

    caught_up = True
    for rows in table.rows_in(pending.ranges()):
        publish(rows)
        pending.published_within(int(row[0]) for row in rows)
    for rows in table.batches(RowSelection(after_id=pending.high), settings.producer.batch_rows):
        publish(rows)
        pending.published_above(int(row[0]) for row in rows)
        _advance(settings, table, outcome, pending)
        if max_batches is not None and outcome.batches >= max_batches:
            return None
        caught_up = False
    for gap in pending.give_up_expired():
        log.warning(
            "ids %d-%d of %s never became visible within PA_PRODUCER_GAP_TIMEOUT_S=%g s: taken for rolled-back inserts",
            gap.first,
            gap.last,
            table.table,
            settings.producer.gap_timeout_s,
        )
    _advance(settings, table, outcome, pending)
    metrics.BACKLOG.set(table.count(RowSelection(after_id=outcome.last_id)) if caught_up else _backlog(table, outcome))
    metrics.LAST_POLL.set_to_current_time()
    return caught_up


def _backlog(table: ReadingsTable, outcome: ProducerRun) -> int:
    """Rows above the watermark, counted at most every BACKLOG_COUNT_EVERY_S while catching up (each count reads
    the backlog's index range)."""
    now = time.monotonic()
    if now - outcome.backlog_counted_at >= BACKLOG_COUNT_EVERY_S:
        outcome.backlog_counted_at = now
        outcome.backlog = table.count(RowSelection(after_id=outcome.last_id))
    return outcome.backlog


def _advance(settings: Settings, table: ReadingsTable, outcome: ProducerRun, pending: PendingIds) -> None:
    """Store the contiguous low mark once it moved (every id at or below it is published or given up)."""
    if pending.low > outcome.last_id:
        outcome.last_id = pending.low
        watermark.advance(settings.rds, settings.names.producer_name, table.table, outcome.last_id)
        metrics.WATERMARK.set(outcome.last_id)
