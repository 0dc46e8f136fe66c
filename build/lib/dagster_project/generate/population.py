"""Who answers: customers with a shared sign-in id, and cases moving through journeys.

Customers are a pool drawn with a heavy head (a tenth of the pool answers a third of
the time), so people come back across quarters and agencies. Cases walk their
journey's stages with realistic dwell times; at each stage some abandon (more often
when the case is going badly), cases still running on 30 September 2026 stay open.
Each stage a case enters may produce one agency-API survey (a "linked" response).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dagster_project.generate.calendar import (
    DAY,
    END,
    N_MONTHS,
    OFFICE_HOURS,
    fiscal_period,
    quarter_index,
    sample_times,
)
from dagster_project.generate.profiles import CASE_PREFIX
from dagster_project.generate.world import Context
from dagster_project.generate.world import dict_col as col

FIRST = (
    "james",
    "maria",
    "robert",
    "linda",
    "michael",
    "patricia",
    "david",
    "jennifer",
    "carlos",
    "aisha",
    "wei",
    "fatima",
    "john",
    "mary",
    "jose",
    "nguyen",
    "sarah",
    "daniel",
    "emily",
    "luis",
)
LAST = (
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "lee",
    "walker",
    "hall",
    "young",
    "king",
    "nguyen",
    "patel",
    "kim",
    "lopez",
    "clark",
)
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")
EVENTS = ("entered", "completed", "abandoned")


@dataclass
class Customers:
    ids: pa.Array  # UUID-shaped sign-in ids
    emails: pa.Array  # e-mail or null
    latent: np.ndarray  # a customer's own mood, shared by all their answers

    def draw(self, rng: np.random.Generator, n: int, anonymous: float) -> np.ndarray:
        """Customer indexes for n responses; -1 = no customer."""
        size = len(self.latent)
        frequent = rng.random(n) < 0.3
        idx = (rng.random(n) * np.where(frequent, max(1, size // 10), size)).astype(np.int64)
        return np.where(rng.random(n) < anonymous, -1, idx)


def make_customers(ctx: Context, size: int) -> Customers:
    rng = ctx.rng("customers")
    parts = {
        k: rng.integers(0, 2**b, size, dtype=np.int64)
        for k, b in (("a", 32), ("b", 16), ("c", 12), ("d", 14), ("e", 48))
    }
    names = pa.table({
        **parts,
        "first": col(rng.integers(0, len(FIRST), size), FIRST),
        "last": col(rng.integers(0, len(LAST), size), LAST),
        "num": rng.integers(1, 100, size),
        "domain": col(rng.integers(0, len(DOMAINS), size), DOMAINS),
        "has_email": rng.random(size) < 0.4,
    })  # fmt: skip
    out = ctx.sql(
        "select printf('%08x-%04x-4%03x-%04x-%012x', a, b, c, d + 32768, e) as id, "
        "case when has_email then first || '.' || last || num || '@' || domain end as email from t",
        t=names,
    )
    latent = rng.normal(0.0, 0.35, size).astype(np.float32)
    return Customers(
        out.column("id").combine_chunks(), out.column("email").combine_chunks(), latent
    )


@dataclass
class Cases:
    ids: pa.Array  # case_id strings
    journey: np.ndarray
    owner: np.ndarray  # service index of the agency that owns the case
    customer: np.ndarray  # customer index, -1 = unknown
    latent: np.ndarray
    events: dict[str, np.ndarray]  # case, js (journey stage), kind, ts — sorted by ts
    linked: dict[str, np.ndarray]  # case, js, svc, ts — sorted by ts


def make_cases(ctx: Context, n_cases: int, customers: Customers, p_survey: float) -> Cases:
    w, rng = ctx.world, ctx.rng("cases")
    share = np.array(w.case_share) / max(sum(w.case_share), 1e-9)
    journey = np.sort(rng.choice(len(w.journeys), n_cases, p=share))
    month = np.empty(n_cases, np.int64)
    growth = 1 + 0.05 * np.arange(N_MONTHS) / 12
    for j in range(len(w.journeys)):
        mw = np.asarray(w.case_season[j])[(9 + np.arange(N_MONTHS)) % 12] * growth
        month[journey == j] = rng.choice(N_MONTHS, int((journey == j).sum()), p=mw / mw.sum())
    start = sample_times(rng, month, OFFICE_HOURS)
    owners = np.full((len(w.journeys), 6), -1)
    for j, own in enumerate(w.owners):
        owners[j] = (own * 6)[:6] if own else -1
    owner = owners[journey, rng.integers(0, 6, n_cases)]
    customer = customers.draw(rng, n_cases, anonymous=0.03)
    latent = rng.normal(0.0, 0.6, n_cases).astype(np.float32)
    ev, lk = {k: [] for k in ("case", "js", "kind", "ts")}, {k: [] for k in ("case", "js", "ts")}
    t, alive = start.copy(), np.ones(n_cases, bool)
    js_base = np.array(w.js_offset)[journey]
    n_st = np.array(w.n_stages)[journey]
    for s in range(max(w.n_stages)):
        act = np.flatnonzero(alive & (s < n_st) & (t < END))
        js = js_base[act] + s
        _add(ev, act, js, 0, t[act])
        dwell = (w.js_days[js] * DAY * rng.lognormal(0.0, 0.6, len(act))).astype(np.int64) + 3600
        p_abandon = w.js_abandon_q[js, quarter_index(t[act])]
        ab = rng.random(len(act)) < p_abandon * np.exp(-0.8 * latent[act])
        leave = t[act] + np.where(
            ab, (dwell * rng.uniform(0.2, 1.2, len(act))).astype(np.int64), dwell
        )
        done = leave < END
        _add(ev, act[done], js[done], np.where(ab[done], 2, 1), leave[done])
        says = rng.random(len(act)) < p_survey
        when = t[act] + (np.minimum(leave, END) - t[act]) * rng.uniform(0.05, 0.95, len(act))
        keep = says & (when < END)
        _add(lk, act[keep], js[keep], None, when[keep].astype(np.int64))
        alive[act[~done | ab]] = False
        t[act] = leave + rng.integers(60, 6 * 3600, len(act))
    events = _sorted(ev)
    linked = _sorted(lk)
    stage_svc = w.js_service[linked["js"]]
    linked["svc"] = np.where(stage_svc >= 0, stage_svc, owner[linked["case"]])
    ids = _case_ids(ctx, owner, start)
    return Cases(ids, journey, owner, customer, latent, events, linked)


def _add(acc: dict, case, js, kind, ts) -> None:
    acc["case"].append(case)
    acc["js"].append(js)
    acc["ts"].append(ts)
    if kind is not None:
        acc["kind"].append(np.broadcast_to(np.asarray(kind, np.int8), len(case)))


def _sorted(acc: dict) -> dict[str, np.ndarray]:
    out = {k: np.concatenate(v) if v else np.array([], np.int64) for k, v in acc.items()}
    order = np.argsort(out["ts"], kind="stable")
    return {k: v[order] for k, v in out.items()}


def _case_ids(ctx: Context, owner: np.ndarray, start: np.ndarray) -> pa.Array:
    w = ctx.world
    prefixes = [CASE_PREFIX.get(s, s.split("-")[0].upper()) for s in w.service_ids]
    fy, _ = fiscal_period(start)
    t = pa.table(
        {
            "p": col(owner, prefixes),
            "fy": fy % 100,
            "n": np.arange(1, len(owner) + 1) + 100_000 + ctx.id_block // 100,
        }
    )
    return (
        ctx.sql("select printf('%s-%02d-%08d', p, fy, n) as id from t", t=t)
        .column("id")
        .combine_chunks()
    )
