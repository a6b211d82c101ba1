"""What operators see: each service's metrics endpoint while it runs, Prometheus scraping it, and Alertmanager
telling the operations SNS topic when a service stops."""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import time

from runtime.waiting import wait_until
from simulation.rds_devices import simulate
from testkit import inbox, metrics
from testkit.services import start_service
from tests.notifier_fixtures import alert, queue


def stopped(process: subprocess.Popen) -> str:
    """SIGTERM, then what the service said on stderr (it must have exited 0)."""
    process.send_signal(signal.SIGTERM)
    _, said = process.communicate(timeout=60)
    assert process.returncode == 0, said[-2000:]
    return said


def scraped(settings, port: int, name: str, timeout_s: float = 60.0, **labels: str) -> dict:
    """The endpoint's samples once ``name`` (with ``labels``) is among them."""
    found: dict = {}

    def has_it() -> bool:
        nonlocal found
        try:
            found = metrics.scrape(settings.metrics.metrics_host, port)
        except OSError:  # not listening yet
            return False
        return metrics.value(found, name, **labels) is not None

    assert wait_until(has_it, timeout_s=timeout_s), f"{name}{labels} never appeared on port {port}: {sorted(found)}"
    return found


def test_the_producer_serves_what_it_published_and_its_backlog(producer_settings):  # noqa: F811
    simulate(producer_settings, patients=5, rate_hz=1, seed=2, count=300, bad_share=0.0)
    producer = start_service(producer_settings, "producers", "publish", "--follow")
    try:
        assert wait_until(
            lambda: (
                metrics.value(
                    scraped(
                        producer_settings, producer_settings.metrics.producer_metrics_port, "pa_producer_watermark_id"
                    ),
                    "pa_producer_watermark_id",
                )
                == 300
            ),
            timeout_s=60,
        )
        samples = metrics.scrape(
            producer_settings.metrics.metrics_host, producer_settings.metrics.producer_metrics_port
        )
    finally:
        stopped(producer)
    assert metrics.value(samples, "pa_producer_readings_published_total") == 300
    assert metrics.value(samples, "pa_producer_backlog_rows") == 0
    assert metrics.value(samples, "pa_producer_last_poll_timestamp_seconds")  # set at each poll


def test_a_stopped_notifier_reaches_the_operations_topic_through_prometheus_and_alertmanager(notify_settings):
    """The notifier serves its outcomes while it runs and Prometheus scrapes them; stopped, it is down for
    PA_OPS_ALERT_FOR_S and Alertmanager publishes that on the operations topic (PA_SNS_OPERATIONS_TOPIC)."""
    s = notify_settings.changed(notifier={"monitoring_lost_s": 3600.0, "monitoring_expected_s": 7200.0})
    operations = inbox.subscribe(s, topic=s.names.sns_operations_topic)
    try:
        told_after_stop = _notifier_stopped_and_told(s, operations)
    finally:
        inbox.discard(s, operations)
    assert told_after_stop, "the operations topic was not told the notifier is down"


def _notifier_stopped_and_told(s, operations: str) -> list[dict]:
    queue(s, [alert(4101, 0), alert(4102, 0)])
    notifier = start_service(s, "notifier", "run")
    try:
        scraped(s, s.metrics.notifier_metrics_port, "pa_notifier_notifications_total", kind="opened")
        endpoint = s.metrics.metrics_host, s.metrics.notifier_metrics_port
        opened = "pa_notifier_notifications_total"
        assert wait_until(lambda: metrics.value(metrics.scrape(*endpoint), opened, kind="opened") == 2)
        samples = metrics.scrape(*endpoint)
        assert metrics.value(samples, "pa_notifier_alerts_total", outcome="notified") == 2
        assert metrics.value(samples, "pa_notifier_alert_latency_seconds_count") == 2
        assert metrics.value(samples, "pa_notifier_open_episodes") == 2
        assert metrics.value(samples, "pa_notifier_unacknowledged_episodes") == 2
        assert metrics.value(samples, "pa_notifier_lag_records", topic=s.names.topic_alerts) == 0  # read to the end
        # Prometheus scrapes the same figures
        assert wait_until(lambda: metrics.query(s, 'up{job="notifier"} == 1'), timeout_s=60)
        assert wait_until(lambda: metrics.query(s, 'pa_notifier_notifications_total{kind="opened"} == 2'), timeout_s=60)
        # Alertmanager tells a group's change at its next group interval: stay up past one, so "down" is news
        wait_until(lambda: False, timeout_s=group_interval_s(s) + 2 * s.stack.prometheus_scrape_s)
        inbox.read_all(s, operations)  # what was told before (while this notifier had not yet run) is not the test's
    finally:
        stopped_at = time.time()
        stopped(notifier)
    told: list[dict] = []

    def notifier_down() -> list[dict]:
        return [
            message
            for message in told
            if "FIRING PatientAlertServiceDown: notifier is down" in message["Message"]
            and dt.datetime.fromisoformat(message["Timestamp"].replace("Z", "+00:00")).timestamp() >= stopped_at
        ]

    wait_until(lambda: bool(told.extend(inbox.read_all(s, operations)) or notifier_down()), timeout_s=120)
    return notifier_down()


def group_interval_s(settings) -> float:
    """Alertmanager's group interval in the stack's configuration (local_stack/servers/monitoring.py)."""
    config = json.loads((settings.stack.data_dir / "conf" / "alertmanager" / "alertmanager.yml").read_text())
    return float(config["route"]["group_interval"].rstrip("s"))
