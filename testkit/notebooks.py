"""Run the analysts' notebooks headless (nbclient) and export them as HTML (nbconvert): for the tests and the demo.

The kernel inherits this process's environment, so a notebook reads the same
PA_* settings as the caller: the demo's stack, or a test's scratch slice.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
CELL_TIMEOUT_S = 300


def notebooks() -> list[Path]:
    """The committed notebooks, in their numbered order."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def execute(path: Path) -> nbformat.NotebookNode:
    """The notebook with every cell run in a fresh kernel; a failing cell raises nbclient's CellExecutionError,
    which names the cell and the error."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return notebook


def images(notebook: nbformat.NotebookNode) -> int:
    """How many plots (PNG outputs) the run produced."""
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def to_html(notebook: nbformat.NotebookNode, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    body, _ = HTMLExporter().from_notebook_node(notebook)
    target.write_text(body)
    return target
