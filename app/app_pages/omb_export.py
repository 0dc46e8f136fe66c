"""OMB export: the quarterly submission preview and the files `cxwh export` wrote."""

import streamlit as st

from app import data, ui

scope = ui.start("OMB export", "The quarterly A-11 CX data collection: each driver's answers, "
                 "positive answers and score per service × channel. Scores of fewer than 10 "
                 "answers are suppressed.")  # fmt: skip

preview = data.export.submission_preview(scope)
files = data.export_files(scope.fiscal_year, scope.fiscal_quarter)
label = ui.quarter_label(scope)

st.header(f"Export files for {label}")
if files:
    st.markdown(
        f"Written by `cxwh export` to `{data.export_dir(scope.fiscal_year, scope.fiscal_quarter)}`."
    )
    cols = st.columns(min(len(files), 4))
    for i, path in enumerate(files):
        cols[i % len(cols)].download_button(
            f"Download {path.name}", path.read_bytes(), file_name=path.name,
            mime="application/json" if path.suffix == ".json" else "text/csv",
            key=f"download_{path.name}", on_click="ignore", icon=":material/download:",
        )  # fmt: skip
else:
    st.info(f"No export for {label} yet. Produce it with "
            f"`cxwh export --fiscal-year {scope.fiscal_year} --quarter {scope.fiscal_quarter}`.")  # fmt: skip

st.header(f"Submission preview — {label}")
if preview.empty:
    ui.no_data_for_quarter(scope, "per-channel driver scores")
    st.stop()
st.markdown(f"{len(preview)} rows; {int(preview.suppressed.sum())} suppressed (score hidden, "
           "answers shown).")  # fmt: skip
ui.table(preview, score=st.column_config.NumberColumn("score", format="%.1f"))
