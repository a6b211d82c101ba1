"""The threshold repository: every rule from HBase in an immutable index, reloaded only when the table changed.

The stream and the batch re-check turn the index into Spark expressions
(streaming/evaluate.py); they never call HBase once per reading. The table's
fingerprint (keys and timestamps only) tells whether anything changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import happybase

from thresholds import table
from thresholds.bands import ValueBand, value_bands
from thresholds.rules import ThresholdRule, parse_rows


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

        An invalid table (say, a bad `put` from the shell) keeps the last good
        index and raises, so a running stream never evaluates with broken rules.
        """
        started = time.perf_counter()
        connection = self._connect()
        try:
            current = table.fingerprint(connection, self._table_name)
            self.last_check_s = time.perf_counter() - started
            if current == self._fingerprint and self._index is not None:
                return False
            rules = parse_rows(table.read_rows(connection, self._table_name))
        finally:
            connection.close()
        self._index = ThresholdIndex(rules)
        self._fingerprint = current
        self.loads += 1
        return True
