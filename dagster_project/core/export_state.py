"""Whether the OMB export of a quarter is current, and which quarters have responses.

Plain DuckDB and files (no Dagster): `cxwh pipeline` asks before it starts a run, the
quarterly schedule and the export asset ask too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

import duckdb

from dagster_project.core.build_state import build_fingerprint
from dagster_project.core.settings import Settings
from dagster_project.core.warehouse import WarehouseLockedError, connect_warehouse

T = TypeVar("T")


class ExportError(RuntimeError):
    """The export cannot be written; the message says why and what to do."""


def export_is_current(fiscal_year: int, fiscal_quarter: int, settings: Settings) -> bool:
    """Whether the quarter's export was written from the warehouse's current build."""
    manifest = settings.exports_dir / f"FY{fiscal_year}-Q{fiscal_quarter}" / "manifest.json"
    try:
        source = json.loads(manifest.read_text()).get("source", {})
    except (OSError, ValueError):
        return False
    current = build_fingerprint(settings)
    return current is not None and source.get("build") == current


def open_warehouse_for_export(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only; ExportError (saying what to do) when it is missing or
    being written."""
    path = settings.warehouse_path
    if not path.exists():
        raise ExportError(f"no warehouse at {path}: run `cxwh pipeline` first")
    try:
        return connect_warehouse(settings, read_only=True, wait_seconds=0)
    # locked by another process, or open for writing in this one (an in-process run)
    except (WarehouseLockedError, duckdb.ConnectionException) as exc:
        raise ExportError(
            f"the warehouse {path} is locked by a running pipeline (it is being written); "
            "retry the export after the pipeline finishes"
        ) from exc


def _read_omb_views(
    settings: Settings, read: Callable[[duckdb.DuckDBPyConnection], T], missing: T
) -> T:
    """`read` on a read-only warehouse connection; `missing` when the OMB views are not
    built yet."""
    con = open_warehouse_for_export(settings)
    try:
        return read(con)
    except duckdb.CatalogException:
        return missing
    finally:
        con.close()


def quarters_with_responses(settings: Settings) -> list[tuple[int, int]]:
    """(fiscal year, quarter) pairs the OMB views have responses for, oldest first."""
    return _read_omb_views(settings, list_quarters, [])


def has_responses(settings: Settings, fiscal_year: int, fiscal_quarter: int) -> bool:
    """Whether the OMB views have a response in that quarter (a probe that stops at the
    first one, not a scan of every response as listing the quarters is: 0.2 s at 10M)."""
    return _read_omb_views(
        settings, lambda con: quarter_has_responses(con, fiscal_year, fiscal_quarter), False
    )


def list_quarters(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int]]:
    rows = con.execute(
        "select fiscal_year, fiscal_quarter from marts.fct_omb_survey_responses "
        "group by all order by all"
    ).fetchall()
    return [(int(y), int(q)) for y, q in rows]


def quarter_has_responses(
    con: duckdb.DuckDBPyConnection, fiscal_year: int, fiscal_quarter: int
) -> bool:
    return con.execute(
        "select exists (select 1 from marts.fct_omb_survey_responses "
        "where fiscal_year = ? and fiscal_quarter = ?)",
        [fiscal_year, fiscal_quarter],
    ).fetchone()[0]
