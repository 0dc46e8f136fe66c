"""Dagster ingest assets: one per source, `raw/<source>`, group `ingest`.

Each materialisation loads every landing file of its source that load_log has not
seen (see `dagster_project.loader`), then reports files, row counts and a per-file
table as metadata. Logs name the file, and the row and reason of each quarantined
record — never its raw text. A bad file never stops the run: a file that cannot be
read is `rejected` (final) and one that failed for another reason is `failed`
(retried next run); both are rolled back, named in the log and in the asset's
`no_rejected_or_failed_files` check (WARN), and the rest is built and published.
"""

import os

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
    asset,
)

from dagster_project.loader import LoadSummary, load_source
from dagster_project.resources import connect_warehouse
from dagster_project.settings import SOURCES, get_settings
from dagster_project.sources import SPECS

MAX_LOGGED_ROWS = 20  # quarantined rows named in the log per file; the rest are counted

FILE_COLUMNS = [
    TableColumn("file", "string"),
    TableColumn("status", "string"),
    TableColumn("rows_read", "int"),
    TableColumn("rows_loaded", "int"),
    TableColumn("rows_quarantined", "int"),
    TableColumn("answers_quarantined", "int"),
    TableColumn("rows_replaced", "int"),
    TableColumn("seconds", "float"),
    TableColumn("message", "string"),
]


def _log_quarantine(context: AssetExecutionContext, source: str, summary: LoadSummary) -> None:
    files = [f.source_file for f in summary.files if f.rows_quarantined or f.answers_quarantined]
    if not files:
        return
    with connect_warehouse(get_settings(), read_only=True) as con:
        for name in files:
            rows = con.execute(
                "select _row_number, level, field, reason from raw.quarantine"
                " where _source = ? and _source_file = ? order by _row_number, level limit ?",
                [source, name, MAX_LOGGED_ROWS + 1],
            ).fetchall()
            for row_number, level, field, reason in rows[:MAX_LOGGED_ROWS]:
                what = f"answer {field}" if level == "answer" else "record"
                context.log.warning(f"{name} row {row_number}: {what} quarantined: {reason}")
            if len(rows) > MAX_LOGGED_ROWS:
                context.log.warning(f"{name}: more quarantined rows, see raw.quarantine")


def _row_count(source: str) -> int:
    with connect_warehouse(get_settings(), read_only=True) as con:
        return con.execute(f"select count(*) from raw.{source}").fetchall()[0][0]


def _metadata(source: str, summary: LoadSummary) -> dict:
    table = [
        TableRecord(
            {
                "file": f.source_file,
                "status": f.status,
                "rows_read": f.rows_read,
                "rows_loaded": f.rows_loaded,
                "rows_quarantined": f.rows_quarantined,
                "answers_quarantined": f.answers_quarantined,
                "rows_replaced": f.rows_replaced,
                "seconds": round(f.seconds, 3),
                "message": f.message,
            }
        )  # fmt: skip
        for f in summary.files
    ]
    return {
        "files": len(summary.files),
        "files_by_status": MetadataValue.json(summary.by_status()),
        "files_already_loaded": summary.files_already_logged,
        "rows_read": summary.total("rows_read"),
        "rows_loaded": summary.total("rows_loaded"),
        "rows_quarantined": summary.total("rows_quarantined"),
        "answers_quarantined": summary.total("answers_quarantined"),
        "rows_replaced": summary.total("rows_replaced"),
        "dagster/row_count": _row_count(source),
        "table": f"raw.{source}",
        "warehouse": MetadataValue.path(str(get_settings().warehouse_path)),
        "file_loads": MetadataValue.table(table, schema=TableSchema(columns=FILE_COLUMNS)),
    }


BAD_FILES_CHECK = "no_rejected_or_failed_files"


def build_ingest_asset(source: str):
    spec = SPECS[source]
    key = AssetKey(["raw", source])

    @asset(
        key=key,
        group_name="ingest",
        kinds={"duckdb", "python"},
        description=(
            f"Every new `{source}` landing file ({', '.join(spec.extensions)}) under "
            f"$CX_DATA_DIR/landing/{source}/, validated, redacted and loaded into "
            f"raw.{source}; bad records go to raw.quarantine, one raw.load_log row per file. "
            f"Record key: {', '.join(spec.key)} (a later delivery replaces the earlier one)."
        ),
        check_specs=[
            AssetCheckSpec(
                BAD_FILES_CHECK,
                asset=key,
                description=(
                    "Every file this run looked at was loaded (or was empty, a duplicate or of "
                    "another kind). Warns, naming each file that was rejected (its content is "
                    "bad: final) or failed (retried next run)."
                ),
            )
        ],
    )
    def _ingest(context: AssetExecutionContext):
        # `cxwh pipeline` asks for a progress bar (bytes loaded) on the terminal.
        summary = load_source(source, progress=os.environ.get("CX_PROGRESS") == "1")
        for f in summary.files:
            line = f"{f.source_file}: {f.status} — {f.message}"
            if f.status in ("failed", "rejected"):
                context.log.error(line)
            else:
                context.log.info(line)
        _log_quarantine(context, source, summary)
        bad = [f for f in summary.files if f.status in ("failed", "rejected")]
        yield MaterializeResult(metadata=_metadata(source, summary))
        yield AssetCheckResult(
            check_name=BAD_FILES_CHECK,
            passed=not bad,
            severity=AssetCheckSeverity.WARN,
            description=(
                "; ".join(f"{f.source_file} {f.status}: {f.message}" for f in bad[:10])
                + (f"; and {len(bad) - 10} more" if len(bad) > 10 else "")
                if bad
                else None
            ),
            metadata={
                "files_rejected": sum(f.status == "rejected" for f in bad),
                "files_failed": sum(f.status == "failed" for f in bad),
                "files": MetadataValue.json([f.source_file for f in bad]),
            },
        )

    return _ingest


ingest_assets = [build_ingest_asset(source) for source in SOURCES]
