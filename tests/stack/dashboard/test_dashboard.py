"""The live ward dashboard in headless Chromium: the ward's beds appear, a new alert shows without a reload, and an
email's acknowledgement link records who acknowledged it."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from clients import mysql
from hbase_setup.sources import DEFAULT_SOURCE
from notifier.service import Notifier
from rds_schema import migrate
from runtime.waiting import wait_until
from settings import RdsAccount
from settings.choices import AlertPath
from testkit import inbox, scratch
from testkit.browser import headless_chromium
from testkit.repository import REPOSITORY as ROOT
from testkit.services import start_service
from testkit.sockets import free_port, listening_addresses
from testkit.ward import unused_first_id
from tests.streaming_fixtures import reading, run_available_now, send, stamped

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
    scoped = scratch.scratch_settings(running_stack, unique_name, threshold_source=DEFAULT_SOURCE).changed(
        stream={"alert_path": AlertPath.MICROBATCH},
        names={"sns_topic": unique_name},
        notifier={
            "escalation_tiers": f"ward doctor={unique_name}-doctor,rapid response={unique_name}-rapid",
            "monitoring_lost_s": 300.0,
        },
        dashboard={"port": free_port(running_stack.dashboard.host), "refresh_s": 2.0},
    )
    scratch.add_patients(spark, scoped, WARD)
    yield scoped
    scratch.drop(spark, scoped)
    scratch.drop_notifier_slice(scoped)


@pytest.fixture
def dashboard(ward_settings, tmp_path):
    """``python -m dashboard`` as ``make dashboard`` runs it, on the test's slice; its URL once it answers."""
    server = start_service(ward_settings, "dashboard", log=tmp_path / "dashboard.log")
    url = f"http://{ward_settings.dashboard.host}:{ward_settings.dashboard.port}/"
    try:
        _wait_healthy(url, server, tmp_path / "dashboard.log")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_dashboard_shows_a_new_alert_without_reload_and_its_acknowledgement_link_records_who(
    spark, ward_settings, dashboard, tmp_path
):
    now = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
    first = unused_first_id()  # the notifier remembers every alert id it handled, on this stack for good
    normal = [stamped(reading(first + n, patient, 75, 120), now) for n, (patient, *_rest) in enumerate(WARD)]
    normal[2] = stamped(reading(first + 2, 3103, 75, 120), now - dt.timedelta(minutes=10))  # its monitor went quiet
    send(ward_settings, normal)
    run_available_now(spark, ward_settings)

    assert listening_addresses(ward_settings.dashboard.port) == {ward_settings.dashboard.host}, "binds loopback only"
    assert ipaddress.ip_address(ward_settings.dashboard.host).is_loopback
    with headless_chromium(tmp_path / "chromium") as browser:
        browser.get(dashboard + "?ward=ICU")
        _until(browser, lambda page: len(page.find_elements(By.CSS_SELECTOR, "div.bed")) == 3, "three beds")
        shown = browser.find_element(By.TAG_NAME, "body").text
        assert all(name in shown for _, name, *_rest in WARD[:3]) and "Dee Elsewhere" not in shown
        assert "Heart rate 75 beats/min" in shown and "NEWS2 0 (low)" in shown
        assert "no open alert" in browser.find_element(By.ID, "bed-3102").text
        # a silent monitor is said loudly (in the ward's time zone), a bed heard from 30 s ago is not
        assert re.search(r"NO READING FOR 1[01] MIN: check the monitor", browser.find_element(By.ID, "bed-3103").text)
        assert "NO READING" not in browser.find_element(By.ID, "bed-3101").text
        assert "last reading" in browser.find_element(By.ID, "bed-3101").text
        browser.execute_script("window.notReloaded = true")

        queue = inbox.subscribe(ward_settings)  # creates the doctors' topic on SNS
        fast = [
            stamped(reading(first + 10 + n, 3102, 120, 120), now + dt.timedelta(seconds=10 + 5 * n)) for n in (0, 1)
        ]
        send(ward_settings, fast)  # two readings: a finding is confirmed by two
        run_available_now(spark, ward_settings)
        Notifier(ward_settings).run(until_idle_s=2)
        [email] = inbox.read_all(ward_settings, queue)
        assert email["Subject"] == "URGENT ICU: B.B. (3102) Heart rate 120 beats/min (urgent)", (
            "the normal readings alerted nothing, the fast heart one episode"
        )

        bed = (By.ID, "bed-3102")
        _until(browser, lambda page: "URGENT Heart rate 120 beats/min" in page.find_element(*bed).text, "the alert")
        assert "not acknowledged" in browser.find_element(*bed).text
        # the last hour of its heart rate as a line (75, 120, 120), the value the episode is about in red
        _until(browser, lambda page: page.find_element(*bed).find_elements(By.CSS_SELECTOR, "svg.sparkline"), "trend")
        assert [value.text for value in browser.find_element(*bed).find_elements(By.CSS_SELECTOR, ".abnormal")] == [
            "120"
        ]
        band = browser.find_element(*bed).find_element(By.CSS_SELECTOR, "svg.sparkline rect.normal-band title")
        assert band.get_attribute("textContent").startswith("no alert from "), "the line over its no-alert range"
        assert browser.execute_script("return window.notReloaded === true"), "the alert came without a reload"
        first_bed = browser.find_elements(By.CSS_SELECTOR, "div.bed")[0]
        assert first_bed.get_attribute("id") == "bed-3102", "the bed with an open alert leads"
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        assert browser.save_screenshot(str(SCREENSHOT))

        link = next(line.split()[-1] for line in email["Message"].splitlines() if line.startswith("Acknowledge:"))
        assert link.startswith(f"http://{ward_settings.dashboard.host}:{ward_settings.dashboard.port}/?ack=")
        browser.get(link)
        name = (By.CSS_SELECTOR, "input[aria-label='Your name and role']")
        _until(browser, lambda page: page.find_elements(*name), "the acknowledgement form")
        assert _acknowledgements(ward_settings) == [], "opening the link alone acknowledges nothing"
        browser.find_element(*name).send_keys("Dr Rao, ward doctor\n")
        _until(browser, lambda page: _button(page, "Acknowledge").is_enabled(), "the enabled button")
        _button(browser, "Acknowledge").click()
        _until(browser, lambda page: "Acknowledged by Dr Rao, ward doctor" in page.page_source, "the confirmation")
        assert _acknowledgements(ward_settings) == [("Dr Rao, ward doctor", "dashboard")]

        Notifier(ward_settings).run(until_idle_s=2)  # applies it at its next poll
        browser.get(dashboard + "?ward=ICU")
        _until(browser, lambda page: "acknowledged by Dr Rao" in page.find_element(*bed).text, "the acknowledgement")


def _button(browser, text: str):
    return browser.find_element(By.XPATH, f"//button[.//p[text()='{text}']]")


def _acknowledgements(settings) -> list[tuple[str, str]]:
    connection = mysql.connect(settings.rds, RdsAccount.MIGRATION)
    try:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT acknowledged_by, via FROM alarm_acknowledgements a JOIN notifier_episodes e "
            "ON a.ack_code = e.ack_code WHERE e.notifier = %s",
            [settings.names.notifier_group],
        )
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


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
    if not wait_until(lambda: server.poll() is not None or _healthy(url), timeout_s):
        raise AssertionError(f"the dashboard did not answer within {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")
    if server.poll() is not None:
        raise AssertionError(f"the dashboard exited with {server.returncode}:\n{log.read_text()[-3000:]}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False
