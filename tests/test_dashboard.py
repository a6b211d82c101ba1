"""The live ward dashboard in headless Chromium: the ward's beds appear, and a new alert shows without a reload."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from hbase_setup.sources import DEFAULT_SOURCE
from notifier.service import Notifier
from rds_schema import migrate
from settings import environment
from settings.choices import AlertPath
from testkit import inbox, scratch
from testkit.browser import headless_chromium
from testkit.sockets import free_port, listening_addresses
from testkit.ward import unused_first_id
from tests.streaming_fixtures import reading, run_available_now, send, stamped

ROOT = Path(__file__).parents[1]
SCREENSHOT = ROOT / "logs" / "screenshots" / "dashboard.png"
WARD = [  # patientid, name, address, phone, ward, age
    (3101, "Ada Bed-One", "1 Elm St", "+1-555-0101", "ICU", 62),
    (3102, "Ben Bed-Two", "2 Oak Ave", "+1-555-0102", "ICU", 40),
    (3103, "Cas Bed-Three", "3 Pine Ct", "+1-555-0103", "ICU", 35),
    (3104, "Dee Elsewhere", "4 Ash Rd", "+1-555-0104", "Cardiology", 50),
]


@pytest.fixture
def ward_settings(spark, running_stack, hive_schema, unique_name):
    migrate.apply(running_stack)
    scoped = dataclasses.replace(
        scratch.scratch_settings(running_stack, unique_name, threshold_source=DEFAULT_SOURCE),
        alert_path=AlertPath.MICROBATCH,
        notifier_group=unique_name,
        sns_topic=unique_name,
        topic_notify_dead_letter=unique_name + "_dlq",
        dashboard_port=free_port(running_stack.dashboard_host),
        dashboard_refresh_s=2.0,
    )
    scratch.add_patients(spark, scoped, WARD)
    yield scoped
    scratch.drop(spark, scoped)


@pytest.fixture
def dashboard(ward_settings, tmp_path):
    """``python -m dashboard`` as ``make dashboard`` runs it, on the test's slice; its URL once it answers."""
    log = (tmp_path / "dashboard.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "dashboard"],
        cwd=ROOT,
        env={**os.environ, **environment(ward_settings)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://{ward_settings.dashboard_host}:{ward_settings.dashboard_port}/"
    try:
        _wait_healthy(url, server, tmp_path / "dashboard.log")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_dashboard_shows_the_wards_beds_and_a_new_alert_without_reload(spark, ward_settings, dashboard, tmp_path):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    first = unused_first_id()  # the notifier remembers every alert id it handled, on this stack for good
    normal = [stamped(reading(first + n, patient, 75, 120), now) for n, (patient, *_rest) in enumerate(WARD)]
    send(ward_settings, normal)
    run_available_now(spark, ward_settings)

    assert listening_addresses(ward_settings.dashboard_port) == {ward_settings.dashboard_host}, "binds loopback only"
    assert ipaddress.ip_address(ward_settings.dashboard_host).is_loopback
    with headless_chromium(tmp_path / "chromium") as browser:
        browser.get(dashboard + "?ward=ICU")
        _until(browser, lambda page: len(page.find_elements(By.CSS_SELECTOR, "div.bed")) == 3, "three beds")
        shown = browser.find_element(By.TAG_NAME, "body").text
        assert all(name in shown for _, name, *_rest in WARD[:3]) and "Dee Elsewhere" not in shown
        assert "HR 75 /min" in shown and "NEWS2 0 (low)" in shown
        assert "no open alert" in browser.find_element(By.ID, "bed-3102").text
        browser.execute_script("window.notReloaded = true")

        queue = inbox.subscribe(ward_settings)  # creates the doctors' topic on SNS
        send(ward_settings, [stamped(reading(first + 10, 3102, 120, 120), now + dt.timedelta(seconds=10))])
        run_available_now(spark, ward_settings)
        Notifier(ward_settings).run(until_idle_s=2)
        assert [email["Subject"] for email in inbox.read_all(ward_settings, queue)] == [
            "URGENT ICU: B.B. (3102) Heart rate high (111-130, NEWS2 scores 2)"
        ], "the normal readings alerted nothing, the fast heart one alert"

        _until(browser, lambda page: "URGENT heartBeat since" in page.find_element(By.ID, "bed-3102").text, "the alert")
        assert browser.execute_script("return window.notReloaded === true"), "the alert came without a reload"
        first_bed = browser.find_elements(By.CSS_SELECTOR, "div.bed")[0]
        assert first_bed.get_attribute("id") == "bed-3102", "the bed with an open alert leads"
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(SCREENSHOT))


def _until(browser, condition, what: str, timeout_s: float = 120.0) -> None:
    """Wait for ``condition`` on the page; on timeout fail with what the page showed."""
    try:
        WebDriverWait(browser, timeout_s, poll_frequency=0.5).until(condition)
    except TimeoutException:
        raise AssertionError(
            f"{what} not shown within {timeout_s:.0f} s; the page showed:\n"
            + browser.find_element(By.TAG_NAME, "body").text[-3000:]
        ) from None


def _wait_healthy(url: str, server: subprocess.Popen, log: Path, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the dashboard exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the dashboard did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")
