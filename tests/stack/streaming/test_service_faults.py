"""Services ride out a server restart and stop gracefully on SIGTERM, on the real stack."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from clients import aws
from runtime.waiting import wait_until
from settings import environment
from testkit.services import start_service
from tests.notifier_fixtures import alert, committed, delivered, inbox, queue


def test_sigterm_stops_the_notifier_with_what_it_handled_committed(notify_settings):
    """SIGTERM arrives while the notifier works through 2,000 alerts (a poll takes at most 1,000): it finishes the
    poll in hand, commits exactly what it handled and exits 0; a restart sends the rest, each patient's email once."""
    # beds are not watched for silence here: this is about the work in hand, not about the wall clock
    s = notify_settings.changed(notifier={"monitoring_lost_s": 3600.0, "monitoring_expected_s": 7200.0})
    url = inbox(s)
    patients = range(3001, 5001)
    queue(s, [alert(patient, 0) for patient in patients])
    sqs = aws.client(s.sns, "sqs")
    service = start_service(s, "notifier", "run")
    try:
        wait_until(  # until the first email is out
            lambda: (
                service.poll() is not None
                or sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, VisibilityTimeout=0).get("Messages")
            ),
            120,
            every_s=0,
        )
        committed_at_signal = committed(s)
    finally:
        service.send_signal(signal.SIGTERM)
        _, stderr = service.communicate(timeout=180)
    assert committed_at_signal < len(patients), "the signal must arrive with work in hand"
    assert service.returncode == 0, stderr[-2000:]
    handled = committed(s)
    assert "SIGTERM received" in stderr and f"'opened': {handled}" in stderr  # what it handled, it committed
    first_run = delivered(s, url)
    assert len(first_run) == handled
    again = subprocess.run(
        [sys.executable, "-m", "notifier", "run", "--until-idle", "3"],
        env={**os.environ, **environment(s)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    second_run = delivered(s, url)
    assert committed(s) == len(patients)
    # every patient's opening once across the stop: nothing in hand lost, nothing sent twice
    assert sorted(email["Subject"] for email in first_run + second_run) == sorted(
        {email["Subject"] for email in first_run + second_run}
    ) and len(first_run) + len(second_run) == len(patients)
