"""Threshold rules: the row layout of ``threshold_ref`` and its validation. Pure logic, no I/O.

The layout is the one users' tables and shell scripts already have (row key =
ref_id; families ``attribute``, ``limit``, ``alert``), so it is kept as is.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.alerts import Severity
from contract.vitals import VITAL_OF_ATTRIBUTE

# column -> meaning; every cell of a threshold row is one of these
COLUMNS = {
    b"attribute:attribute": "attribute",
    b"limit:low_age_limit": "low_age",
    b"limit:high_age_limit": "high_age",
    b"limit:low_range_value": "low_value",
    b"limit:high_range_value": "high_value",
    b"alert:alert_flag": "alert_flag",
    b"alert:alert_message": "message",
}
FAMILIES = {"attribute", "limit", "alert"}
# optional: how urgent the rule's alert is (critical | urgent | advisory); an alerting rule without it is urgent
SEVERITY_COLUMN = b"alert:severity"

Cells = dict[bytes, bytes]


@dataclass(frozen=True)
class ThresholdRule:
    """One row of threshold_ref: for ``attribute`` at ages [low_age, high_age], values in
    [low_value, high_value] (all inclusive) are abnormal when ``alert_flag`` is 1."""

    rule_id: str
    attribute: str
    low_age: float
    high_age: float
    low_value: float
    high_value: float
    alert_flag: int
    message: str
    severity: str | None = None

    @property
    def alerts(self) -> bool:
        return self.alert_flag == 1

    @property
    def alert_severity(self) -> str:
        return self.severity or Severity.URGENT

    def to_cells(self) -> Cells:
        def number(value: float) -> bytes:
            return (str(int(value)) if float(value).is_integer() else str(value)).encode()

        return {
            b"attribute:attribute": self.attribute.encode(),
            b"limit:low_age_limit": number(self.low_age),
            b"limit:high_age_limit": number(self.high_age),
            b"limit:low_range_value": number(self.low_value),
            b"limit:high_range_value": number(self.high_value),
            b"alert:alert_flag": str(self.alert_flag).encode(),
            b"alert:alert_message": self.message.encode(),
            **({SEVERITY_COLUMN: self.severity.encode()} if self.severity else {}),
        }


class InvalidThresholds(ValueError):
    """The source has problems; nothing may be written. ``problems`` names each row and what is wrong."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the thresholds, nothing was written:\n  - " + "\n  - ".join(problems)
        )


def parse_rows(rows: dict[str, Cells]) -> list[ThresholdRule]:
    """Turn raw rows (row key -> cells) into rules, or raise :class:`InvalidThresholds` listing every problem."""
    problems: list[str] = []
    rules = []
    for row_key, cells in sorted(rows.items(), key=lambda item: _sort_key(item[0])):
        rule = _parse_row(row_key, cells, problems)
        if rule is not None:
            rules.append(rule)
    problems += _overlaps(rules)
    if problems:
        raise InvalidThresholds(problems)
    return rules


def _parse_row(row_key: str, cells: Cells, problems: list[str]) -> ThresholdRule | None:
    before = len(problems)
    for column in cells:
        family = column.split(b":", 1)[0].decode(errors="replace")
        if family not in FAMILIES:
            problems.append(
                f"row {row_key}: unknown column family '{family}' in '{column.decode(errors='replace')}' "
                f"(known: {', '.join(sorted(FAMILIES))})"
            )
        elif column not in COLUMNS and column != SEVERITY_COLUMN:
            problems.append(f"row {row_key}: unknown column '{column.decode(errors='replace')}'")
    missing = [column.decode() for column in COLUMNS if column not in cells]
    if missing:
        problems.append(f"row {row_key}: missing {', '.join(missing)}")
        return None
    values = {COLUMNS[column]: cells[column].decode(errors="replace").strip() for column in COLUMNS}
    severity = cells[SEVERITY_COLUMN].decode(errors="replace").strip() if SEVERITY_COLUMN in cells else None
    if severity is not None and severity not in set(Severity):
        problems.append(f"row {row_key}: severity '{severity}' is not one of {', '.join(Severity)}")
    if values["attribute"] not in VITAL_OF_ATTRIBUTE:
        problems.append(
            f"row {row_key}: unknown attribute '{values['attribute']}' (known: {', '.join(VITAL_OF_ATTRIBUTE)})"
        )
    numbers = {}
    for name in ("low_age", "high_age", "low_value", "high_value", "alert_flag"):
        try:
            numbers[name] = float(values[name])
        except ValueError:
            problems.append(f"row {row_key}: {name.replace('_', ' ')} '{values[name]}' is not a number")
    if len(numbers) == 5:
        if numbers["low_age"] > numbers["high_age"]:
            problems.append(f"row {row_key}: low age {values['low_age']} > high age {values['high_age']}")
        if numbers["low_value"] > numbers["high_value"]:
            problems.append(f"row {row_key}: low value {values['low_value']} > high value {values['high_value']}")
        if numbers["alert_flag"] not in (0.0, 1.0):
            problems.append(f"row {row_key}: alert flag '{values['alert_flag']}' must be 0 or 1")
    if len(problems) > before:
        return None
    return ThresholdRule(
        rule_id=row_key,
        attribute=values["attribute"],
        low_age=numbers["low_age"],
        high_age=numbers["high_age"],
        low_value=numbers["low_value"],
        high_value=numbers["high_value"],
        alert_flag=int(numbers["alert_flag"]),
        message=values["message"],
        severity=severity,
    )


def _overlaps(rules: list[ThresholdRule]) -> list[str]:
    """Two rules of one attribute whose age bands and value bands both intersect would both match a reading."""
    problems = []
    for index, first in enumerate(rules):
        for second in rules[index + 1 :]:
            if (
                first.attribute == second.attribute
                and first.low_age <= second.high_age
                and second.low_age <= first.high_age
                and first.low_value <= second.high_value
                and second.low_value <= first.high_value
            ):
                problems.append(
                    f"rows {first.rule_id} and {second.rule_id}: overlapping bands for "
                    f"{first.attribute} at ages {max(first.low_age, second.low_age):g}-"
                    f"{min(first.high_age, second.high_age):g}, values "
                    f"{max(first.low_value, second.low_value):g}-{min(first.high_value, second.high_value):g}"
                )
    return problems


def _sort_key(row_key: str) -> tuple[int, str]:
    """Numeric row keys in numeric order (ref_id 2 before 10), others after."""
    return (int(row_key), "") if row_key.isdigit() else (1 << 62, row_key)
