"""The OMB quarterly CX data collection (A-11 Section 280), as GSA Touchpoints takes it.

`write_export(fiscal_year, fiscal_quarter)` reads the export-shaped views in
`dbt/models/marts/omb/` for one quarter from the warehouse (opened read-only) and
writes `$CX_DATA_DIR/published/exports/FY<Y>-Q<Q>/`: cx_collections.csv,
cx_collection_details.csv, one cx_responses upload per detail row, cx_driver_summary.csv
and manifest.json (row counts, SHA-256). The folder is assembled beside its final
place and renamed into it, so nobody ever sees a half-written export. The SQL lives in
dbt; this module only moves rows to files with DuckDB's COPY (bounded memory).
"""

# No `from __future__ import annotations`: Dagster 1.13 checks the `context`
# annotation by identity and rejects the string form.
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from dagster_project.core.build_state import build_fingerprint
from dagster_project.core.export_state import (
    ExportError,
    list_quarters,
    open_warehouse_for_export,
    quarter_has_responses,
)
from dagster_project.core.reference import drivers_where
from dagster_project.core.settings import Settings, get_settings
from dagster_project.defs.assets import export_validation
from dagster_project.defs.partitions import fiscal_quarter_partitions, partition_key_to_fiscal
from dagster_project.defs.resources import LOCK_KEY, WAREHOUSE_KEY

# The drivers the current form lists under "what went well / did not" (seed
# a11_questions, in driver order): Touchpoints' positive_/negative_ columns.
DRIVERS = drivers_where("on_current_form_indicator")
# Touchpoints' cx_responses upload header, column for column (SOURCES.md, "Exports").
RESPONSES_HEADER = (
    "external_id",
    "question_1",
    *(f"positive_{d}" for d in DRIVERS),
    *(f"negative_{d}" for d in DRIVERS),
    "question_4",
)
OMB_MODELS = (
    "fct_omb_survey_responses",
    "fct_omb_cx_responses",
    "agg_omb_cx_collections",
    "agg_omb_cx_collection_details",
    "agg_omb_driver_summary",
)

# file name -> (view, select list, quarter column, order by)
SUMMARY_FILES = {
    "cx_collections.csv": (
        "agg_omb_cx_collections",
        "service_provider, service_id, service_name, fiscal_year, quarter, rating",
        "quarter",
        "service_id",
    ),
    "cx_collection_details.csv": (
        "agg_omb_cx_collection_details",
        "service_id, touchpoints_channel as channel, transaction_point, survey_type, "
        "volume_of_customers, volume_of_customers_provided_survey_opportunity, "
        "volume_of_respondents, trust_question_text",
        "fiscal_quarter",
        "service_id, touchpoints_channel, transaction_point, survey_type",
    ),
    "cx_driver_summary.csv": (
        "agg_omb_driver_summary",
        "service_id, fiscal_year, fiscal_quarter as quarter, touchpoints_channel as channel, "
        "driver, answers, positive_answers, score, is_suppressed, suppression_reason",
        "fiscal_quarter",
        "service_id, touchpoints_channel, driver",
    ),
}


def write_export(fiscal_year: int, fiscal_quarter: int, settings: Settings | None = None) -> Path:
    """Write the OMB export of one fiscal quarter and return its folder."""
    for name, value in (("fiscal year", fiscal_year), ("fiscal quarter", fiscal_quarter)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ExportError(f"{name} must be an integer, got {value!r}")
    if fiscal_quarter not in (1, 2, 3, 4):
        raise ExportError(f"fiscal quarter must be 1, 2, 3 or 4, got {fiscal_quarter}")
    if not 2000 <= fiscal_year <= 2100:
        raise ExportError(f"fiscal year {fiscal_year} is out of range (2000–2100)")
    settings = settings or get_settings()
    label = f"FY{fiscal_year}-Q{fiscal_quarter}"
    final = settings.exports_dir / label
    con = open_warehouse_for_export(settings)
    try:
        _require_data(con, fiscal_year, fiscal_quarter)
        settings.exports_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{label}.", suffix=".partial", dir=final.parent))
        try:
            files = _write_files(con, staging, fiscal_year, fiscal_quarter)
            problems = export_validation.validate(con, fiscal_year, fiscal_quarter, staging)
            con.execute("drop table quarter_responses")
            manifest = {
                "fiscal_year": fiscal_year,
                "fiscal_quarter": fiscal_quarter,
                "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
                # ready / review (warnings only) / not_ready (an error): export_validation
                "status": export_validation.status(problems),
                "problems": export_validation.as_json(problems),
                # responses screening flagged as automated or duplicated: not submitted
                "suspect_responses_excluded": _suspects(con, fiscal_year, fiscal_quarter),
                "source": _source_info(con, settings),
                "files": files,
            }
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    finally:
        con.close()
    _swap_in(staging, final)
    responses = [f for f in files if f["path"].startswith("cx_responses/")]
    print(
        f"OMB export FY{fiscal_year} Q{fiscal_quarter}: {len(files) + 1} files "
        f"({len(responses)} cx_responses uploads, {sum(f['rows'] for f in responses):,} "
        f"responses; {files[0]['rows']} services) in {final}"
    )
    _print_status(manifest["status"], problems)
    return final


def _print_status(status: str, problems: list) -> None:
    words = {
        "ready": "READY to upload: every check passed",
        "review": f"REVIEW before uploading: {len(problems)} warnings",
        "not_ready": "NOT READY: "
        + f"{sum(p.severity == 'error' for p in problems)} errors, "
        + f"{sum(p.severity == 'warning' for p in problems)} warnings",
    }
    print(f"  status {words[status]} (listed in manifest.json and on the OMB export page)")
    for problem in problems[:10]:
        print(f"    {problem.describe()}")
    if len(problems) > 10:
        print(f"    … and {len(problems) - 10} more in manifest.json")


def _require_data(con: duckdb.DuckDBPyConnection, fiscal_year: int, fiscal_quarter: int) -> None:
    try:
        found = quarter_has_responses(con, fiscal_year, fiscal_quarter)
    except duckdb.CatalogException as exc:
        raise ExportError(
            "the warehouse has no OMB export views (marts.fct_omb_survey_responses): "
            "run the dbt build (`cxwh pipeline`) first"
        ) from exc
    if not found:
        have = ", ".join(f"FY{y} Q{q}" for y, q in list_quarters(con)) or "none"
        raise ExportError(
            f"no responses in FY{fiscal_year} Q{fiscal_quarter}; quarters with data: {have}"
        )


def _copy(con: duckdb.DuckDBPyConnection, query: str, params: list, path: Path, **opts) -> int:
    """COPY a query to a CSV file with a header; returns the rows written."""
    options = "".join(f", {k} '{v}'" for k, v in opts.items())
    target = str(path).replace("'", "''")
    return con.execute(
        f"copy ({query}) to '{target}' (format csv, header{options})", params
    ).fetchone()[0]


def _write_files(con: duckdb.DuckDBPyConnection, out: Path, fy: int, fq: int) -> list[dict]:
    written: list[tuple[str, int]] = []
    period = [fy, fq]
    for name, (view, columns, quarter_col, order) in SUMMARY_FILES.items():
        query = (
            f"select {columns} from marts.{view} "
            f"where fiscal_year = ? and {quarter_col} = ? order by {order}"
        )
        written.append((name, _copy(con, query, period, out / name)))

    # One pass over the pivoting view for the quarter, then one cheap COPY per upload.
    con.execute(
        "create or replace temp table quarter_responses as "
        "select * from marts.fct_omb_cx_responses "
        "where fiscal_year = ? and fiscal_quarter = ?",
        period,
    )
    details = con.execute(
        "select responses_file_stem, service_id, channel, transaction_point, survey_type "
        "from marts.agg_omb_cx_collection_details "
        "where fiscal_year = ? and fiscal_quarter = ? order by 1",
        period,
    ).fetchall()
    (out / "cx_responses").mkdir()
    # A missing comment is an empty answer, not an unasked question: only the
    # indicators and question_1 use Touchpoints' `null` literal.
    columns = ", ".join(
        "coalesce(question_4, '') as question_4" if c == "question_4" else c
        for c in RESPONSES_HEADER
    )
    for stem, *keys in details:
        query = (
            f"select {columns} from quarter_responses where service_id = ? and channel = ? "
            "and transaction_point = ? and survey_type = ? order by external_id"
        )
        path = f"cx_responses/{stem}.csv"
        written.append((path, _copy(con, query, keys, out / path, nullstr="null")))

    total = con.execute("select count(*) from quarter_responses").fetchone()[0]
    uploaded = sum(rows for path, rows in written if path.startswith("cx_responses/"))
    if uploaded != total:
        raise ExportError(
            f"{total - uploaded} of {total} responses fall in no collection detail "
            "(missing channel mapping or survey type?); nothing was exported"
        )
    return [{"path": p, "rows": rows, "sha256": _sha256(out / p)} for p, rows in written]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _suspects(con: duckdb.DuckDBPyConnection, fiscal_year: int, fiscal_quarter: int) -> dict:
    """The quarter's suspect responses (screening) left out of the upload: how many in
    all, by rule and by service."""
    rows = con.execute(
        "select service_id, suspect_rule, count(*) from marts.fct_response where is_suspect"
        " and fiscal_year = ? and fiscal_quarter = ? group by all order by all",
        [fiscal_year, fiscal_quarter],
    ).fetchall()
    by_rule: dict[str, int] = {}
    by_service: dict[str, int] = {}
    for service, rule, n in rows:
        by_rule[rule] = by_rule.get(rule, 0) + n
        by_service[service] = by_service.get(service, 0) + n
    return {"total": sum(by_rule.values()), "by_rule": by_rule, "by_service": by_service}


def _source_info(con: duckdb.DuckDBPyConnection, settings: Settings) -> dict:
    stat = settings.warehouse_path.stat()
    last_loaded = con.execute("select max(_loaded_at) from marts.fct_response").fetchone()[0]
    pointer = settings.published_dir / "CURRENT"
    return {
        "warehouse": str(settings.warehouse_path),
        # the dbt build the marts come from (build_state): an export is current while
        # the warehouse has not been built again since
        "build": build_fingerprint(settings),
        "warehouse_modified_at": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(
            timespec="seconds"
        ),
        "last_loaded_at": last_loaded.isoformat() if last_loaded else None,
        # The dashboard snapshot current at export time (the export reads the live
        # warehouse, read-only: the snapshot holds tables only, not these views).
        "published_snapshot": pointer.read_text().strip() if pointer.exists() else None,
    }


def _swap_in(staging: Path, final: Path) -> None:
    """Replace `final` by the complete `staging` folder with renames only.

    A directory cannot be renamed over a non-empty one, so an earlier export is first
    renamed aside: readers see the old folder, then (for an instant) none, then the new.
    """
    old = final.with_name(f".{final.name}.{uuid.uuid4().hex}.old")
    if final.exists():
        os.replace(final, old)
    os.replace(staging, final)
    shutil.rmtree(old, ignore_errors=True)


@asset(
    key=["published", "omb_export"],
    group_name="publish",
    partitions_def=fiscal_quarter_partitions,
    deps=[AssetKey(["marts", name]) for name in OMB_MODELS],
    required_resource_keys={LOCK_KEY, WAREHOUSE_KEY},
    description="The OMB quarterly CX data collection (Touchpoints upload files, driver "
    "summary, manifest) under $CX_DATA_DIR/published/exports/FY<Y>-Q<Q>/.",
    kinds={"csv"},
)
def omb_quarterly_export(context: AssetExecutionContext) -> MaterializeResult:
    fiscal_year, fiscal_quarter = partition_key_to_fiscal(context.partition_key)
    out = write_export(fiscal_year, fiscal_quarter, context.resources.warehouse.settings())
    manifest = json.loads((out / "manifest.json").read_text())
    files = manifest["files"]
    responses = sum(f["rows"] for f in files if f["path"].startswith("cx_responses/"))
    context.log.info(
        f"FY{fiscal_year} Q{fiscal_quarter}: {len(files)} files, {responses} responses"
    )
    return MaterializeResult(
        metadata={
            "fiscal_quarter": f"FY{fiscal_year} Q{fiscal_quarter}",
            "status": manifest["status"],
            "problems": len(manifest["problems"]),
            "path": MetadataValue.path(str(out)),
            "files": len(files) + 1,
            "responses": responses,
            "rows": MetadataValue.json({f["path"]: f["rows"] for f in files}),
            "sha256": MetadataValue.json({f["path"]: f["sha256"] for f in files}),
        }
    )
