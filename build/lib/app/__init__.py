"""The Streamlit dashboard over the published read-only snapshot of the marts."""
