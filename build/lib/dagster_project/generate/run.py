"""The month-by-month generation loop behind `generate_feeds`.

Memory stays bounded: customers and cases are small tables built up front; responses
are made one demo month at a time (at 10 M responses, about 300 k a month) and
written straight to their files.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from dagster_project.core.progress import progress_bar
from dagster_project.generate import defects as X
from dagster_project.generate.agency_api import CORRECTION_RATE, AgencyApi
from dagster_project.generate.calendar import N_MONTHS, month_index, monthly_counts
from dagster_project.generate.case_events import PARQUET_FROM, CaseEvents
from dagster_project.generate.comments import Pools
from dagster_project.generate.contact_center import ContactCenter
from dagster_project.generate.files import write_file_defects
from dagster_project.generate.population import make_cases, make_customers
from dagster_project.generate.service_volumes import write_volumes
from dagster_project.generate.touchpoints import Touchpoints
from dagster_project.generate.world import Context, World
from dagster_project.generate.writers import Sink

LINKED_SHARE = 0.18  # of API responses sent at a case stage
P_SURVEY = 0.45  # chance a case stage triggers a survey


def run(
    out_dir: Path, split: tuple[int, int, int], seed: int, progress: bool
) -> tuple[Context, Sink, int]:
    n_tp, n_api, n_cc = split
    ctx = Context(seed=seed, world=World())
    w = ctx.world
    customers = make_customers(ctx, max(50, int(0.3 * n_api)))
    cases = make_cases(
        ctx, max(20, round(LINKED_SHARE / (3.4 * P_SURVEY) * n_api)), customers, P_SURVEY
    )
    _cap_linked(ctx, cases, n_api // 2)
    sink, pools = Sink(out_dir), Pools(w, ctx.rng("pools"))
    tp = Touchpoints(ctx, sink, pools)
    api = AgencyApi(ctx, sink, pools, customers, cases)
    cc = ContactCenter(ctx, sink, pools)
    ev = CaseEvents(ctx, sink, customers, cases)

    rng = ctx.rng("allocation")
    linked = np.bincount(month_index(cases.linked["ts"]), minlength=N_MONTHS)
    tp_n = monthly_counts(rng, n_tp, w.weight, w.season)
    api_n = monthly_counts(rng, n_api - int(linked.sum()), w.weight, w.season)
    cc_n = monthly_counts(rng, n_cc, w.weight[w.queue_service], w.season[w.queue_service])
    ev_n = ev.rows_per_month()

    rng = ctx.rng("defect-plan")
    v2 = np.array(
        [any(f.kind != "a11" and f.first <= m < f.stop for f in tp.forms) for m in range(N_MONTHS)]
    )
    tp_d = X.plan(
        rng,
        tp_n.sum(1),
        X.ROW_KINDS["touchpoints"],
        month_weights={"unknown_driver_key": tp_n.sum(1) * v2},
    )
    api_sizes = api_n.sum(1) + linked
    api_d = X.plan(rng, api_sizes, X.ROW_KINDS["agency_api"])
    fixes = X.plan(rng, api_sizes, ("redelivered_correction",), rate=CORRECTION_RATE)[:, 0]
    cc_d = X.plan(rng, cc_n.sum(1), X.ROW_KINDS["contact_center"])
    csv_months = ev_n * (np.arange(N_MONTHS) < PARQUET_FROM)
    ev_d = X.plan(
        rng,
        ev_n,
        X.ROW_KINDS["case_events"],
        month_weights={"wrong_column_count": csv_months, "bad_timestamp": csv_months},
    )

    with _progress(progress, total=sum(split)) as bar:
        for m in range(N_MONTHS):
            tp.write_month(m, tp_n[m], tp_d[m])
            api.write_month(m, api_n[m], api_d[m], int(fixes[m]))
            cc.write_month(m, cc_n[m], cc_d[m])
            ev.write_month(m, ev_d[m])
            bar.update(int(tp_n[m].sum() + api_n[m].sum() + linked[m] + cc_n[m].sum()))
        api.flush()
        write_volumes(ctx, sink)
        dup = write_file_defects(ctx, sink)
        sink.finalize()
    return ctx, sink, dup


def _progress(show: bool, total: int):
    """The shared progress (a bar on a terminal, a line per 10 % in a log), or none."""
    if show:
        return progress_bar(total, "cxwh generate", unit="resp", unit_scale=True)
    return nullcontext(SimpleNamespace(update=lambda n=1: None))


def _cap_linked(ctx: Context, cases, limit: int) -> None:
    """At tiny N, keep case-linked surveys within half of the API responses."""
    n = len(cases.linked["ts"])
    if n > limit:
        keep = np.sort(ctx.rng("cap-linked").choice(n, limit, replace=False))
        cases.linked = {k: v[keep] for k, v in cases.linked.items()}
