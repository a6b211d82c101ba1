"""``python -m demo.publish_notebooks`` (``make notebooks-docs``): the analysts' notebooks run on the demo stack's
data and written into the docs site (docs/notebooks/), plots included, so an analyst sees what each one answers
before installing anything. Run it after ``make demo`` (whose data it reads) and commit the pages it writes;
a test keeps each page's code equal to its notebook's."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

import settings
from clients import hive
from local_stack import handoff
from runtime import logs
from testkit import notebooks

PAGES_DIR = Path(__file__).resolve().parent.parent / "docs" / "notebooks"


SHOWN_H = 1  # the pages show the last hour of readings: one demo run, not every run the stack has kept


def shown_from(current: settings.Settings) -> dt.datetime:
    """The start of the hour before the newest landed reading (naive UTC)."""
    [[newest]] = hive.frame(
        current.hive, f"SELECT MAX(event_time) FROM {current.names.hive_database}.vitals_raw"
    ).values
    return (pd.Timestamp(newest) - pd.Timedelta(hours=SHOWN_H)).to_pydatetime()


def preface(path: Path, start: dt.datetime) -> str:
    return (
        f"<!-- written by make notebooks-docs from notebooks/{path.name}: edit the notebook, not this page -->\n"
        f"*Rendered from `notebooks/{path.name}` on the demo's readings from {start:%Y-%m-%d %H:%M} UTC "
        "(`make notebooks-docs`). "
        "Run it yourself with the parameters cell set to your time range, ward or patient (see "
        "[the analysts' guide](../analysts.md)).*"
    )


def main() -> int:
    current = handoff.hand_over(settings.stack())
    logs.configure(current.logs)
    start = shown_from(current)
    for path in notebooks.notebooks():
        run = notebooks.execute(path, {"START": f"{start:%Y-%m-%d %H:%M:%S}"})
        page = notebooks.to_markdown(run, PAGES_DIR, path.stem, preface(path, start))
        print(f"{path.name} -> {page.relative_to(PAGES_DIR.parent.parent)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
