"""`touchpoints/`: quarterly CSV exports of each provider's Touchpoints A-11 form.

Each provider starts FY2024 on the legacy `a11` form (seven 1–5 questions and a
comment) and moves, in a month of its own, to the current form: `a11_v2` (thumbs trust
question) or `a11_v2_radio` (1–5). A few providers were on the current form already.
Submissions are anonymous; on journey services many carry the journey `stage`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dagster_project.generate import answers as A
from dagster_project.generate import defects as X
from dagster_project.generate.calendar import (
    MONTH_EDGES,
    N_MONTHS,
    WEB_HOURS,
    ny_offset,
    quarter_index,
    sample_times,
)
from dagster_project.generate.profiles import CHANNELS, C, D
from dagster_project.generate.world import Context
from dagster_project.generate.world import dict_col as col
from dagster_project.generate.writers import Sink, csvq, delivery, line_parts

SOURCE = "touchpoints"
KINDS = ("a11", "a11_v2", "a11_v2_radio")
COMMON = (
    "id",
    "form_id",
    "form_kind",
    "service_id",
    "channel",
    "created_at",
    "page",
    "user_agent",
    "stage",
)
LEGACY = (
    "satisfaction",
    "trust",
    "effectiveness",
    "ease",
    "efficiency",
    "transparency",
    "employee",
)
HEADERS = {
    "a11": COMMON + LEGACY + ("comment",),
    "a11_v2": COMMON + ("answer_01", "answer_02", "answer_03", "answer_04"),
}
HEADERS["a11_v2_radio"] = HEADERS["a11_v2"]
ANS = ("", "0", "1", "2", "3", "4", "5", "6", "7", "maybe")  # code = value + 1, 0 = blank
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
)
MOBILE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
          "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
          "Mozilla/5.0 (Linux; Android 13; SM-S911U) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36")  # fmt: skip
TS_SUFFIX = (" UTC", "-04:00", "-05:00")


@dataclass(frozen=True)
class Form:
    form_id: str
    kind: str
    provider: int
    first: int  # first active month
    stop: int  # first month no longer active


def plan_forms(ctx: Context) -> tuple[list[Form], np.ndarray]:
    """Forms per provider and the active form of each [provider, month]."""
    rng, forms = ctx.rng("forms"), []
    for p in range(len(ctx.world.providers)):
        migrate = int(rng.integers(3, 22)) if p % 5 != 4 else 0
        if migrate:
            forms.append(Form(f"{rng.integers(0, 2**32):08x}", "a11", p, 0, migrate))
        forms.append(Form(f"{rng.integers(0, 2**32):08x}", KINDS[1 + p % 2], p, migrate, N_MONTHS))
    active = np.zeros((len(ctx.world.providers), N_MONTHS), np.int64)
    for i, f in enumerate(forms):
        active[f.provider, f.first : f.stop] = i
    return forms, active


def file_name(form: Form, q: int) -> str:
    fy, fq = 2024 + q // 4, q % 4 + 1
    return f"FY{fy}/touchpoints_{form.form_id}_FY{fy}Q{fq}.csv"


def header(kind: str) -> bytes:
    return (",".join(HEADERS[kind]) + "\n").encode()


def _quoted(values) -> list[str]:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([v] for v in values)
    return out.getvalue().splitlines()


def _pages(w) -> tuple[list[str], np.ndarray, np.ndarray]:
    pages, off, n_paths = [], [], []
    for s, prof in enumerate(w.profiles):
        off.append(len(pages))
        n_paths.append(len(prof.paths))
        pages += [f"https://{prof.domain}/{p}" for p in prof.paths]
        pages += [
            f"https://{prof.domain}/{w.stage_keys[w.js_key[js]]}" for js in w.service_stages[s]
        ]
    return pages, np.array(off), np.array(n_paths)


def _sql() -> str:
    c = {k: X.code(SOURCE, k) for k in X.ROW_KINDS[SOURCE]}

    def opts(mask: str) -> str:
        ticked = [
            f"case when {mask} & {1 << i} > 0 then '{o}' end" for i, o in enumerate(A.OPTIONS)
        ]
        return f"concat_ws(',', {', '.join(ticked)}, case when {mask} & 128 > 0 then xdrv end)"

    head = (
        f"case when d = {c['missing_id']} then '' else id::varchar end || ',' || form || ',' || kind || ',' || svc || ',' || ch || ',' || "
        "coalesce(badts, case when fmt = 0 then strftime(rts, '%Y-%m-%d %H:%M:%S') else strftime(rts, '%Y-%m-%dT%H:%M:%S') end || sfx)"
        " || ',' || page || ',' || ua || ',' || coalesce(stage, '')"
    )
    legacy = " || ',' || ".join(f"a{i}" for i in range(7))
    tail = (
        f"case when kind = 'a11' then {legacy} || ',' || {csvq('cmt')} "
        f"else a1 || ',' || {csvq('went')} || ',' || {csvq('notwell')} || ',' || {csvq('cmt')} end"
    )
    wrong = c["wrong_column_count"]
    return (f"select case when d = {wrong} and dv = 0 then head when d = {wrong} then head || ',' || tail || ',n/a' "
            "else head || ',' || tail end || chr(10) as line from ("
            f"select d, dv, {head} as head, {tail} as tail from ("
            f"select *, coalesce(op || det || coalesce(pii, ''), '') as cmt, {opts('pos')} as went, {opts('neg')} as notwell from t))")  # fmt: skip


class Touchpoints:
    def __init__(self, ctx: Context, sink: Sink, pools) -> None:
        self.ctx, self.sink, self.pools, self.w = ctx, sink, pools, ctx.world
        self.forms, self.active = plan_forms(ctx)
        self.pages, self.page_off, self.n_paths = _pages(self.w)
        self.ua = _quoted(DESKTOP + MOBILE)
        self.sql = _sql()

    def write_month(self, m: int, counts: np.ndarray, defects: np.ndarray) -> None:
        rng = self.ctx.rng(SOURCE, m)
        r = self._responses(rng, m, counts)
        v2 = {X.code(SOURCE, "unknown_driver_key") - 1: r["kind"] > 0}
        d = X.place(rng, len(r["svc"]), defects, v2)
        self._damage(rng, r, d)
        order = np.lexsort((r["ts"], r["form"]))
        lines = self.ctx.sql(self.sql, t=self._table(rng, r, d, order)).column("line")
        self.ctx.add_volume(r["svc"], quarter_index(r["ts"]), r["ch"])
        legacy = d == X.code(SOURCE, "undecodable_bytes")
        self._write(m, r["form"][order], lines, legacy[order])

    def _responses(self, rng: np.random.Generator, m: int, counts: np.ndarray) -> dict:
        """One month of anonymous submissions: who, when, where, and their answers."""
        w = self.w
        svc = np.repeat(np.arange(len(counts)), counts)
        n = len(svc)
        ts = sample_times(rng, np.full(n, m), WEB_HOURS)
        ch = rng.choice(len(CHANNELS), n, p=w.tp_channels)
        form = self.active[w.provider_of[svc], m]
        kind = np.array([KINDS.index(f.kind) for f in self.forms])[form]
        js = np.full(n, -1)
        page = self.page_off[svc] + rng.integers(0, 1 << 20, n) % self.n_paths[svc]
        for s, stages in enumerate(w.service_stages):
            if len(stages):  # journey services: most submissions come from a stage's page
                rows = np.flatnonzero((svc == s) & (rng.random(n) < 0.6))
                p = rng.integers(0, len(stages), len(rows))
                js[rows], page[rows] = stages[p], self.page_off[s] + self.n_paths[s] + p
        y = A.driver_scores(rng, w, A.experience(rng, w, svc, ts, js=js), svc, ch, ts)
        ans = np.where(A.asked(rng, ch), A.likert(y) + 1, 0).astype(np.int8)[[D[x] for x in LEGACY]]
        trust = y[D["trust"]]  # answer_01 of the current forms sits in the trust row
        ans[1] = np.select(
            [kind == 1, kind == 2], [A.thumbs_up(trust) + 1, A.likert(trust) + 1], ans[1]
        )
        pos, neg = A.indicators(rng, y, ch)
        op, det, pii = self.pools.comments(rng, svc, y, 0.33)
        mobile_ua = (ch == C["mobile"]) | ((ch == C["web"]) & (rng.random(n) < 0.3))
        ua = np.where(
            mobile_ua,
            len(DESKTOP) + rng.integers(0, len(MOBILE), n),
            rng.integers(0, len(DESKTOP), n),
        )
        return dict(svc=svc, svc_text=svc, ts=ts, ch=ch, form=form, kind=kind, js=js, page=page, ans=ans,
                    pos=pos, neg=neg, op=op, det=det, pii=pii, ua=ua)  # fmt: skip

    def _damage(self, rng: np.random.Generator, r: dict, d: np.ndarray) -> None:
        """Apply the row defects drawn in `d` to the month's arrays."""
        n, code = len(d), lambda kind: d == X.code(SOURCE, kind)  # noqa: E731
        X.tally(self.ctx, SOURCE, d)
        bad = np.flatnonzero(code("out_of_range_answer"))
        column = np.where(r["kind"] > 0, 1, rng.integers(0, len(LEGACY), n))
        invalid = np.where(
            r["kind"] == 1, rng.choice([3, 7, 9], n), rng.choice([1, 7, 9], n)
        )  # 2/6/maybe, 0/6/maybe
        r["ans"][column[bad], bad] = invalid[bad]
        unk, flip = code("unknown_driver_key"), rng.random(n) < 0.5
        r["pos"], r["neg"] = r["pos"] | (unk & flip) * 128, r["neg"] | (unk & ~flip) * 128
        r["xdrv"] = X.pick(rng, unk, len(X.UNKNOWN_DRIVERS))
        legacy = code("undecodable_bytes")
        r["op"] = np.where(legacy, 0, r["op"])
        r["det"] = np.where(legacy, self.pools.legacy_detail(rng, r["svc"]), r["det"])
        r["pii"] = np.where(legacy, -1, r["pii"])
        self.ctx.count("pii_in_free_text", int((r["pii"] >= 0).sum()))
        unknown = len(self.w.service_ids) + rng.integers(0, len(X.UNKNOWN_SERVICES), n)
        r["svc_text"] = np.where(code("unknown_service_id"), unknown, r["svc"])
        r["badts"] = X.pick(rng, code("bad_timestamp"), len(X.BAD_TIMESTAMPS[SOURCE]))

    def _table(self, rng: np.random.Generator, r: dict, d: np.ndarray, o: np.ndarray) -> pa.Table:
        """The columns `_sql` reads, in file order `o`."""
        w = self.w
        fmt = (r["form"] % 2).astype(np.int8)  # odd forms export ISO 8601 with the Eastern offset
        off = ny_offset(r["ts"])
        return pa.table({
            "id": self.ctx.next_ids(SOURCE, len(d), start=1_000_001), "d": d[o],
            "dv": (rng.random(len(d)) < 0.5).astype(np.int8),
            "form": col(r["form"][o], [f.form_id for f in self.forms]), "kind": col(r["kind"][o], KINDS),
            "svc": col(r["svc_text"][o], w.service_ids + list(X.UNKNOWN_SERVICES)), "ch": col(r["ch"][o], CHANNELS),
            "rts": pa.array((r["ts"] + fmt * off)[o].astype("datetime64[s]")), "fmt": fmt[o],
            "sfx": col(np.where(fmt == 0, 0, np.where(off == -4 * 3600, 1, 2))[o], TS_SUFFIX),
            "badts": col(r["badts"][o], X.BAD_TIMESTAMPS[SOURCE]),
            "page": col(r["page"][o], self.pages), "ua": col(r["ua"][o], self.ua),
            "stage": col(np.where(r["js"] >= 0, w.js_key[r["js"]], -1)[o], w.stage_keys),
            **{f"a{i}": col(r["ans"][i][o], ANS) for i in range(len(LEGACY))},
            "pos": r["pos"][o], "neg": r["neg"][o], "xdrv": col(r["xdrv"][o], X.UNKNOWN_DRIVERS),
            **self.pools.columns(r["op"][o], r["det"][o], r["pii"][o]),
        })  # fmt: skip

    def _write(self, m: int, form: np.ndarray, lines: pa.ChunkedArray, legacy: np.ndarray) -> None:
        q = m // 3
        for f in np.unique(form):
            lo, hi = np.searchsorted(form, [f, f + 1])
            parts = line_parts(lines, lo, hi, legacy)
            self._put(int(f), q, parts, int(hi - lo))
        if m % 3 == 2:  # quarter closed: every form active in it gets its export, even empty
            for i, f in enumerate(self.forms):
                retired = (
                    i == 0 and f.kind == "a11" and q == (f.stop - 1) // 3 + 1
                )  # still exported once
                if (f.first < 3 * q + 3 and f.stop > 3 * q or retired) and not self.sink.exists(
                    SOURCE, file_name(f, q)
                ):
                    self._put(i, q, [], 0)
                    self.ctx.count("header_only_file")

    def _put(self, f: int, q: int, parts, rows: int) -> None:
        form = self.forms[f]
        when = delivery(
            self.ctx.rng("delivery", SOURCE, f, q), int(MONTH_EDGES[3 * q + 3]) + 2 * 86400
        )
        self.sink.write(SOURCE, file_name(form, q), parts, rows, when, header(form.kind))
