"""The docs site's rendered notebooks (docs/notebooks/, written by make notebooks-docs) are the committed
notebooks' current code with their plots (no server)."""

from __future__ import annotations

import re

import nbformat

import pytest

from demo.publish_notebooks import PAGES_DIR

from testkit import notebooks


@pytest.mark.parametrize("path", notebooks.notebooks(), ids=lambda path: path.stem)
def test_each_notebook_is_published_with_its_current_code_and_its_plots(path):
    page = PAGES_DIR / f"{path.stem}.md"
    assert page.exists(), f"{page} missing: run make notebooks-docs after make demo"
    text = page.read_text()
    stale = [
        cell.source.splitlines()[0]
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code" and cell.source.strip() and cell.source.strip() not in text
    ]
    assert not stale, f"{page.name} shows older code than {path.name} (run make notebooks-docs): {stale}"
    plots = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)
    assert plots, f"{page.name} has no plot"
    assert all((PAGES_DIR / plot).is_file() for plot in plots), plots

