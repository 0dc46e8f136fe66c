"""Fiscal-quarter partitions: the key is the calendar date the quarter starts on."""

import pytest

from dagster_project.defs.partitions import (
    fiscal_quarter_partitions,
    fiscal_to_partition_key,
    partition_key_to_fiscal,
)

# Federal fiscal year starts 1 October: FY2025 = 2024-10-01 … 2025-09-30.
CASES = [
    ("2023-10-01", (2024, 1)),
    ("2024-01-01", (2024, 2)),
    ("2024-04-01", (2024, 3)),
    ("2024-07-01", (2024, 4)),
    ("2024-10-01", (2025, 1)),  # FY boundary
    ("2025-01-01", (2025, 2)),
    ("2025-07-01", (2025, 4)),
    ("2025-10-01", (2026, 1)),
]


@pytest.mark.parametrize(("key", "fiscal"), CASES)
def test_key_to_fiscal_and_back(key, fiscal):
    assert partition_key_to_fiscal(key) == fiscal
    assert fiscal_to_partition_key(*fiscal) == key


def test_partitions_start_at_fy2024_q1_and_step_by_quarter():
    keys = fiscal_quarter_partitions.get_partition_keys()
    assert keys[:6] == [
        "2023-10-01",
        "2024-01-01",
        "2024-04-01",
        "2024-07-01",
        "2024-10-01",
        "2025-01-01",
    ]
    window = fiscal_quarter_partitions.time_window_for_partition_key("2024-10-01")
    assert (window.start.date().isoformat(), window.end.date().isoformat()) == (
        "2024-10-01",
        "2025-01-01",
    )
    # Every partition maps to a distinct fiscal quarter, in order.
    fiscal = [partition_key_to_fiscal(k) for k in keys]
    assert fiscal == sorted(set(fiscal))


@pytest.mark.parametrize("key", ["2024-02-01", "2024-10-02", "not-a-date"])
def test_a_date_that_starts_no_quarter_is_rejected(key):
    with pytest.raises(ValueError):
        partition_key_to_fiscal(key)


@pytest.mark.parametrize("quarter", [0, 5])
def test_quarter_outside_1_to_4_is_rejected(quarter):
    with pytest.raises(ValueError, match="1–4"):
        fiscal_to_partition_key(2025, quarter)
