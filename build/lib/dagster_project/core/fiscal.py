"""Federal fiscal periods (METRICS.md "Time"), the one Python definition.

The fiscal year starts on 1 October: FY2025 = 2024-10-01 … 2025-09-30, Q1 = October–
December, Q2 = January–March, Q3 = April–June, Q4 = July–September. An instant belongs
to the period of its UTC date, whatever the local time zone. dbt's macros
(`dbt/macros/fiscal_period.sql`) are the SQL definition; tests/core/test_fiscal.py checks
that both, the Dagster partitions, the demo generator and the dashboard agree on every
day of several fiscal years.

No Dagster, no DuckDB: the dashboard imports this module too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def fiscal_period(day: date | datetime) -> tuple[int, int]:
    """(fiscal year, fiscal quarter) of a date, or of an aware instant's UTC date."""
    if isinstance(day, datetime):
        if day.tzinfo is None:
            raise ValueError(f"{day!r} has no time zone: its fiscal period would be a guess")
        day = day.astimezone(UTC).date()
    if day.month >= 10:
        return day.year + 1, 1
    return day.year, (day.month - 1) // 3 + 2


def quarter_start(fiscal_year: int, fiscal_quarter: int) -> date:
    """The first day of a fiscal quarter: (2025, 1) -> 2024-10-01."""
    _check(fiscal_quarter)
    if fiscal_quarter == 1:
        return date(fiscal_year - 1, 10, 1)
    return date(fiscal_year, 3 * (fiscal_quarter - 2) + 1, 1)


def quarter_end(fiscal_year: int, fiscal_quarter: int) -> date:
    """The last day of a fiscal quarter: (2025, 1) -> 2024-12-31."""
    following = next_quarter(fiscal_year, fiscal_quarter)
    return quarter_start(*following) - timedelta(days=1)


def previous_quarter(fiscal_year: int, fiscal_quarter: int) -> tuple[int, int]:
    """The calendar predecessor: Q1's is Q4 of the year before."""
    _check(fiscal_quarter)
    return (fiscal_year - 1, 4) if fiscal_quarter == 1 else (fiscal_year, fiscal_quarter - 1)


def next_quarter(fiscal_year: int, fiscal_quarter: int) -> tuple[int, int]:
    _check(fiscal_quarter)
    return (fiscal_year + 1, 1) if fiscal_quarter == 4 else (fiscal_year, fiscal_quarter + 1)


def quarter_label(fiscal_year: int, fiscal_quarter: int) -> str:
    return f"FY{fiscal_year} Q{fiscal_quarter}"


def last_complete_quarter(today: date) -> tuple[int, int]:
    """The latest fiscal quarter that ended before `today`."""
    return previous_quarter(*fiscal_period(today))


def _check(fiscal_quarter: int) -> None:
    if fiscal_quarter not in (1, 2, 3, 4):
        raise ValueError(f"fiscal quarter must be 1–4, got {fiscal_quarter!r}")
