"""Where a secret leaked: the stack's logs and the machine's process command lines, searched for every secret setting.

The docs promise that passwords and keys never reach a log or a command line
(``ps`` shows command lines to every user). ``make demo`` ends with this scan
over everything its run wrote, and the test suite runs it over the test stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from settings import StackSettings
from settings.fields import is_secret, leaves, variable


def secrets(settings: StackSettings) -> dict[str, str]:
    """Each secret setting's value by variable (empty ones, which mean 'the provider's own chain', left out)."""
    return {
        variable(group, field): getattr(group, field.name)
        for group, field in leaves(settings)
        if is_secret(field) and getattr(group, field.name)
    }


def log_files(settings: StackSettings) -> list[Path]:
    """Every log the stack and the pipeline's own processes write: the servers', Airflow's task logs, Spark's."""
    folders = [settings.stack.data_dir / "logs", settings.stack.data_dir / "data" / "airflow" / "logs"]
    found = [path for folder in folders if folder.is_dir() for path in folder.rglob("*") if path.is_file()]
    spark_log = Path(settings.spark.log_file) if settings.spark.log_file else None
    return found + ([spark_log] if spark_log is not None and spark_log.is_file() else [])


def leaks(settings: StackSettings, files: Iterable[Path] | None = None) -> list[str]:
    """'<variable> in <where>' for each secret found in ``files`` (default: :func:`log_files`) or in a running
    process's command line; the secret itself is never part of the answer."""
    wanted = {name: value.encode() for name, value in secrets(settings).items()}
    places = [*_file_contents(log_files(settings) if files is None else files), *_command_lines()]
    return [f"{name} in {where}" for where, content in places for name, value in wanted.items() if value in content]


def _file_contents(files: Iterable[Path]) -> Iterator[tuple[str, bytes]]:
    for path in files:
        try:
            yield str(path), path.read_bytes()
        except OSError:  # rotated away while scanning
            continue


def _command_lines() -> Iterator[tuple[str, bytes]]:
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            yield f"the command line of process {cmdline.parent.name}", cmdline.read_bytes()
        except OSError:  # ended while scanning
            continue
