"""Find the published snapshot, open it read-only and run cached, parameterised SQL.

The publish step writes `warehouse-<version>.duckdb` completely and then swaps
`CURRENT` atomically, so reading `CURRENT` first and opening the file it names never
sees a half-written snapshot. `<version>` is the cache key: a new publish is picked up
on the next query without restarting the server. Which snapshot is current is decided
by `dagster_project/core/snapshots.py`, the rule the publish step writes by.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dagster_project.core import snapshots
from dagster_project.core.settings import data_dir
from dagster_project.core.snapshots import Snapshot


class OutdatedSnapshotError(RuntimeError):
    """The published snapshot lacks a table or column this version of the dashboard
    reads: it was published before an upgrade, and the next `cxwh pipeline` replaces it."""


class NoSnapshotError(RuntimeError):
    """No complete published snapshot exists (yet)."""


def published_dir() -> Path:
    return data_dir() / "published"


def current_snapshot() -> Snapshot | None:
    """The snapshot CURRENT names (the publish step's own rule), or None when nothing
    has been published."""
    return snapshots.current_snapshot(published_dir())


@st.cache_resource(max_entries=3, show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # One read-only connection per snapshot file; each query takes its own cursor
    # because a DuckDB connection must not be shared between Streamlit's threads.
    return duckdb.connect(path, read_only=True)


def _query(path: str, sql: str, params: tuple) -> pd.DataFrame:
    cursor = _connection(path).cursor()
    try:
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _cached_query(version: str, path: str, sql: str, params: tuple) -> pd.DataFrame:
    return _query(path, sql, params)


def run(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one SELECT with `?` placeholders against the current snapshot."""
    snapshot = current_snapshot()
    if snapshot is None:
        raise NoSnapshotError("nothing published yet")
    try:
        return _cached_query(snapshot.version, str(snapshot.path), sql, tuple(params))
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        raise OutdatedSnapshotError(
            f"The published snapshot ({snapshot.version}) was made by an earlier version "
            f"of the warehouse and lacks what this page reads ({str(exc).splitlines()[0]}). "
            "Run `cxwh pipeline` (or `make run`) to build and publish a current one."
        ) from None
    except duckdb.IOException:
        # The file vanished between reading CURRENT and opening it (a publish pruned
        # it): CURRENT now names a newer complete file, so re-read it once.
        retry = current_snapshot()
        if retry is None or retry == snapshot:
            raise NoSnapshotError("the published snapshot could not be opened") from None
        return _cached_query(retry.version, str(retry.path), sql, tuple(params))


def run_published_file(name: str, sql: str, params: tuple = ()) -> pd.DataFrame | None:
    """Run one SELECT over a file the pipeline writes next to the snapshots after
    publishing (`published/<name>`, referred to as `{file}` in `sql`), cached until the
    file changes; None when there is no such file."""
    path = published_dir() / name
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _cached_file_query(str(path), stamp, sql, tuple(params))


@st.cache_data(ttl=3600, max_entries=64, show_spinner=False)
def _cached_file_query(path: str, stamp: int, sql: str, params: tuple) -> pd.DataFrame:
    with duckdb.connect() as con:
        return con.execute(sql.replace("{file}", "'" + path.replace("'", "''") + "'"),
                           list(params)).df()  # fmt: skip


def clear_cache() -> None:
    """Forget cached results (benchmarks time queries cold)."""
    _cached_query.clear()
    _cached_file_query.clear()
