"""Layout helpers shared by the pages: page start, empty states, formatting, charts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app import data, filters
from app.data import Scope


def start(title: str, caption: str | None = None,
          show: Sequence[str] = filters.KEYS) -> Scope:  # fmt: skip
    """Title, the empty-warehouse stop, and the sidebar filters; returns the scope."""
    st.title(title)
    if data.current_snapshot() is None:
        no_snapshot()
    if caption:  # `{min_n}` in it is the snapshot's suppression threshold
        st.markdown(caption.replace("{min_n}", str(min_n())))
    try:
        latest = data.latest_scope()
    except data.NoSnapshotError:  # CURRENT changed under us and the retry failed too
        no_snapshot()
    if latest is None:
        st.info("The published snapshot holds no feedback yet — land files and run `make run`.")
        if "fy" in show:
            st.stop()
        latest = Scope(0, 1)
    scope = filters.sidebar(latest, show) if show else latest
    _snapshot_note()
    return scope


def no_snapshot() -> None:
    st.info(
        "**No data yet — run `make run`.**\n\n"
        "`make run` generates demo agency feeds, loads them, builds the marts and "
        "publishes the read-only snapshot this dashboard shows. With your own feeds in "
        "`$CX_DATA_DIR/landing/`, run `cxwh pipeline` instead."
    )
    st.stop()


def _snapshot_note() -> None:
    snapshot = data.current_snapshot()
    if snapshot is not None:
        st.sidebar.caption(f"Snapshot version `{snapshot.version}`")


def quarter_label(scope: Scope) -> str:
    return f"FY{scope.fiscal_year} Q{scope.fiscal_quarter}"


def no_data_for_quarter(scope: Scope, what: str = "feedback") -> None:
    st.info(
        f"No {what} for {quarter_label(scope)} with these filters. "
        "Choose another quarter or widen the filters in the sidebar."
    )


def min_n() -> int:
    """Below this many answers a score is suppressed: the published snapshot's own
    rule (dim_reporting_rules.min_reportable_n, dbt's var), never a copy here."""
    return int(data.reference.reporting_rules().min_reportable_n.iloc[0])


def fmt_n(n: object) -> str:
    return "–" if is_missing(n) else f"{int(n):,}"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# A score with enough answers that came without a value was suppressed to protect
# another cell (complementary suppression, docs/suppression.md): said in plain words.
WITHHELD = "withheld"
WITHHELD_WHY = "with the totals beside it, it would reveal a suppressed score"


def fmt_score(score: object, n: object) -> str:
    """'75.0 (n=40)'; a suppressed or missing score shows only its n: 'suppressed' below
    the threshold, 'withheld' when it has enough answers but would reveal another."""
    if is_missing(n):
        return "no answers"
    if int(n) < min_n():
        return f"suppressed (n={int(n):,})"
    if is_missing(score):
        return f"{WITHHELD} (n={int(n):,})"
    return f"{float(score):.1f} (n={int(n):,})"


def score_value(score: object, n: object) -> str:
    """A metric's big value: the score alone (its n goes on the line under it)."""
    if is_missing(n):
        return "–"
    if int(n) < min_n():
        return "suppressed"
    if is_missing(score):
        return WITHHELD
    return f"{float(score):.1f}"


def fmt_answers(n: object, score: object = 0.0) -> str:
    """The line under a score metric: 'n = 10,234 answers'; suppressed says why."""
    if is_missing(n):
        return "no answers"
    count = f"n = {int(n):,} answer{'' if int(n) == 1 else 's'}"
    if int(n) < min_n():
        return count + f" (fewer than {min_n()}: no score)"
    return count + (f" ({WITHHELD}: {WITHHELD_WHY})" if is_missing(score) else "")


def score_metric(col, label: str, score: object, n: object, **kwargs) -> None:
    """A score as a metric with its n right under it, never truncated together.

    The value is the score alone so it fits a narrow column; the n line wraps
    instead of being cut, so a score is never shown without its n.
    """
    col.metric(label, score_value(score, n), **kwargs)
    col.markdown(fmt_answers(n, score))


def metric_rows(items: Sequence, per_row: int = 5) -> list:
    """Columns for `items` metrics, `per_row` to a row (a 6th metric would truncate)."""
    cols: list = []
    for start in range(0, len(items), per_row):
        cols.extend(st.columns(per_row)[: len(items[start : start + per_row])])
    return cols


def fmt_change(change: object, significant: object) -> str:
    if is_missing(change):
        return "–"
    verdict = "significant" if significant is True or significant == 1 else "not significant"
    return f"{float(change):+.1f} pts ({verdict})"


def fmt_pct(share: object) -> str:
    return "–" if is_missing(share) else f"{100 * float(share):.1f}%"


def chart(fig: go.Figure, alt_text: str, table: pd.DataFrame, key: str) -> None:
    """A chart, its text alternative and its data table one click away (Section 508)."""
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    st.markdown(alt_text)  # body colour: st.caption fails WCAG contrast (3.9:1)
    with st.expander("Data table"):
        st.dataframe(table, hide_index=True)


ROW_PX = 35  # st.dataframe's row height


def table(df: pd.DataFrame, column_order: Sequence[str] | None = None,
          max_rows: int = 20, placeholder: str = "–", **column_config) -> None:  # fmt: skip
    """A table showing up to `max_rows` rows without an inner scrollbar (st.dataframe
    otherwise stops at 10 and hides the rest); empty cells read `placeholder`, not
    "None"."""
    height = (min(len(df), max_rows) + 1) * ROW_PX + 3
    st.dataframe(df, hide_index=True, column_config=column_config or None,
                 column_order=column_order, height=height,
                 placeholder=placeholder)  # fmt: skip
