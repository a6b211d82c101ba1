"""The producer's metrics (served by ``producers publish --follow`` on PA_PRODUCER_METRICS_PORT)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

PUBLISHED = Counter("pa_producer_readings_published", "Readings published to the vitals topic (repeats included).")
DEAD_LETTERED = Counter("pa_producer_rows_dead_lettered", "RDS rows set aside on the producer's dead-letter topic.")
WATERMARK = Gauge("pa_producer_watermark_id", "Highest reading id at or below which every row is published.")
BACKLOG = Gauge("pa_producer_backlog_rows", "RDS rows above the watermark, as of the last poll: the producer's lag.")
LAST_POLL = Gauge("pa_producer_last_poll_timestamp_seconds", "When the producer last finished a poll of RDS.")
