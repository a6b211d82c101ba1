"""The long-running services' systemd units: rendered from the settings, accepted by systemd-analyze verify."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import settings
from local_stack.system_packages import ensure_command
from testkit.repository import REPOSITORY as ROOT


def test_each_service_has_a_unit_systemd_accepts_and_that_stops_it_gracefully(tmp_path):
    bin_dir = Path(sys.executable).parent  # the virtualenv holding patient-alert (verify checks it is executable)
    done = subprocess.run(
        [sys.executable, "-m", "cluster", "units", "--out", str(tmp_path), "--bin", str(bin_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    units = sorted(tmp_path.glob("*.service"))
    assert [unit.name for unit in units] == [
        f"patient-alert-{name}.service" for name in sorted(("producer", "streaming", "notifier", "dashboard"))
    ]
    verify = ensure_command("systemd-analyze", "systemd")
    checked = subprocess.run([verify, "verify", "--man=no", *map(str, units)], capture_output=True, text=True)
    assert (checked.returncode, checked.stderr) == (0, "")  # an unknown value is only a warning: none either
    defaults = settings.load({})
    notifier = (tmp_path / "patient-alert-notifier.service").read_text()
    assert f"ExecStart={bin_dir}/patient-alert notifier run\n" in notifier
    assert "EnvironmentFile=/etc/patient-alert/notifier.env\n" in notifier  # its own settings and secret only
    assert f"TimeoutStopSec={defaults.notifier.notify_backoff_max_s + 30:g}\n" in notifier
    streaming = (tmp_path / "patient-alert-streaming.service").read_text()
    assert f"TimeoutStopSec={defaults.stream.stop_grace_s + 60:g}\n" in streaming
    assert all("User=patient-alert\n" in unit.read_text() for unit in units)
