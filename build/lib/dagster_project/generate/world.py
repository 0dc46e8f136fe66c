"""The generator's view of the reference seeds as arrays, and the run context.

`World` turns `dbt/seeds/*.csv` plus `profiles.py` into numpy arrays indexed by service,
channel, queue and journey stage, and (`changes.py`) by demo day or fiscal quarter.
`Context` carries what every writer needs: keyed random streams (so each month and
source draws independently of the others), one DuckDB connection for building text,
the world, and running totals.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import duckdb
import numpy as np
import pyarrow as pa

from dagster_project.core.reference import read_seed
from dagster_project.generate import changes
from dagster_project.generate import profiles as P
from dagster_project.generate.calendar import N_QUARTERS


class World:
    def __init__(self) -> None:
        services = read_seed("services")
        self.service_ids = [r["service_id"] for r in services]
        self.agency = [r["agency_code"] for r in services]
        self.provider = [r["provider"] for r in services]
        self.providers = list(dict.fromkeys(self.provider))
        self.provider_of = np.array([self.providers.index(p) for p in self.provider])
        prof = [P.profile(s) for s in self.service_ids]
        self.profiles = prof
        self.weight = np.array([p.weight for p in prof])
        self.season = np.array([P.SEASONS[p.season] for p in prof])  # [S, 12], January first
        self.base = np.array([p.base for p in prof], np.float32)
        self.trend = np.array([p.trend for p in prof], np.float32)
        self.effect = np.zeros((len(prof), len(P.DRIVERS)), np.float32)
        for i, p in enumerate(prof):
            for d, v in p.effects.items():
                self.effect[i, P.D[d]] += v
            self.effect[i, P.D["trust"]] += 0.3 * p.effects.get(
                "efficiency", 0.0
            )  # slow → less trust
        self.channel_effect = np.zeros((len(P.CHANNELS), len(P.DRIVERS)), np.float32)
        for c, eff in P.CHANNEL_EFFECT.items():
            for d, v in eff.items():
                self.channel_effect[P.C[c], P.D[d]] = v
        # what moves the scores: seasonal backlog, initiatives, planted incidents
        self.drift = changes.driver_drift(self.service_ids, self.season)  # [S, day, D]
        self.api_channels = _probs([p.api_channels for p in prof])
        self.tp_channels = _probs([P.TP_CHANNELS])[0]
        thumbs = list(P.THUMBS)
        self.api_thumbs = np.array(
            [thumbs.index(p.api_thumbs) if p.api_thumbs else -1 for p in prof]
        )
        queues = read_seed("contact_center_queues")
        self.queues = [r["queue"] for r in queues]
        self.queue_service = np.array([self.service_ids.index(r["service_id"]) for r in queues])
        self._journeys([r["journey_id"] for r in services])

    def _journeys(self, service_journey: list[str]) -> None:
        from dagster_project.core.reference import journey_stages

        stages = journey_stages()
        self.journeys = list(stages)
        self.stage_keys = sorted({k for ks in stages.values() for k in ks})
        js_journey, js_key, js_effect, js_abandon, js_days, js_service = [], [], [], [], [], []
        self.js_offset, self.owners, self.case_share, self.case_season = [], [], [], []
        for j, jid in enumerate(self.journeys):
            cfg = P.JOURNEYS.get(jid, {})
            members = [s for s, sj in enumerate(service_journey) if sj == jid]
            overrides = cfg.get("stage_service", {})
            owners = [
                s for s in members if self.service_ids[s] not in overrides.values()
            ] or members
            self.owners.append(owners)
            self.case_share.append(cfg.get("share", P.JOURNEY_DEFAULT["share"]) if owners else 0.0)
            self.case_season.append(P.SEASONS[cfg.get("season", "flat")])
            self.js_offset.append(len(js_key))
            for i, key in enumerate(stages[jid]):
                js_journey.append(j)
                js_key.append(self.stage_keys.index(key))
                js_effect.append(_at(cfg.get("effect"), i, P.JOURNEY_DEFAULT["effect"]))
                js_abandon.append(_at(cfg.get("abandon"), i, P.JOURNEY_DEFAULT["abandon"]))
                js_days.append(_at(cfg.get("days"), i, P.JOURNEY_DEFAULT["days"]))
                over = overrides.get(key)
                js_service.append(self.service_ids.index(over) if over in self.service_ids else -1)
        self.n_stages = [len(stages[j]) for j in self.journeys]
        self.js_journey, self.js_key = np.array(js_journey), np.array(js_key)
        self.js_effect = np.array(js_effect, np.float32)
        self.js_abandon, self.js_days = np.array(js_abandon), np.array(js_days, float)
        stage_names = [
            f"{self.journeys[j]}/{self.stage_keys[k]}"
            for j, k in zip(js_journey, js_key, strict=True)
        ]
        self.js_abandon_q = changes.stage_abandon(self.js_abandon, stage_names)  # [JS, quarter]
        self.js_service = np.array(js_service)
        # Stages an anonymous Touchpoints response on each service may carry.
        self.service_stages = []
        for s, jid in enumerate(service_journey):
            if jid not in self.journeys:
                self.service_stages.append(np.array([], int))
                continue
            j = self.journeys.index(jid)
            js = np.arange(self.js_offset[j], self.js_offset[j] + self.n_stages[j])
            own = (self.js_service[js] == s) | ((self.js_service[js] < 0) & (s in self.owners[j]))
            self.service_stages.append(js[own])


def dict_col(idx, values) -> pa.DictionaryArray:
    """A dictionary-encoded string column over `values`; a negative index is null."""
    idx = np.asarray(idx, dtype=np.int32)
    mask = idx < 0
    values = values if isinstance(values, pa.Array) else _strings(tuple(values))
    return pa.DictionaryArray.from_arrays(pa.array(idx, mask=mask if mask.any() else None), values)


@lru_cache(maxsize=256)
def _strings(values: tuple[str, ...]) -> pa.Array:
    return pa.array(values, pa.string())


def _at(values, i, default):
    return values[i] if values is not None and i < len(values) else default


def _probs(dicts: list[dict[str, float]]) -> np.ndarray:
    out = np.array([[d.get(c, 0.0) for c in P.CHANNELS] for d in dicts])
    return out / out.sum(axis=1, keepdims=True)


def key_int(k: object) -> int:
    return k if isinstance(k, int) else zlib.crc32(str(k).encode())


@dataclass
class Context:
    seed: int
    world: World
    con: duckdb.DuckDBPyConnection = field(default_factory=duckdb.connect)
    defects: dict[str, int] = field(default_factory=dict)
    volume: np.ndarray | None = None  # responses per [service, quarter, channel]
    sequences: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.con.execute("SET preserve_insertion_order = true")
        self.volume = np.zeros((len(self.world.service_ids), N_QUARTERS, len(P.CHANNELS)), np.int64)

    @property
    def id_block(self) -> int:
        """Offset of this seed's ids: 10^10 apart, so the printed ids never meet."""
        return (self.seed % 9973) * 10**10

    def rng(self, *keys: object) -> np.random.Generator:
        """An independent, reproducible stream per (seed, *keys)."""
        ss = np.random.SeedSequence([self.seed % 2**64, *(key_int(k) for k in keys)])
        return np.random.Generator(np.random.PCG64(ss))

    def sql(self, query: str, **tables: pa.Table) -> pa.Table:
        for name, table in tables.items():
            self.con.register(name, table)
        try:
            return self.con.sql(query).to_arrow_table()
        finally:
            for name in tables:
                self.con.unregister(name)

    def next_ids(self, name: str, n: int, start: int = 1) -> np.ndarray:
        """n consecutive ids of the named sequence, in a block of their own per seed.

        Feeds generated with different seeds into one landing zone (a later delivery,
        the benchmark's 1 % increment) must not reuse each other's record ids, or the
        loader would rightly take them for corrections of earlier records.
        """
        first = self.sequences.get(name, start + self.id_block)
        self.sequences[name] = first + n
        return np.arange(first, first + n, dtype=np.int64)

    def count(self, kind: str, n: int = 1) -> None:
        if n:
            self.defects[kind] = self.defects.get(kind, 0) + int(n)

    def add_volume(self, svc: np.ndarray, quarter: np.ndarray, channel: np.ndarray) -> None:
        flat = (svc * N_QUARTERS + quarter) * len(P.CHANNELS) + channel
        self.volume += np.bincount(flat, minlength=self.volume.size).reshape(self.volume.shape)
