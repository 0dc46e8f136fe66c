"""Redaction: a table of positives and negatives, and Python == DuckDB SQL on all."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.ingest.sources.redact import redact, redact_sql

CASES = [
    # phones, many formats
    ("call (202) 555-0143 today", "call [PHONE] today"),
    ("202-555-0143", "[PHONE]"),
    ("+1 202 555 0143", "[PHONE]"),
    ("+1-202-555-0143", "[PHONE]"),
    ("1 (202) 555-0143", "[PHONE]"),
    ("2025550143", "[PHONE]"),
    ("12025550143", "[PHONE]"),
    ("202.555.0143.", "[PHONE]."),
    ("(202)555-0143", "[PHONE]"),
    ("café 2025550143", "café [PHONE]"),
    # SSNs (before phones)
    ("my ssn is 123-45-6789", "my ssn is [SSN]"),
    ("ssn 123 45 6789 ok", "ssn [SSN] ok"),
    # e-mails
    ("write to jane.doe+cx@agency.gov.", "write to [EMAIL]."),
    ("J_Smith@Mail.Example.co.uk wrote", "[EMAIL] wrote"),
    ("mail 2025550143@txt.example.com", "mail [EMAIL]"),
    # several in one text
    (
        "a@b.io, 202-555-0143, 123-45-6789",
        "[EMAIL], [PHONE], [SSN]",
    ),
    # negatives: dates, times, ZIP codes, order numbers, money, short numbers
    ("applied on 2025-01-15 at 10:30:00", None),
    ("01/15/2025", None),
    ("ZIP 20500 or 20500-0003", None),
    ("order 1234567890", None),
    ("order #100234 and INV-2025-000123", None),
    ("ref 12345678901234", None),
    ("$1,234.56", None),
    ("call 555-0143", None),
    ("x2025550143", None),
    ("version 3.14.159", None),
    ("no at sign here@", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_redact_python(text: str, expected: str | None) -> None:
    assert redact(text) == (text if expected is None else expected)


def test_redact_sql_agrees_with_python() -> None:
    con = duckdb.connect()
    texts = [t for t, _ in CASES]
    con.execute("create table t (i int, s varchar)")
    con.executemany("insert into t values (?, ?)", list(enumerate(texts)))
    got = dict(con.execute(f"select i, {redact_sql('s')} from t").fetchall())
    assert [got[i] for i in range(len(texts))] == [redact(t) for t in texts]


def test_redact_none_stays_none() -> None:
    assert redact(None) is None
    assert duckdb.sql(f"select {redact_sql('null::varchar')}").fetchall() == [(None,)]
