"""`contact_center/`: monthly post-call IVR survey exports (Windows-1252, `;`, CRLF).

`CallStart` is New York local time to the minute; keypad answers 1–5 with `9` for a
skipped question (and callers who hang up skip the rest); `CallerNumber` is personal
data the loader must drop; agents' notes use Windows punctuation (’ “ ” — é).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dagster_project.generate import answers as A
from dagster_project.generate import defects as X
from dagster_project.generate.calendar import (
    MONTH_EDGES,
    OFFICE_HOURS,
    month_label,
    ny_offset,
    quarter_index,
    sample_times,
)
from dagster_project.generate.profiles import C, D
from dagster_project.generate.world import Context
from dagster_project.generate.world import dict_col as col
from dagster_project.generate.writers import Sink, csvq, delivery, line_bytes

SOURCE = "contact_center"
HEADER = b"CallID;CallStart;Queue;CallerNumber;Q1;Q2;Q3;Q4;Q5;AgentNote\r\n"
QUESTIONS = ("satisfaction", "ease", "efficiency", "employee", "trust")
KEYS = tuple("0123456789")
AREA_CODES = np.array(
    [
        202,
        212,
        213,
        215,
        301,
        305,
        312,
        404,
        415,
        512,
        602,
        617,
        702,
        713,
        720,
        757,
        804,
        813,
        850,
        907,
    ]
)


def _sql() -> str:
    c = {k: X.code(SOURCE, k) for k in X.ROW_KINDS[SOURCE]}
    keys = " || ';' || ".join(f"k{i}" for i in range(len(QUESTIONS)))
    line = (
        f"case when d = {c['missing_id']} then '' else printf('%010d', id) end || ';' || "
        "coalesce(badts, strftime(lts, '%m/%d/%Y %H:%M')) || ';' || queue || ';' || "
        "case style when 0 then caller::varchar when 1 then '+1' || caller else '' end || ';' || "
        + keys
    )
    note = "coalesce(note || coalesce(pii, ''), '')"
    wrong = c["wrong_column_count"]
    return (f"select case when d = {wrong} and dv = 0 then left(l, length(l) - 4) "
            f"when d = {wrong} then l || ';' || n || ';' else l || ';' || n end || chr(13) || chr(10) as line "
            f"from (select d, dv, {line} as l, {csvq(note, ';')} as n from t)")  # fmt: skip


class ContactCenter:
    def __init__(self, ctx: Context, sink: Sink, pools) -> None:
        self.ctx, self.sink, self.pools, self.w = ctx, sink, pools, ctx.world
        self.sql = _sql()

    def write_month(self, m: int, counts: np.ndarray, defects: np.ndarray) -> None:
        ctx, w, rng = self.ctx, self.w, self.ctx.rng(SOURCE, m)
        queue = np.repeat(np.arange(len(counts)), counts)
        ts = sample_times(rng, np.full(len(queue), m), OFFICE_HOURS)
        order = np.argsort(ts, kind="stable")
        queue, ts, n = queue[order], ts[order], len(queue)
        svc, ch = w.queue_service[queue], np.full(n, C["phone"])
        y = A.driver_scores(rng, w, A.experience(rng, w, svc, ts), svc, ch, ts)
        keys = A.likert(y[[D[q] for q in QUESTIONS]])
        hang_up = np.where(rng.random(n) < 0.08, rng.integers(1, len(QUESTIONS), n), len(QUESTIONS))
        keys[(rng.random(keys.shape) < 0.04) | (np.arange(len(QUESTIONS))[:, None] >= hang_up)] = 9
        note, pii = self.pools.notes_for(rng, svc, y, 0.45)
        ctx.count("pii_in_free_text", int((pii >= 0).sum()))
        d = X.place(rng, n, defects)
        X.tally(ctx, SOURCE, d)
        bad = np.flatnonzero(d == X.code(SOURCE, "out_of_range_answer"))
        keys[rng.integers(0, len(QUESTIONS), len(bad)), bad] = rng.choice([0, 6, 7], len(bad))
        unknown = d == X.code(SOURCE, "unknown_queue")
        t = pa.table({
            "id": ctx.next_ids(SOURCE, n, start=7_100_000_001), "d": d, "dv": (rng.random(n) < 0.5).astype(np.int8),
            "lts": pa.array((ts + ny_offset(ts)).astype("datetime64[s]")),
            "badts": col(X.pick(rng, d == X.code(SOURCE, "bad_timestamp"), len(X.BAD_TIMESTAMPS[SOURCE])), X.BAD_TIMESTAMPS[SOURCE]),
            "queue": col(np.where(unknown, len(w.queues) + rng.integers(0, len(X.UNKNOWN_QUEUES), n), queue), w.queues + list(X.UNKNOWN_QUEUES)),
            "caller": AREA_CODES[rng.integers(0, len(AREA_CODES), n)] * 10**7 + 5_550_100 + rng.integers(0, 100, n),
            "style": rng.choice(3, n, p=[0.8, 0.15, 0.05]).astype(np.int8),
            **{f"k{i}": col(keys[i], KEYS) for i in range(len(QUESTIONS))},
            "note": col(note, self.pools.notes), "pii": col(pii, self.pools.pii_note),
        })  # fmt: skip
        lines = ctx.sql(self.sql, t=t).column("line")
        ctx.add_volume(svc, quarter_index(ts), ch)
        data = b"".join(line_bytes(lines)).decode("utf-8").encode("cp1252")
        label = month_label(m)
        when = delivery(ctx.rng("delivery", SOURCE, m), int(MONTH_EDGES[m + 1]) + 86400, hours=7)
        self.sink.write(
            SOURCE,
            f"{label[:4]}/ivr_post_call_survey_{label.replace('-', '')}.csv",
            [data],
            n,
            when,
            HEADER,
        )
