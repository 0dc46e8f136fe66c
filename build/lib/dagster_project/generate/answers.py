"""From a latent experience to answers on every A-11 scale.

Each response has a latent experience `z` (the service's steady level, the stage of
its journey, the customer's and the case's own mood, noise). Every driver score is
`0.85·z` plus the service's and channel's offset for that driver, plus what moves that
driver of that service on that day (`World.drift`: a peak season's backlog, the lift
of an action-plan initiative, a planted incident; see `changes.py`), plus its own
noise: drivers correlate (ρ ≈ 0.6), services differ driver by driver, and a service's
scores stay level within sampling noise except where something moves them.
"""

from __future__ import annotations

import numpy as np

from dagster_project.core.reference import drivers_where
from dagster_project.generate import profiles as P
from dagster_project.generate.calendar import START, YEAR
from dagster_project.generate.changes import day_index
from dagster_project.generate.world import World

LIKERT_CUTS = np.array([-1.25, -0.55, 0.05, 0.85], np.float32)  # score → 1..5
THUMBS_CUT = -0.1
SHIFT = 0.5  # centres the average service at about two-thirds positive
STAFFED = np.isin(
    np.arange(len(P.CHANNELS)), [P.C[c] for c in ("phone", "in_person", "chat", "email")]
)
# Options of the current A-11 form's "went well" / "didn't go well" lists, in order.
OPTIONS = drivers_where("on_current_form_indicator")


def experience(rng: np.random.Generator, w: World, svc, ts, extra=0.0, js=None) -> np.ndarray:
    """Latent experience per response (float32)."""
    years = ((np.asarray(ts) - START) / YEAR).astype(np.float32)
    z = (
        w.base[svc]
        + w.trend[svc] * years
        + SHIFT
        + extra
        + rng.standard_normal(len(svc), np.float32)
    )
    if js is not None:
        z += np.where(js >= 0, w.js_effect[np.maximum(js, 0)], 0.0).astype(np.float32)
    return z


def driver_scores(rng: np.random.Generator, w: World, z, svc, channel, ts) -> np.ndarray:
    """[8, n] driver scores on the latent scale, in `profiles.DRIVERS` order."""
    noise = rng.standard_normal((len(P.DRIVERS), len(z)), np.float32)
    offset = w.effect[svc] + w.channel_effect[channel] + w.drift[svc, day_index(ts)]
    return 0.85 * z + offset.T + 0.6 * noise


def likert(y: np.ndarray) -> np.ndarray:
    return (np.searchsorted(LIKERT_CUTS, y) + 1).astype(np.int8)


def thumbs_up(y: np.ndarray) -> np.ndarray:
    return y > THUMBS_CUT


def asked(rng: np.random.Generator, channel: np.ndarray, skip: float = 0.06) -> np.ndarray:
    """[8, n] whether each driver got an answer (employee mostly where staff took part)."""
    n = len(channel)
    p_skip = np.full((len(P.DRIVERS), n), skip, np.float32)
    p_skip[P.D["employee"]] = np.where(STAFFED[channel], 0.1, 0.7)
    p_skip[P.D["humanity"]] += 0.05
    return rng.random((len(P.DRIVERS), n), np.float32) >= p_skip


def indicators(
    rng: np.random.Generator, y: np.ndarray, channel: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Bit masks over OPTIONS of what went well / didn't go well (never both for one option)."""
    n = y.shape[1]
    yd = y[[P.D[o] for o in OPTIONS[:-1]]]
    p_pos = 0.55 / (1 + np.exp(-2.0 * (yd - 0.6)))
    p_neg = 0.55 / (1 + np.exp(2.0 * (yd + 0.3)))
    staff = np.where(STAFFED[channel], 1.0, 0.2).astype(np.float32)
    p_pos[-1] *= staff
    p_neg[-1] *= staff
    u = rng.random((len(OPTIONS), n), np.float32)
    pos = np.vstack([u[:-1] < p_pos, u[-1] < 0.04])
    neg = ~pos & np.vstack([u[:-1] > 1 - p_neg, u[-1] > 0.97])
    bits = (1 << np.arange(len(OPTIONS), dtype=np.uint16))[:, None]
    return (pos * bits).sum(axis=0).astype(np.uint16), (neg * bits).sum(axis=0).astype(np.uint16)


def tone(y_satisfaction: np.ndarray) -> np.ndarray:
    """0 negative, 1 mixed, 2 positive — what the free text sounds like."""
    return (np.searchsorted(np.array([-0.5, 0.6], np.float32), y_satisfaction)).astype(np.int8)


def topic(y: np.ndarray, t: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What the comment is about: the worst driver if negative, the best if positive."""
    areas = np.vstack([y[P.D["effectiveness"]], y[P.D["ease"]], y[P.D["efficiency"]],
                       y[P.D["transparency"]], np.maximum(y[P.D["humanity"]], y[P.D["employee"]])])  # fmt: skip
    areas = areas + 0.3 * rng.standard_normal(areas.shape, np.float32)
    return np.where(t == 2, areas.argmax(axis=0), areas.argmin(axis=0)).astype(np.int8)
