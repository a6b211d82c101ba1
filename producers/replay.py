"""Ops replay: publish a time range (or id range) from RDS into Kafka again, on demand.

It never moves the producer's watermark. Messages carry the same reading_id
as the first time, so running a replay twice creates no duplicates downstream.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from producers.parallel import ParallelPublisher
from producers.rows import ReadingsTable, RowSelection
from reporting.progress import Progress
from settings import RdsAccount, Settings

log = logging.getLogger(__name__)


@dataclass
class ReplayRun:
    matching: int = 0
    published: int = 0
    dead_lettered: int = 0
    dry_run: bool = False


def replay(
    settings: Settings, selection: RowSelection, *, dry_run: bool = False, rows_per_s: float | None = None
) -> ReplayRun:
    if selection.after_id is not None:
        raise ValueError("replay selects by id range or event-time range, not by watermark")
    table = ReadingsTable(settings, RdsAccount.PRODUCER)
    matching = table.count(selection)
    log.info("%s reading(s) in %s match %s", f"{matching:,}", table.table, selection)
    if dry_run:
        return ReplayRun(matching=matching, dry_run=True)
    publisher = ParallelPublisher(settings, table.source, table.fields, headers=[("replay", b"1")])
    outcome = ReplayRun(matching=matching)
    progress = Progress("[replay] published", total=matching)
    batch_rows = (
        settings.producer.batch_rows
        if rows_per_s is None
        else max(1, min(settings.producer.batch_rows, int(rows_per_s)))
    )
    try:
        for rows in table.batches(selection, batch_rows):
            started = time.monotonic()
            result = publisher.publish(rows)
            outcome.published += result.published
            outcome.dead_lettered += result.dead_lettered
            progress.advance(len(rows))
            if rows_per_s:
                time.sleep(max(0.0, len(rows) / rows_per_s - (time.monotonic() - started)))
    finally:
        progress.finish()
        publisher.close()
    return outcome
