"""Federal fiscal quarters as Dagster partitions.

The fiscal year starts on 1 October (FY2025 = 2024-10-01 … 2025-09-30), so a
partition is keyed by the calendar date its quarter starts on: `2023-10-01` is
FY2024 Q1, `2024-10-01` is FY2025 Q1, `2025-01-01` is FY2025 Q2.
"""

from __future__ import annotations

from datetime import date

from dagster import TimeWindowPartitionsDefinition

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
    if start.day != 1 or start.month not in (1, 4, 7, 10):
        raise ValueError(f"{key!r} is not the first day of a fiscal quarter")
    # October–December belong to the next fiscal year's first quarter.
    if start.month >= 10:
        return start.year + 1, 1
    return start.year, (start.month - 1) // 3 + 2


def fiscal_to_partition_key(fiscal_year: int, fiscal_quarter: int) -> str:
    """(2025, 1) -> `2024-10-01`."""
    if fiscal_quarter not in (1, 2, 3, 4):
        raise ValueError(f"fiscal quarter must be 1–4, got {fiscal_quarter!r}")
    if fiscal_quarter == 1:
        return date(fiscal_year - 1, 10, 1).strftime(PARTITION_FMT)
    return date(fiscal_year, 3 * (fiscal_quarter - 2) + 1, 1).strftime(PARTITION_FMT)
