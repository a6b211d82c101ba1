"""The operators' alerting rules (Prometheus rule file), written from the settings.

Each rule names a failure the ward would feel before an operator sees it in a
log: a service down, a query with no progress, lag that keeps growing, records
set aside, and a ward whose every bed went silent. The local stack's Prometheus
loads them; a cluster's Prometheus loads the same file
(``patient-alert monitoring rules > patient-alert-rules.yml``). JSON is YAML, so
the file is written as JSON.
"""

from __future__ import annotations

import json

from settings import MetricsSettings

RUNBOOK = "docs/operations.md"
SERVICES = ("producer", "streaming", "notifier")  # Prometheus job names, one per long-running service


def rule(name: str, expr: str, for_s: float, summary: str, anchor: str) -> dict:
    return {
        "alert": name,
        "expr": expr,
        "for": f"{for_s:g}s",
        "labels": {"severity": "page", "team": "operations"},
        "annotations": {"summary": summary, "runbook": f"{RUNBOOK}#{anchor}"},
    }


def rules(metrics: MetricsSettings) -> dict:
    """The rule groups, as Prometheus reads them."""
    after = metrics.ops_alert_for_s
    return {
        "groups": [
            {
                "name": "patient-alert",
                "rules": [
                    rule(
                        "PatientAlertServiceDown",
                        f'up{{job=~"{"|".join(SERVICES)}"}} == 0',
                        after,
                        "{{ $labels.job }} is down: no metrics from {{ $labels.instance }}; alerts may not reach "
                        "doctors",
                        "a-service-is-down",
                    ),
                    rule(
                        "StreamStalled",
                        f"time() - pa_stream_last_progress_timestamp_seconds > {metrics.ops_stream_stalled_s:g}",
                        after,
                        "query {{ $labels.query }} has reported no batch for over "
                        f"{metrics.ops_stream_stalled_s:g} s",
                        "the-stream-is-stalled",
                    ),
                    rule(
                        "StreamLagGrowing",
                        f"pa_stream_kafka_offsets_behind > {metrics.ops_lag_records} "
                        "and deriv(pa_stream_kafka_offsets_behind[5m]) > 0",
                        after,
                        "query {{ $labels.query }} is {{ $value }} records behind Kafka and falling further behind",
                        "lag-is-growing",
                    ),
                    rule(
                        "ProducerBacklogGrowing",
                        f"pa_producer_backlog_rows > {metrics.ops_lag_records} "
                        "and deriv(pa_producer_backlog_rows[5m]) > 0",
                        after,
                        "{{ $value }} readings in RDS not yet published, and growing",
                        "lag-is-growing",
                    ),
                    rule(
                        "NotifierDeadLetters",
                        "increase(pa_notifier_dead_letters_total[15m]) > 0",
                        0,
                        "the notifier set {{ $value }} record(s) aside ({{ $labels.reason }}) in the last 15 minutes",
                        "dead-letters",
                    ),
                    rule(
                        "WardMonitoringLost",
                        "pa_notifier_silent_beds > 0 and pa_notifier_silent_beds == pa_notifier_monitored_beds",
                        after,
                        "every monitored bed of ward {{ $labels.ward }} has gone silent (a network or gateway fault?)",
                        "a-ward-went-silent",
                    ),
                ],
            }
        ]
    }


def rules_file(metrics: MetricsSettings) -> str:
    return json.dumps(rules(metrics), indent=2) + "\n"
