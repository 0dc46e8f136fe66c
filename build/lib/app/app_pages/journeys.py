"""Journeys: a journey map per journey, with the pain point highlighted."""

import streamlit as st

from app import charts, data, ui

scope = ui.start("Journeys", "Cases that entered each stage this quarter, where they dropped "
                 "off, how long they stayed, and how customers rated and felt about each "
                 "stage.", show=("fy", "q"))  # fmt: skip
journeys = data.journeys.journey_activity(scope)
if journeys.empty:
    st.info("No journeys are defined in the warehouse (seed `journey_stages`).")
    st.stop()
names = dict(zip(journeys.journey_id, journeys.journey_name, strict=True))
journey = st.selectbox("Journey", list(names), format_func=names.get, key="journey")

stages = data.journeys.journey_stages(scope, journey)
summary = data.journeys.journey_summary(scope, journey).iloc[0]
if stages.n_entered.sum() == 0 and summary.n_started == 0:
    ui.no_data_for_quarter(scope, f"journey activity ({names[journey]})")
    st.stop()

cols = st.columns(5)
cols[0].metric("Journeys started", ui.fmt_n(summary.n_started))
cols[1].metric("Completed", ui.fmt_n(summary.n_completed))
cols[2].metric("Dropped out", ui.fmt_n(summary.n_dropped))
cols[3].metric("Still open", ui.fmt_n(summary.n_open))
ui.score_metric(cols[4], "Journey score (% positive)", summary.score, summary.n_answers)

pain = stages[stages.is_pain_point]
if len(pain):
    row = pain.iloc[0]
    st.warning(f"**Pain point: {row.stage_label}** — score "
               f"{ui.fmt_score(row.score, row.n_answers)}, mean sentiment "
               f"{row.mean_sentiment:+.2f}.", icon=":material/report:")  # fmt: skip

left, right = st.columns(2)
with left:
    fig, alt = charts.journey_funnel(stages)
    ui.chart(fig, alt, stages[["stage_order", "stage_label", "n_entered", "n_completed",
                               "n_abandoned", "n_open", "drop_off_rate"]], key="funnel")  # fmt: skip
with right:
    fig, alt = charts.journey_map(stages)
    ui.chart(fig, alt, stages[["stage_order", "stage_label", "n_answers", "score",
                               "mean_sentiment", "is_pain_point"]], key="map")  # fmt: skip

st.header("Stage by stage")
ui.table(stages.assign(
    score=[ui.fmt_score(s, n) for s, n in zip(stages.score, stages.n_answers, strict=True)],
    drop_off=[ui.fmt_pct(v) for v in stages.drop_off_rate],
    pain_point=["yes" if p else "" for p in stages.is_pain_point],
)[["stage_order", "stage_label", "n_entered", "drop_off", "median_dwell_days", "score",
   "mean_sentiment", "pain_point"]],
    stage_order=st.column_config.NumberColumn("Stage"),
    stage_label=st.column_config.TextColumn("Stage name"),
    n_entered=st.column_config.NumberColumn("Cases entered"),
    drop_off=st.column_config.TextColumn("Dropped off"),
    score=st.column_config.TextColumn("Score (% positive)"),
    pain_point=st.column_config.TextColumn("Pain point"),
    median_dwell_days=st.column_config.NumberColumn("Median dwell (days)", format="%.1f"),
    mean_sentiment=st.column_config.NumberColumn("Feelings (mean sentiment)", format="%+.2f"),
)  # fmt: skip
