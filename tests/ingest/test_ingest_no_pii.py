"""No personal data from the corpus reaches any text column of any raw table."""

from __future__ import annotations

import re

PII = [
    # e-mails
    "maria.lopez@example.com", "sam.taylor@example.org", "trunc@example.org",
    "bob.jones@example.com", "bad.date@example.com",
    # phones and caller numbers (all 555-01xx), in any of their formats
    "555-01", "555 01", "555.01", "55501",
    # SSN
    "123-45-6789", "987 65 4321", "987-65-4321",
    # customer ids (only their salted hash may be stored)
    "LOGIN-7f3a-9b21", "LOGIN-trunc-5555", "LOGIN-noid-4444", "LOGIN-2222", "LOGIN-3333",
    "LOGIN-4444", "LOGIN-5555",
]  # fmt: skip


def test_no_pii_in_any_varchar_column(corpus, sql):
    from dagster_project.ingest.loader import load_all

    load_all()
    columns = sql(
        "select table_name, column_name from duckdb_columns()"
        " where schema_name = 'raw' and data_type like 'VARCHAR%' order by all"
    )
    assert len(columns) > 40
    # the answers column (a list of structs) is checked through its text form too
    columns += [("agency_api", "answers::varchar")]
    found = []
    for table, column in columns:
        for (value,) in sql(
            f"select distinct {column} from raw.{table} where {column} is not null"
        ):
            found += [(table, column, p, value) for p in PII if p.lower() in value.lower()]
    assert found == []
    # and the redaction markers show the PII was there and was removed
    markers = sql(
        "select count(*) filter (where comment like '%[EMAIL]%'),"
        " count(*) filter (where comment like '%[PHONE]%'),"
        " count(*) filter (where comment like '%[SSN]%') from raw.touchpoints"
    )
    assert markers == [(1, 2, 1)]
    assert re.fullmatch(r"[0-9a-f]{64}", sql("select max(customer_key) from raw.agency_api")[0][0])
