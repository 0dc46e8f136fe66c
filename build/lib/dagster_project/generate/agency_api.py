"""`agency_api/`: an agency survey platform's weekly JSON Lines dumps.

Responses carry the shared sign-in customer id (often), an e-mail (sometimes), and,
when the survey followed a case stage, the `case_id` and `stage`. Likert services
answer 1–5; thumbs services encode thumbs as 1/0, up/down, yes/no or 👍/👎. Up to FY2024
the platform stamps UTC (`Z`), later the agency's Eastern offset. A few responses are
delivered again, corrected, in a later dump.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dagster_project.generate import answers as A
from dagster_project.generate import defects as X
from dagster_project.generate.calendar import (
    DAY,
    MONTH_EDGES,
    WEB_HOURS,
    ny_offset,
    quarter_index,
    sample_times,
)
from dagster_project.generate.population import Cases, Customers
from dagster_project.generate.profiles import CHANNELS, DRIVERS, THUMBS
from dagster_project.generate.world import Context
from dagster_project.generate.world import dict_col as col
from dagster_project.generate.writers import Sink, delivery, line_bytes, line_parts

SOURCE = "agency_api"
# JSON literals of answer values: likert 1–5 at 0–4; out of range at 5–7; thumbs (up, down) per encoding from 8.
VALUES = (
    ("1", "2", "3", "4", "5", "0", "6", '"maybe"')
    + tuple(v for pair in THUMBS.values() for v in pair)
    + ('"sideways"',)
)
BAD_LIKERT, BAD_THUMBS = (5, 6, 7), (6, 7, len(VALUES) - 1)
TS_SUFFIX = ("Z", "-04:00", "-05:00")
CORRECTION_RATE = 0.004


def _sql() -> str:
    c = {k: X.code(SOURCE, k) for k in X.ROW_KINDS[SOURCE]}

    def answer(driver: str, value: str) -> str:
        return (
            f"""case when {value} is not null then '{{"driver":"' || {driver} || '","scale":"' """
            f"""|| scale || '","value":' || {value} || '}}' end"""
        )

    answers = ", ".join(
        [answer(f"'{d}'", f"v{i}") for i, d in enumerate(DRIVERS)] + [answer("xdrv", "xv")]
    )
    line = (
        f"""'{{"response_id":' || case when d = {c["missing_id"]} then 'null' else '"' || printf('%016x', rid) || '"' end"""
        """ || ',"service_id":"' || svc || '","channel":"' || ch || '","submitted_at":' """
        """|| coalesce(to_json(badts)::varchar, '"' || strftime(rts, '%Y-%m-%dT%H:%M:%S') || sfx || '"')"""
        """ || ',"customer":' || case when cust is null then '{"id":null}' when email is null then '{"id":"' || cust || '"}' """
        """else '{"id":"' || cust || '","email":"' || email || '"}' end"""
        """ || ',"case_id":' || coalesce('"' || case_id || '"', 'null') || ',"stage":' || coalesce('"' || stage || '"', 'null')"""
        f""" || ',"answers":[' || concat_ws(',', {answers}) || ']'"""
        """ || ',"comment":' || coalesce(to_json(op || det || coalesce(pii, ''))::varchar, 'null') || '}'"""
    )
    return (f"select case when d = {c['truncated_json']} then left(l, greatest(1, (length(l) * frac)::int)) else l end "
            f"|| chr(10) as line from (select d, frac, {line} as l from t)")  # fmt: skip


def _mix64(x: np.ndarray) -> np.ndarray:
    """A bijective 64-bit mix (splitmix64 finaliser): unique, random-looking ids."""
    x = x.astype(np.uint64)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class AgencyApi:
    def __init__(self, ctx: Context, sink: Sink, pools, customers: Customers, cases: Cases) -> None:
        self.ctx, self.sink, self.pools, self.w = ctx, sink, pools, ctx.world
        self.customers, self.cases = customers, cases
        self.sql = _sql()
        self.pending: dict[int, list[tuple[bytes, int]]] = {}  # (lines, rows) for a later dump
        self.salt = np.uint64(ctx.seed % 2**32) << np.uint64(32)

    def linked_in(self, m: int) -> slice:
        lo, hi = np.searchsorted(self.cases.linked["ts"], MONTH_EDGES[m : m + 2])
        return slice(int(lo), int(hi))

    def write_month(
        self, m: int, counts: np.ndarray, defects: np.ndarray, n_corrections: int
    ) -> None:
        rng = self.ctx.rng(SOURCE, m)
        r = self._responses(rng, m, counts)
        d = X.place(rng, len(r["svc"]), defects)
        self._damage(rng, r, d)
        cols = self._columns(rng, m, r, d)
        lines = self.ctx.sql(
            self.sql, t=self._table(cols, r["vals"], r["op"], r["det"], r["pii"])
        ).column("line")
        self.ctx.add_volume(r["svc"], quarter_index(r["ts"]), r["ch"])
        window = np.minimum(
            (r["ts"] - MONTH_EDGES[m]) // DAY // 7, 3
        )  # days 1–7, 8–14, 15–21, 22–end
        self._correct(rng, m, cols, r, window, np.flatnonzero(d == 0), n_corrections)
        legacy = d == X.code(SOURCE, "undecodable_bytes")
        for wk in range(4):
            lo, hi = np.searchsorted(window, [wk, wk + 1])
            extra = self.pending.pop(4 * m + wk, [])
            if hi > lo or extra:
                parts = line_parts(lines, lo, hi, legacy) + [b for b, _ in extra]
                self._put(m, wk, parts, int(hi - lo) + sum(k for _, k in extra))

    def _responses(self, rng: np.random.Generator, m: int, counts: np.ndarray) -> dict:
        """The month's responses in time order: unlinked ones plus those sent at a case stage."""
        w, lk, sl = self.w, self.cases.linked, self.linked_in(m)
        n_u = int(counts.sum())
        r = {
            "svc": np.concatenate([np.repeat(np.arange(len(counts)), counts), lk["svc"][sl]]),
            "ts": np.concatenate([sample_times(rng, np.full(n_u, m), WEB_HOURS), lk["ts"][sl]]),
            "case": np.concatenate([np.full(n_u, -1), lk["case"][sl]]),
            "js": np.concatenate([np.full(n_u, -1), lk["js"][sl]]),
            "cust": np.concatenate([self.customers.draw(rng, n_u, anonymous=0.12), self.cases.customer[lk["case"][sl]]]),
        }  # fmt: skip
        order = np.argsort(r["ts"], kind="stable")
        r = {k: v[order] for k, v in r.items()}
        svc, cust, case, n = r["svc"], r["cust"], r["case"], len(order)
        ch = (rng.random(n)[:, None] > np.cumsum(w.api_channels, axis=1)[svc]).sum(axis=1)
        r["ch"] = ch = np.minimum(ch, len(CHANNELS) - 1)
        mood = np.where(cust >= 0, self.customers.latent[cust], 0) + np.where(
            case >= 0, self.cases.latent[case], 0
        )
        r["y"] = y = A.driver_scores(
            rng, w, A.experience(rng, w, svc, r["ts"], mood, r["js"]), svc, ch, r["ts"]
        )
        r["ok"] = ok = A.asked(rng, ch)
        ok[1] |= ~ok.any(axis=0)  # every response answers something
        r["enc"] = w.api_thumbs[svc]
        r["vals"] = self._values(y, ok, r["enc"])
        r["op"], r["det"], r["pii"] = self.pools.comments(rng, svc, y, 0.4)
        return r

    def _damage(self, rng: np.random.Generator, r: dict, d: np.ndarray) -> None:
        """Apply the row defects drawn in `d` (truncation and missing ids happen in SQL)."""
        n, code = len(d), lambda kind: d == X.code(SOURCE, kind)  # noqa: E731
        X.tally(self.ctx, SOURCE, d)
        bad, enc = code("out_of_range_answer"), r["enc"]
        wrong = np.where(enc >= 0, rng.choice(BAD_THUMBS, n), rng.choice(BAD_LIKERT, n))
        r["vals"][1] = np.where(bad, wrong, r["vals"][1])  # the trust answer, asked or not
        legacy = code("undecodable_bytes")
        r["op"] = np.where(legacy, 0, r["op"])
        r["det"] = np.where(legacy, self.pools.legacy_detail(rng, r["svc"]), r["det"])
        r["pii"] = np.where(legacy, -1, r["pii"])
        self.ctx.count("pii_in_free_text", int((r["pii"] >= 0).sum()))
        r["unknown_driver"] = code("unknown_driver_key")
        unknown = len(self.w.service_ids) + rng.integers(0, len(X.UNKNOWN_SERVICES), n)
        r["svc_text"] = np.where(code("unknown_service_id"), unknown, r["svc"])
        r["badts"] = X.pick(rng, code("bad_timestamp"), len(X.BAD_TIMESTAMPS[SOURCE]))

    def _columns(self, rng: np.random.Generator, m: int, r: dict, d: np.ndarray) -> dict:
        """Everything `_sql` reads except the answers and the comment."""
        w, n, enc, unk = self.w, len(d), r["enc"], r["unknown_driver"]
        off = ny_offset(r["ts"]) * (m >= 12)  # UTC in FY2024, Eastern offset afterwards
        email = np.where((r["cust"] >= 0) & (rng.random(n) < 0.6), r["cust"], -1)
        return {
            "rid": _mix64(self.ctx.next_ids(SOURCE, n).astype(np.uint64) | self.salt), "d": d,
            "frac": rng.uniform(0.2, 0.9, n).astype(np.float32),
            "svc": col(r["svc_text"], w.service_ids + list(X.UNKNOWN_SERVICES)), "ch": col(r["ch"], CHANNELS),
            "rts": pa.array((r["ts"] + off).astype("datetime64[s]")),
            "sfx": col(np.where(off == 0, 0, np.where(off == -4 * 3600, 1, 2)), TS_SUFFIX),
            "badts": col(r["badts"], X.BAD_TIMESTAMPS[SOURCE]),
            "cust": col(r["cust"], self.customers.ids), "email": col(email, self.customers.emails),
            "case_id": col(r["case"], self.cases.ids),
            "stage": col(np.where(r["js"] >= 0, w.js_key[np.maximum(r["js"], 0)], -1), w.stage_keys),
            "scale": col((enc >= 0).astype(np.int8), ("likert5", "thumbs")),
            "xdrv": col(X.pick(rng, unk, len(X.UNKNOWN_DRIVERS)), X.UNKNOWN_DRIVERS),
            "xv": col(np.where(unk, np.where(enc >= 0, 8 + 2 * np.maximum(enc, 0), 3), -1), VALUES),
        }  # fmt: skip

    def _values(self, y, ok, enc) -> np.ndarray:
        thumbs = 8 + 2 * np.maximum(enc, 0) + ~A.thumbs_up(y)
        return np.where(ok, np.where(enc >= 0, thumbs, A.likert(y) - 1), -1)

    def _table(self, cols, vals, op, det, pii) -> pa.Table:
        return pa.table(
            {
                **cols,
                **{f"v{i}": col(vals[i], VALUES) for i in range(len(DRIVERS))},
                **self.pools.columns(op, det, pii),
            }
        )

    def _correct(
        self, rng, m: int, cols: dict, r: dict, window: np.ndarray, clean: np.ndarray, k: int
    ) -> None:
        """Re-deliver k clean responses, changed (answers re-scored, new comment), 1–3 dumps later."""
        target = 4 * m + window + rng.integers(1, 4, len(window))
        idx = rng.choice(clean, min(k, len(clean)), replace=False)
        idx = idx[np.lexsort((idx, target[idx]))]
        if not len(idx):
            return
        sub = {
            name: (c.take(pa.array(idx)) if isinstance(c, pa.Array) else c[idx])
            for name, c in cols.items()
        }
        y, enc = r["y"][:, idx], r["enc"][idx]
        y2 = y + 0.9 * rng.standard_normal(y.shape, np.float32)
        asked = r["ok"][:, idx]
        asked[1] = True
        vals = self._values(y2, asked, enc)
        before = r["vals"][1, idx]
        vals[1] = np.where(vals[1] == before, _other(before, enc), vals[1])
        op, det, pii = self.pools.comments(rng, r["svc"][idx], y2, 1.0)
        lines = self.ctx.sql(self.sql, t=self._table(sub, vals, op, det, pii)).column("line")
        groups, starts = np.unique(target[idx], return_index=True)
        for g, lo, hi in zip(groups, starts, [*starts[1:], len(idx)], strict=True):
            self.pending.setdefault(int(g), []).append(
                (b"".join(line_bytes(lines, lo, hi)), int(hi - lo))
            )
        self.ctx.count("redelivered_correction", len(idx))

    def flush(self) -> None:
        """Corrections aimed past the last weekly dump go into a final corrections file."""
        late = [part for g in sorted(self.pending) for part in self.pending[g]]
        if late:
            when = delivery(
                self.ctx.rng("delivery", SOURCE, "late"), int(MONTH_EDGES[-1]) + 3 * DAY
            )
            self.sink.write(
                SOURCE,
                "corrections/responses_corrections.jsonl",
                [b for b, _ in late],
                sum(r for _, r in late),
                when,
            )
        self.pending.clear()

    def _put(self, m: int, wk: int, parts, rows: int) -> None:
        start = int(MONTH_EDGES[m]) + wk * 7 * DAY
        stop = int(MONTH_EDGES[m + 1]) if wk == 3 else start + 7 * DAY
        first, last = (
            str(np.datetime64(t, "s").astype("datetime64[D]")) for t in (start, stop - DAY)
        )
        rel = f"{first[:4]}/{first[5:7]}/responses_{first.replace('-', '')}_{last.replace('-', '')}.jsonl"
        when = delivery(self.ctx.rng("delivery", SOURCE, m, wk), stop, hours=3)
        self.sink.write(SOURCE, rel, parts, rows, when)


def _other(v: np.ndarray, enc: np.ndarray) -> np.ndarray:
    """A different valid value on the same scale (a correction always changes something)."""
    return np.where(enc >= 0, np.where(v % 2 == 0, v + 1, v - 1), (v + 2) % 5)
