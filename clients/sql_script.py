"""Split a SQL script file into statements for clients that execute one statement at a time."""

from __future__ import annotations

import re


def statements(script: str) -> list[str]:
    """Statements of ``script``: ``--`` comment lines dropped, split on a semicolon that ends a line.

    Semicolons inside a line (for example in a COMMENT '…' string) do not split.
    """
    body = "\n".join(line for line in script.splitlines() if not line.strip().startswith("--"))
    return [statement.strip() for statement in re.split(r";\s*$", body, flags=re.M) if statement.strip()]
