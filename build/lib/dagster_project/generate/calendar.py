"""The fixed demo period (FY2024–FY2026), fiscal periods, New York time, timestamps.

All instants are int64 seconds since the epoch, UTC. Nothing here reads the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

FIRST_FY, LAST_FY = 2024, 2026
N_MONTHS = 12 * (LAST_FY - FIRST_FY + 1)
N_QUARTERS = N_MONTHS // 3
_M0 = np.datetime64(f"{FIRST_FY - 1}-10", "M")
MONTH_EDGES = (_M0 + np.arange(N_MONTHS + 1)).astype("datetime64[s]").astype(np.int64)
START, END = int(MONTH_EDGES[0]), int(MONTH_EDGES[-1])  # [2023-10-01, 2026-10-01) UTC
DAY, YEAR = 86_400, 365.25 * 86_400

# Share of activity by local hour: web all day, contact centres 7:00–21:59 only.
WEB_HOURS = np.array(
    [2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 9, 9, 9, 9, 9, 9, 9, 10, 10, 8, 6, 4], float
)
OFFICE_HOURS = np.array(
    [0] * 7 + [4, 9, 11, 11, 10, 9, 10, 10, 9, 8, 7, 6, 5, 4, 3] + [0, 0], float
)


def month_label(m: int) -> str:
    """`YYYY-MM` of demo month m (0 = October 2023)."""
    return str(_M0 + m)


def calendar_month(m: int) -> int:
    """1–12 calendar month of demo month m."""
    return (9 + m) % 12 + 1


def fiscal_period(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Federal fiscal year and quarter of UTC instants (FY starts 1 October): the rule of
    dagster_project.core.fiscal, vectorised for millions of instants (tests/core/test_fiscal.py
    checks the two agree on every day)."""
    months = (
        np.asarray(ts, dtype=np.int64)
        .astype("datetime64[s]")
        .astype("datetime64[M]")
        .astype(np.int64)
    )
    year, month = months // 12 + 1970, months % 12 + 1
    return year + (month >= 10), (month - 10) % 12 // 3 + 1


def quarter_index(ts: np.ndarray) -> np.ndarray:
    """0 for FY2024 Q1 … 11 for FY2026 Q4."""
    fy, fq = fiscal_period(ts)
    return (fy - FIRST_FY) * 4 + fq - 1


def month_index(ts: np.ndarray) -> np.ndarray:
    return np.searchsorted(MONTH_EDGES, ts, side="right") - 1


def _dst_edges() -> np.ndarray:
    """US Eastern DST starts (2nd Sunday of March, 07:00 UTC) and ends (1st Sunday of November, 06:00 UTC)."""
    edges = []
    for y in range(FIRST_FY - 2, LAST_FY + 2):
        march, nov = datetime(y, 3, 8, 7, tzinfo=UTC), datetime(y, 11, 1, 6, tzinfo=UTC)
        edges.append(march + timedelta(days=(6 - march.weekday()) % 7))
        edges.append(nov + timedelta(days=(6 - nov.weekday()) % 7))
    return np.array([int(e.timestamp()) for e in edges], dtype=np.int64)


_DST = _dst_edges()


def ny_offset(ts: np.ndarray) -> np.ndarray:
    """UTC offset in seconds of America/New_York at UTC instants (-4 h or -5 h)."""
    in_dst = np.searchsorted(_DST, ts, side="right") % 2 == 1
    return np.where(in_dst, -4 * 3600, -5 * 3600).astype(np.int32)


def sample_times(rng: np.random.Generator, months: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Random UTC instants inside the given demo months, with weekday and hour-of-day shape."""
    months = np.asarray(months, dtype=np.int64)
    n = len(months)
    start, span = MONTH_EDGES[months], MONTH_EDGES[months + 1] - MONTH_EDGES[months]
    day = (rng.random(n) * (span // DAY)).astype(np.int64)
    weekday = (start // DAY + day + 3) % 7  # 0 = Monday
    weekend = (weekday >= 5) & (rng.random(n) < 0.45)
    day = np.where(weekend, day - (weekday - 4), day)  # a share of weekend traffic moves to Friday
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    local = start + day * DAY + hour * 3600 + rng.integers(0, 3600, n)
    utc = local - ny_offset(local + 5 * 3600)
    return start + (utc - start) % span  # keep every instant inside its month


def monthly_counts(
    rng: np.random.Generator, n: int, weight: np.ndarray, season: np.ndarray, growth: float = 0.06
) -> np.ndarray:
    """Split n responses over [month, service] by volume weight, season and slow growth."""
    cal = (9 + np.arange(N_MONTHS)) % 12
    p = (
        np.asarray(weight)[None, :]
        * np.asarray(season)[:, cal].T
        * (1 + growth * np.arange(N_MONTHS) / 12)[:, None]
    )
    return rng.multinomial(n, (p / p.sum()).ravel()).reshape(p.shape)
