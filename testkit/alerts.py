"""Alert records as the stream puts them on doctors-queue, for tests and benchmarks of the notifier."""

from __future__ import annotations

from typing import Any

from contract.alerts import ALERT_FIELDS


def alert_record(**values: Any) -> dict[str, Any]:
    """Every field of :data:`ALERT_FIELDS`, null unless given; a name outside the contract is a mistake."""
    unknown = set(values) - set(ALERT_FIELDS)
    if unknown:
        raise KeyError(f"not alert fields: {sorted(unknown)}")
    return {name: values.get(name) for name in ALERT_FIELDS}
