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


def test_every_notebook_parameter_cell_is_tagged_and_its_imports_need_no_spark_airflow_or_local_stack(tmp_path):
    """An analyst installs the [notebooks] extra: the notebooks' imports work without pyspark, Airflow, Streamlit
    or the local stack's packages."""
    import nbformat

    imports = []
    for path in notebooks.notebooks():
        cells = nbformat.read(path, as_version=4).cells
        assert any("parameters" in cell.metadata.get("tags", []) for cell in cells), f"{path.name}: no parameters"
        imports += [
            line
            for cell in cells
            if cell.cell_type == "code"
            for line in cell.source.splitlines()
            if line.startswith(("import ", "from "))
        ]
    (tmp_path / "notebook_imports.py").write_text("\n".join(imports) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "testkit.without_packages", "pyspark,airflow,streamlit,moto,ldap3", "notebook_imports"],
        env={**os.environ, "PYTHONPATH": f"{tmp_path}:{notebooks.NOTEBOOKS_DIR.parent}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]



def test_the_notebooks_are_committed_without_outputs():
    import nbformat

    for path in notebooks.notebooks():
        code = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
        assert all(not cell.get("outputs") and not cell.get("execution_count") for cell in code), path

