"""The threshold repository: every rule from HBase in an immutable index, reloaded only when the table changed.

The stream and the batch re-check turn the index into Spark expressions
(evaluation/evaluate.py); they never call HBase once per reading. The table's
fingerprint (keys and timestamps only) tells whether anything changed.

Rules fail closed: an empty table is never loaded, and a reload that would leave a vital without a band at an
age the rules in force cover (rows deleted, a vital's rows lost) is refused with :class:`CoverageWithdrawn`; the
rules in force stay. Their rows are kept, so their content fingerprint (:func:`hbase_setup.rules.rows_fingerprint`)
can be matched with the audit trail's (hbase_setup/verify.py): rules changed outside ``hbase_setup`` are told apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import happybase

from hbase_setup import coverage, table
from hbase_setup.bands import ValueBand, value_bands
from hbase_setup.rules import Cells, InvalidThresholds, ThresholdRule, parse_rows


class CoverageWithdrawn(InvalidThresholds):
    """The table's new rules would leave vitals without a band at ages the rules in force cover."""

    consequence = "refused: the rules in force stay"


class ThresholdIndex:
    """Immutable (so it can be shared between threads and cached by identity): one rule set, by vital."""

    def __init__(self, rules: list[ThresholdRule]):
        self.rules: tuple[ThresholdRule, ...] = tuple(rules)
        self.rules_of: dict[str, tuple[ThresholdRule, ...]] = {
            attribute: tuple(rule for rule in rules if rule.attribute == attribute)
            for attribute in sorted({rule.attribute for rule in rules})
        }
        self.bands: dict[str, ValueBand] = value_bands(rules)  # by rule id: half-open where bands abut

    @property
    def attributes(self) -> set[str]:
        """The vitals (threshold attribute names) that have rules."""
        return set(self.rules_of)


class ThresholdRepository:
    """Loads the rules through happybase and keeps the current :class:`ThresholdIndex`.

    ``connect`` opens a happybase connection (so the repository works in a
    Spark driver or a long-running service and reconnects after HBase restarts).
    """

    def __init__(self, connect: Callable[[], happybase.Connection], table_name: str):
        self._connect = connect
        self._table_name = table_name
        self._fingerprint: str | None = None
        self._index: ThresholdIndex | None = None
        self.rows: dict[str, Cells] = {}  # the table's content the rules in force were read from
        self.loads = 0
        self.last_check_s = 0.0

    @property
    def index(self) -> ThresholdIndex:
        if self._index is None:
            self.refresh_if_changed()
        assert self._index is not None
        return self._index

    def refresh_if_changed(self) -> bool:
        """Reload the rules if the table changed since the last load; return whether it reloaded.

        An invalid table (say, a bad `put` from the shell), an empty one, or one
        that withdraws a band the rules in force have keeps the last good index
        and raises, so a running stream never evaluates with broken or missing
        rules.
        """
        started = time.perf_counter()
        connection = self._connect()
        try:
            current = table.fingerprint(connection, self._table_name)
            self.last_check_s = time.perf_counter() - started
            if current == self._fingerprint and self._index is not None:
                return False
            rows = table.read_rows(connection, self._table_name)
        finally:
            connection.close()
        if not rows:
            raise InvalidThresholds([f"table {self._table_name} is empty (load it: python -m hbase_setup load)"])
        rules = parse_rows(rows)
        if self._index is not None:
            gaps = coverage.withdrawn(self._index.rules, rules)
            if gaps:
                raise CoverageWithdrawn(
                    [f"{gap.describe()} would have no band (the rules in force have one)" for gap in gaps]
                )
        self._index = ThresholdIndex(rules)
        self.rows = rows
        self._fingerprint = current
        self.loads += 1
        return True
