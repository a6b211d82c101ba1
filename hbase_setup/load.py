"""Load thresholds into HBase: validate everything first, then write in one batch, or show the diff."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clients import hbase
from hbase_setup import audit, sources, table
from hbase_setup.rules import Cells, parse_rows, rows_fingerprint
from settings import RdsAccount, Settings


@dataclass
class LoadPlan:
    """What a load changes in the table, row by row."""

    added: dict[str, Cells] = field(default_factory=dict)
    changed: dict[str, tuple[Cells, Cells]] = field(default_factory=dict)
    removed: dict[str, Cells] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def writes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)

    def describe(self) -> str:
        lines = [f"+ row {key}: {_show(cells)}" for key, cells in self.added.items()]
        for key, (old, new) in self.changed.items():
            diff: dict[bytes, tuple[bytes | None, bytes | None]] = {
                column: (old.get(column), value) for column, value in new.items() if old.get(column) != value
            }
            diff.update({column: (value, None) for column, value in old.items() if column not in new})
            lines.append(
                f"~ row {key}: "
                + ", ".join(
                    f"{column.decode()} {_text(before)} -> {_text(after)}" for column, (before, after) in diff.items()
                )
            )
        lines += [f"- row {key}: {_show(cells)}" for key, cells in self.removed.items()]
        lines.append(
            f"{len(self.added)} to add, {len(self.changed)} to change, {len(self.removed)} to remove, "
            f"{self.unchanged} unchanged"
        )
        return "\n".join(lines)


def plan(source: dict[str, Cells], stored: dict[str, Cells], replace: bool) -> LoadPlan:
    result = LoadPlan()
    for key, cells in source.items():
        if key not in stored:
            result.added[key] = cells
        elif stored[key] != cells:
            result.changed[key] = (stored[key], cells)
        else:
            result.unchanged += 1
    if replace:
        result.removed = {key: cells for key, cells in stored.items() if key not in source}
    return result


def load(
    settings: Settings,
    source_path: Path | None = None,
    *,
    dry_run: bool = False,
    replace: bool = False,
    actor: str | None = None,
) -> LoadPlan:
    """Validate the source (merged with what stays in the table) and apply it unless ``dry_run``; a load that
    writes is recorded in the audit trail first, as ``actor`` (default: this process's user@host).

    Raises :class:`~hbase_setup.rules.InvalidThresholds` or
    :class:`~hbase_setup.sources.SourceError` before anything is written.
    """
    path = source_path or Path(settings.hbase.threshold_source or sources.DEFAULT_SOURCE)
    source = sources.read_rows(path, settings.names.threshold_table)
    connection = hbase.connect(settings.hbase)
    try:
        exists = settings.names.threshold_table.encode() in connection.tables()
        if not exists and not dry_run:
            table.ensure_table(connection, settings.names.threshold_table)
        stored = table.read_rows(connection, settings.names.threshold_table) if exists else {}
        changes = plan(source, stored, replace)
        kept = {key: cells for key, cells in stored.items() if key not in source and key not in changes.removed}
        after = {**kept, **source}
        parse_rows(after)  # the table after the load must be valid as a whole
        # a load that writes nothing is still recorded when no audited load left these rules (a table filled
        # before loads recorded their rules): loading them is how an operator vouches for them
        unvouched = not changes.writes and audit.audited(settings, rows_fingerprint(after), RdsAccount.RULES) is None
        if not dry_run and (changes.writes or unvouched):
            entry = audit.record(
                settings,
                actor=actor or audit.who(),
                source=str(path),
                added=len(changes.added),
                changed=len(changes.changed),
                removed=len(changes.removed),
                diff=changes.describe(),
                rows_after=after,
            )
            _apply(connection.table(settings.names.threshold_table), changes)
            audit.mark_applied(settings.rds, entry)
        return changes
    finally:
        connection.close()


def _apply(hbase_table, changes: LoadPlan) -> None:
    """One batch: HBase receives every mutation in a single mutateRows call."""
    with hbase_table.batch() as batch:
        for key, cells in changes.added.items():
            batch.put(key.encode(), cells)
        for key, (old, new) in changes.changed.items():
            batch.put(key.encode(), new)
            stale = [column for column in old if column not in new]
            if stale:
                batch.delete(key.encode(), columns=stale)
        for key in changes.removed:
            batch.delete(key.encode())


def _show(cells: Cells) -> str:
    return ", ".join(f"{column.decode()}={_text(value)}" for column, value in sorted(cells.items()))


def _text(value: bytes | None) -> str:
    return "(none)" if value is None else repr(value.decode(errors="replace"))
