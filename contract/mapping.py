"""The one parser of 'field=name,...' settings (PA_STREAM_FIELD_MAP, PA_VITALS_COLUMN_MAP)."""

from __future__ import annotations

from collections.abc import Iterable


def parse_mapping(text: str, fields: Iterable[str], variable: str) -> dict[str, str]:
    """'field=name,...' -> {field: name}; a field outside ``fields`` or an empty name is an error naming
    ``variable``."""
    known = tuple(fields)
    mapping = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        field, _, name = (item.strip() for item in pair.partition("="))
        if field not in known or not name:
            raise ValueError(f"{variable} entry {pair!r}: expected field=name with field one of {', '.join(known)}")
        mapping[field] = name
    return mapping
