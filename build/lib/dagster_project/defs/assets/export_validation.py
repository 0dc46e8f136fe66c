"""The checks an OMB export passes before it is marked ready, as Touchpoints and OMB read it.

Each problem names its file, its row (a response's external_id, or a collection
detail's service · channel · transaction point · survey type), the rule and what to
do. Errors are what the upload or OMB would reject; warnings are what OMB would
question (a collection without the required trust question, two forms counting the
same customers offered). `write_export` lists them in the export's manifest.json and sets its status:
`ready` (no problem), `review` (warnings only) or `not_ready` (an error); the OMB
export page shows them, and `cxwh export` exits non-zero unless the export is ready
(or only has warnings and `--allow-warnings` is given).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

ERROR, WARNING = "error", "warning"
# How many rows one rule lists; the count in its detail covers every row.
MAX_ROWS_PER_RULE = 20
# Touchpoints' cx_responses upload has exactly these many columns.
UPLOAD_COLUMNS = 17

INDICATORS = ("effectiveness", "ease", "efficiency", "transparency", "humanity", "employee",
              "other")  # fmt: skip
# The upload's value rules for each cx_responses row (Touchpoints rejects a file that
# breaks one): rule -> SQL that is true on a breaking row.
RESPONSE_RULES = {
    "question_1 is 0 or 1 on a thumbs survey":
        "survey_type = 'thumbs_up_down' and question_1 not in (0, 1)",
    "question_1 is 1-5 on a Likert survey":
        "survey_type = 'likert_scale' and question_1 not between 1 and 5",
    **{f"positive_{d} and negative_{d} are 0, 1 or blank and not both 1":
       f"positive_{d} not in (0, 1) or negative_{d} not in (0, 1) "
       f"or positive_{d} + negative_{d} > 1" for d in INDICATORS},
}  # fmt: skip

DETAIL_KEY = "service_id, channel, transaction_point, survey_type"
DETAIL_LABEL = (
    "service_id || ' · ' || touchpoints_channel || ' · ' || transaction_point || ' · ' "
    "|| survey_type"
)
# Per collection detail (cx_collection_details.csv): rule -> (severity, SQL true on a
# breaking row, what it means).
DETAIL_RULES = {
    "respondents ≤ customers offered the survey": (
        ERROR,
        "volume_of_respondents > volume_of_customers_provided_survey_opportunity",
        "more respondents than customers offered the survey: check the service volumes "
        "delivered for this quarter",
    ),
    "customers offered the survey ≤ customers served": (
        ERROR,
        "volume_of_customers_provided_survey_opportunity > volume_of_customers",
        "more customers offered the survey than served: check the service volumes "
        "delivered for this quarter",
    ),
    # Touchpoints takes a blank question_1 (`null`), but A-11 requires the trust
    # question of every HISP collection: OMB would ask.
    "the required trust question (question_1) is answered on the collection": (
        WARNING,
        "not exists (select 1 from quarter_responses r where r.service_id = d.service_id "
        "and r.channel = d.channel and r.transaction_point = d.transaction_point "
        "and r.survey_type = d.survey_type and r.question_1 is not null)",
        "no response of this collection answers question_1: the form it came from does "
        "not ask the A-11 trust question",
    ),
}


@dataclass(frozen=True)
class Problem:
    severity: str  # ERROR or WARNING
    rule: str
    file: str
    row: str
    detail: str

    def describe(self) -> str:
        return f"{self.severity.upper()} {self.file} [{self.row}] {self.rule}: {self.detail}"


def status(problems: list[Problem]) -> str:
    """`ready`, `review` (warnings only) or `not_ready` (any error)."""
    if any(p.severity == ERROR for p in problems):
        return "not_ready"
    return "review" if problems else "ready"


def as_json(problems: list[Problem]) -> list[dict]:
    return [asdict(p) for p in problems]


def validate(con: duckdb.DuckDBPyConnection, fy: int, fq: int, out: Path) -> list[Problem]:
    """Every problem of the export written to `out` from the temp table
    `quarter_responses` (the quarter's rows of marts.fct_omb_cx_responses)."""
    con.execute(
        "create or replace temp table quarter_details as "
        "select * from marts.agg_omb_cx_collection_details "
        "where fiscal_year = ? and fiscal_quarter = ?",
        [fy, fq],
    )
    try:
        return [
            *_upload_headers(out),
            *_response_rules(con),
            *_detail_rules(con),
            *_shared_collections(con),
        ]
    finally:
        con.execute("drop table quarter_details")


def _upload_headers(out: Path) -> list[Problem]:
    problems = []
    for path in sorted((out / "cx_responses").glob("*.csv")):
        with path.open(encoding="utf-8") as fh:
            header = fh.readline().rstrip("\r\n").split(",")
        if len(header) != UPLOAD_COLUMNS:
            problems.append(
                Problem(
                    ERROR,
                    f"the upload has Touchpoints' {UPLOAD_COLUMNS} columns",
                    f"cx_responses/{path.name}",
                    "header",
                    f"{len(header)} columns: {', '.join(header)}",
                )  # fmt: skip
            )
    return problems


def _response_rules(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    problems = []
    for rule, breaks in RESPONSE_RULES.items():
        rows = con.execute(
            f"""
            select d.responses_file_stem, r.external_id, count(*) over () as n
            from quarter_responses r
            left join quarter_details d using ({DETAIL_KEY})
            where coalesce({breaks}, false)
            order by r.external_id
            limit {MAX_ROWS_PER_RULE}
            """
        ).fetchall()
        for stem, external_id, n in rows:
            problems.append(
                Problem(
                    ERROR,
                    rule,
                    f"cx_responses/{stem}.csv",
                    external_id,
                    f"Touchpoints rejects the upload ({n} responses break this rule; "
                    "correct them in the source and load it again)",
                )  # fmt: skip
            )
    return problems


def _detail_rules(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    problems = []
    for rule, (severity, breaks, meaning) in DETAIL_RULES.items():
        rows = con.execute(
            f"select {DETAIL_LABEL} from quarter_details d where coalesce({breaks}, false) "
            f"order by 1 limit {MAX_ROWS_PER_RULE}"
        ).fetchall()
        problems += [
            Problem(severity, rule, "cx_collection_details.csv", label, meaning)
            for (label,) in rows
        ]
    return problems


def _shared_collections(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """One collection per service × channel × transaction point: two survey types on
    one of them are two detail rows, each counting the same customers offered."""
    rows = con.execute(
        f"""
        select service_id || ' · ' || touchpoints_channel || ' · ' || transaction_point,
               string_agg(survey_type, ', ' order by survey_type),
               max(volume_of_customers_provided_survey_opportunity)
        from quarter_details
        group by service_id, touchpoints_channel, transaction_point
        having count(*) > 1
        order by 1
        limit {MAX_ROWS_PER_RULE}
        """
    ).fetchall()
    return [
        Problem(
            WARNING,
            "one collection per service × channel × transaction point",
            "cx_collection_details.csv",
            label,
            f"{types.count(',') + 1} collection details ({types}) share it, so the "
            f"{offered:,} customers offered the survey are counted in each; keep one "
            "form per transaction point, or split the offered volume between them",
        )  # fmt: skip
        for label, types, offered in rows
    ]
