"""The floor (bare DuckDB) and the pandas baseline agree exactly, and with hand counts.

They are the benchmark's yardsticks and its correctness gate: if they disagree with
each other, no comparison with the pipeline means anything.
"""

from __future__ import annotations

import pandas as pd
import pytest
from bench_landing import write_landing

from benchmarks.floor import floor_scores
from benchmarks.landing import SCORE_KEY
from benchmarks.pandas_pipeline import pandas_scores
from dagster_project.generate import generate_feeds


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("landing")
    return root, write_landing(root)


def _cells(df: pd.DataFrame) -> dict:
    return {
        tuple(r[:5]): (int(r[5]), int(r[6]))
        for r in df[[*SCORE_KEY, "n", "n_positive"]].itertuples(index=False)
    }


def test_floor_matches_hand_counts(landing):
    root, expected = landing
    cells = _cells(floor_scores(root))
    got = {k: cells.get(k, (0, 0)) for k in expected}
    assert got == expected


def test_pandas_matches_hand_counts(landing):
    root, expected = landing
    cells = _cells(pandas_scores(root))
    got = {k: cells.get(k, (0, 0)) for k in expected}
    assert got == expected


def _every_value(df: pd.DataFrame) -> dict:
    from benchmarks.run import _cells as cells_with_scores

    return cells_with_scores(df)


def test_floor_equals_pandas_on_every_cell(landing):
    from benchmarks.run import compare

    root, _ = landing
    cells, bad = compare(
        {"floor": _every_value(floor_scores(root)), "pandas": _every_value(pandas_scores(root))}
    )
    assert cells > 0 and bad == []


def test_scores_and_suppression_are_computed_by_both(landing):
    root, _ = landing
    for df in (floor_scores(root), pandas_scores(root)):
        assert ((df["score"] - 100 * df["n_positive"] / df["n"]).abs() < 1e-9).all()
        assert (df["is_suppressed"] == (df["n"] < 10)).all()
        assert df["is_suppressed"].any()  # the hand-made landing zone has small cells


def test_floor_equals_pandas_on_a_generated_landing_zone(tmp_path):
    landing = tmp_path / "landing"
    generate_feeds(out_dir=landing, responses=3000, seed=7, progress=False)
    floor = _cells(floor_scores(landing))
    assert floor  # the generated feeds hold answers
    assert floor == _cells(pandas_scores(landing))
    from benchmarks.run import compare

    cells, bad = compare(
        {
            "floor": _every_value(floor_scores(landing)),
            "pandas": _every_value(pandas_scores(landing)),
        }
    )
    assert cells == len(floor) and bad == []
