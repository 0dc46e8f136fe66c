"""`cxwh pipeline` on generated feeds: a real Dagster run of ingest, dbt build and publish.

Expected numbers are computed here in pandas straight from the raw tables and the
A-11 rules (not by the dbt SQL), then compared with the published marts.
"""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.warehouse import open_warehouse

pytestmark = pytest.mark.slow

THUMBS_UP = {"1", "up", "yes", "👍"}
THUMBS = THUMBS_UP | {"0", "down", "no", "👎"}


def _fiscal(ts: pd.Series) -> tuple[pd.Series, pd.Series]:
    utc = pd.to_datetime(ts, utc=True)
    fy = utc.dt.year + (utc.dt.month >= 10).astype(int)
    fq = ((utc.dt.month - 10) % 12) // 3 + 1
    return fy, fq


def _expected_trust(con) -> pd.DataFrame:
    """Trust answers per service × fiscal quarter, from raw.* by the METRICS.md rules."""
    frames = []
    tp = con.execute(
        "select service_id, created_at as ts, form_kind, trust, answer_01 from raw.touchpoints"
    ).df()
    legacy = tp[(tp.form_kind == "a11") & tp.trust.notna()]
    frames.append(legacy.assign(positive=legacy.trust >= 4)[["service_id", "ts", "positive"]])
    v2 = tp[(tp.form_kind == "a11_v2") & tp.answer_01.notna()]
    frames.append(v2.assign(positive=v2.answer_01 == 1)[["service_id", "ts", "positive"]])
    radio = tp[(tp.form_kind == "a11_v2_radio") & tp.answer_01.notna()]
    frames.append(radio.assign(positive=radio.answer_01 >= 4)[["service_id", "ts", "positive"]])

    api = con.execute(
        "select service_id, submitted_at as ts, a.scale, a.value "
        "from raw.agency_api, unnest(answers) as t(a) where a.driver = 'trust'"
    ).df()
    likert = api[api.scale == "likert5"]
    frames.append(
        likert.assign(positive=likert.value.astype(int) >= 4)[["service_id", "ts", "positive"]]
    )
    thumbs = api[(api.scale == "thumbs") & api.value.isin(THUMBS)]
    frames.append(
        thumbs.assign(positive=thumbs.value.isin(THUMBS_UP))[["service_id", "ts", "positive"]]
    )
    cc = con.execute(
        "select service_id, call_start as ts, q5 from raw.contact_center where q5 is not null"
    ).df()
    frames.append(cc.assign(positive=cc.q5 >= 4)[["service_id", "ts", "positive"]])

    answers = pd.concat(frames, ignore_index=True)
    answers["fiscal_year"], answers["fiscal_quarter"] = _fiscal(answers.ts)
    return (
        answers.groupby(["service_id", "fiscal_year", "fiscal_quarter"])
        .agg(n=("positive", "size"), n_positive=("positive", "sum"))
        .reset_index()
    )


def test_trust_scores_match_an_independent_computation(built):
    with open_warehouse(built.data_dir) as con:
        expected = _expected_trust(con)
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        marts = con.execute(
            "select service_id, fiscal_year, fiscal_quarter, n, n_positive, score, "
            "is_suppressed, suppression_reason "
            "from marts.agg_quarterly_service_scores where channel = 'all' and driver = 'trust'"
        ).df()
    merged = expected.merge(
        marts, on=["service_id", "fiscal_year", "fiscal_quarter"], how="outer", indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    assert (merged.n_x == merged.n_y).all()
    assert (merged.n_positive_x == merged.n_positive_y).all()
    # The mart publishes the score rounded to 4 decimals.
    expected_score = (100 * merged.n_positive_x / merged.n_x).astype(float)
    assert ((merged.score.astype(float) - expected_score).abs() <= 5e-5).all()
    # primary suppression is exactly n < 10; complementary hides more, never fewer
    assert ((merged.suppression_reason == "primary") == (merged.n_x < 10)).all()
    assert (merged.is_suppressed >= (merged.n_x < 10)).all()
    assert expected.n.sum() > 500  # the demo really has trust answers


def test_every_loaded_response_is_one_fact_row(built):
    with open_warehouse(built.data_dir) as con:
        raw = con.execute(
            "select (select count(*) from raw.touchpoints) + (select count(*) from raw.agency_api)"
            " + (select count(*) from raw.contact_center)"
        ).fetchone()[0]
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        facts = con.execute("select count(*), count(distinct response_key) from marts.fct_response")
        assert facts.fetchone() == (raw, raw)


def test_each_responses_driver_bits_name_exactly_its_answers(built):
    """fct_response.answered_drivers (the dashboard's comment filter by driver) sets
    bit driver_order - 1 for exactly the drivers the answer fact holds for it, and
    dim_driver.driver_bit (what the dashboard masks with) is that bit."""
    with duckdb.connect(str(current_snapshot(built)), read_only=True) as con:
        bits = con.execute("select driver_order, driver_bit from marts.dim_driver").fetchall()
        pairs = con.execute(
            """
            select r.response_key, d.driver, (r.answered_drivers >> (d.driver_order - 1)) & 1
            from marts.fct_response r cross join marts.dim_driver d
            """
        ).fetchall()
        answered = set(
            con.execute(
                "select response_key, driver from marts.fct_transaction_feedback"
            ).fetchall()
        )
    assert {(key, driver) for key, driver, bit in pairs if bit} == answered
    assert len(bits) >= 7 and all(bit == 1 << (order - 1) for order, bit in bits)
    assert len(answered) > 1000


def test_every_input_row_is_loaded_or_quarantined(built):
    with open_warehouse(built.data_dir) as con:
        bad = con.execute(
            "select count(*) from raw.load_log where status = 'loaded' "
            "and rows_read <> rows_loaded + rows_quarantined"
        ).fetchone()[0]
        statuses = dict(
            con.execute("select status, count(*) from raw.load_log group by 1").fetchall()
        )
    assert bad == 0
    assert statuses["loaded"] > 10
    assert statuses.get("failed", 0) == 0


def test_a_second_run_loads_nothing_and_changes_nothing(built):
    snap_before = current_snapshot(built)
    with duckdb.connect(str(snap_before), read_only=True) as con:
        before = con.execute(
            "select count(*), sum(n_positive) from marts.agg_quarterly_service_scores"
        ).fetchone()
    runs_before = _dagster_runs(built)
    summary = built.data_dir / "nothing-new.json"
    assert main(["pipeline", "--summary-json", str(summary)]) == 0
    # nothing waits, nothing changed, all is published: decided without a Dagster run
    report = json.loads(summary.read_text())
    assert "no landing file waits" in report["nothing_new"]
    assert report["dbt"]["nodes"] == 0 and report["files"] == []
    assert _dagster_runs(built) == runs_before
    with open_warehouse(built.data_dir) as con:
        loaded = con.execute("select count(*) from raw.load_log where status = 'loaded'").fetchone()
    snap_after = current_snapshot(built)
    # nothing new: nothing is built, so the dashboard keeps the very same snapshot
    assert snap_after == snap_before
    with duckdb.connect(str(snap_after), read_only=True) as con:
        after = con.execute(
            "select count(*), sum(n_positive) from marts.agg_quarterly_service_scores"
        ).fetchone()
    assert after == before
    with open_warehouse(built.data_dir) as con:
        again = con.execute("select count(*) from raw.load_log where status = 'loaded'").fetchone()
    assert again == loaded


def test_force_starts_a_dagster_run_that_also_finds_nothing_to_build(built):
    snap_before = current_snapshot(built)
    runs_before = _dagster_runs(built)
    summary = built.data_dir / "forced.json"
    assert main(["pipeline", "--force", "--summary-json", str(summary)]) == 0
    report = json.loads(summary.read_text())
    assert "nothing_new" not in report and report["run_id"]
    assert report["dbt"]["nodes"] == 0  # the run's own plan: nothing changed
    assert report["checks_run"] > 0  # the ingest checks were evaluated again
    assert _dagster_runs(built) == runs_before + 1
    assert current_snapshot(built) == snap_before


def _dagster_runs(settings) -> int:
    from dagster_project.cli.instance import instance

    return len(instance(settings).get_runs())
