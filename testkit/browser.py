"""Debian's headless Chromium driven through chromedriver (selenium), for the dashboard's browser test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from local_stack.system_packages import ensure_command

# this machine's network is closed: without these, Chromium keeps trying Google's hosts at every start
_QUIET_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,900",
)


@contextlib.contextmanager
def headless_chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    """A fresh headless Chromium (profile in ``profile``), installed from Debian's packages if missing."""
    options = webdriver.ChromeOptions()
    options.binary_location = ensure_command("chromium", "chromium")
    for flag in _QUIET_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(ensure_command("chromedriver", "chromium-driver")))
    try:
        yield driver
    finally:
        driver.quit()
