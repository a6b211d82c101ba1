"""``python -m dashboard``: serve the live ward dashboard (Streamlit) on PA_DASHBOARD_HOST:PA_DASHBOARD_PORT."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import settings as settings_module
from runtime import cli, entry

PAGE = Path(__file__).with_name("page.py")


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(
        prog=cli.prog("dashboard"),
        description=__doc__,
        epilog="It reads Hive (patients, vitals_raw with its NEWS2 columns) and the notifier's open episodes in RDS; "
        "the settings (PA_*) are the pipeline's.",
    ).parse_args(argv)
    current = entry.loaded(settings_module.get)
    print(f"ward dashboard: http://{current.dashboard.host}:{current.dashboard.port}/  (Ctrl-C stops it)", flush=True)
    streamlit = [sys.executable, "-m", "streamlit", "run", str(PAGE)]
    options = {
        "server.address": current.dashboard.host,
        "server.port": current.dashboard.port,
        "server.headless": "true",
        "browser.gatherUsageStats": "false",
        "global.showWarningOnDirectExecution": "false",
        "logger.level": "error",
        "client.toolbarMode": "viewer",
    }
    os.execv(sys.executable, [*streamlit, *(f"--{name}={value}" for name, value in options.items())])


if __name__ == "__main__":
    sys.exit(entry.run(lambda: main(sys.argv[1:])))
