"""`service_volumes/`: customers served and offered a survey, per quarter, as reported to OMB.

Volumes are derived from the responses actually generated, so response rates land
between 2 % and 20 % (phone and in-person surveys are answered most, mail least).
"""

from __future__ import annotations

import numpy as np

from dagster_project.generate.calendar import FIRST_FY, MONTH_EDGES, N_QUARTERS
from dagster_project.generate.profiles import CHANNELS
from dagster_project.generate.world import Context
from dagster_project.generate.writers import Sink, delivery

SOURCE = "service_volumes"
HEADER = (
    b"service_id,fiscal_year,fiscal_quarter,channel,volume_of_customers,volume_offered_survey\n"
)
CHANNEL_RATE = {"phone": 1.6, "in_person": 1.3, "mail": 0.7, "email": 0.8}


def volume_rows(ctx: Context, q: int, rng: np.random.Generator) -> list[tuple]:
    """(service_id, fy, fq, channel, customers, offered) for services × channels with responses in quarter q."""
    responses = ctx.volume[:, q, :]
    base = ctx.rng("volumes", "rates").uniform(0.03, 0.11, responses.shape)
    base *= np.array([CHANNEL_RATE.get(c, 1.0) for c in CHANNELS])
    rate = np.clip(base * rng.uniform(0.85, 1.15, responses.shape), 0.021, 0.2)
    offered = np.ceil(responses / rate).astype(np.int64)
    customers = np.ceil(
        offered / ctx.rng("volumes", "offer").uniform(0.35, 0.95, responses.shape)
    ).astype(np.int64)
    fy, fq = FIRST_FY + q // 4, q % 4 + 1
    s_idx, c_idx = np.nonzero(responses)
    return [
        (ctx.world.service_ids[s], fy, fq, CHANNELS[c], int(customers[s, c]), int(offered[s, c]))
        for s, c in zip(s_idx, c_idx, strict=True)
    ]


def write_volumes(ctx: Context, sink: Sink) -> None:
    for q in range(N_QUARTERS):
        rng = ctx.rng(SOURCE, q)
        rows = volume_rows(ctx, q, rng)
        body = "".join(",".join(map(str, r)) + "\n" for r in rows).encode()
        fy, fq = FIRST_FY + q // 4, q % 4 + 1
        when = delivery(rng, int(MONTH_EDGES[3 * q + 3]) + 20 * 86400)
        sink.write(SOURCE, f"service_volumes_FY{fy}_Q{fq}.csv", [body], len(rows), when, HEADER)
