"""Service detail: driver trends, answers per question, channels, key drivers, comments."""

import streamlit as st

from app import charts, data, ui

scope = ui.start("Service detail")
if scope.service is None:
    by_volume = data.glance.response_by_service(scope)
    services = data.reference.services()
    busiest = by_volume.merge(services, on=["service_name", "agency_code"]).service_id
    if busiest.empty:
        ui.no_data_for_quarter(scope)
        st.stop()
    scope = data.Scope(scope.fiscal_year, scope.fiscal_quarter, scope.agency,
                       busiest.iloc[0], scope.channel)  # fmt: skip
    st.info("Showing the service with the most responses; choose one under **Service** "
            "in the sidebar.")  # fmt: skip
name = data.reference.services().set_index("service_id").service_name.get(scope.service)
st.header(f"{name} — {ui.quarter_label(scope)}")

trend = data.service.driver_trend(scope)
current = trend[(trend.fiscal_year == scope.fiscal_year)
                & (trend.fiscal_quarter == scope.fiscal_quarter)]  # fmt: skip
if current.empty:
    ui.no_data_for_quarter(scope)
    st.stop()
cols = ui.metric_rows(current)  # every driver, five to a row
for col, row in zip(cols, current.itertuples(), strict=True):
    ui.score_metric(col, row.driver_label, row.score, row.n)

tabs = st.tabs(["Trends", "Answers", "Channels", "Key drivers", "Comments", "Themes"])
with tabs[0]:
    fig, alt = charts.driver_trends(trend)
    ui.chart(fig, alt, trend[["quarter_label", "driver_label", "n", "score", "ci_low",
                              "ci_high"]], key="trend")  # fmt: skip

with tabs[1]:
    reach = data.service.question_reach(scope)
    answers = data.service.answer_distribution(scope)
    if answers.empty:
        st.info("No individual answers recorded for this quarter and channel.")
    else:
        fig, alt = charts.answer_distribution(answers)
        ui.chart(fig, alt, answers[["driver_label", "scale", "answer", "n_answers"]],
                 key="answers")  # fmt: skip
        fig, alt = charts.question_reach(reach)
        ui.chart(fig, alt, reach[["driver_label", "n_answered", "n_responses",
                                  "share_answered"]], key="reach")  # fmt: skip

with tabs[2]:
    channels = data.service.channel_breakdown(scope)
    if channels.empty:
        st.info("No per-channel figures for this quarter.")
    else:
        shown = channels.assign(
            response_rate=[ui.fmt_pct(v) for v in channels.response_rate],
            trust=[ui.fmt_score(s, n) for s, n in zip(channels.trust_score, channels.trust_n,
                                                      strict=True)],
            satisfaction=[ui.fmt_score(s, n) for s, n in zip(
                channels.satisfaction_score, channels.satisfaction_n, strict=True)],
        )[["channel", "n_responses", "response_rate", "trust", "satisfaction"]]  # fmt: skip
        ui.table(shown)

with tabs[3]:
    st.markdown("Among responses answering both a driver and the trust question: how much "
               "more often customers who were positive on the driver also trusted the "
               "agency (difference in trust-positive share, 95% interval) and the phi "
               "correlation. An association, not proof of cause.")  # fmt: skip
    drivers = data.service.key_drivers(scope)
    if drivers.empty:
        st.info("No responses answered trust and another driver.")
    else:
        fig, alt = charts.key_drivers(drivers)
        ui.chart(fig, alt, drivers.drop(columns=["driver_order"]).round(3), key="kda")

with tabs[4]:
    left, right = st.columns(2)
    sentiment = left.selectbox("Sentiment", ["all", "negative", "neutral", "positive"],
                               key="comment_sentiment")  # fmt: skip
    driver_options = data.reference.drivers()
    labels = dict(zip(driver_options.driver, driver_options.driver_label, strict=True))
    driver = right.selectbox("Answered driver", ["all", *labels], key="comment_driver",
                             format_func=lambda d: "Any driver" if d == "all" else labels[d])  # fmt: skip
    comments = data.service.recent_comments(
        scope, None if sentiment == "all" else sentiment, None if driver == "all" else driver
    )
    st.markdown(f"The {len(comments)} most recent comments (at most 50), already redacted.")
    ui.table(comments, comment_sentiment=st.column_config.NumberColumn("Sentiment",
                                                                       format="%.2f"))  # fmt: skip

with tabs[5]:
    st.markdown("What customers wrote about this quarter, by theme (a comment can be on "
                "several): each theme's share of the quarter's comments, their mean "
                "sentiment, and the change from last quarter. *Emerging*: the share rose "
                f"significantly, on at least {ui.min_n()} comments.")  # fmt: skip
    themes = data.service.comment_themes(scope)
    if themes.empty:
        st.info("No comments this quarter.")
    elif themes.is_suppressed.all():
        st.info(f"Fewer than {ui.min_n()} comments this quarter ({int(themes.n_commented.iloc[0])}): "
                "themes are not shown.")  # fmt: skip
    else:
        fig, alt = charts.comment_themes(themes)
        ui.chart(fig, alt, themes.drop(columns=["theme", "is_suppressed"]).round(3),
                 key="themes")  # fmt: skip
        examples = data.service.theme_examples(scope)
        st.subheader("Recent comments on each theme")
        ui.table(examples, max_rows=30, comment_sentiment=st.column_config.NumberColumn(
            "Sentiment", format="%.2f"))  # fmt: skip
