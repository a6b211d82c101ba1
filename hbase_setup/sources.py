"""Read threshold rows from the two formats users keep them in: the reference CSV and HBase-shell ``put`` scripts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from hbase_setup.rules import COLUMNS, SEVERITY_COLUMN, Cells

# every vital at every age, with the clinical sources cited in its header; what a fresh pipeline loads
DEFAULT_SOURCE = Path(__file__).parent / "reference" / "default_thresholds.csv"
# the capstone table (docs/ARCHITECTURE.md): heart rate and systolic BP only, ages 0-100; still loads unchanged
CAPSTONE_SOURCE = Path(__file__).parent / "reference" / "threshold_reference.csv"

_CSV_COLUMN = {column.split(b":", 1)[1].decode(): column for column in COLUMNS}
_QUOTED = r"""(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")"""
_PUT = re.compile(rf"^\s*put\s+{_QUOTED}\s*,\s*{_QUOTED}\s*,\s*{_QUOTED}\s*,\s*{_QUOTED}\s*$")
# shell commands a thresholds script may carry besides put; the table itself is made by hbase_setup
_IGNORED_SHELL_COMMANDS = ("create", "exit", "quit", "list", "scan", "count", "describe")


class SourceError(ValueError):
    """The source file cannot be read as thresholds; the message names the file and line."""


def read_rows(path: Path, table: str) -> dict[str, Cells]:
    """Row key -> cells from a ``.csv`` file or an HBase-shell script (any other extension)."""
    if not path.exists():
        raise SourceError(f"threshold source {path} does not exist")
    return _read_csv(path) if path.suffix.lower() == ".csv" else _read_shell_script(path, table)


def _read_csv(path: Path) -> dict[str, Cells]:
    """Rows of a CSV whose lines starting with ``#`` are comments (where a table cites its sources)."""
    with path.open(newline="") as handle:
        numbered = [(number, line) for number, line in enumerate(handle, start=1) if not line.lstrip().startswith("#")]
        reader = csv.DictReader(line for _, line in numbered)
        header = set(reader.fieldnames or [])
        expected = {"ref_id", *_CSV_COLUMN}
        if not expected <= header:
            raise SourceError(f"{path}: header lacks {', '.join(sorted(expected - header))}")
        extra = header - expected - {"severity"}  # severity is optional (hbase_setup.rules.SEVERITY_COLUMN)
        rows: dict[str, Cells] = {}
        for record in reader:
            line_number = numbered[reader.line_num - 1][0]
            row_key = (record["ref_id"] or "").strip()
            if not row_key:
                raise SourceError(f"{path}:{line_number}: empty ref_id")
            if row_key in rows:
                raise SourceError(f"{path}:{line_number}: ref_id {row_key} appears twice")
            rows[row_key] = {_CSV_COLUMN[name]: (record[name] or "").strip().encode() for name in _CSV_COLUMN}
            if (record.get("severity") or "").strip():
                rows[row_key][SEVERITY_COLUMN] = record["severity"].strip().encode()
            # unknown CSV columns are kept as cells of an unknown family, so validation names them
            rows[row_key].update({f"csv:{name}".encode(): (record[name] or "").encode() for name in extra})
    return rows


def _read_shell_script(path: Path, table: str) -> dict[str, Cells]:
    rows: dict[str, Cells] = {}
    for line_number, line in enumerate(path.read_text().splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _PUT.match(stripped)
        if match is None:
            if stripped.split()[0].rstrip(",") in _IGNORED_SHELL_COMMANDS:
                continue
            raise SourceError(f"{path}:{line_number}: not a put command: {stripped[:80]}")
        put_table, row_key, column, value = (
            _unescape(a if a is not None else b) for a, b in zip(match.groups()[::2], match.groups()[1::2])
        )
        if put_table != table:
            raise SourceError(f"{path}:{line_number}: puts into table '{put_table}', expected '{table}'")
        if ":" not in column:
            raise SourceError(f"{path}:{line_number}: column '{column}' has no family (family:qualifier)")
        rows.setdefault(row_key, {})[column.encode()] = value.encode()
    return rows


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
