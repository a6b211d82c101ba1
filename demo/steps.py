"""The demo's steps, one function each; later pieces of the pipeline add theirs here."""

from __future__ import annotations

from typing import Callable

from hive_ddl.apply import apply as apply_hive_ddl
from local_stack import stack
from settings import Settings


def bring_up_stack(settings: Settings) -> None:
    stack.up(settings)


def apply_hive_schema(settings: Settings) -> None:
    tables = apply_hive_ddl(settings)
    print(f"Hive database {settings.hive_database}: {', '.join(tables)}")


def show_status(settings: Settings) -> None:
    report = stack.status(settings)
    print(stack.status_table(report))
    failing = [row.name for row in report if not row.healthy]
    if failing:
        raise RuntimeError(f"unhealthy: {failing}; see 'python -m local_stack logs <server>'")


STEPS: list[tuple[str, Callable[[Settings], None]]] = [
    ("Start the local stack (real servers)", bring_up_stack),
    ("Apply the Hive schema through HiveServer2", apply_hive_schema),
    ("Stack status", show_status),
]
