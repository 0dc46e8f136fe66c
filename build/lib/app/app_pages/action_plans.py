"""CX Action Plans: initiatives, their target driver before and since, and maturity."""

import pandas as pd
import streamlit as st

from app import charts, data, ui

scope = ui.start("CX Action Plans", "Each initiative of the agencies' A-11 CX Action Plans "
                 "with its owner, milestones and status, and its target driver's score "
                 "before and since it started.", show=("agency", "service"))  # fmt: skip

plans = data.action_plans.initiatives(scope)
if plans.empty:
    st.info("No action-plan initiatives for this agency or service.")
    st.stop()

status = plans.status.value_counts()
cols = st.columns(4)
cols[0].metric("Initiatives", ui.fmt_n(len(plans)))
cols[1].metric("Completed", ui.fmt_n(status.get("completed", 0)))
cols[2].metric("In progress", ui.fmt_n(status.get("in_progress", 0)))
cols[3].metric("Milestones done", f"{int(plans.milestones_done.sum())} of "
               f"{int(plans.milestones_total.sum())}")  # fmt: skip

DATE = st.column_config.DateColumn(format="YYYY-MM-DD")
st.header("Initiatives")
# Status and progress first: on a laptop screen the wide text columns come last.
ui.table(plans.assign(
    milestones=[f"{d} of {t}" for d, t in zip(plans.milestones_done, plans.milestones_total,
                                              strict=True)],
    status=[str(v).replace("_", " ") for v in plans.status],
)[["initiative_id", "title", "status", "milestones", "next_milestone", "next_milestone_due",
   "service_name", "owner", "start_date"]],
    initiative_id=st.column_config.TextColumn("Initiative", width=110),
    title=st.column_config.TextColumn("Title", width=300),
    status=st.column_config.TextColumn("Status"),
    milestones=st.column_config.TextColumn("Milestones done"),
    next_milestone=st.column_config.TextColumn("Next milestone"),
    next_milestone_due=st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
    service_name=st.column_config.TextColumn("Service"),
    owner=st.column_config.TextColumn("Owner"),
    start_date=st.column_config.DateColumn("Started", format="YYYY-MM-DD"),
)  # fmt: skip

st.header("Target driver before and since each initiative started")
st.markdown("A driver that was already rising would have risen without the plan: *beyond "
            "the trend* is the change less what the trend of the four quarters before the "
            "start alone would have given.")  # fmt: skip


def _beyond(value: object) -> str:
    return "–" if pd.isna(value) else f"{float(value):+.1f} pts"


ui.table(plans.assign(
    before=[ui.fmt_score(s, n) for s, n in zip(plans.score_before, plans.n_before, strict=True)],
    since=[ui.fmt_score(s, n) for s, n in zip(plans.score_since, plans.n_since, strict=True)],
    change=[ui.fmt_change(c, g) for c, g in zip(plans.score_change,
                                                plans.is_change_significant, strict=True)],
    beyond=[_beyond(v) for v in plans.change_beyond_trend],
)[["initiative_id", "title", "target_driver", "before", "since", "change", "beyond"]],
    initiative_id=st.column_config.TextColumn("Initiative", width=110),
    title=st.column_config.TextColumn("Title", width=300),
    target_driver=st.column_config.TextColumn("Target driver"),
    before=st.column_config.TextColumn("Before start"),
    since=st.column_config.TextColumn("Since start"),
    change=st.column_config.TextColumn("Change", width=180),
    beyond=st.column_config.TextColumn("Beyond the trend"),
)  # fmt: skip

chosen = st.selectbox("Initiative", list(plans.initiative_id), key="initiative",
                      format_func=lambda i: f"{i}: {plans.set_index('initiative_id').title[i]}")  # fmt: skip
plan = plans.set_index("initiative_id").loc[chosen]
history = data.action_plans.driver_history(plan.service_id, plan.driver)
all_milestones = data.action_plans.milestones(scope)
fig, alt = charts.initiative_trend(
    history, plan, all_milestones[all_milestones.initiative_id == chosen], plan.target_driver
)
ui.chart(fig, alt, history, key="initiative_trend")

st.header("Milestones")
milestones = data.action_plans.milestones(scope)
ui.table(milestones.assign(status=[str(v).replace("_", " ") for v in milestones.status]),
         initiative_id=st.column_config.TextColumn("Initiative", width=110),
         milestone_order=st.column_config.NumberColumn("#", width=40),
         milestone=st.column_config.TextColumn("Milestone"),
         due_date=st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
         status=st.column_config.TextColumn("Status"),
         completed_date=st.column_config.DateColumn("Completed", format="YYYY-MM-DD"),
         is_done_on_time=st.column_config.CheckboxColumn("On time"))  # fmt: skip

st.header("CX maturity self-assessment")
maturity = data.action_plans.cx_maturity(scope)
if maturity.empty:
    st.info("No maturity self-assessment recorded for this agency.")
else:
    ui.table(maturity, level=st.column_config.ProgressColumn(
        "Level (1–5)", min_value=0, max_value=5, format="%d"))  # fmt: skip
