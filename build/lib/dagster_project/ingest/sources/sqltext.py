"""Building SQL text safely: literals for strings and lists of strings."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def lit(value: str | Path) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def list_lit(values: Iterable[str]) -> str:
    """A SQL list literal of strings, e.g. ['a', 'b'] (sorted: stable SQL text)."""
    return "[" + ", ".join(lit(v) for v in sorted(values)) + "]::varchar[]"


def quoted(expr: str) -> str:
    """SQL for `'<value>'` as it appears in a reason such as unknown queue 'X'."""
    return f"('''' || {expr} || '''')"
