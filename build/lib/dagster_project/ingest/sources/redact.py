"""Redaction of personal data in free text: one set of patterns, two engines.

The same patterns run in Python (`redact`) and inside DuckDB (`redact_sql`, RE2), so
bulk loads redact in SQL and tests can check both agree. The patterns therefore use
only syntax both engines share: no look-around, no back-references, ASCII classes
(`[0-9]`, and `re.ASCII` so Python's `\\b` means what RE2's does).

Order matters: e-mail first (an address may hold digits that look like a phone),
then SSN (`123 45 6789` must not be half-eaten as a phone), then phone.
"""

from __future__ import annotations

import re

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
SSN = r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b|\b[0-9]{3} [0-9]{2} [0-9]{4}\b"
# North American numbers: area code and exchange start with 2-9 (so order numbers
# such as 1234567890 are not phones); optional +1 / 1 prefix; separators - . space.
_SEP = r"[-. ]?"
_REST = rf"[2-9][0-9]{{2}}{_SEP}[0-9]{{4}}\b"
PHONE = (
    rf"(?:\+?1{_SEP})?\([2-9][0-9]{{2}}\){_SEP}{_REST}"
    rf"|(?:\+1{_SEP}|\b1{_SEP}|\b)[2-9][0-9]{{2}}{_SEP}{_REST}"
)

# (name, pattern, replacement) in the order they are applied.
PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("email", EMAIL, "[EMAIL]"),
    ("ssn", SSN, "[SSN]"),
    ("phone", PHONE, "[PHONE]"),
)

_COMPILED = tuple((re.compile(p, re.ASCII), r) for _, p, r in PATTERNS)


def redact(text: str | None) -> str | None:
    """Replace e-mail addresses, SSNs and US phone numbers in `text`."""
    if text is None:
        return None
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return text


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def redact_sql(column_expr: str) -> str:
    """A DuckDB SQL expression that redacts `column_expr` exactly like `redact`."""
    expr = column_expr
    for _, pattern, replacement in PATTERNS:
        expr = f"regexp_replace({expr}, {_sql_string(pattern)}, {_sql_string(replacement)}, 'g')"
    # Every pattern needs an '@' or a digit: most free text skips the three regexes.
    return f"case when regexp_matches({column_expr}, '[0-9@]') then {expr} else {column_expr} end"
