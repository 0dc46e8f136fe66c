"""The export stops, writing nothing, when a response breaks an upload rule: one broken
row per rule, each named with its rule and its external_id."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.defs.assets.export import (
    INDICATORS,
    RESPONSE_RULES,
    ExportError,
    _validate_responses,
)

GOOD = {"external_id": "ok", "survey_type": "likert_scale", "question_1": 4,
        **{f"positive_{d}": 1 for d in INDICATORS}, **{f"negative_{d}": 0 for d in INDICATORS}}  # fmt: skip

BROKEN = {
    "question_1 is 0 or 1 on a thumbs survey": {"survey_type": "thumbs_up_down", "question_1": 4},
    "question_1 is 1-5 on a Likert survey": {"question_1": 0},
    **{f"positive_{d} and negative_{d} are 0, 1 or blank and not both 1":
       {f"negative_{d}": 1} for d in INDICATORS},
}  # fmt: skip


def _responses(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    columns = list(GOOD)
    types = {"external_id": "varchar", "survey_type": "varchar"}
    con.execute("create temp table quarter_responses ("
                + ", ".join(f"{c} {types.get(c, 'integer')}" for c in columns) + ")")  # fmt: skip
    for row in rows:
        con.execute(f"insert into quarter_responses values ({', '.join('?' * len(columns))})",
                    [row[c] for c in columns])  # fmt: skip
    return con


def test_every_rule_has_a_broken_row_here():
    assert set(BROKEN) == set(RESPONSE_RULES)


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_a_response_breaking_a_rule_stops_the_export(rule):
    bad = {**GOOD, **BROKEN[rule], "external_id": "bad-1"}
    con = _responses([GOOD, bad])
    with pytest.raises(ExportError, match="nothing was exported") as failure:
        _validate_responses(con)
    assert f"{rule}: 1 responses (e.g. bad-1)" in str(failure.value)
    assert str(failure.value).count("responses (e.g.") == 1  # only the broken rule


def test_clean_responses_and_unasked_questions_pass():
    unasked = {**GOOD, "external_id": "blank", "question_1": None,
               **{f"positive_{d}": None for d in INDICATORS},
               **{f"negative_{d}": None for d in INDICATORS}}  # fmt: skip
    thumbs = {**GOOD, "external_id": "thumbs", "survey_type": "thumbs_up_down", "question_1": 0}
    _validate_responses(_responses([GOOD, unasked, thumbs]))
