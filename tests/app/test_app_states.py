"""Empty warehouse, a new publish, a vanished snapshot, the query registry."""

from __future__ import annotations

import pandas as pd
import pytest
from cx_snapshot import rows, write_snapshot
from helpers import PAGES, metrics, open_page, texts

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
