"""Opening the DuckDB warehouse the same way everywhere.

DuckDB lets one process write a database file at a time; a second writer (a
parallel step, `dbt build`, a sensor) gets a lock error. `connect_warehouse` waits
for the lock instead of failing at once. Memory is bounded (`CX_DUCKDB_MEMORY_LIMIT`,
default 4GB) and spills under `$CX_DATA_DIR/.tmp/duckdb` (`Settings.duckdb_config`, the
dbt profile uses the same), so files larger than memory load. Sessions run in UTC so
`timestamptz` values read and print as UTC.

No Dagster here: the ingest library and the CLI open the warehouse with this too;
`resources.WarehouseResource` is the Dagster side of it.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from dagster_project.core.settings import MARTS_CATALOG, Settings, get_settings


class WarehouseLockedError(RuntimeError):
    pass


def connect_warehouse(
    settings: Settings | None = None, read_only: bool = False, wait_seconds: float | None = None
) -> duckdb.DuckDBPyConnection:
    settings = settings or get_settings()
    path = settings.warehouse_path
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run the ingest first (cxwh pipeline)")
    path.parent.mkdir(parents=True, exist_ok=True)
    config = settings.duckdb_config()
    if wait_seconds is None:
        wait_seconds = settings.duckdb_lock_wait_seconds
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(
                    f"{path} is locked by another process (a load or a dbt run?) and stayed "
                    f"locked for {wait_seconds:.0f} s; wait for it to finish and try again"
                ) from exc
            time.sleep(0.5)
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")  # loads report through logs and tqdm
    attach_marts(con, settings, read_only)
    return con


def attach_marts(
    con: duckdb.DuckDBPyConnection, settings: Settings, read_only: bool = True
) -> None:
    """Attach the marts' own file (where dbt builds them) so that `marts.<table>` reads
    them in this session as it would in a single-file warehouse. Nothing when no build
    has made the file yet."""
    path = settings.marts_path
    if not path.exists():
        return
    mode = " (read_only)" if read_only else ""
    con.execute(f"attach if not exists ? as {MARTS_CATALOG}{mode}", [str(path)])
    has_marts = con.execute(
        "select count(*) from duckdb_schemas() where database_name = ? and schema_name = 'marts'",
        [MARTS_CATALOG],
    ).fetchone()[0]
    if not has_marts:  # a build that selected no mart made the file but no schema
        return
    default = con.execute("select current_database()").fetchone()[0]
    # a two-part name looks for its schema in each catalog of the search path
    con.execute(f"set search_path = '{default}.main,{MARTS_CATALOG}.marts'")


def open_warehouse(data_dir: Path | str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """`connect_warehouse` for the data directory `data_dir` (an analyst's notebook, a
    test): the warehouse with the marts attached, without waiting for a lock."""
    settings = Settings(data_dir=Path(data_dir).resolve(), id_salt="")
    return connect_warehouse(settings, read_only=read_only, wait_seconds=0)
