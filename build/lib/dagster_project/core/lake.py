"""The raw layer handed to Spark as Parquet (README "Running on Spark").

Ingest writes DuckDB's `raw.*` whatever the engine; a Spark build reads the same rows
from Parquet: `stage_raw_parquet` copies every raw table to `<lake>/raw/<table>/`
(`CX_LAKE_URI`, default `$CX_DATA_DIR/lake/raw`), and the dbt project's on-run-start
hook (`register_raw_sources`, dbt/macros/spark_lake.sql) declares them as the Spark
target's `raw` schema. The tables dbt builds land in the Spark warehouse dir
`$CX_DATA_DIR/lake/<schema>.db/<table>/` (dbt/profiles.yml).

Each table is written to a new directory and then renamed over the old one, so a
Spark build never reads half a table. Timestamps are written as UTC instants
(Parquet's isAdjustedToUTC), which Spark reads as its `timestamp`.

No Dagster here: `cxwh pipeline --engine spark` calls this through an asset.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dagster_project.core.settings import Settings, get_settings
from dagster_project.core.warehouse import connect_warehouse

# Every table the ingest writes (docs/interfaces.md), i.e. the dbt project's sources.
RAW_TABLES = (
    "touchpoints", "agency_api", "contact_center", "case_events", "service_volumes",
    "load_log", "quarantine",
)  # fmt: skip


def lake_dir(settings: Settings) -> Path:
    """The Spark warehouse dir: dbt's Parquet tables live in `<schema>.db/<table>/`."""
    return settings.data_dir / "lake"


def raw_lake_uri(settings: Settings) -> str:
    """Where the raw Parquet lives: `CX_LAKE_URI` (a cluster's s3a://, abfss://...
    reached by the cluster, written by whatever syncs it) or `$CX_DATA_DIR/lake/raw`."""
    return os.environ.get("CX_LAKE_URI") or str(lake_dir(settings) / "raw")


def stage_raw_parquet(settings: Settings | None = None) -> dict[str, int]:
    """Copy each `raw.*` table to `<raw lake>/<table>/data.parquet`; rows per table.

    Only a local (or mounted) path is written here: with a remote CX_LAKE_URI the files
    are written under $CX_DATA_DIR/lake/raw for a sync job to carry."""
    settings = settings or get_settings()
    uri = raw_lake_uri(settings)
    root = Path(uri) if "://" not in uri else lake_dir(settings) / "raw"
    root.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    with connect_warehouse(settings, read_only=True) as con:
        present = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' "
                "and database_name = current_database()"
            ).fetchall()
        }
        for table in RAW_TABLES:
            if table not in present:
                raise FileNotFoundError(f"raw.{table} is missing: run the ingest first")
            final = root / table
            staging = root / f".{table}.writing"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            con.execute(
                f"copy raw.{table} to '{staging / 'data.parquet'}' "
                "(format parquet, compression zstd)"
            )
            rows[table] = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
            old = root / f".{table}.old"
            shutil.rmtree(old, ignore_errors=True)
            if final.exists():
                final.rename(old)
            staging.rename(final)
            shutil.rmtree(old, ignore_errors=True)
    return rows
