"""Data quality: files loaded, quarantine, freshness, the last run and its checks."""

from __future__ import annotations

import pandas as pd

from app.queries.engine import run


def load_summary() -> pd.DataFrame:
    """Per source: files by status, rows read/loaded/quarantined."""
    return run(
        """
        select source,
               count(*) as files,
               count(*) filter (where status = 'loaded') as files_loaded,
               count(*) filter (where status = 'failed') as files_failed,
               count(*) filter (where status = 'rejected') as files_rejected,
               cast(coalesce(sum(rows_read), 0) as bigint) as rows_read,
               cast(coalesce(sum(rows_loaded), 0) as bigint) as rows_loaded,
               cast(coalesce(sum(rows_quarantined), 0) as bigint) as rows_quarantined,
               cast(coalesce(sum(answers_quarantined), 0) as bigint) as answers_quarantined,
               max(finished_at) as last_finished_at
        from marts.fct_file_loads
        group by source
        order by source
        """
    )


def recent_file_loads(limit: int = 200) -> pd.DataFrame:
    return run(
        """
        select started_at, source, source_file as file, status, rows_read,
               rows_loaded, rows_quarantined, answers_quarantined, message
        from marts.fct_file_loads
        order by started_at desc, source_file
        limit ?
        """,
        (int(limit),),
    )


def quarantine_reasons() -> pd.DataFrame:
    return run(
        """
        select source, level, reason, n_rows, n_files, last_loaded_at
        from marts.agg_quarantine_reasons
        order by n_rows desc, source, reason
        """
    )


def source_freshness() -> pd.DataFrame:
    return run(
        """
        select source, last_loaded_at, last_delivered_at, files_loaded
        from meta.source_freshness
        order by source
        """
    )


def publish_info() -> pd.DataFrame:
    return run("select version, published_at, dagster_run_id from meta.publish_info")


def check_results() -> pd.DataFrame:
    """The last run's checks; `outcome` is passed / warning / failed, as the publish step
    worded it (a WARN-severity check that did not pass is a warning, not a failure)."""
    return run(
        """
        select check_name, asset, outcome, severity, description, checked_at
        from meta.check_results
        order by case outcome when 'failed' then 0 when 'warning' then 1 else 2 end,
                 asset, check_name
        """
    )


def suspect_responses() -> pd.DataFrame:
    """Responses screening flagged as automated or duplicated and left out of every
    score, per fiscal quarter, service and rule (newest quarter first)."""
    return run(
        """
        select a.fiscal_year, a.fiscal_quarter, s.service_name, a.suspect_rule as rule,
               a.n_responses, a.n_answers, a.rule_description
        from marts.agg_suspect_responses a
        left join marts.dim_service s using (service_id)
        order by a.fiscal_year desc, a.fiscal_quarter desc, a.n_responses desc,
                 s.service_name, a.suspect_rule
        """
    )
