"""Relationships: trust by tenure and by agencies dealt with, new vs returning, anonymity."""

import streamlit as st

from app import charts, data, ui

scope = ui.start("Relationships", "A customer's relationship with government across services "
                 "and agencies. Only identified customers enter these views; anonymous "
                 "feedback is counted below.")  # fmt: skip

anonymous = data.relationships.anonymous_share(scope).iloc[0]
tenure = data.relationships.trust_by(scope, "tenure")
if anonymous.n_responses == 0 and tenure.empty:
    ui.no_data_for_quarter(scope)
    st.stop()

new_returning = data.relationships.trust_by(scope, "new_vs_returning")
counts = dict(zip(new_returning.customer_group, new_returning.n_customers, strict=True))
cols = st.columns(4)
cols[0].metric("Identified customers", ui.fmt_n(int(tenure.n_customers.sum())))
cols[1].metric("New this quarter", ui.fmt_n(counts.get("New this quarter", 0)))
cols[2].metric("Returning", ui.fmt_n(counts.get("Returning", 0)))
cols[3].metric("Anonymous feedback", ui.fmt_pct(anonymous.share_anonymous),
               help="Responses in the sidebar's scope that carry no customer id")  # fmt: skip
cols[3].markdown(f"{ui.fmt_n(anonymous.n_anonymous)} of {ui.fmt_n(anonymous.n_responses)} "
                 "responses")  # fmt: skip
st.markdown("Tenure and agency views cover every service of every agency; the anonymous "
           "share follows the sidebar's agency, service and channel.")  # fmt: skip

if tenure.empty:
    st.info("No identified customers this quarter.")
    st.stop()
columns = [
    "customer_group",
    "n_customers",
    "trust_n",
    "trust_positive",
    "trust_score",
    "why_suppressed",
]
left, right = st.columns(2)
with left:
    fig, alt = charts.trust_groups(tenure, "Trust by tenure (quarters since first seen)")
    ui.chart(fig, alt, tenure[columns], key="tenure")
with right:
    agencies = data.relationships.trust_by(scope, "agencies")
    fig, alt = charts.trust_groups(agencies, "Trust by number of agencies dealt with")
    ui.chart(fig, alt, agencies[columns], key="agencies")
fig, alt = charts.trust_groups(new_returning, "Trust: new vs returning customers")
ui.chart(fig, alt, new_returning[columns], key="new_returning")
