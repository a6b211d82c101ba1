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


CLOCKS = {("time", "monotonic"), ("time", "time"), ("time", "perf_counter"), ("datetime", "now"), ("dt", "now")}


def _is_clock(node: ast.AST) -> bool:
    """A reading of the clock, or arithmetic on one (``time.monotonic() - started``)."""
    if isinstance(node, ast.BinOp):
        return _is_clock(node.left) or _is_clock(node.right)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (getattr(node.func.value, "id", None) or getattr(node.func.value, "attr", None), node.func.attr) in CLOCKS
    )


def _reads_a_clock(node: ast.AST) -> bool:
    return any(_is_clock(part) for part in ast.walk(node))


def wall_clock_assertions(path: Path) -> list[int]:
    """Lines of ``path`` asserting on the wall clock: an assert that reads a clock, or a name set from one in the
    same function (a deadline passed to a wait is fine; asserting how long something took is not)."""
    found = []
    for function in ast.walk(ast.parse(path.read_text())):
        if not isinstance(function, ast.FunctionDef):
            continue
        timed = {
            target.id
            for node in ast.walk(function)
            if isinstance(node, ast.Assign) and _is_clock(node.value)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(function):
            if isinstance(node, ast.Assert) and (
                _reads_a_clock(node.test)
                or any(isinstance(name, ast.Name) and name.id in timed for name in ast.walk(node.test))
            ):
                found.append(node.lineno)
    return sorted(set(found))


@pytest.mark.parametrize("path", sorted((ROOT / "tests").glob("test_*.py")), ids=lambda path: path.name)
def test_no_test_asserts_how_long_something_took(path):
    """Speed is measured by the benchmarks, never asserted: on two busy cores a timed assertion is a flaky one."""
    assert wall_clock_assertions(path) == []


def test_the_wall_clock_check_finds_a_timed_assertion(tmp_path):
    timed = tmp_path / "test_timed.py"
    timed.write_text(
        "import time\n"
        "def test_fast():\n"
        "    started = time.monotonic()\n"
        "    deadline = time.monotonic() + 5\n"
        "    while time.monotonic() < deadline:\n"
        "        pass\n"
        "    assert time.monotonic() - started < 10\n"
    )
    assert wall_clock_assertions(timed) == [7]
