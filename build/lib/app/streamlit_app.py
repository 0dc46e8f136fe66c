"""The dashboard's router: page list and navigation, nothing else.

`cxwh dashboard` runs `streamlit run app/streamlit_app.py`; each page lives in
`app_pages/`, data access in `app/data.py`, charts in `app/charts.py`.
"""

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts app/ itself on sys.path; the pages import the `app` package,
# so make the repository root importable even without an editable install.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.queries.engine import OutdatedSnapshotError  # noqa: E402 - after the path

st.set_page_config(page_title="Federal CX dashboard", page_icon=":material/insights:",
                   layout="wide")  # fmt: skip

PAGES = Path(__file__).parent / "app_pages"
navigation = st.navigation(
    {
        "Quarterly report": [
            st.Page(PAGES / "quarter_at_a_glance.py", title="Quarter at a glance",
                    icon=":material/dashboard:", default=True),
            st.Page(PAGES / "service_detail.py", title="Service detail",
                    icon=":material/search_insights:"),
            st.Page(PAGES / "journeys.py", title="Journeys", icon=":material/route:"),
            st.Page(PAGES / "relationships.py", title="Relationships",
                    icon=":material/handshake:"),
        ],
        "Follow-up": [
            st.Page(PAGES / "alerts.py", title="Alerts", icon=":material/notifications:"),
        ],
        "Plans and submission": [
            st.Page(PAGES / "action_plans.py", title="CX Action Plans",
                    icon=":material/flag:"),
            st.Page(PAGES / "omb_export.py", title="OMB export", icon=":material/upload_file:"),
        ],
        "Pipeline": [
            st.Page(PAGES / "data_quality.py", title="Data quality",
                    icon=":material/fact_check:"),
        ],
    }
)  # fmt: skip
try:
    navigation.run()
except OutdatedSnapshotError as exc:  # published before an upgrade: say what to do
    st.error(str(exc), icon=":material/update:")
