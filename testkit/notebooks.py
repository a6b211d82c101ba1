"""Run the analysts' notebooks headless (nbclient) and export them as HTML or Markdown pages (nbconvert): for the
tests, the demo and the docs site.

The kernel inherits this process's environment, so a notebook reads the same
PA_* settings as the caller: the demo's stack, or a test's scratch slice.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter, MarkdownExporter

NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
CELL_TIMEOUT_S = 300
_NBCONVERT_DEFAULT_ALT = 'alt="No description has been provided for this image"'
# nbconvert's lab template has no alt text for plots: it warns and fills in a default, which to_html replaces
_exporter_log = logging.getLogger(f"{__name__}.nbconvert")
_exporter_log.setLevel(logging.ERROR)


def notebooks() -> list[Path]:
    """The committed notebooks, in their numbered order."""
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def execute(path: Path, parameters: dict[str, object] | None = None) -> nbformat.NotebookNode:
    """The notebook with every cell run in a fresh kernel, ``parameters`` set after its parameters cell (as
    papermill does); a failing cell raises nbclient's CellExecutionError, which names the cell and the error."""
    notebook = nbformat.read(path, as_version=4)
    if parameters:
        [at] = [n for n, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", [])]
        assigned = "".join(f"{name} = {value!r}\n" for name, value in parameters.items())
        notebook.cells.insert(at + 1, nbformat.v4.new_code_cell("# injected parameters\n" + assigned))
    NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # the kernel's own start-up warning (TCP on loopback without CurveZMQ keys) is not the reader's business;
        # a failing cell still reaches the caller as nbclient's CellExecutionError
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    ).execute()
    return notebook


def text_outputs(notebook: nbformat.NotebookNode) -> str:
    """Everything the cells printed or showed as text (tables as pandas prints them)."""
    return "\n".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


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
    exporter = HTMLExporter()
    exporter.log = _exporter_log
    body, _ = exporter.from_notebook_node(notebook)
    target.write_text(body.replace(_NBCONVERT_DEFAULT_ALT, f'alt="plot of {target.stem}"'))
    return target


def to_markdown(notebook: nbformat.NotebookNode, folder: Path, stem: str, preface: str) -> Path:
    """``folder/stem.md``: ``preface``, then the notebook as Markdown with its plots as PNG files beside it
    (``folder/stem_files/``), as the docs site publishes it."""
    exporter = MarkdownExporter()
    exporter.log = _exporter_log
    body, resources = exporter.from_notebook_node(notebook, resources={"output_files_dir": f"{stem}_files"})
    shutil.rmtree(folder / f"{stem}_files", ignore_errors=True)  # plots of an earlier rendering go with it
    for name, data in resources.get("outputs", {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    target = folder / f"{stem}.md"
    target.write_text(f"{preface}\n\n{body.strip()}\n")
    return target
