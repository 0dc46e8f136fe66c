"""OMB export: the quarterly submission preview and the files `cxwh export` wrote."""

import streamlit as st

from app import data, ui

scope = ui.start("OMB export", "The quarterly A-11 CX data collection: each driver's answers, "
                 "positive answers and score per service × channel. Scores of fewer than {min_n} "
                 "answers are suppressed, and so is any score that, with the totals beside it, "
                 "would reveal one (complementary suppression).")  # fmt: skip

preview = data.export.submission_preview(scope)
files = data.export_files(scope.fiscal_year, scope.fiscal_quarter)
label = ui.quarter_label(scope)

st.header(f"Export files for {label}")
if files:
    st.markdown(
        f"Written by `cxwh export` to `{data.export_dir(scope.fiscal_year, scope.fiscal_quarter)}`."
    )
    # Buttons as wide as their file name, wrapping to a new line when needed: in fixed
    # columns the longer names were cut ("cx_collection_det…").
    buttons = st.container(horizontal=True)
    for path in files:
        buttons.download_button(
            f"Download {path.name}", path.read_bytes(), file_name=path.name,
            mime="application/json" if path.suffix == ".json" else "text/csv",
            key=f"download_{path.name}", on_click="ignore", icon=":material/download:",
        )  # fmt: skip
    checked = data.export_check(scope.fiscal_year, scope.fiscal_quarter)
    if checked is not None:
        status, problems = checked
        errors = int((problems.severity == "error").sum())
        if status == "ready":
            st.success("Ready to upload: every check of the upload and the volumes passed.")
        elif status == "review":
            st.warning(f"Review before uploading: {len(problems)} warnings (numbers OMB "
                       "would question). `cxwh export --allow-warnings` accepts them.")  # fmt: skip
        elif status == "not_checked":
            st.info("This export was written before exports were checked: run `cxwh export` "
                    "again to check it.")  # fmt: skip
        else:
            st.error(f"Not ready to upload: {errors} errors that Touchpoints or OMB would "
                     f"reject, {len(problems) - errors} warnings. Fix them at the source, "
                     "load it again and re-export.")  # fmt: skip
        if not problems.empty:
            st.dataframe(problems, hide_index=True, width="stretch")
else:
    st.info(f"No export for {label} yet. Produce it with "
            f"`cxwh export --fiscal-year {scope.fiscal_year} --quarter {scope.fiscal_quarter}`.")  # fmt: skip

st.header(f"Submission preview — {label}")
if preview.empty:
    ui.no_data_for_quarter(scope, "per-channel driver scores")
    st.stop()
st.markdown(f"{len(preview)} rows; {int(preview.suppressed.sum())} suppressed (score hidden, "
           "answers shown).")  # fmt: skip
suspects = data.export.suspect_responses(scope)
if len(suspects):
    rules = ", ".join(f"{n:,} {rule.replace('_', ' ')}" for rule, n in
                      zip(suspects["rule"], suspects.n_responses, strict=True))  # fmt: skip
    n = int(suspects.n_responses.sum())
    st.markdown(f"{n:,} suspect response{'' if n == 1 else 's'} (automated or duplicated: "
                f"{rules}) {'is' if n == 1 else 'are'} left out of the submission and of "
                "every number here; the Data quality page lists them.")  # fmt: skip
# What a reviewer checks first (service, channel, driver, counts, score) before the
# provider and id columns, which are the same for every row of a service.
ui.table(preview, column_order=["service_name", "channel", "driver", "answers", "positive",
                                "score", "suppressed", "why_suppressed", "service_provider",
                                "service_id"],
         placeholder="–",  # the only empty cells: suppressed scores and their reasons
         score=st.column_config.NumberColumn("score", format="%.1f", width=95))  # fmt: skip
