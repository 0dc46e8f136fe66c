"""`case_events/`: monthly case-management stage events (CSV; Parquet from FY2026).

One row per event (`entered`, `completed`, `abandoned`) of a case's journey stage, in
UTC. A case's events span the files of the months it lives through.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dagster_project.generate import defects as X
from dagster_project.generate.calendar import MONTH_EDGES, fiscal_period, month_label
from dagster_project.generate.population import EVENTS, Cases, Customers
from dagster_project.generate.world import Context
from dagster_project.generate.world import dict_col as col
from dagster_project.generate.writers import Sink, delivery, line_bytes

SOURCE = "case_events"
COLUMNS = ("case_id", "journey_id", "customer_id", "stage_key", "event", "event_at")
HEADER = (",".join(COLUMNS) + "\n").encode()
PARQUET_FROM = 24  # the agency moved its export to Parquet in FY2026


def _sql() -> str:
    c = {k: X.code(SOURCE, k) for k in X.ROW_KINDS[SOURCE]}
    wrong = c["wrong_column_count"]
    line = (
        f"case when d = {c['missing_id']} then '' else case_id end || ',' || journey_id || ',' || "
        "coalesce(customer_id, '') || ',' || stage_key || ',' || event || ',' || "
        "coalesce(badts, strftime(event_at, '%Y-%m-%dT%H:%M:%SZ'))"
    )
    return (f"select case when d = {wrong} and dv = 0 then left(l, length(l) - 21) when d = {wrong} then l || ',web' else l end "
            f"|| chr(10) as line from (select d, dv, {line} as l from t)")  # fmt: skip


class CaseEvents:
    def __init__(self, ctx: Context, sink: Sink, customers: Customers, cases: Cases) -> None:
        self.ctx, self.sink, self.w = ctx, sink, ctx.world
        self.customers, self.cases = customers, cases
        self.sql = _sql()

    def rows_per_month(self) -> np.ndarray:
        return np.diff(np.searchsorted(self.cases.events["ts"], MONTH_EDGES))

    def write_month(self, m: int, defects: np.ndarray) -> None:
        ctx, w, rng, ev = self.ctx, self.w, self.ctx.rng(SOURCE, m), self.cases.events
        lo, hi = np.searchsorted(ev["ts"], MONTH_EDGES[m : m + 2])
        case, js, kind, ts = (ev[k][lo:hi] for k in ("case", "js", "kind", "ts"))
        n = len(case)
        d = X.place(rng, n, defects)
        X.tally(ctx, SOURCE, d)
        missing = d == X.code(SOURCE, "missing_id")
        t = pa.table({
            "case_id": col(np.where(missing, -1, case), self.cases.ids),
            "journey_id": col(w.js_journey[js], w.journeys),
            "customer_id": col(self.cases.customer[case], self.customers.ids),
            "stage_key": col(w.js_key[js], w.stage_keys),
            "event": col(kind, EVENTS),
            "event_at": pa.array(ts.astype("datetime64[s]")).cast(pa.timestamp("us", tz="UTC")),
        })  # fmt: skip
        label, fy = month_label(m), int(fiscal_period(MONTH_EDGES[m : m + 1])[0][0])
        when = delivery(ctx.rng("delivery", SOURCE, m), int(MONTH_EDGES[m + 1]) + 86400, hours=2)
        if m >= PARQUET_FROM:
            t = pa.table(
                {
                    k: v.cast(v.type.value_type) if pa.types.is_dictionary(v.type) else v
                    for k, v in zip(t.column_names, t.columns, strict=True)
                }
            )
            buf = pa.BufferOutputStream()
            pq.write_table(t, buf, compression="zstd")
            self.sink.write(
                SOURCE, f"FY{fy}/case_events_{label}.parquet", [buf.getvalue()], n, when
            )
            return
        t = t.append_column("d", pa.array(d)).append_column(
            "dv", pa.array((rng.random(n) < 0.5).astype(np.int8))
        )
        t = t.set_column(5, "event_at", pa.array(ts.astype("datetime64[s]")))
        t = t.append_column(
            "badts",
            col(
                X.pick(rng, d == X.code(SOURCE, "bad_timestamp"), len(X.BAD_TIMESTAMPS[SOURCE])),
                X.BAD_TIMESTAMPS[SOURCE],
            ),
        )
        lines = ctx.sql(self.sql, t=t).column("line")
        self.sink.write(
            SOURCE, f"FY{fy}/case_events_{label}.csv", line_bytes(lines), n, when, HEADER
        )
