"""Alerts: where a service's experience dropped this quarter, most severe first."""

import streamlit as st

from app import data, ui

scope = ui.start("Alerts", "Where a service's experience dropped this quarter: a driver's "
                 "significant fall, a score well below its recent quarters, trust far below "
                 "the sector benchmark, a journey stage losing more customers, a comment "
                 "theme on the rise. Rules and thresholds: the seed `alert_rules`; "
                 "suppressed numbers never alert.")  # fmt: skip

alerts = data.alerts.open_alerts(scope)
if alerts.empty:
    st.success(f"No alert for {ui.quarter_label(scope)} in this scope.")
    st.stop()
sent = data.alerts.delivery_status()
columns = ["severity", "service_name", "message", "owner", "first_detected_at", "link"]
if sent is not None:  # a destination is configured: where each alert went
    alerts = alerts.merge(sent, on="alert_key", how="left")
    alerts["sent"] = alerts.sent.fillna("not sent yet, or older than the delivery window")
    columns.insert(-1, "sent")
    if alerts.failed.fillna(False).any():
        st.error(f"{int(alerts.failed.fillna(False).sum())} alerts could not be delivered "
                 "to a destination; the next pipeline run tries again (the run summary "
                 "and the `alerts_delivered` check say why).")  # fmt: skip
counts = alerts.severity.value_counts()
cols = st.columns(3)
for col, severity in zip(cols, ("high", "medium", "low"), strict=True):
    col.metric(f"{severity.title()} severity", ui.fmt_n(int(counts.get(severity, 0))))
ui.table(alerts[columns], max_rows=50,
         severity=st.column_config.TextColumn("Severity", width=80),
         service_name=st.column_config.TextColumn("Service"),
         message=st.column_config.TextColumn("What happened", width=420),
         owner=st.column_config.TextColumn("Owner"),
         first_detected_at=st.column_config.DatetimeColumn("First seen", format="YYYY-MM-DD"),
         sent=st.column_config.TextColumn("Sent"),
         link=st.column_config.LinkColumn("View", display_text="service detail"))  # fmt: skip
