"""The layout the architecture page promises: the runtime imports no tooling, the pure modules import no I/O."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from cluster.package import RUNTIME_PACKAGES

ROOT = Path(__file__).parents[1]
RUNTIME = (*RUNTIME_PACKAGES, "dags", "dashboard")  # what the cluster zip ships, plus Airflow's and the page's
TOOLING = ("local_stack", "demo", "bench", "testkit", "tests")
# modules of pure logic: their unit tests run without servers, so they may not reach one
PURE = (
    "contract",
    "settings",
    "notifier/episodes.py",
    "notifier/messages.py",
    "notifier/alert_record.py",
    "producers/message.py",
    "producers/bedside_simulation.py",
    "producers/pending_ids.py",
    "thresholds/rules.py",
    "runtime/backoff.py",
)
IO_MODULES = ("pyspark", "kafka", "happybase", "pyhive", "boto3", "mysql", "clients", "airflow")


def imported_packages(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth of the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def files(*places: str) -> list[Path]:
    found = []
    for place in places:
        path = ROOT / place
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


@pytest.mark.parametrize("path", files(*RUNTIME), ids=lambda path: str(path.relative_to(ROOT)))
def test_runtime_code_imports_no_tooling(path):
    assert not imported_packages(path) & set(TOOLING)


@pytest.mark.parametrize("path", files(*PURE), ids=lambda path: str(path.relative_to(ROOT)))
def test_pure_modules_import_no_client_of_a_server(path):
    assert not imported_packages(path) & set(IO_MODULES)


def test_every_package_is_named_in_the_project_file():
    listed = (ROOT / "pyproject.toml").read_text()
    packages = {
        path.parent.relative_to(ROOT).as_posix().replace("/", ".")
        for path in ROOT.glob("*/**/__init__.py")
        if ".venv" not in path.parts
        and not path.parts[len(ROOT.parts)].startswith(".")
        and path.parts[len(ROOT.parts)] != "tests"
    }
    assert all(f'"{package}"' in listed for package in packages), packages


@pytest.mark.parametrize("package", sorted(path.parent.name for path in ROOT.glob("*/__main__.py")))
def test_every_command_imports(package):
    """A command whose imports break (a name moved to another module) fails here, not in a user's first run."""
    importlib.import_module(f"{package}.__main__")
