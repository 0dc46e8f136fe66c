"""What moves the scores over the demo's three years (see the docstring of `profiles.py`).

Each service holds its level (`Profile.base`, `Profile.effects`); on top of it,
`driver_drift` gives every [service, day, driver] an offset on the latent scale:

- the seasonal backlog: `SEASON_DIP` times how far the month's volume (the service's
  SEASONS multiplier) is above its yearly mean, capped at twice the mean;
- each CX Action Plan initiative of `dbt/seeds/action_plans.csv`: its target driver on
  its service rises linearly from the start_date over `RAMP_DAYS` to the lasting
  `INITIATIVE_LIFT` of its status, and nothing else rises;
- the planted `INCIDENTS` of a service: their driver offsets for one fiscal quarter.

`stage_abandon` gives each [journey stage, fiscal quarter] its chance of abandoning
(the journey's `abandon`, or a planted incident's for its quarter).
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from dagster_project.core.reference import read_seed
from dagster_project.generate import profiles as P
from dagster_project.generate.calendar import DAY, END, FIRST_FY, N_QUARTERS, START, month_index

N_DAYS = (END - START) // DAY
_NOON = START + DAY * np.arange(N_DAYS) + DAY // 2
DAY_MONTH = (9 + month_index(_NOON)) % 12  # calendar month of each demo day, 0 = January
DAY_QUARTER = month_index(_NOON) // 3  # 0 = FY2024 Q1


def day_index(ts: np.ndarray) -> np.ndarray:
    """Demo day (0 = 2023-10-01 UTC) of UTC instants."""
    return np.clip((np.asarray(ts, np.int64) - START) // DAY, 0, N_DAYS - 1)


def quarter_of(fiscal_year: int, fiscal_quarter: int) -> int:
    return (fiscal_year - FIRST_FY) * 4 + fiscal_quarter - 1


def season_dip(season: np.ndarray) -> np.ndarray:
    """[S, 12, D] offsets of the seasonal backlog from [S, 12] volume multipliers."""
    season = np.asarray(season, float)
    excess = np.clip(season / season.mean(axis=1, keepdims=True) - 1.0, 0.0, 1.0)
    dip = np.array([P.SEASON_DIP.get(d, 0.0) for d in P.DRIVERS])
    return (excess[:, :, None] * dip).astype(np.float32)


def initiatives(service_ids: list[str]) -> list[tuple[int, int, int, float]]:
    """(service, driver, start day, lasting lift) of each action-plan initiative the
    demo knows the service and driver of."""
    out = []
    for r in read_seed("action_plans"):
        if r["service_id"] not in service_ids or r["target_driver"] not in P.D:
            continue
        start = datetime.fromisoformat(r["start_date"]).replace(tzinfo=UTC)
        lift = P.INITIATIVE_LIFT.get(r["status"], P.INITIATIVE_LIFT_OTHER)
        out.append((service_ids.index(r["service_id"]), P.D[r["target_driver"]],
                    (int(start.timestamp()) - START) // DAY, lift))  # fmt: skip
    return out


def driver_drift(service_ids: list[str], season: np.ndarray) -> np.ndarray:
    """[S, N_DAYS, D] float32 offsets of every driver score (see the module docstring)."""
    drift = season_dip(season)[:, DAY_MONTH, :]
    days = np.arange(N_DAYS)
    for s, d, start, lift in initiatives(service_ids):
        drift[s, :, d] += lift * np.clip((days - start) / P.RAMP_DAYS, 0.0, 1.0)
    for inc in P.INCIDENTS:
        if inc.service_id in service_ids:
            s = service_ids.index(inc.service_id)
            when = quarter_of(inc.fiscal_year, inc.fiscal_quarter) == DAY_QUARTER
            for d, v in inc.drivers.items():
                drift[s, when, P.D[d]] += v
    return drift


def stage_abandon(abandon: np.ndarray, stages: list[str]) -> np.ndarray:
    """[JS, N_QUARTERS] chance of abandoning each journey stage ("journey/stage") by the
    fiscal quarter the case enters it."""
    out = np.repeat(np.asarray(abandon, float)[:, None], N_QUARTERS, axis=1)
    for inc in P.INCIDENTS:
        if inc.stage in stages:
            out[stages.index(inc.stage), quarter_of(inc.fiscal_year, inc.fiscal_quarter)] = (
                inc.abandon
            )
    return out
