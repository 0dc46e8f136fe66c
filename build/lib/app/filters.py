"""Sidebar filters kept in the URL (st.query_params) so a view can be shared.

Precedence: the session's last choice, then the URL, then the default (the latest
quarter with data, everything else "all"). The URL only wins on a session's first
run, which is exactly when someone opened a shared link; afterwards widget callbacks
keep a mirror in session state because switching pages clears the query string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from app import data
from app.data import ALL, Scope

KEYS = ("fy", "q", "agency", "service", "channel")


def _from_url(name: str, cast: Callable[[str], object]) -> object | None:
    raw = st.query_params.get(name)
    if raw is None:
        return None
    try:
        return cast(raw)
    except ValueError:
        return None


def _remember(name: str) -> None:
    st.session_state[f"_filter_{name}"] = st.session_state[f"filter_{name}"]


def _select(
    name: str,
    label: str,
    options: Sequence,
    default: object,
    format_func: Callable[[object], str] = str,
    cast: Callable[[str], object] = str,
    help: str | None = None,
) -> object:
    """A labelled sidebar selectbox whose value survives page switches and reloads."""
    mirror = st.session_state.get(f"_filter_{name}")
    url = _from_url(name, cast)
    value = next((v for v in (mirror, url, default) if v in options), options[0])
    st.session_state[f"_filter_{name}"] = value
    st.session_state[f"filter_{name}"] = value
    st.sidebar.selectbox(
        label, options, key=f"filter_{name}", format_func=format_func,
        on_change=_remember, args=(name,), help=help,
    )  # fmt: skip
    return value


def _sync_url(values: dict[str, object]) -> None:
    """Write the view into the URL; 'all' values are left out to keep links short."""
    for name, value in values.items():
        if value is None or value == ALL:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != str(value):
            st.query_params[name] = str(value)


def sidebar(latest: Scope, show: Sequence[str] = KEYS) -> Scope:
    """Draw the chosen filters and return the selected scope."""
    st.sidebar.header("Filters")
    years = [int(y) for y in data.reference.fiscal_years().fiscal_year]
    values: dict[str, object] = {}
    fy, fq = latest.fiscal_year, latest.fiscal_quarter
    if "fy" in show:
        fy = values["fy"] = _select("fy", "Fiscal year", years, latest.fiscal_year,
                                    lambda y: f"FY{y}", int)  # fmt: skip
        fq = values["q"] = _select("q", "Fiscal quarter", [1, 2, 3, 4], latest.fiscal_quarter,
                                   lambda q: f"Q{q}", int,
                                   help="Q1 = Oct–Dec, Q2 = Jan–Mar, Q3 = Apr–Jun, Q4 = Jul–Sep")  # fmt: skip
    services = data.reference.services()
    agency = service = None
    if "agency" in show:
        agencies = [ALL, *sorted(services.agency_code.unique())]
        agency = values["agency"] = _select(
            "agency", "Agency", agencies, ALL, lambda a: "All agencies" if a == ALL else a
        )
        if agency != ALL:
            services = services[services.agency_code == agency]
    if "service" in show:
        names = dict(zip(services.service_id, services.service_name, strict=True))
        service = values["service"] = _select(
            "service", "Service", [ALL, *names], ALL,
            lambda s: "All services" if s == ALL else names[s],
        )  # fmt: skip
    channel = ALL
    if "channel" in show:
        channels = data.reference.channels()
        labels = dict(zip(channels.channel, channels.channel_label, strict=True))
        channel = values["channel"] = _select(
            "channel", "Channel", [ALL, *labels], ALL,
            lambda c: "All channels" if c == ALL else labels[c],
        )  # fmt: skip
    _sync_url(values)
    return Scope(
        fiscal_year=int(fy), fiscal_quarter=int(fq),
        agency=None if agency in (None, ALL) else str(agency),
        service=None if service in (None, ALL) else str(service),
        channel=str(channel),
    )  # fmt: skip
