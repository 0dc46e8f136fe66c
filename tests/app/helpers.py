"""Open a dashboard page in AppTest and read what it shows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"
PAGES = ["quarter_at_a_glance", "service_detail", "journeys", "relationships", "alerts",
         "action_plans", "data_quality", "omb_export"]  # fmt: skip


def open_page(page: str, **query: str) -> AppTest:
    """Run the app with `query` in the URL, then switch to `page` (the router runs first)."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "quarter_at_a_glance":
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def score_metrics(at: AppTest) -> dict[str, tuple[str, str, str]]:
    """Score metrics: label -> (value, the n line under it, delta). A score metric is
    its column's metric with the column's first markdown right under it."""
    out = {}
    for col in at.columns:
        if len(col.metric) == 1 and len(col.markdown):
            m = col.metric[0]
            out[m.label] = (m.value, col.markdown[0].value, m.delta)
    return out


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The one dataframe on the page holding `column`."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables hold {column!r}"
    return found[0]


def texts(at: AppTest) -> str:
    """Every info/warning/caption/markdown text on the page, joined."""
    parts = [e.value for kind in ("info", "warning", "caption", "markdown", "subheader")
             for e in at.get(kind)]  # fmt: skip
    return "\n".join(str(p) for p in parts)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def all_cells(at: AppTest) -> list[str]:
    """Every table cell on the page as text."""
    return [str(v) for d in at.dataframe for v in d.value.astype(str).to_numpy().ravel()]


def decode(value):
    """Plotly 7 sends numeric arrays as base64 typed arrays; return a nested list
    (None for NaN)."""
    if isinstance(value, dict) and "bdata" in value:
        import base64

        import numpy as np

        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            array = array.reshape([int(s) for s in str(value["shape"]).split(",")])
        return [[None if np.isnan(x) else float(x) for x in row] for row in array] \
            if array.ndim == 2 else [None if np.isnan(x) else float(x) for x in array]  # fmt: skip
    return value
