"""Data quality: files loaded, rows quarantined, source freshness, the last run's checks."""

import pandas as pd
import streamlit as st

from app import data, ui

ui.start("Data quality", "What the pipeline loaded, what it set aside and why, and whether "
         "the published snapshot passed its checks.", show=())  # fmt: skip

info = data.quality.publish_info()
checks = data.quality.check_results()
loads = data.quality.load_summary()
passed = int((checks.outcome == "passed").sum()) if len(checks) else 0
suspects = data.quality.suspect_responses()
cols = st.columns(5)
cols[0].metric("Files loaded", ui.fmt_n(loads.files_loaded.sum() if len(loads) else 0))
cols[1].metric("Rows loaded", ui.fmt_n(loads.rows_loaded.sum() if len(loads) else 0))
cols[2].metric("Rows quarantined", ui.fmt_n(loads.rows_quarantined.sum() if len(loads) else 0))
cols[3].metric("Suspect responses", ui.fmt_n(suspects.n_responses.sum() if len(suspects) else 0),
               help="Responses that look automated or duplicated: kept, but left out of "
                    "every score, count and the OMB export.")  # fmt: skip
cols[4].metric("Checks passed", f"{passed} of {len(checks)}")
if len(info):
    run = info.iloc[0]
    st.markdown(f"Snapshot `{run.version}` published {run.published_at:%Y-%m-%d %H:%M} UTC "
               f"by Dagster run `{run.dagster_run_id}`.")  # fmt: skip


def _named(rows: pd.DataFrame) -> str:
    # Name each check with what it checked: one check runs on several assets.
    return ", ".join(f"{c} on {a}" if isinstance(a, str) and a else c
                     for c, a in zip(rows.check_name, rows.asset, strict=True))  # fmt: skip


if len(checks):
    failed = checks[checks.outcome == "failed"]
    warned = checks[checks.outcome == "warning"]
    if len(failed):
        st.error(f"{len(failed)} check(s) failed in the last run: {_named(failed)}",
                 icon=":material/error:")  # fmt: skip
    if len(warned):
        st.warning(f"{len(warned)} warning(s) in the last run: {_named(warned)}",
                   icon=":material/warning:")  # fmt: skip

st.header("Freshness of each source")
ui.table(data.quality.source_freshness())
st.header("Files by source")
COUNT = st.column_config.NumberColumn(format="localized")  # 70,299, not 70299
ui.table(loads, **{c: COUNT for c in loads.columns if c != "source"
                   and pd.api.types.is_integer_dtype(loads[c])})  # fmt: skip
st.header("Rows quarantined, by source and reason")
ui.table(data.quality.quarantine_reasons())
st.header("Suspect responses, left out of every score")
if len(suspects):
    st.markdown(
        "Screening flags responses that look automated or duplicated (rules and thresholds "
        "in the seed `screening_rules`; an analyst can turn a rule off or change it for one "
        "service there). They stay in the warehouse with the reason, and no score, count or "
        "export includes them."
    )
    ui.table(suspects, n_responses=COUNT, n_answers=COUNT)
else:
    st.markdown("No response was flagged as automated or duplicated.")
st.header("Checks of the last pipeline run")
ui.table(checks)
with st.expander("The 200 most recent load attempts"):
    ui.table(data.quality.recent_file_loads())
