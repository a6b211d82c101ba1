"""Threshold rules: the row layout of ``threshold_ref`` and its validation. Pure logic, no I/O.

The layout is the one users' tables and shell scripts already have (row key =
ref_id; families ``attribute``, ``limit``, ``alert``), so it is kept as is.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass

from contract.alerts import Severity
from contract.vitals import VITAL_OF_ATTRIBUTE
from hbase_setup.ages import InvalidAge, describe_ages, months_of_limit, written_limit

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
    """One row of threshold_ref: for ``attribute`` at ages [low_age_months, high_age_months] (completed months,
    :mod:`hbase_setup.ages`), values in [low_value, high_value] (all inclusive as written; abutting value bands are
    read half-open, :mod:`hbase_setup.bands`) are abnormal when ``alert_flag`` is 1."""

    rule_id: str
    attribute: str
    low_age_months: int
    high_age_months: int
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

    @property
    def ages(self) -> tuple[int, int]:
        """The rule's age band, inclusive completed months."""
        return self.low_age_months, self.high_age_months

    def holds_age(self, months: int) -> bool:
        return self.low_age_months <= months <= self.high_age_months

    def to_cells(self) -> Cells:
        def number(value: float) -> bytes:
            return (str(int(value)) if float(value).is_integer() else str(value)).encode()

        return {
            b"attribute:attribute": self.attribute.encode(),
            b"limit:low_age_limit": written_limit(self.low_age_months, upper=False).encode(),
            b"limit:high_age_limit": written_limit(self.high_age_months, upper=True).encode(),
            b"limit:low_range_value": number(self.low_value),
            b"limit:high_range_value": number(self.high_value),
            b"alert:alert_flag": str(self.alert_flag).encode(),
            b"alert:alert_message": self.message.encode(),
            **({SEVERITY_COLUMN: self.severity.encode()} if self.severity else {}),
        }


class InvalidThresholds(ValueError):
    """The source has problems; nothing may be written (or, read back from the table, used). ``problems`` names each
    row and what is wrong."""

    consequence = "nothing was written"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the thresholds, {self.consequence}:\n  - " + "\n  - ".join(problems)
        )


def rows_fingerprint(rows: dict[str, Cells]) -> str:
    """A digest of a table's content (every row key, column and value, in order): the same for the same rules,
    however they were written; what the audit trail records for each load."""
    digest = hashlib.sha256()
    for key in sorted(rows):
        digest.update(key.encode() + b"\x00")
        for column in sorted(rows[key]):
            digest.update(column + b"\x00" + rows[key][column] + b"\x01")
        digest.update(b"\x02")
    return digest.hexdigest()


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
    months = {}
    for name in ("low_age", "high_age"):
        try:
            months[name] = months_of_limit(values[name], upper=name == "high_age")
        except InvalidAge as error:
            problems.append(f"row {row_key}: {name.replace('_', ' ')} {error}")
    numbers = {}
    for name in ("low_value", "high_value", "alert_flag"):
        try:
            numbers[name] = float(values[name])
        except ValueError:
            problems.append(f"row {row_key}: {name.replace('_', ' ')} '{values[name]}' is not a number")
    if len(months) == 2 and months["low_age"] > months["high_age"]:
        problems.append(f"row {row_key}: low age {values['low_age']} > high age {values['high_age']}")
    for name, number in numbers.items():
        if not math.isfinite(number):
            problems.append(f"row {row_key}: {name.replace('_', ' ')} '{values[name]}' is not a finite number")
    message_problem = _message_problem(values["message"])
    if message_problem:
        problems.append(f"row {row_key}: alert message {message_problem}")
    if len(numbers) == 3 and all(math.isfinite(number) for number in numbers.values()):
        if numbers["low_value"] > numbers["high_value"]:
            problems.append(f"row {row_key}: low value {values['low_value']} > high value {values['high_value']}")
        if numbers["alert_flag"] not in (0.0, 1.0):
            problems.append(f"row {row_key}: alert flag '{values['alert_flag']}' must be 0 or 1")
    if len(problems) > before:
        return None
    return ThresholdRule(
        rule_id=row_key,
        attribute=values["attribute"],
        low_age_months=months["low_age"],
        high_age_months=months["high_age"],
        low_value=numbers["low_value"],
        high_value=numbers["high_value"],
        alert_flag=int(numbers["alert_flag"]),
        message=values["message"],
        severity=severity,
    )


MESSAGE_LIMIT = 200  # an alert message is one line of an email: SNS refuses control characters in some places


def _message_problem(message: str) -> str | None:
    """Why a rule's message cannot go into an email (a newline made SNS refuse every email of that rule)."""
    control = sorted({f"U+{ord(character):04X}" for character in message if unicodedata.category(character) == "Cc"})
    if control:
        return f"has control characters ({', '.join(control)}): write it on one line"
    if len(message) > MESSAGE_LIMIT:
        return f"is {len(message)} characters, more than {MESSAGE_LIMIT}"
    return None


def _overlaps(rules: list[ThresholdRule]) -> list[str]:
    """Two rules of one attribute whose age bands and value bands both intersect would both match a reading."""
    problems = []
    for index, first in enumerate(rules):
        for second in rules[index + 1 :]:
            if (
                first.attribute == second.attribute
                and first.low_age_months <= second.high_age_months
                and second.low_age_months <= first.high_age_months
                and first.low_value <= second.high_value
                and second.low_value <= first.high_value
            ):
                problems.append(
                    f"rows {first.rule_id} and {second.rule_id}: overlapping bands for "
                    f"{first.attribute} at {describe_ages(*_common_ages(first, second))}, values "
                    f"{max(first.low_value, second.low_value):g}-{min(first.high_value, second.high_value):g}"
                )
    return problems


def _common_ages(first: ThresholdRule, second: ThresholdRule) -> tuple[int, int]:
    return max(first.low_age_months, second.low_age_months), min(first.high_age_months, second.high_age_months)


def _sort_key(row_key: str) -> tuple[int, str]:
    """Numeric row keys in numeric order (ref_id 2 before 10), others after."""
    return (int(row_key), "") if row_key.isascii() and row_key.isdigit() else (1 << 62, row_key)
