"""Are the rules in HBase the ones an audited load left, and would the stream take them? Read by ``hbase_setup
show``, the dashboard and the stream's reloads, so all three say the same.

Two findings, each with what to do: rules **unaudited** (their fingerprint matches no applied load in
``threshold_audit``: changed through ``hbase shell`` or happybase), shown with the difference from the last audited
rules; and rules **refused** (invalid, empty, or leaving a vital without a band at an age the last audited rules
cover), which the stream will not load: it keeps the rules it has.
"""

from __future__ import annotations

from dataclasses import dataclass

from clients import hbase
from hbase_setup import audit, coverage, table
from hbase_setup.load import plan
from hbase_setup.rules import Cells, InvalidThresholds, parse_rows, rows_fingerprint
from settings import RdsAccount, Settings


@dataclass(frozen=True)
class RulesStatus:
    fingerprint: str
    audited: audit.AuditedRules | None  # the applied load that left exactly these rules
    difference: str  # from the last audited rules, when these are not audited
    refused: list[str]  # why the stream refuses these rules (empty: it takes them)

    @property
    def sound(self) -> bool:
        return self.audited is not None and not self.refused

    def describe(self) -> list[str]:
        """The findings as lines an operator acts on."""
        lines = []
        if self.audited is not None:
            lines.append(
                f"rules {self.fingerprint[:12]}: as loaded by {self.audited.changed_by} from {self.audited.source} "
                f"at {self.audited.changed_at:%Y-%m-%d %H:%M:%S} (audit entry {self.audited.entry_id})"
            )
        else:
            lines.append(
                f"UNAUDITED rules {self.fingerprint[:12]}: changed outside hbase_setup (no audited load left them); "
                "load the intended file with python -m hbase_setup load to vouch for it. Difference from the last "
                "audited rules:"
            )
            lines += [f"    {line}" for line in self.difference.splitlines()]
        if self.refused:
            lines.append("REFUSED by the stream (it keeps the rules it has): " + "; ".join(self.refused))
        return lines


def verify(settings: Settings, account: RdsAccount = RdsAccount.QUALITY) -> RulesStatus:
    """The status of PA_THRESHOLD_TABLE's rules now."""
    return status_of(settings, current_rows(settings), account)


def current_rows(settings: Settings) -> dict[str, Cells]:
    """PA_THRESHOLD_TABLE's rows now."""
    connection = hbase.connect(settings.hbase)
    try:
        return table.read_rows(connection, settings.names.threshold_table)
    finally:
        connection.close()


def status_of(settings: Settings, rows: dict[str, Cells], account: RdsAccount = RdsAccount.QUALITY) -> RulesStatus:
    """The status of ``rows`` (the table's content) against the audit trail."""
    fingerprint = rows_fingerprint(rows)
    vouched = audit.audited(settings, fingerprint, account)
    last = vouched or audit.last_audited(settings, account)
    difference = ""
    if vouched is None:
        difference = plan(rows, last.rows, replace=True).describe() if last else "(no audited load recorded rules)"
    return RulesStatus(fingerprint, vouched, difference, _refusals(rows, last.rows if last else None))


def _refusals(rows: dict[str, Cells], audited_rows: dict[str, Cells] | None) -> list[str]:
    if not rows:
        return ["the table is empty"]
    try:
        rules = parse_rows(rows)
    except InvalidThresholds as error:
        return error.problems
    if audited_rows is None:
        return []
    return [
        f"{gap.describe()} would have no band (the audited rules have one)"
        for gap in coverage.withdrawn(parse_rows(audited_rows), rules)
    ]
