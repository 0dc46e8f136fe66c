"""The export's checks, one broken row per rule: each problem names its file, its row
and its rule, and sets the export's status (ready / review / not_ready)."""

from __future__ import annotations

import duckdb
import pytest

from dagster_project.defs.assets.export import RESPONSES_HEADER
from dagster_project.defs.assets.export_validation import (
    DETAIL_RULES,
    ERROR,
    INDICATORS,
    RESPONSE_RULES,
    WARNING,
    status,
    validate,
)

GOOD = {"external_id": "ok", "service_id": "svc", "channel": "web",
        "transaction_point": "post_interaction", "survey_type": "likert_scale",
        "question_1": 4, **{f"positive_{d}": 1 for d in INDICATORS},
        **{f"negative_{d}": 0 for d in INDICATORS}}  # fmt: skip
DETAIL = {"service_id": "svc", "channel": "web", "touchpoints_channel": "website",
          "transaction_point": "post_interaction", "survey_type": "likert_scale",
          "volume_of_customers": 100, "volume_of_customers_provided_survey_opportunity": 50,
          "volume_of_respondents": 2, "responses_file_stem": "svc__website"}  # fmt: skip
TEXT = {"external_id", "service_id", "channel", "transaction_point", "survey_type",
        "touchpoints_channel", "responses_file_stem"}  # fmt: skip

BROKEN = {
    "question_1 is 0 or 1 on a thumbs survey": {"survey_type": "thumbs_up_down", "question_1": 4},
    "question_1 is 1-5 on a Likert survey": {"question_1": 0},
    **{f"positive_{d} and negative_{d} are 0, 1 or blank and not both 1":
       {f"negative_{d}": 1} for d in INDICATORS},
}  # fmt: skip


def _table(con, name: str, rows: list[dict], temp: bool = False) -> None:
    columns = list(rows[0])
    con.execute(f"create {'temp ' if temp else ''}table {name} ("
                + ", ".join(f"{c} {'varchar' if c in TEXT else 'bigint'}" for c in columns)
                + ")")  # fmt: skip
    for row in rows:
        con.execute(f"insert into {name} values ({', '.join('?' * len(columns))})",
                    [row[c] for c in columns])  # fmt: skip


def _check(tmp_path, responses: list[dict], details: list[dict] | None = None, header=None):
    con = duckdb.connect()
    con.execute("create schema marts")
    details = [{**d, "fiscal_year": 2025, "fiscal_quarter": 2} for d in (details or [DETAIL])]
    _table(con, "marts.agg_omb_cx_collection_details", details)
    _table(con, "quarter_responses", responses, temp=True)
    uploads = tmp_path / "cx_responses"
    uploads.mkdir()
    (uploads / "svc__website.csv").write_text(",".join(header or RESPONSES_HEADER) + "\n")
    return validate(con, 2025, 2, tmp_path)


def test_every_response_rule_has_a_broken_row_here():
    assert set(BROKEN) == set(RESPONSE_RULES)


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_a_response_breaking_a_rule_is_an_error_naming_file_row_and_rule(tmp_path, rule):
    bad = {**GOOD, **BROKEN[rule], "external_id": "bad-1", "transaction_point": "x"}
    # its own collection detail (thumbs or Likert), on the same upload file for brevity
    detail = {**DETAIL, "survey_type": bad["survey_type"], "transaction_point": "x"}
    problems = _check(tmp_path, [GOOD, bad], [DETAIL, detail])
    assert [(p.severity, p.rule, p.file, p.row) for p in problems] == [
        (ERROR, rule, "cx_responses/svc__website.csv", "bad-1")
    ]
    assert status(problems) == "not_ready"


def test_clean_responses_and_unasked_questions_are_ready(tmp_path):
    unasked = {**GOOD, "external_id": "blank", "question_1": None,
               **{f"positive_{d}": None for d in INDICATORS},
               **{f"negative_{d}": None for d in INDICATORS}}  # fmt: skip
    thumbs = {**GOOD, "external_id": "thumbs", "survey_type": "thumbs_up_down", "question_1": 0}
    thumbs_detail = {**DETAIL, "survey_type": "thumbs_up_down", "transaction_point": "x"}
    thumbs["transaction_point"] = "x"
    problems = _check(tmp_path, [GOOD, unasked, thumbs], [DETAIL, thumbs_detail])
    assert problems == []
    assert status(problems) == "ready"


DETAIL_BROKEN = {
    "respondents ≤ customers offered the survey":
        ({"volume_of_respondents": 51}, GOOD),
    "customers offered the survey ≤ customers served":
        ({"volume_of_customers_provided_survey_opportunity": 101}, GOOD),
    "the required trust question (question_1) is answered on the collection":
        ({}, {**GOOD, "question_1": None}),
}  # fmt: skip


def test_every_detail_rule_has_a_broken_row_here():
    assert set(DETAIL_BROKEN) == set(DETAIL_RULES)


@pytest.mark.parametrize("rule", sorted(DETAIL_BROKEN))
def test_a_collection_detail_breaking_a_rule_names_its_row(tmp_path, rule):
    change, response = DETAIL_BROKEN[rule]
    problems = _check(tmp_path, [response], [{**DETAIL, **change}])
    severity = DETAIL_RULES[rule][0]
    assert [(p.severity, p.rule, p.file, p.row) for p in problems] == [
        (severity, rule, "cx_collection_details.csv",
         "svc · website · post_interaction · likert_scale")
    ]  # fmt: skip
    assert status(problems) == ("not_ready" if severity == ERROR else "review")


def test_volumes_are_errors_and_a_missing_trust_question_a_warning():
    severities = {rule: severity for rule, (severity, _, _) in DETAIL_RULES.items()}
    assert sorted(severities.values()) == [ERROR, ERROR, WARNING]
    assert severities["the required trust question (question_1) is answered on the collection"] == (
        WARNING
    )


def test_two_survey_types_on_one_transaction_point_are_a_warning(tmp_path):
    thumbs = {**GOOD, "external_id": "t", "survey_type": "thumbs_up_down", "question_1": 1}
    details = [DETAIL, {**DETAIL, "survey_type": "thumbs_up_down"}]
    problems = _check(tmp_path, [GOOD, thumbs], details)
    [problem] = problems
    assert (problem.severity, problem.row) == (WARNING, "svc · website · post_interaction")
    assert "2 collection details (likert_scale, thumbs_up_down)" in problem.detail
    assert "50 customers offered" in problem.detail
    assert status(problems) == "review"


def test_an_upload_without_the_17_columns_is_an_error(tmp_path):
    assert len(RESPONSES_HEADER) == 17
    problems = _check(tmp_path, [GOOD], header=RESPONSES_HEADER[:-1])
    assert [(p.severity, p.file, p.row) for p in problems] == [
        (ERROR, "cx_responses/svc__website.csv", "header")
    ]
