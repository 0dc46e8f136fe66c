"""Suspect-response screening through the real pipeline, on a landing zone written here.

IRS "file a return", web, FY2025 Q3 (May 2025), trust answers:
- 30 genuine Touchpoints submissions, one an hour from one page: 24 agree (5), 6 not (2);
- a burst: 60 submissions from another page within five minutes, all "strongly disagree";
- agency API: customer C-1 sends the same answer and comment twice, three minutes
  apart (the repeat is suspect); C-2's comment is two links (suspect); C-3 agrees.

- 30 satisfaction answers from a third page between 10:06 and 10:10 on 2025-05-20: too
  few for a burst (the rule needs 50 in a 10-minute window).

Counted by hand: 94 trust answers, 27 positive (28.7) without screening; with it the 62
suspect answers (60 + 1 + 1) are out: 32 answers, 26 positive, 81.25. A second
delivery brings C-1's same answer two minutes before the first one, which makes the
first one a repeat too: that response, loaded in the earlier run, changes flag. It also
brings 25 submissions from the third page between 10:10 and 10:14: no window of the
first grid (10:00-10:10, 10:10-10:20) holds 50, the shifted grid's 10:05-10:15 holds 55,
so all 55 are a burst, the 30 earlier ones included.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.settings import get_settings
from dagster_project.core.warehouse import open_warehouse
from dagster_project.defs.assets.export import write_export

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from dbt_runner import run_dbt  # noqa: E402

pytestmark = pytest.mark.slow

SERVICE = "irs-file-return"
TP_HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment\n"
)
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"


def _touchpoints() -> str:
    rows = []
    start = datetime(2025, 5, 1, 8, tzinfo=UTC)
    for i in range(30):  # genuine: one an hour
        at = (start + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        trust = 5 if i < 24 else 2
        rows.append(f"{i + 1},F-1,a11,{SERVICE},web,{at},https://www.irs.gov/file?ref=mail{i},"
                    f"{UA},,,{trust},,,,,,")  # fmt: skip
    burst = datetime(2025, 5, 10, 3, tzinfo=UTC)
    for i in range(60):  # a burst: 60 in five minutes from one page
        at = (burst + timedelta(seconds=5 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f"{100 + i},F-1,a11,{SERVICE},web,{at},https://www.irs.gov/refund,{UA},,,1,,,,,,"
        )
    return TP_HEADER + "\n".join(rows + _third_page(200, datetime(2025, 5, 20, 10, 6), 30)) + "\n"


def _third_page(first_id: int, start: datetime, n: int) -> list[str]:
    """n satisfaction answers from one page, eight seconds apart."""
    return [
        f"{first_id + i},F-1,a11,{SERVICE},web,"
        f"{(start.replace(tzinfo=UTC) + timedelta(seconds=8 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')},"
        f"https://www.irs.gov/payments,{UA},,5,,,,,,,"
        for i in range(n)
    ]


def _api(response_id: str, customer: str, at: str, value: str, comment: str | None) -> str:
    return json.dumps({
        "response_id": response_id, "service_id": SERVICE, "channel": "web",
        "submitted_at": at, "customer": {"id": customer}, "case_id": None, "stage": None,
        "answers": [{"driver": "trust", "scale": "likert5", "value": value}],
        "comment": comment,
    }) + "\n"  # fmt: skip


def _deliver(path: Path, text: str, when: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when, when))


def _trust_cell(data_dir: Path) -> tuple[int, int, float]:
    with open_warehouse(data_dir) as con:
        return con.execute(
            "select n, n_positive, score from marts.agg_quarterly_service_scores where "
            "service_id = ? and fiscal_year = 2025 and fiscal_quarter = 3 and channel = 'web' "
            "and driver = 'trust'",
            [SERVICE],
        ).fetchone()


def _flags(data_dir: Path) -> dict[str, str | None]:
    with open_warehouse(data_dir) as con:
        return dict(con.execute(
            "select source_record_id, suspect_rule from marts.fct_response where is_suspect "
            "or source = 'agency_api'"
        ).fetchall())  # fmt: skip


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    data = tmp_path_factory.mktemp("screening")
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    settings = get_settings()
    when = datetime(2025, 6, 1, tzinfo=UTC).timestamp()
    _deliver(settings.landing_dir / "touchpoints" / "tp1.csv", _touchpoints(), when)
    api = (
        _api("A-1", "C-1", "2025-05-12T10:00:00Z", "4", "Quick and clear.")
        + _api("A-2", "C-1", "2025-05-12T10:03:00Z", "4", "Quick and clear.")
        + _api("A-3", "C-2", "2025-05-12T11:00:00Z", "2",
               "see https://deals.example/x and https://deals.example/y")
        + _api("A-4", "C-3", "2025-05-13T09:00:00Z", "5", None)
    )  # fmt: skip
    _deliver(settings.landing_dir / "agency_api" / "api1.jsonl", api, when + 60)
    yield settings
    mp.undo()


def test_suspect_responses_are_flagged_kept_and_left_out_of_the_score(landing):
    assert main(["pipeline"]) == 0
    # kept, with the flag: every response is in the fact
    with open_warehouse(landing.data_dir) as con:
        total, pages = con.execute(
            "select count(*), count(distinct page) filter (where source = 'touchpoints') "
            "from marts.fct_response"
        ).fetchone()
        by_rule = dict(con.execute(
            "select suspect_rule, n_responses from marts.agg_suspect_responses"
        ).fetchall())  # fmt: skip
        reasons = [r for (r,) in con.execute(
            "select suspect_reason from marts.fct_response where is_suspect").fetchall()]  # fmt: skip
    assert total == 124
    assert pages == 3  # query strings are cut: 30 "?ref=mail<i>" are one page, + 2
    assert by_rule == {"submission_burst": 60, "duplicate_answers": 1, "url_spam": 1}
    assert not any("deals.example" in r or "Quick" in r for r in reasons)  # no content
    flags = _flags(landing.data_dir)
    assert {k: flags[k] for k in ("A-1", "A-2", "A-3", "A-4")} == {
        "A-1": None, "A-2": "duplicate_answers", "A-3": "url_spam", "A-4": None,
    }  # fmt: skip
    # the score: 26 of 32 (81.25), not 27 of 94 (28.7)
    n, positive, score = _trust_cell(landing.data_dir)
    assert (n, positive) == (32, 26)
    assert score == pytest.approx(100 * 26 / 32)

    # the published snapshot and the OMB export leave them out as well
    with duckdb.connect(str(current_snapshot(landing)), read_only=True) as con:
        assert con.execute(
            "select sum(n_responses) from marts.agg_suspect_responses").fetchone()[0] == 62  # fmt: skip
    manifest = json.loads((write_export(2025, 3, landing) / "manifest.json").read_text())
    assert manifest["suspect_responses_excluded"] == {
        "total": 62,
        "by_rule": {"duplicate_answers": 1, "submission_burst": 60, "url_spam": 1},
        "by_service": {SERVICE: 62},
    }
    with open_warehouse(landing.data_dir) as con:
        submitted = con.execute(
            "select count(*) from marts.fct_omb_survey_responses where fiscal_year = 2025"
        ).fetchone()[0]
    assert submitted == 124 - 62


def test_a_later_delivery_changes_an_earlier_responses_flag(landing):
    """C-1's same answer, delivered now but sent two minutes before A-1: A-1 becomes the
    repeat. The trust cell keeps 32 answers (A-0 in, A-1 out), the relationship mart
    counts C-1's one genuine answer, and the stored flags equal a fresh screening of
    every response (test_the_stored_flags_equal_a_fresh_screening_of_every_response).
    The third page's 25 new submissions make a burst of 55 on the shifted grid: the 30
    earlier ones change flag although the batch touched none of their first-grid
    windows."""
    latest = max(p.stat().st_mtime for p in landing.landing_dir.rglob("*") if p.is_file())
    _deliver(landing.landing_dir / "agency_api" / "api2.jsonl",
             _api("A-0", "C-1", "2025-05-12T09:58:00Z", "4", "Quick and clear."),
             latest + 60)  # fmt: skip
    _deliver(landing.landing_dir / "touchpoints" / "tp2.csv",
             TP_HEADER + "\n".join(_third_page(300, datetime(2025, 5, 20, 10, 10), 25)) + "\n",
             latest + 60)  # fmt: skip
    assert main(["pipeline"]) == 0
    flags = _flags(landing.data_dir)
    assert {k: flags[k] for k in ("A-0", "A-1", "A-2")} == {
        "A-0": None, "A-1": "duplicate_answers", "A-2": "duplicate_answers",
    }  # fmt: skip
    assert _trust_cell(landing.data_dir)[:2] == (32, 26)
    with open_warehouse(landing.data_dir) as con:
        changed = con.execute(
            "select count(*) from marts_db.intermediate.screening_changes"
        ).fetchone()[0]
        trust_n = con.execute(
            "select sum(trust_n) from marts.fct_relationship r join marts.fct_response f "
            "using (customer_key) where f.source_record_id = 'A-0'"
        ).fetchone()[0]
        bursts = con.execute(
            "select count(*), count(*) filter (where split_part(source_record_id, ':', 2)::int < 300) "
            "from marts.fct_response where page = 'https://www.irs.gov/payments' "
            "and suspect_rule = 'submission_burst'"
        ).fetchone()
    assert changed == 1 + 30  # A-1's and the third page's earlier flags changed
    assert trust_n == 1
    assert bursts == (55, 30)


def test_the_stored_flags_equal_a_fresh_screening_of_every_response(landing):
    """After the later delivery changed a flag: with full_tests the check screens every
    response afresh and agrees with what the post-hooks stored; on its own it checks
    that the last screening was of the latest batch with the current rules, and fails
    when it was not."""
    full = run_dbt(landing.data_dir, "test",
                   ["assert_screening_flags_current", "--vars", "{full_tests: true}"])  # fmt: skip
    assert full.returncode == 0, full.output[-3000:]
    assert run_dbt(landing.data_dir, "test", ["assert_screening_flags_current"]).returncode == 0
    state = "marts_db.intermediate.screening_state"
    with open_warehouse(landing.data_dir, read_only=False) as con:
        kept = con.execute(f"select * from {state}").fetchall()
        con.execute(f"update {state} set batch_since = batch_since - interval 1 day")
    try:
        stale = run_dbt(landing.data_dir, "test", ["assert_screening_flags_current"])
        assert stale.returncode != 0
        assert "assert_screening_flags_current" in stale.output
    finally:
        with open_warehouse(landing.data_dir, read_only=False) as con:
            con.execute(f"delete from {state}")
            con.executemany(f"insert into {state} values (?, ?, ?)", kept)
