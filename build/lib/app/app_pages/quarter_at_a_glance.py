"""Quarter at a glance: volume, response rate, trust and satisfaction, benchmarks, drivers."""

import pandas as pd
import streamlit as st

from app import charts, data, ui

scope = ui.start(
    "Quarter at a glance",
    "Score = % positive answers, with n (answers) beside it. Scores of fewer than {min_n} "
    "answers are suppressed: only their n is shown. A score marked *withheld* has enough "
    "answers but is hidden too: with the totals beside it, it would reveal a suppressed "
    "score.",
)
totals = data.glance.response_totals(scope).iloc[0]
scores = data.glance.driver_scores(scope)
if totals.n_services == 0 and scores.empty:
    ui.no_data_for_quarter(scope)
    st.stop()

head = data.glance.headline_scores(scope).set_index("driver")
trust = scores[scores.driver == "trust"]
judged = trust[trust.meets_benchmark.notna()]
prev_fy, prev_fq = scope.previous

st.header(f"{ui.quarter_label(scope)} — change against FY{prev_fy} Q{prev_fq}")
cols = st.columns(5)
cols[0].metric("Responses", ui.fmt_n(totals.n_responses))
cols[1].metric("Response rate", ui.fmt_pct(totals.response_rate),
               help="Responses / customers offered a survey")  # fmt: skip
for col, driver, label in ((cols[2], "trust", "Trust"), (cols[3], "satisfaction", "Satisfaction")):
    if driver not in head.index:
        ui.score_metric(col, f"{label} (% positive)", None, None)
        continue
    row = head.loc[driver]
    ui.score_metric(
        col, f"{label} (% positive)", row.score, row.n,
        delta=None if ui.is_missing(row.score_change)
        else ui.fmt_change(row.score_change, row.is_change_significant),
        delta_color="normal" if row.is_change_significant is True else "off",
        help=f"Last quarter: {ui.fmt_score(row.prev_score, row.prev_n)}. Significant = "
        "two-proportion test at 95%.",
    )  # fmt: skip
cols[4].metric("Meeting trust benchmark",
               f"{int(judged.meets_benchmark.sum())} of {len(judged)}",
               help=f"Services with a shown trust score ({ui.min_n()}+ answers, not withheld) "
                    "and a benchmark for their sector")  # fmt: skip

st.header("Trust and satisfaction by service")
by_service = pd.DataFrame(index=pd.Index(scores.service_name.unique(), name="service_name"))
for driver in ("trust", "satisfaction"):
    rows = scores[scores.driver == driver].set_index("service_name").reindex(by_service.index)
    if rows.n.isna().all():
        continue
    title = driver.title()
    by_service[title] = [ui.fmt_score(s, n) for s, n in zip(rows.score, rows.n, strict=True)]
    by_service[f"{title} change"] = [
        ui.fmt_change(c, g)
        for c, g in zip(rows.score_change, rows.is_change_significant, strict=True)
    ]
    by_service[f"{title} benchmark"] = [
        "–" if ui.is_missing(b) else f"{b:.1f}" for b in rows.benchmark_score
    ]
# Fit every column on a laptop screen: the benchmark columns are titled "Benchmark"
# (each follows its driver's columns; the tooltip names the driver).
TEXT = st.column_config.TextColumn
widths = {"Service": TEXT("Service", pinned=True)}
for title in (c for c in by_service.columns if c in ("Trust", "Satisfaction")):
    widths[f"{title} benchmark"] = TEXT("Benchmark", help=f"{title}: the sector's benchmark "
                                        "score (% positive)")  # fmt: skip
ui.table(by_service.reset_index().rename(columns={"service_name": "Service"}), **widths)

st.header("Trust against the sector benchmark")
if judged.empty:
    st.info(f"No service has {ui.min_n()}+ trust answers and a sector benchmark this quarter.")
else:
    fig, alt = charts.benchmark_bars(trust)
    ui.chart(fig, alt, trust[["service_name", "benchmark_sector", "n", "score",
                              "benchmark_score", "meets_benchmark"]], key="benchmark")  # fmt: skip

st.header("Every driver, by service")
fig, alt = charts.score_heatmap(scores, ui.min_n())
cells = scores.assign(cell=[ui.fmt_score(s, n) for s, n in zip(scores.score, scores.n,
                                                              strict=True)])  # fmt: skip
heat_table = cells.pivot(index="service_name", columns="driver_label", values="cell")
heat_table = heat_table[scores.sort_values("driver_order").driver_label.unique()]
ui.chart(fig, alt, heat_table.reset_index().rename(columns={"service_name": "Service"}),
         key="heatmap")  # fmt: skip

try:
    alert_counts = data.alerts.alert_counts(scope)
except data.OutdatedSnapshotError:  # published before alerts existed: no banner
    alert_counts = None
n_alerts = int(alert_counts.n_alerts.sum()) if alert_counts is not None else 0
if n_alerts:
    by = ", ".join(f"{n} {sev}" for sev, n in zip(alert_counts.severity, alert_counts.n_alerts,
                                                   strict=True))  # fmt: skip
    st.warning(f"{n_alerts} alert{'' if n_alerts == 1 else 's'} this quarter ({by}): see "
               "the Alerts page.", icon=":material/notifications:")  # fmt: skip

st.header("What customers write about more")
try:
    rising = data.glance.rising_themes(scope)
except data.OutdatedSnapshotError:  # published before comment themes existed
    rising = None
if rising is None:
    st.markdown("This snapshot has no comment themes yet: the next `cxwh pipeline` adds them.")
elif rising.empty:
    st.markdown("No comment theme's share rose significantly from last quarter.")
else:
    st.markdown("Comment themes whose share of a service's comments rose significantly "
                f"from last quarter (*emerging*: on at least {ui.min_n()} comments); the service's "
                "page has the comments.")  # fmt: skip
    ui.table(rising.assign(
        share=[f"{v:.0f}%" for v in rising.share],
        share_change=[f"{v:+.1f} pts" for v in rising.share_change],
    ), service_name=st.column_config.TextColumn("Service"),
        theme_label=st.column_config.TextColumn("Theme"),
        n_comments=st.column_config.NumberColumn("Comments"),
        share=st.column_config.TextColumn("Share of comments"),
        share_change=st.column_config.TextColumn("Change"),
        is_emerging=st.column_config.CheckboxColumn("Emerging"))  # fmt: skip

st.header("Response volume")
volume = data.glance.response_by_service(scope)
if not volume.empty:
    fig, alt = charts.response_volume(volume)
    ui.chart(fig, alt, volume, key="volume")
