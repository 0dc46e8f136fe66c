"""Fiscal periods of generated timestamps and volumes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np

from dagster_project.core.reference import queue_map
from dagster_project.generate.calendar import (
    END,
    START,
    fiscal_period,
    monthly_counts,
    ny_offset,
    quarter_index,
    sample_times,
)

from .conftest import api_records, contact_center, csv_rows, data_files, touchpoints


def _ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def test_fiscal_period_boundaries():
    cases = {
        "2023-10-01T00:00:00": (2024, 1), "2023-12-31T23:59:59": (2024, 1), "2024-01-01T00:00:00": (2024, 2),
        "2024-03-31T23:59:59": (2024, 2), "2024-04-01T00:00:00": (2024, 3), "2024-07-01T00:00:00": (2024, 4),
        "2024-09-30T23:59:59": (2024, 4), "2024-10-01T00:00:00": (2025, 1), "2026-09-30T23:59:59": (2026, 4),
    }  # fmt: skip
    fy, fq = fiscal_period(np.array([_ts(t) for t in cases]))
    assert list(zip(fy.tolist(), fq.tolist(), strict=True)) == list(cases.values())
    assert quarter_index(np.array([START, END - 1])).tolist() == [0, 11]


def test_new_york_offset_follows_daylight_saving():
    assert ny_offset(
        np.array([_ts("2024-01-15T12:00:00"), _ts("2024-07-04T12:00:00")])
    ).tolist() == [-18000, -14400]
    assert ny_offset(
        np.array([_ts("2024-03-10T06:59:59"), _ts("2024-03-10T07:00:00")])
    ).tolist() == [-18000, -14400]
    assert ny_offset(
        np.array([_ts("2024-11-03T05:59:59"), _ts("2024-11-03T06:00:00")])
    ).tolist() == [-14400, -18000]


def test_sampled_times_stay_inside_their_month_and_period():
    rng = np.random.default_rng(0)
    months = rng.integers(0, 36, 10_000)
    ts = sample_times(rng, months, np.ones(24))
    assert ts.min() >= START and ts.max() < END
    assert (np.searchsorted(np.array([START]), ts) == 1).all()
    assert monthly_counts(rng, 1000, np.ones(3), np.ones((3, 12))).sum() == 1000


def _responses_per_cell(root) -> Counter:
    """Responses of every source per (service, fiscal year, quarter, channel), from the files."""
    queues, ny = queue_map(), ZoneInfo("America/New_York")
    stamps = [
        (r["service_id"], r["channel"], r["created_at"].replace(" UTC", "+00:00"))
        for r in touchpoints(root)
    ]
    stamps += [
        (r["service_id"], r["channel"], str(r["submitted_at"]).replace("Z", "+00:00"))
        for r in api_records(root)
    ]
    out = Counter()
    for service, channel, stamp in stamps:
        try:
            t = datetime.fromisoformat(stamp)
        except ValueError:
            continue  # a bad-timestamp defect
        fy, fq = fiscal_period(np.array([int(t.timestamp())]))
        out[(service, int(fy[0]), int(fq[0]), channel)] += 1
    for r in contact_center(root):
        try:
            t = datetime.strptime(r["CallStart"], "%m/%d/%Y %H:%M").replace(tzinfo=ny)
        except ValueError:
            continue
        fy, fq = fiscal_period(np.array([int(t.timestamp())]))
        out[(queues.get(r["Queue"]), int(fy[0]), int(fq[0]), "phone")] += 1
    return out


def test_volume_files_hold_their_own_quarter_and_cover_responses(root):
    responses = _responses_per_cell(root)
    volumes = {}
    for path in data_files(root, "service_volumes"):
        fy, q = path.stem.split("_")[-2:]
        for r in csv_rows(path)[1:]:
            assert (r[1], r[2]) == (fy[2:], q[1:])
            volumes[(r[0], int(r[1]), int(r[2]), r[3])] = (int(r[4]), int(r[5]))
    assert {k[1:3] for k in volumes} == {(fy, q) for fy in (2024, 2025, 2026) for q in (1, 2, 3, 4)}
    for key, n in responses.items():
        if key in volumes:
            assert volumes[key][1] >= n
    rates = [n / volumes[k][1] for k, n in responses.items() if k in volumes and n >= 20]
    assert len(rates) > 20 and min(rates) >= 0.02 and max(rates) <= 0.2
