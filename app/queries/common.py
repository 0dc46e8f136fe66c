"""Filters shared by every page, turned into SQL conditions from a fixed set of columns.

Values always travel as `?` parameters; only these constant fragments become SQL text.
Optional filters add a condition instead of `(? is null or col = ?)` so that DuckDB can
push the filter into the scan (zone maps) on the large fact tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster_project.core.fiscal import previous_quarter

ALL = "all"

# The smallest n shown with a score, as the snapshot publishes it
# (marts.dim_reporting_rules): SQL text, so every query applies the published rule.
MIN_N = "(select min_reportable_n from marts.dim_reporting_rules)"


@dataclass(frozen=True)
class Scope:
    """Which slice of the marts a page shows (the sidebar filters)."""

    fiscal_year: int
    fiscal_quarter: int
    agency: str | None = None  # agency_code, None = every agency
    service: str | None = None  # service_id, None = every service
    channel: str = ALL  # a channel key, or 'all' (the marts' all-channel rows)

    @property
    def previous(self) -> tuple[int, int]:
        """The previous fiscal quarter (Q1's predecessor is Q4 of the year before)."""
        return previous_quarter(self.fiscal_year, self.fiscal_quarter)


def conditions(
    scope: Scope,
    *,
    period: str | None = "",
    service: str = "service_id",
    agency: str | None = "agency_code",
    channel: str | None = None,
    channel_all_row: bool = False,
) -> tuple[str, list]:
    """`where` text and parameters for a scope.

    Column arguments name the (possibly aliased) columns to filter; None skips that
    filter. `period` is the alias prefix of fiscal_year/fiscal_quarter (None = no
    period filter). `channel_all_row`: the table holds an 'all' channel row, so the
    channel filter always applies (`channel = 'all'` selects it); otherwise 'all'
    means no channel filter.
    """
    sql: list[str] = []
    params: list = []
    if period is not None:
        sql += [f"{period}fiscal_year = ?", f"{period}fiscal_quarter = ?"]
        params += [scope.fiscal_year, scope.fiscal_quarter]
    if agency and scope.agency:
        sql.append(f"{agency} = ?")
        params.append(scope.agency)
    if service and scope.service:
        sql.append(f"{service} = ?")
        params.append(scope.service)
    if channel and (channel_all_row or scope.channel != ALL):
        sql.append(f"{channel} = ?")
        params.append(scope.channel)
    return (" and ".join(sql) or "true"), params
