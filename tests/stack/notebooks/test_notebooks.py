"""The analysts' notebooks run headless against a slice of landed data, each ending in its plot."""

from __future__ import annotations

import os

import subprocess

import sys

import uuid

import pytest

import settings as settings_module

from testkit import notebooks

from tests.streaming_fixtures import reading, run_available_now, scratch_stream, send


@pytest.fixture(scope="module")
def landed(spark, running_stack, hive_schema):
    """One slice for every notebook (they only read it): readings that alert, a rejected one and an unknown
    patient, and the notebooks pointed at it."""
    readings = [
        reading(1, 2001, 69, 200, 1),  # age 40: heart rate alerts
        reading(2, 2001, 75, 230, 2, respiratory_rate=30),  # NEWS2 single 3, besides the capstone bp rule
        reading(3, 2002, 70, 190, 3),  # age 41: bp alerts
        reading(4, 990001, 70, 120, 4),  # unknown patient
        reading(5, 2001, "fast", 120, 5),  # a wrong type: rejected
        b"not json",
    ]
    with (
        scratch_stream(spark, running_stack, f"t_notebooks_{uuid.uuid4().hex[:8]}") as s,
        pytest.MonkeyPatch.context() as environment,
    ):
        send(s, readings)
        run_available_now(spark, s)
        for name, value in settings_module.environment(s).items():
            environment.setenv(name, value)
        yield s



@pytest.mark.parametrize("path", notebooks.notebooks(), ids=lambda path: path.stem)
def test_each_notebook_runs_without_error_and_plots(landed, path, tmp_path):
    run = notebooks.execute(path)  # a failing cell raises, naming the cell and its error
    assert notebooks.images(run) >= 1, f"{path.name} drew no plot"
    assert notebooks.to_html(run, tmp_path / f"{path.stem}.html").stat().st_size > 10_000



def test_a_notebooks_parameters_narrow_what_it_reads(landed):
    """The parameters cell (time range, ward): alerts of one ward only, and none before the data's day."""
    [per_ward] = [path for path in notebooks.notebooks() if path.stem == "02_alerts_per_ward"]
    icu = notebooks.text_outputs(notebooks.execute(per_ward, {"WARD": "ICU"}))
    everyone = notebooks.text_outputs(notebooks.execute(per_ward))
    assert "unknown patient" in everyone and "unknown patient" not in icu and "ICU 11-24 10:00" in icu

