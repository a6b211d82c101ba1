"""Split a SQL script file into statements for clients that execute one statement at a time (sqlparse)."""

from __future__ import annotations

import sqlparse


def statements(script: str) -> list[str]:
    """Statements of ``script``, comments dropped, without their closing semicolon.

    sqlparse splits on the semicolons that end statements, not on one inside a string or a comment (a
    ``COMMENT '…; …'`` stays whole).
    """
    found = (sqlparse.format(statement, strip_comments=True).strip() for statement in sqlparse.split(script))
    return [statement.rstrip(";").rstrip() for statement in found if statement.rstrip(";").strip()]
