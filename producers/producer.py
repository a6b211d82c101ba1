"""RDS → Kafka: publish new readings in primary-key order; resume from a durable watermark.

Per batch: read rows after the watermark, publish them, wait for every
acknowledgement, then advance the watermark. A kill at any moment loses
nothing: at worst the last batch is published again on restart, and every
message carries its reading_id so downstream drops the repeat.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from producers import watermark
from producers.parallel import ParallelPublisher
from producers.rows import ReadingsTable, RowSelection
from reporting.progress import Progress
from settings import Settings


@dataclass
class ProducerRun:
    published: int = 0
    dead_lettered: int = 0
    batches: int = 0
    last_id: int = 0
    rows_per_s: float = 0.0


def run(settings: Settings, *, follow: bool = False, max_batches: int | None = None,
        stop_after_s: float | None = None) -> ProducerRun:
    """Publish until caught up (or, with ``follow``, keep polling every PA_PRODUCER_POLL_S)."""
    table = ReadingsTable(settings)
    publisher = ParallelPublisher(settings, table.source, table.fields)
    outcome = ProducerRun(last_id=watermark.read(settings, settings.producer_name))
    progress = Progress(f"[producer] {table.table} → {settings.topic_vitals}")
    deadline = None if stop_after_s is None else time.monotonic() + stop_after_s
    try:
        while True:
            caught_up = True
            for rows in table.batches(RowSelection(after_id=outcome.last_id), settings.producer_batch_rows):
                result = publisher.publish(rows)
                outcome.last_id = int(rows[-1][0])
                watermark.advance(settings, settings.producer_name, table.table, outcome.last_id)
                outcome.published += result.published
                outcome.dead_lettered += result.dead_lettered
                outcome.batches += 1
                progress.advance(len(rows))
                if max_batches is not None and outcome.batches >= max_batches:
                    return outcome
                caught_up = False
            if not follow or (deadline is not None and time.monotonic() > deadline):
                return outcome
            if caught_up:
                time.sleep(settings.producer_poll_s)
    finally:
        outcome.rows_per_s = progress.finish()
        publisher.close()
        if outcome.dead_lettered:
            print(f"[producer] {outcome.dead_lettered} row(s) went to {settings.topic_dead_letter} "
                  f"with their reason", file=sys.stderr)
