"""Asset checks on the ingest assets: counts add up, keys are unique, data is fresh.

Three checks per `raw/<source>` asset:
- `rows_accounted_for` (ERROR): in raw.load_log, every loaded file has
  rows_read = rows_loaded + rows_quarantined, and files with any other status
  report no rows: nothing was silently dropped.
- `unique_record_keys` (ERROR): raw.<source> holds at most one row per record key
  (a re-delivery replaced its earlier version instead of adding a second one).
- `fresh_delivery` (WARN): the newest file loaded for the source was delivered
  (file modification time) within `CX_FRESHNESS_HOURS` (default 1080 h = 45 days,
  generous for demo data). WARN, so a stale demo does not fail the pipeline.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from dagster_project.resources import connect_warehouse
from dagster_project.settings import SOURCES, get_settings
from dagster_project.sources import SPECS

DEFAULT_FRESHNESS_HOURS = 24 * 45


def freshness_hours() -> float:
    return float(os.environ.get("CX_FRESHNESS_HOURS", DEFAULT_FRESHNESS_HOURS))


def _query(sql: str, params: list | None = None) -> list[tuple]:
    with connect_warehouse(get_settings(), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _checks_for(source: str) -> list:
    key = AssetKey(["raw", source])
    record_key = ", ".join(SPECS[source].key)

    @asset_check(
        asset=key,
        name="rows_accounted_for",
        description=(
            f"Every {source} file in raw.load_log: rows_read = rows_loaded + rows_quarantined "
            "(files not loaded report no rows). Nothing is silently dropped."
        ),
    )
    def rows_accounted_for() -> AssetCheckResult:
        bad = _query(
            """select _source_file, status, rows_read, rows_loaded, rows_quarantined
            from raw.load_log where _source = ? and (
                (status = 'loaded' and rows_read is distinct from rows_loaded + rows_quarantined)
                or (status <> 'loaded' and coalesce(rows_read + rows_loaded + rows_quarantined, 0) <> 0))
            order by load_id""",
            [source],
        )
        files = _query("select count(*) from raw.load_log where _source = ?", [source])[0][0]
        return AssetCheckResult(
            passed=not bad,
            metadata={
                "files_checked": files,
                "files_not_adding_up": len(bad),
                "examples": MetadataValue.json([list(map(str, r)) for r in bad[:10]]),
            },
        )

    @asset_check(
        asset=key,
        name="unique_record_keys",
        description=f"raw.{source} has at most one row per record key ({record_key}).",
    )
    def unique_record_keys() -> AssetCheckResult:
        dupes = _query(
            f"""select {record_key}, count(*) as n from raw.{source}
            group by all having count(*) > 1 order by n desc limit 1000"""
        )
        return AssetCheckResult(
            passed=not dupes,
            metadata={
                "duplicated_keys": len(dupes),
                "examples": MetadataValue.json([list(map(str, r)) for r in dupes[:10]]),
            },
        )

    @asset_check(
        asset=key,
        name="fresh_delivery",
        description=(
            f"The newest {source} file loaded was delivered within CX_FRESHNESS_HOURS "
            f"(default {DEFAULT_FRESHNESS_HOURS} h). Warns only."
        ),
    )
    def fresh_delivery() -> AssetCheckResult:
        delivered, loaded = _query(
            "select max(_delivered_at), max(finished_at) from raw.load_log"
            " where _source = ? and status = 'loaded'",
            [source],
        )[0]
        limit = freshness_hours()
        age = None if delivered is None else (datetime.now(UTC) - delivered).total_seconds() / 3600
        return AssetCheckResult(
            passed=age is not None and age <= limit,
            severity=AssetCheckSeverity.WARN,
            description=None if age is not None else f"no {source} file has been loaded yet",
            metadata={
                "newest_delivery": str(delivered),
                "last_loaded_at": str(loaded),
                "age_hours": round(age, 1) if age is not None else -1.0,
                "limit_hours": limit,
            },
        )

    return [rows_accounted_for, unique_record_keys, fresh_delivery]


ingest_checks = [check for source in SOURCES for check in _checks_for(source)]
