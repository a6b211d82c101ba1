"""The streaming application's metrics (served by ``streaming run`` on PA_STREAMING_METRICS_PORT).

Batch figures come from Spark's query progress (both queries, labelled by query name); what landed and the alerts
by kind from the landing query's own counts, once per micro-batch.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

BATCH_SECONDS = Histogram(
    "pa_stream_batch_duration_seconds",
    "Wall time of each batch (Spark's triggerExecution).",
    ["query"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
)
STAGE_SECONDS = Gauge(
    "pa_stream_batch_stage_seconds",
    "The last batch's time by stage (Spark's durationMs: latestOffset, queryPlanning, addBatch, walCommit, ...).",
    ["query", "stage"],
)
INPUT_ROWS = Counter("pa_stream_input_rows", "Kafka records read.", ["query"])
OFFSETS_BEHIND = Gauge(
    "pa_stream_kafka_offsets_behind",
    "Records behind the topic's end after the last batch (the most of any partition).",
    ["query"],
)
LAST_PROGRESS = Gauge(
    "pa_stream_last_progress_timestamp_seconds", "When the query last reported a batch (idle ones count).", ["query"]
)
READINGS = Counter("pa_stream_readings", "Readings by where they ended: landed (late included), rejected.", ["outcome"])
LATE_READINGS = Counter("pa_stream_late_readings", "Readings landed later than PA_STREAM_LATE_AFTER_S.")
ALERTS = Counter("pa_stream_alerts", "Alerts written to the alerts table, by kind.", ["kind"])
