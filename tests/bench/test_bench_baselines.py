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


def test_floor_equals_pandas_on_every_cell(landing):
    root, _ = landing
    assert _cells(floor_scores(root)) == _cells(pandas_scores(root))


def test_floor_equals_pandas_on_a_generated_landing_zone(tmp_path):
    generate = pytest.importorskip("dagster_project.generate")
    landing = tmp_path / "landing"
    generate.generate_feeds(out_dir=landing, responses=3000, seed=7, progress=False)
    floor = _cells(floor_scores(landing))
    assert floor  # the generated feeds hold answers
    assert floor == _cells(pandas_scores(landing))
