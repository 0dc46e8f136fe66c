"""The checks every ingest asset reports with its materialization (one step per source).

- `rows_accounted_for` (ERROR): in raw.load_log, every loaded file has
  rows_read = rows_loaded + rows_quarantined, and files with any other status report
  no rows: nothing was silently dropped.
- `unique_record_keys` (ERROR): raw.<source> holds at most one row per record key (a
  re-delivery replaced its earlier version instead of adding a second one). The facts
  rely on it: they take raw's rows as they are.
- `fresh_delivery` (WARN): the newest file loaded for the source was delivered (file
  modification time) within `CX_FRESHNESS_HOURS` (default 1080 h = 45 days, generous
  for demo data). WARN, so a stale demo does not fail the pipeline.
- `no_rejected_or_failed_files` (WARN): every file this run looked at was loaded (or was
  empty, a duplicate, of another kind); names each one rejected or failed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from dagster_project.core.settings import DEFAULT_FRESHNESS_HOURS, Settings
from dagster_project.ingest.loader import LoadSummary
from dagster_project.ingest.sources import SPECS

BAD_FILES_CHECK = "no_rejected_or_failed_files"


def check_specs(source: str) -> list[AssetCheckSpec]:
    key = AssetKey(["raw", source])
    record_key = ", ".join(SPECS[source].key)
    described = {
        "rows_accounted_for": (
            f"Every {source} file in raw.load_log: rows_read = rows_loaded + rows_quarantined "
            "(files not loaded report no rows). Nothing is silently dropped."
        ),
        "unique_record_keys": f"raw.{source} has at most one row per record key ({record_key}).",
        "fresh_delivery": (
            f"The newest {source} file loaded was delivered within CX_FRESHNESS_HOURS "
            f"(default {DEFAULT_FRESHNESS_HOURS:g} h). Warns only."
        ),
        BAD_FILES_CHECK: (
            "Every file this run looked at was loaded (or was empty, a duplicate or of "
            "another kind). Warns, naming each file that was rejected (its content is bad: "
            "final) or failed (retried next run)."
        ),
    }
    return [AssetCheckSpec(name, asset=key, description=text) for name, text in described.items()]


def run_checks(
    con: duckdb.DuckDBPyConnection, source: str, summary: LoadSummary, settings: Settings
) -> list[AssetCheckResult]:
    return [
        _rows_accounted_for(con, source),
        _unique_record_keys(con, source),
        _fresh_delivery(con, source, settings.freshness_hours),
        _no_bad_files(summary),
    ]


def _rows_accounted_for(con: duckdb.DuckDBPyConnection, source: str) -> AssetCheckResult:
    bad = con.execute(
        """select _source_file, status, rows_read, rows_loaded, rows_quarantined
        from raw.load_log where _source = ? and (
            (status = 'loaded' and rows_read is distinct from rows_loaded + rows_quarantined)
            or (status <> 'loaded' and coalesce(rows_read + rows_loaded + rows_quarantined, 0) <> 0))
        order by load_id""",
        [source],
    ).fetchall()
    files = con.execute("select count(*) from raw.load_log where _source = ?", [source])
    return AssetCheckResult(
        asset_key=AssetKey(["raw", source]),
        check_name="rows_accounted_for",
        passed=not bad,
        metadata={
            "files_checked": files.fetchall()[0][0],
            "files_not_adding_up": len(bad),
            "examples": MetadataValue.json([list(map(str, r)) for r in bad[:10]]),
        },
    )


def _unique_record_keys(con: duckdb.DuckDBPyConnection, source: str) -> AssetCheckResult:
    record_key = ", ".join(SPECS[source].key)
    dupes = con.execute(
        f"""select {record_key}, count(*) as n from raw.{source}
        group by all having count(*) > 1 order by n desc limit 1000"""
    ).fetchall()
    return AssetCheckResult(
        asset_key=AssetKey(["raw", source]),
        check_name="unique_record_keys",
        passed=not dupes,
        metadata={
            "duplicated_keys": len(dupes),
            "examples": MetadataValue.json([list(map(str, r)) for r in dupes[:10]]),
        },
    )


def _fresh_delivery(con: duckdb.DuckDBPyConnection, source: str, limit: float) -> AssetCheckResult:
    delivered, loaded = con.execute(
        "select max(_delivered_at), max(finished_at) from raw.load_log"
        " where _source = ? and status = 'loaded'",
        [source],
    ).fetchall()[0]
    age = None if delivered is None else (datetime.now(UTC) - delivered).total_seconds() / 3600
    return AssetCheckResult(
        asset_key=AssetKey(["raw", source]),
        check_name="fresh_delivery",
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


def _no_bad_files(summary: LoadSummary) -> AssetCheckResult:
    bad = [f for f in summary.files if f.status in ("failed", "rejected")]
    description = None
    if bad:
        description = "; ".join(f"{f.source_file} {f.status}: {f.message}" for f in bad[:10])
        if len(bad) > 10:
            description += f"; and {len(bad) - 10} more"
    return AssetCheckResult(
        asset_key=AssetKey(["raw", summary.source]),
        check_name=BAD_FILES_CHECK,
        passed=not bad,
        severity=AssetCheckSeverity.WARN,
        description=description,
        metadata={
            "files_rejected": sum(f.status == "rejected" for f in bad),
            "files_failed": sum(f.status == "failed" for f in bad),
            "files": MetadataValue.json([f.source_file for f in bad]),
        },
    )
