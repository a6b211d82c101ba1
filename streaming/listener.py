"""Per-batch observability: input rows, rows/s, batch duration, Kafka lag and what the deduplication state
dropped (repeated reading ids; and rows behind the watermark, which the landing query's clamped state clock
makes impossible: any is logged as an error), logged and kept for the CLI."""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass

from pyspark.sql.streaming import StreamingQueryListener

from streaming import metrics

log = logging.getLogger(__name__)


@dataclass
class BatchProgress:
    query: str
    batch_id: int
    input_rows: int
    input_rows_per_s: float
    processed_rows_per_s: float
    duration_ms: int
    kafka_lag: int | None
    repeats_dropped: int = 0
    dropped_by_watermark: int = 0

    def line(self) -> str:
        lag = "?" if self.kafka_lag is None else f"{self.kafka_lag:,}"
        return (
            f"[{self.query}] batch {self.batch_id}: {self.input_rows:,} rows in {self.duration_ms} ms "
            f"({self.processed_rows_per_s:,.0f} rows/s processed, {self.input_rows_per_s:,.0f}/s arriving), "
            f"Kafka lag {lag}, repeats dropped {self.repeats_dropped:,}, "
            f"dropped by watermark {self.dropped_by_watermark:,}"
        )


class ProgressListener(StreamingQueryListener):
    """Logs every batch's progress; ``latest`` holds the last one for a live status line, ``recent`` the last
    ``keep`` (bounded: the service runs for months)."""

    def __init__(self, keep: int = 1000) -> None:
        self.latest: BatchProgress | None = None
        self.recent: deque[BatchProgress] = deque(maxlen=keep)
        self._by_query: dict[str, BatchProgress] = {}
        self._names: dict[str, str] = {}  # query id -> name (an idle event carries only the id)

    def latest_of(self, query_name: str) -> BatchProgress | None:
        """The last progress of one query (the application runs a landing and an alerting query)."""
        return self._by_query.get(query_name)

    def onQueryStarted(self, event) -> None:
        log.info("query %s started (id %s)", event.name, event.id)
        self._names[str(event.id)] = event.name or "query"

    def onQueryProgress(self, event) -> None:
        progress = event.progress
        lag = None
        for source in progress.sources:
            behind = (source.metrics or {}).get("maxOffsetsBehindLatest")
            if behind is not None:
                lag = int(float(behind))
        self.latest = BatchProgress(
            query=progress.name or "query",
            batch_id=progress.batchId,
            input_rows=progress.numInputRows,
            input_rows_per_s=progress.inputRowsPerSecond or 0.0,
            processed_rows_per_s=progress.processedRowsPerSecond or 0.0,
            duration_ms=int((progress.durationMs or {}).get("triggerExecution", 0)),
            kafka_lag=lag,
            repeats_dropped=sum(
                int((state.customMetrics or {}).get("numDroppedDuplicateRows", 0)) for state in progress.stateOperators
            ),
            dropped_by_watermark=sum(int(state.numRowsDroppedByWatermark or 0) for state in progress.stateOperators),
        )
        self._by_query[self.latest.query] = self.latest
        _export(self.latest, progress.durationMs or {})
        self.recent.append(self.latest)
        if self.latest.dropped_by_watermark:
            log.error(
                "%s: rows dropped behind the watermark; they reached neither vitals_raw nor vitals_rejected. "
                "Report this: the state clock should make it impossible.",
                self.latest.line(),
            )
        elif progress.numInputRows:
            log.info(self.latest.line())

    def onQueryIdle(self, event) -> None:
        metrics.LAST_PROGRESS.labels(self._names.get(str(event.id), "query")).set_to_current_time()

    def onQueryTerminated(self, event) -> None:
        if event.exception:
            log.error("query %s failed: %s", event.id, event.exception)


def _export(batch: BatchProgress, stages_ms: dict[str, int]) -> None:
    """The batch's figures as Prometheus metrics (streaming/metrics.py)."""
    metrics.BATCH_SECONDS.labels(batch.query).observe(batch.duration_ms / 1000)
    for stage, milliseconds in stages_ms.items():
        if stage != "triggerExecution":
            metrics.STAGE_SECONDS.labels(batch.query, stage).set(milliseconds / 1000)
    metrics.INPUT_ROWS.labels(batch.query).inc(batch.input_rows)
    if batch.kafka_lag is not None:
        metrics.OFFSETS_BEHIND.labels(batch.query).set(batch.kafka_lag)
    metrics.LAST_PROGRESS.labels(batch.query).set_to_current_time()
