"""SQL identifiers and literals written into DuckDB statements, quoted."""

from __future__ import annotations


def quote_identifier(identifier: str) -> str:
    """A double-quoted identifier, inner double quotes doubled: DuckDB reads the name back as written."""
    return '"' + identifier.replace('"', '""') + '"'


def quote_literal(value: object) -> str:
    """A string literal of ``str(value)``, single quotes doubled."""
    return "'" + str(value).replace("'", "''") + "'"
