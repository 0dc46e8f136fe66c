"""Federal fiscal quarters as Dagster partitions.

The fiscal year starts on 1 October (FY2025 = 2024-10-01 … 2025-09-30), so a
partition is keyed by the calendar date its quarter starts on: `2023-10-01` is
FY2024 Q1, `2024-10-01` is FY2025 Q1, `2025-01-01` is FY2025 Q2.
"""

from __future__ import annotations

from datetime import date

from dagster import TimeWindowPartitionsDefinition

from dagster_project.core.fiscal import fiscal_period, quarter_start

PARTITION_FMT = "%Y-%m-%d"

# One partition per quarter start (1 Jan, Apr, Jul, Oct); the first is FY2024 Q1.
fiscal_quarter_partitions = TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1,4,7,10 *",
    start="2023-10-01",
    fmt=PARTITION_FMT,
)


def partition_key_to_fiscal(key: str) -> tuple[int, int]:
    """`2024-10-01` -> (2025, 1). Raises ValueError for a date that starts no quarter."""
    start = date.fromisoformat(key)
    period = fiscal_period(start)
    if quarter_start(*period) != start:
        raise ValueError(f"{key!r} is not the first day of a fiscal quarter")
    return period


def fiscal_to_partition_key(fiscal_year: int, fiscal_quarter: int) -> str:
    """(2025, 1) -> `2024-10-01`."""
    return quarter_start(fiscal_year, fiscal_quarter).strftime(PARTITION_FMT)
