"""The layout the architecture page promises: the runtime imports no tooling and has no import circle, the pure
modules import no I/O."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from cluster.package import RUNTIME_PACKAGES
from testkit.repository import REPOSITORY as ROOT

RUNTIME = (*RUNTIME_PACKAGES, "dags", "dashboard")  # what the cluster zip ships, plus Airflow's and the page's


TOOLING = ("local_stack", "demo", "bench", "drills", "hardening", "testkit", "tests", "simulation")


# modules of pure logic: their unit tests run without servers, so they may not reach one
PURE = (
    "contract",
    "settings",
    "notifier/episodes.py",
    "notifier/messages.py",
    "notifier/alert_record.py",
    "producers/message.py",
    "simulation/bedside.py",
    "producers/pending_ids.py",
    "hbase_setup/rules.py",
    "runtime/backoff.py",
    "runtime/waiting.py",
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


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(paths: list[Path], root: Path = ROOT) -> dict[str, set[str]]:
    """Each module's imports of the others (at any depth of the file: an import inside a function still makes a
    circle), ``from package import module`` counted as the module."""
    modules = {module_name(path, root): path for path in paths}

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(known(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.update(known(f"{node.module}.{alias.name}") for alias in node.names)
        graph[name] = imported - {None, name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(module: str) -> None:
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for other in graph[module]:
            if other not in order:
                visit(other)
                lowest[module] = min(lowest[module], lowest[other])
            elif other in stack:
                lowest[module] = min(lowest[module], order[other])
        if lowest[module] == order[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in graph:
        if module not in order:
            visit(module)
    return found


def test_the_runtime_has_no_import_circle():
    assert circles(import_graph(files(*RUNTIME))) == []


def test_the_circle_check_finds_a_circle_hidden_inside_a_function(tmp_path):
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from circle.second import helper\n")
    (package / "second.py").write_text("def helper():\n    from circle import first\n")
    graph = import_graph(sorted(package.glob("*.py")), root=tmp_path)
    assert circles(graph) == [["circle.first", "circle.second"]]


def loggers_named_by_hand(path: Path) -> list[str]:
    """The module-level ``logging.getLogger("...")`` of ``path``: a name that can drift from the module's."""
    return [
        node.value.args[0].value
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == "logging.getLogger"
        and node.value.args
        and isinstance(node.value.args[0], ast.Constant)
    ]


@pytest.mark.parametrize("path", files(*RUNTIME), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_runtime_logger_is_named_after_its_module(path):
    assert loggers_named_by_hand(path) == [], "use logging.getLogger(__name__)"


def test_the_logger_check_finds_a_name_written_by_hand(tmp_path):
    module = tmp_path / "landing.py"
    module.write_text('import logging\n\nlog = logging.getLogger("streaming.progress")\n')
    assert loggers_named_by_hand(module) == ["streaming.progress"]


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


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tests").rglob("test_*.py")), ids=lambda path: str(path.relative_to(ROOT / "tests"))
)
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
