"""Session fixtures: one running stack and one SparkSession for the whole test run (a run of unit tests alone gets
a SparkSession of its own that needs no server, for the tests of Spark's engine only).

Tests reset the data they use (unique topic, table and key names per test)
rather than restarting servers, so the suite stays fast on two cores.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest


def _use_test_stack_environment() -> None:
    """Point every setting at the test stack (tests/stack.env) unless the caller chose otherwise.

    ``make test`` exports the same file; this keeps a bare ``pytest`` off the demo stack too.
    """
    for line in (Path(__file__).with_name("stack.env")).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            os.environ.setdefault(name.strip(), value.strip())


_use_test_stack_environment()

pytest_plugins = [
    "tests.streaming_fixtures",
    "tests.notifier_fixtures",
    "tests.sqoop_fixtures",
    "tests.producer_fixtures",
]  # shared fixtures

import settings as settings_module  # noqa: E402  (must read the environment set above)
from local_stack import handoff, stack  # noqa: E402

TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need the stack (``-m "not stack"`` runs the rest in seconds) and run them last; a test
    filed in the wrong folder of the tree (``tests/unit``: no server, ``tests/stack``, ``tests/faults``) is an
    error, so the tree keeps saying what each test needs."""
    misfiled = []
    for item in items:
        if "running_stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.stack)
        folder = Path(str(item.path)).resolve().relative_to(TESTS).parts[0]
        wanted = (
            "faults" if item.get_closest_marker("faults") else "stack" if item.get_closest_marker("stack") else "unit"
        )
        if folder != wanted:
            misfiled.append(f"{item.nodeid}: belongs in tests/{wanted}/")
    if misfiled:
        raise pytest.UsageError("tests in the wrong folder:\n" + "\n".join(misfiled))
    items.sort(
        key=lambda item: (
            item.get_closest_marker("stack") is not None,
            item.get_closest_marker("stops_servers") is not None,
        )
    )


@pytest.fixture(scope="session")
def settings() -> settings_module.StackSettings:
    return settings_module.stack()


@pytest.fixture(scope="session")
def running_stack(settings):
    """The test stack, brought up if it is not (idempotent and quick when it is). Tests own their data: what the
    stack holds is listed before and after the run, and anything a test made and left behind fails the run."""
    from testkit.stack_inventory import inventory, left_behind, pipeline_names

    stack.up(settings)
    current = handoff.hand_over(settings)
    before = inventory(current)
    yield current
    leftovers = left_behind(before, inventory(current), pipeline_names(current))
    assert not leftovers, "tests left behind what they made (drop it in finally or in the fixture): " + "; ".join(
        f"{kind}: {', '.join(names[:20])}" + (f" and {len(names) - 20} more" if len(names) > 20 else "")
        for kind, names in leftovers.items()
    )


@pytest.fixture(scope="session")
def hive_schema(running_stack):
    from hive_ddl.apply import apply

    return apply(running_stack)


@pytest.fixture(scope="session")
def plain_spark(request, settings):
    """A SparkSession for the tests that need only Spark's engine (parsing, NEWS2, the evaluation): no metastore,
    no Kafka connector, no server, so they run with the unit tests in ``make unit``. A run that has stack tests as
    well shares their session, the run's one."""
    if any(item.get_closest_marker("stack") for item in request.session.items):
        yield request.getfixturevalue("spark")
        return

    from clients.spark import session

    engine_only = settings.changed(spark={"kafka_jars": ""}, sqoop={"jdbc_driver_jar": ""})
    spark_session = session(engine_only, "patient-alert-unit-tests")
    yield spark_session
    spark_session.stop()


@pytest.fixture(scope="session")
def spark(running_stack):
    """The run's one SparkSession, built from the handed-over settings (the Kafka connector's jars)."""
    from pyspark.sql import SparkSession

    from clients.spark import session

    # a session made earlier (say by a CLI under test) would be reused without these settings' jars
    assert SparkSession.getActiveSession() is None, "a test created a SparkSession before the shared one"
    spark_session = session(running_stack, "patient-alert-tests")
    yield spark_session
    spark_session.stop()


@pytest.fixture
def unique_name(request) -> str:
    """A name no other test uses, for topics, tables and rows this test creates."""
    base = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:30].strip("_")
    return f"t_{base}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def airflow_dags(tmp_path_factory):
    """Airflow with a throwaway AIRFLOW_HOME and metadata database, and the project's DAGs parsed from dags/."""
    from local_stack import airflow_home

    return airflow_home.dag_bag(tmp_path_factory.mktemp("airflow_home"))
