"""Dagster ingest assets: one per source, `raw/<source>`, group `ingest`, all made by
one step (`raw`) that loads the selected sources in parallel (`load_sources`).

Each materialisation loads every landing file of its source that load_log has not
seen (see `dagster_project.ingest.loader`), then reports files, row counts and a per-file
table as metadata, and its four checks (`dagster_project.defs.checks`). Selecting some
of the assets (the UI, the landing sensor) loads just those sources. The log gets one
summary line per source, a line per rejected or failed file, and a few quarantined rows
with their file, row and reason — never their raw text (every row is in raw.quarantine
and on the Data quality page). A bad file never stops the run: a file that cannot be
read is `rejected` (final), one that failed for another reason `failed` (retried next
run); both are rolled back, and the rest is built and published.
"""

import os

from dagster import (
    AssetCheckKey,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableRecord,
    TableSchema,
    multi_asset,
)

from dagster_project.core.settings import SOURCES, Settings
from dagster_project.defs.checks import check_specs, run_checks
from dagster_project.defs.resources import LOCK_KEY, WAREHOUSE_KEY
from dagster_project.ingest.loader import LoadSummary, load_sources
from dagster_project.ingest.sources import SPECS

MAX_LOGGED_ROWS = 10  # quarantined rows named in the log per source; the rest are counted

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


def _summary_line(source: str, summary: LoadSummary) -> str:
    if not summary.files:
        return f"{source}: no new files ({summary.files_already_logged} already loaded)"
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.by_status().items()))
    return (
        f"{source}: {len(summary.files)} files ({statuses}) in {summary.batches} batch(es); "
        f"{summary.total('rows_read'):,} rows read, {summary.total('rows_loaded'):,} loaded, "
        f"{summary.total('rows_quarantined'):,} quarantined, "
        f"{summary.total('answers_quarantined'):,} answers quarantined"
    )


def _quarantine_examples(con, source: str, summary: LoadSummary) -> str | None:
    files = [f.source_file for f in summary.files if f.rows_quarantined or f.answers_quarantined]
    if not files:
        return None
    rows = con.execute(
        "select _source_file, _row_number, level, field, reason from raw.quarantine"
        " where _source = ? and _source_file in (select unnest(?::varchar[]))"
        " order by _source_file, _row_number, level limit ?",
        [source, files, MAX_LOGGED_ROWS],
    ).fetchall()
    total = summary.total("rows_quarantined") + summary.total("answers_quarantined")
    lines = [
        f"{name} row {row}: {'answer ' + field if level == 'answer' else 'record'} "
        f"quarantined: {reason}"
        for name, row, level, field, reason in rows
    ]
    more = f"\n… {total - len(rows):,} more in raw.quarantine" if total > len(rows) else ""
    return f"{source}: quarantined rows (first {len(rows)}):\n" + "\n".join(lines) + more


def _metadata(con, source: str, summary: LoadSummary, settings: Settings) -> dict:
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
        "batches": summary.batches,
        "rows_read": summary.total("rows_read"),
        "rows_loaded": summary.total("rows_loaded"),
        "rows_quarantined": summary.total("rows_quarantined"),
        "answers_quarantined": summary.total("answers_quarantined"),
        "rows_replaced": summary.total("rows_replaced"),
        "dagster/row_count": con.execute(f"select count(*) from raw.{source}").fetchall()[0][0],
        "table": f"raw.{source}",
        "warehouse": MetadataValue.path(str(settings.warehouse_path)),
        "file_loads": MetadataValue.table(table, schema=TableSchema(columns=FILE_COLUMNS)),
    }


def _spec(source: str) -> AssetSpec:
    spec = SPECS[source]
    return AssetSpec(
        key=AssetKey(["raw", source]),
        group_name="ingest",
        kinds={"duckdb", "python"},
        description=(
            f"Every new `{source}` landing file ({', '.join(spec.extensions)}) under "
            f"$CX_DATA_DIR/landing/{source}/, validated, redacted and loaded into "
            f"raw.{source}; bad records go to raw.quarantine, one raw.load_log row per file. "
            f"Record key: {', '.join(spec.key)} (a later delivery replaces the earlier one)."
        ),
        skippable=True,
    )


@multi_asset(
    name="raw",
    specs=[_spec(source) for source in SOURCES],
    check_specs=[check for source in SOURCES for check in check_specs(source)],
    can_subset=True,
    required_resource_keys={LOCK_KEY, WAREHOUSE_KEY},
)
def raw_sources(context: AssetExecutionContext):
    """Load the selected sources (in parallel), then report each one and its checks."""
    warehouse = context.resources.warehouse
    settings = warehouse.settings()
    selected = context.selected_asset_keys
    sources = [source for source in SOURCES if AssetKey(["raw", source]) in selected]
    # `cxwh pipeline` asks for a progress bar (bytes loaded) on the terminal.
    summaries = load_sources(sources, settings, progress=os.environ.get("CX_PROGRESS") == "1")
    checks_wanted = context.selected_asset_check_keys
    with warehouse.connect(read_only=True) as con:
        for source in sources:
            summary = summaries[source]
            context.log.info(_summary_line(source, summary))
            for f in summary.files:
                if f.status in ("failed", "rejected"):
                    context.log.error(f"{f.source_file}: {f.status} — {f.message}")
            if examples := _quarantine_examples(con, source, summary):
                context.log.warning(examples)
            yield MaterializeResult(
                asset_key=AssetKey(["raw", source]),
                metadata=_metadata(con, source, summary, settings),
            )
            for check in run_checks(con, source, summary, settings):
                if AssetCheckKey(check.asset_key, check.check_name) in checks_wanted:
                    yield check


ingest_assets = [raw_sources]
