"""OMB export preview (per service × channel × driver) and the files `cxwh export` wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from app.queries.common import Scope, conditions
from app.queries.engine import published_dir, run

# Files offered for download; the per-detail-row cx_responses uploads stay on disk.
EXPORT_SUFFIXES = (".csv", ".json")


def submission_preview(scope: Scope) -> pd.DataFrame:
    """The driver summary published with the OMB export (marts.agg_omb_driver_summary):
    answers, positive answers and score per service x channel x driver, the positive
    count and score blank where the cell is suppressed."""
    where, params = conditions(
        scope, period="q.", service="q.service_id", agency="s.agency_code",
        channel="q.channel",
    )  # fmt: skip
    return run(
        f"""
        select s.provider as service_provider, q.service_id, s.service_name,
               coalesce(c.channel_label, q.channel) as channel, d.driver_label as driver,
               q.answers, q.positive_answers as positive, q.score,
               q.is_suppressed as suppressed,
               case q.suppression_reason
                 when 'primary' then 'fewer than ' || r.min_reportable_n || ' answers'
                 when 'complementary' then 'would reveal a suppressed cell through the totals'
               end as why_suppressed
        from marts.agg_omb_driver_summary q
        join marts.dim_service s on s.service_id = q.service_id
        join marts.dim_driver d on d.driver = q.driver
        left join marts.dim_channel c on c.channel = q.channel
        cross join marts.dim_reporting_rules r
        where {where}
        order by s.provider, s.service_name, q.channel, d.driver_order
        """,
        tuple(params),
    )


def export_dir(fiscal_year: int, fiscal_quarter: int) -> Path:
    return published_dir() / "exports" / f"FY{int(fiscal_year)}-Q{int(fiscal_quarter)}"


def export_files(fiscal_year: int, fiscal_quarter: int) -> list[Path]:
    """The export's top-level CSV/JSON files, manifest first; [] when not exported."""
    folder = export_dir(fiscal_year, fiscal_quarter)
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix in EXPORT_SUFFIXES]
    return sorted(files, key=lambda p: (p.name != "manifest.json", p.name))


def export_check(fiscal_year: int, fiscal_quarter: int) -> tuple[str, pd.DataFrame] | None:
    """The export's status (ready / review / not_ready) and its problems (severity,
    rule, file, row, detail) from its manifest.json; None when not exported."""
    path = export_dir(fiscal_year, fiscal_quarter) / "manifest.json"
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    columns = ["severity", "rule", "file", "row", "detail"]
    problems = pd.DataFrame(manifest.get("problems", []), columns=columns)
    return manifest.get("status", "not_checked"), problems


def suspect_responses(scope: Scope) -> pd.DataFrame:
    """The quarter's suspect responses (screening) left out of the submission, per rule."""
    return run(
        """
        select suspect_rule as rule, cast(sum(n_responses) as bigint) as n_responses
        from marts.agg_suspect_responses
        where fiscal_year = ? and fiscal_quarter = ?
        group by suspect_rule
        order by n_responses desc, rule
        """,
        (scope.fiscal_year, scope.fiscal_quarter),
    )
