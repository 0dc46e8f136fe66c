"""Empty warehouse, a new publish, a vanished snapshot, the query registry."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from cx_snapshot import (
    ANSWER_VALUES,
    DRIVERS,
    JOURNEYS,
    RATES,
    RESPONSES,
    SCORES,
    SERVICES,
    STAGES,
    rows,
    suppression,
    write_snapshot,
)  # fmt: skip
from expected import customers, fafsa_answers, pooled
from helpers import PAGES, metrics, open_page, score_metrics, texts

from app import data
from app.queries import engine


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_how_to_get_data_when_nothing_is_published(empty_data_dir, page):
    at = open_page(page)
    assert "No data yet — run `make run`" in texts(at)
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_fixture(snapshot, page):
    at = open_page(page)
    assert at.title[0].value  # the page's title is shown
    assert "No data yet" not in texts(at)


def test_a_new_publish_is_picked_up_without_restart(snapshot, tmp_path):
    assert metrics(open_page("quarter_at_a_glance"))["Responses"][0] == "79"
    newer = rows()
    for r in newer["marts.agg_response_rates"]:
        r["n_responses"] += 1
    write_snapshot(tmp_path, newer, version="20260201T000000000000Z")
    # Same process, caches warm: the new version is a new cache key.
    assert metrics(open_page("quarter_at_a_glance"))["Responses"][0] == "82"


def test_a_snapshot_that_vanished_after_reading_current_is_reopened_via_current(
    snapshot, tmp_path, monkeypatch
):
    gone = engine.Snapshot("20250101T000000000000Z", tmp_path / "published" / "gone.duckdb")
    calls = iter([gone, engine.current_snapshot()])
    monkeypatch.setattr(engine, "current_snapshot", lambda: next(calls))
    df = engine.run("select count(*) as n from marts.dim_service")
    assert df.n.iloc[0] == 3


def test_current_naming_anything_but_a_snapshot_is_ignored(snapshot):
    (snapshot.parent / "CURRENT").write_text("../../etc/passwd\n")
    assert data.current_snapshot() is None


def test_every_registered_query_runs_on_the_latest_quarter(snapshot):
    assert len(data.QUERIES) >= 30
    for name, query in data.QUERIES.items():
        result = query()
        assert isinstance(result, pd.DataFrame), name
    assert data.QUERIES["glance.response_totals"]().n_responses.iloc[0] == 79
    assert data.QUERIES["service.key_drivers"]().n.max() == 10  # the FAFSA service


def test_the_snapshot_is_opened_read_only(snapshot):
    with pytest.raises(Exception, match="read-only"):
        engine.run("create table marts.x as select 1")


def test_registered_queries_return_the_fixture_numbers(snapshot):
    """Each registered query on the latest quarter (FY2026 Q1; per service: FAFSA, per
    journey: student aid) against numbers computed from the fixture rows in Python."""
    q = {name: query() for name, query in data.QUERIES.items()}
    names = {s["service_id"]: s["service_name"] for s in SERVICES}
    assert set(q["reference.services"].service_id) == set(names)
    assert set(q["reference.drivers"].driver) == {d for d, _l, _o in DRIVERS}

    by_service = q["glance.response_by_service"].set_index("service_name").n_responses
    rates = {names[r[0]]: r[4] for r in RATES if r[1:4] == (2026, 1, "all")}
    assert by_service.to_dict() == rates
    headline = q["glance.headline_scores"].set_index("driver")
    for driver in ("trust", "satisfaction"):
        n, pos = pooled(driver, 2026, 1)
        assert (headline.loc[driver, "n"], headline.loc[driver, "n_positive"]) == (n, pos)
    cells = [r for r in SCORES if r[1:4] == (2026, 1, "all")]
    scores = q["glance.driver_scores"]
    assert sorted(zip(scores.service_id, scores.driver, scores.n, strict=True)) == sorted(
        (r[0], r[4], r[5]) for r in cells
    )
    hidden = suppression()
    shown = [("service", s, 2026, 1, "all", d) not in hidden
             for s, d in zip(scores.service_id, scores.driver, strict=True)]  # fmt: skip
    assert scores.score.notna().tolist() == shown  # suppressed for either reason: no score
    assert scores[scores.n < 10].score.isna().all()

    trend = q["service.driver_trend"]
    assert sorted(zip(trend.fiscal_year, trend.fiscal_quarter, trend.driver, trend.n, strict=True)) == sorted(
        (r[1], r[2], r[4], r[5]) for r in SCORES
        if r[0] == "fsa-fafsa" and r[3] == "all" and (r[1], r[2]) <= (2026, 1)
    )  # fmt: skip
    answers = fafsa_answers()
    dist = q["service.answer_distribution"]
    for driver, given in answers.items():
        shown = int(dist[dist.driver == driver].n_answers.sum())
        assert shown == (len(given) if len(given) >= 10 else 0), driver  # < 10: suppressed
    # Each answer's count, label and tone (labels as METRICS.md words them).
    scale_of = {"trust": "likert5", "satisfaction": "likert5", "ease": "indicator"}
    words = {(s, v): (lbl, pos, neg) for s, v, lbl, pos, neg in ANSWER_VALUES}
    expected = sorted(
        (d, v, *words[(scale_of[d], v)], sum(1 for _k, g, _p in given if g == v))
        for d, given in answers.items() if len(given) >= 10
        for v in {g for _k, g, _p in given}
    )  # fmt: skip
    assert sorted(zip(dist.driver, dist.answer_value, dist.answer, dist.is_positive,
                      dist.is_negative, dist.n_answers, strict=True)) == expected  # fmt: skip
    reach = q["service.question_reach"].set_index("driver_label").n_answered
    labels = {d: lbl for d, lbl, _o in DRIVERS}
    assert reach.to_dict() == {labels[d]: len(a) for d, a in answers.items()}
    assert set(q["service.recent_comments"].comment) == {r[6] for r in RESPONSES if r[6]}
    # every FAFSA response answers trust (RESPONSES' third field is never None)
    assert set(q["service.recent_comments_on_trust"].comment) == {r[6] for r in RESPONSES if r[6]}
    # the suspect response (screening) is in the facts but in none of the numbers above
    # (its trust answer would be one more in the distribution and the reach), only here:
    suspects = q["quality.suspect_responses"]
    assert list(zip(suspects.rule, suspects.n_responses, strict=True)) == [("url_spam", 1)]
    assert q["export.suspect_responses"].n_responses.tolist() == [1]

    stages = q["journeys.journey_stages"].sort_values("stage_order")
    assert list(stages.n_entered) == [s[3] for s in sorted(STAGES, key=lambda s: s[1])]
    summary = q["journeys.journey_summary"].iloc[0]
    assert (summary.n_started, summary.n_completed, summary.n_open) == (
        len(JOURNEYS), sum(1 for j in JOURNEYS if j[1]), sum(1 for j in JOURNEYS if j[3]))  # fmt: skip
    for grouping in ("trust_by_tenure", "trust_by_agencies", "trust_new_vs_returning"):
        groups = q[f"relationships.{grouping}"]
        assert int(groups.n_customers.sum()) == customers(lambda c: True)[0], grouping
        assert int(groups.trust_n.sum()) == customers(lambda c: True)[1], grouping

    preview = q["export.submission_preview"]
    channel_cells = [r for r in SCORES if r[1:3] == (2026, 1) and r[3] != "all"]
    assert len(preview) == len(channel_cells)
    assert int(preview.answers.sum()) == sum(r[5] for r in channel_cells)


def test_the_suppression_threshold_is_the_snapshots_own(tmp_path, monkeypatch):
    # A snapshot built with min_reportable_n = 100: the page words and applies 100, not
    # a threshold of its own (the fixture's trust headline has n = 67, a score at 10).
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    published = rows()
    published["marts.dim_reporting_rules"][0]["min_reportable_n"] = 100
    write_snapshot(tmp_path, published)
    at = open_page("quarter_at_a_glance")
    assert "Scores of fewer than 100 answers are suppressed" in texts(at)
    shown = score_metrics(at)["Trust (% positive)"]
    assert shown[:2] == ("suppressed", "n = 67 answers (fewer than 100: no score)")


def test_a_snapshot_from_before_an_upgrade_says_to_run_the_pipeline(tmp_path, monkeypatch):
    # Published by an earlier version: no alerts table yet. The Alerts page says what to
    # do instead of showing a traceback; the other pages still work.
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    path = write_snapshot(tmp_path, rows())
    with duckdb.connect(str(path)) as con:
        con.execute("drop table marts.fct_cx_alerts")
    at = open_page("alerts")
    assert not at.exception
    assert "Run `cxwh pipeline` (or `make run`) to build and publish a current one." in (
        at.error[0].value
    )
    assert not open_page("relationships").exception
    glance = open_page("quarter_at_a_glance")  # its alert count is left out, the rest shown
    assert not glance.exception and not glance.error
