"""The benchmark's outputs: a markdown section per run and a log-log SVG chart.

matplotlib is not installed and plotly needs kaleido (a browser download) for PNG,
so the chart is a small hand-written SVG, which GitHub renders inline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import GIB, Measured, fmt_bytes

TITLE = "# Benchmark results\n"
INTRO = (
    "`make bench` (`python -m benchmarks.run`): the full pipeline (`cxwh pipeline`: "
    "Dagster ingest → dbt build with tests → publish) against a bare-DuckDB floor and an "
    "idiomatic pandas pipeline computing the same quarterly driver scores from the same "
    "files, plus a 1 % incremental delivery and the dashboard's queries. Newest run first.\n"
)


@dataclass
class ScaleResult:
    label: str
    responses: int
    generate: Measured
    pipeline: Measured
    steps: dict[str, float] = field(default_factory=dict)
    floor: Measured | None = None
    pandas: Measured | None = None
    pandas_status: str = "not run"  # ok | out of memory | timeout | failed
    cells: int = 0
    mismatches: list[str] = field(default_factory=list)
    incremental: Measured | None = None
    inc_responses: int = 0
    inc_collisions: dict[str, int] = field(default_factory=dict)
    inc_mismatches: list[str] = field(default_factory=list)
    dashboard: dict[str, dict] = field(default_factory=dict)
    dashboard_runs: int = 0

    @property
    def gate_ok(self) -> bool:
        return self.cells > 0 and not self.mismatches and not self.inc_mismatches

    def phase(self, kind: str) -> float:
        """Seconds of the pipeline steps of one kind: ingest, dbt, publish."""
        return sum(s for k, s in self.steps.items() if _kind(k) == kind)

    @property
    def max_p95(self) -> float | None:
        p95 = [q["p95_ms"] for q in self.dashboard.values() if "p95_ms" in q]
        return max(p95) if p95 else None


def _kind(step: str) -> str:
    if step.startswith("raw"):
        return "ingest"
    if "dbt" in step:
        return "dbt"
    if "publish" in step or "snapshot" in step:
        return "publish"
    return "other"


def _ratio(seconds: float | None, base: Measured | None) -> str:
    if seconds is None or base is None or not base.ok or base.seconds <= 0:
        return "—"
    return f"{seconds / base.seconds:.2f}×"


def _secs(m: Measured | None, status: str = "ok") -> str:
    if m is None:
        return "not run"
    if status != "ok":
        return status
    if not m.ok:
        return "timeout" if m.timed_out else f"failed (exit {m.returncode})"
    return f"{m.seconds:,.1f}"


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def targets(r: ScaleResult) -> list[tuple[str, bool | None, str]]:
    full = r.pipeline.seconds
    floor = r.floor.seconds if r.floor and r.floor.ok else None
    rows = [
        ("full pipeline ≤ 3× floor", floor and full <= 3 * floor, _ratio(full, r.floor)),
    ]
    if r.pandas_status == "ok" and r.pandas:
        speedup = r.pandas.seconds / full
        shown = f"{speedup:.2f}× faster" if speedup >= 1 else f"{1 / speedup:.2f}× slower"
        rows.append(("≥ 5× faster than pandas", speedup >= 5, shown))
    else:
        rows.append(("≥ 5× faster than pandas", r.pandas_status in ("out of memory", "timeout")
                     and r.pipeline.ok, f"pandas: {r.pandas_status}"))  # fmt: skip
    if r.incremental:
        pct = 100 * r.incremental.seconds / full
        rows.append(("1 % incremental ≤ 10 % of full run", pct <= 10, f"{pct:.1f} %"))
    p95 = r.max_p95
    rows.append(("dashboard p95 ≤ 150 ms", None if p95 is None else p95 <= 150,
                 "—" if p95 is None else f"max p95 {p95:.1f} ms"))  # fmt: skip
    peak = max(m.peak_rss for m in (r.pipeline, r.incremental) if m)
    rows.append(("peak memory ≤ 6 GiB", peak <= 6 * GIB, fmt_bytes(peak)))
    gen = r.generate.seconds
    if r.responses >= 10_000_000:
        rows.append(("`cxwh generate` ≤ 3 min at 10M", gen <= 180, f"{gen:,.0f} s"))
    else:
        est = gen * 10_000_000 / r.responses
        rows.append(("`cxwh generate` ≤ 3 min at 10M", None,
                     f"{est:,.0f} s if linear from this scale (start-up included)"))  # fmt: skip
    return rows


def scale_section(r: ScaleResult) -> str:
    steps_total = sum(r.steps.values())
    full = r.pipeline.seconds
    rows = [
        ("`cxwh generate`", r.generate.seconds if r.generate.ok else None, _secs(r.generate)),
        ("**full pipeline** (`cxwh pipeline`, wall)", full, _secs(r.pipeline)),
        ("— ingest (raw.* steps)", r.phase("ingest"), f"{r.phase('ingest'):,.1f}"),
        ("— dbt build + tests", r.phase("dbt"), f"{r.phase('dbt'):,.1f}"),
        ("— publish", r.phase("publish"), f"{r.phase('publish'):,.1f}"),
        ("— other steps", r.phase("other"), f"{r.phase('other'):,.1f}"),
        ("— start-up, Dagster overhead", full - steps_total, f"{full - steps_total:,.1f}"),
        ("floor (bare DuckDB, 1 process)", r.floor.seconds if r.floor else None, _secs(r.floor)),
        ("pandas", r.pandas.seconds if r.pandas_status == "ok" and r.pandas else None,
         _secs(r.pandas, r.pandas_status)),
    ]  # fmt: skip
    if r.incremental:
        rows.append(("incremental (+1 %) pipeline", r.incremental.seconds, _secs(r.incremental)))
    pandas = r.pandas if r.pandas_status == "ok" else None
    lines = [
        f"### {r.label} responses ({r.responses:,})\n",
        "| phase | seconds | × floor | × pandas |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds, shown in rows:
        lines.append(
            f"| {name} | {shown} | {_ratio(seconds, r.floor)} | {_ratio(seconds, pandas)} |"
        )
    lines += ["", "| process | peak RSS (process tree) |", "|---|---:|"]
    for name, m in (("generate", r.generate), ("pipeline", r.pipeline), ("floor", r.floor),
                    ("pandas", r.pandas), ("incremental pipeline", r.incremental)):  # fmt: skip
        if m is not None:
            lines.append(f"| {name} | {fmt_bytes(m.peak_rss)} |")
    lines.append("")
    if r.incremental:
        pct = 100 * r.incremental.seconds / full
        coll = ", ".join(f"{k} {v}" for k, v in r.inc_collisions.items() if v) or "none"
        lines.append(
            f"Incremental: {r.inc_responses:,} more responses (another seed) in new files; "
            f"second run {r.incremental.seconds:,.1f} s = **{pct:.1f} %** of the full run. "
            f"Record ids colliding with the first delivery: {coll}."
        )
    full_gate = "PASSED" if r.cells and not r.mismatches else "**FAILED**"
    pandas_note = f" (pandas not compared: {r.pandas_status})" if r.pandas_status != "ok" else ""
    lines.append(
        f"Correctness gate on the full run {full_gate}: {r.cells:,} cells (service × FY × "
        f"quarter × channel incl. `all` × driver), floor = pandas = "
        f"`marts.agg_quarterly_service_scores` on n and n_positive{pandas_note}."
    )
    if r.incremental:
        inc_gate = "PASSED (floor = marts)" if not r.inc_mismatches else "**FAILED**"
        lines.append(f"Correctness gate after the incremental run {inc_gate}.")
    for m in (r.mismatches + r.inc_mismatches)[:20]:
        lines.append(f"- mismatch: {m}")
    lines.append("")
    if r.dashboard:
        ok = {k: v for k, v in r.dashboard.items() if "p95_ms" in v}
        bad = {k: v for k, v in r.dashboard.items() if "error" in v}
        p50 = sorted(v["p50_ms"] for v in ok.values())
        lines.append(
            f"Dashboard ({len(ok)} queries, {r.dashboard_runs} cold runs each): median p50 "
            f"{p50[len(p50) // 2] if p50 else float('nan'):.1f} ms, max p95 "
            f"{r.max_p95 or float('nan'):.1f} ms{f'; {len(bad)} failed' if bad else ''}."
        )
        lines += ["", "<details><summary>per query</summary>", "",
                  "| query | rows | p50 ms | p95 ms |", "|---|---:|---:|---:|"]  # fmt: skip
        for name, v in sorted(r.dashboard.items(), key=lambda kv: -kv[1].get("p95_ms", 1e9)):
            if "error" in v:
                lines.append(f"| {name} | error: {v['error'][:80]} | | |")
            else:
                lines.append(f"| {name} | {v['rows']} | {v['p50_ms']:.1f} | {v['p95_ms']:.1f} |")
        lines += ["", "</details>", ""]
    lines += ["| target | result | measured |", "|---|---|---|"]
    for name, ok, measured in targets(r):
        lines.append(f"| {name} | {_mark(ok)} | {measured} |")
    return "\n".join(lines) + "\n"


def run_section(heading: str, machine: list[str], results: list[ScaleResult], notes: str) -> str:
    parts = [f"## {heading}\n", *[f"- {m}" for m in machine], "", notes, ""]
    parts += [scale_section(r) for r in results]
    return "\n".join(parts) + "\n"


def prepend(out: Path, section: str) -> None:
    """Add a run's section to results.md, newest first, keeping every earlier run."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    cut = old.find("\n## ")
    head, rest = (old[: cut + 1], old[cut + 1 :]) if cut >= 0 else (TITLE + "\n" + INTRO + "\n", "")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(head + section + rest, encoding="utf-8")


COLORS = {"pipeline": "#1f77b4", "floor": "#2ca02c", "pandas": "#d62728", "generate": "#7f7f7f"}


def chart_svg(results: list[ScaleResult], w: int = 640, h: int = 400) -> str:
    """Seconds vs responses, log-log, one line per contender."""
    series: dict[str, list[tuple[int, float]]] = {k: [] for k in COLORS}
    for r in sorted(results, key=lambda r: r.responses):
        for name, m, ok in (("pipeline", r.pipeline, r.pipeline.ok), ("floor", r.floor, True),
                            ("pandas", r.pandas, r.pandas_status == "ok"),
                            ("generate", r.generate, r.generate.ok)):  # fmt: skip
            if m is not None and ok and m.seconds > 0:
                series[name].append((r.responses, m.seconds))
    xs = [x for pts in series.values() for x, _ in pts] or [1, 10]
    ys = [y for pts in series.values() for _, y in pts] or [1, 10]
    x0, x1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs))) or 1
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    left, right, top, bottom = 60, 130, 30, 45

    def px(x: float) -> float:
        return left + (math.log10(x) - x0) / (x1 - x0) * (w - left - right)

    def py(y: float) -> float:
        return h - bottom - (math.log10(y) - y0) / (y1 - y0) * (h - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>',
           f'<text x="{left}" y="18" font-size="14">Seconds vs responses (log-log)</text>']  # fmt: skip
    for e in range(x0, x1 + 1):
        out.append(f'<line x1="{px(10**e):.1f}" y1="{top}" x2="{px(10**e):.1f}" '
                   f'y2="{h - bottom}" stroke="#ddd"/><text x="{px(10**e):.1f}" '
                   f'y="{h - bottom + 16}" text-anchor="middle">1e{e}</text>')  # fmt: skip
    for e in range(y0, y1 + 1):
        out.append(f'<line x1="{left}" y1="{py(10**e):.1f}" x2="{w - right}" '
                   f'y2="{py(10**e):.1f}" stroke="#ddd"/><text x="{left - 6}" '
                   f'y="{py(10**e) + 4:.1f}" text-anchor="end">{10.0**e:g} s</text>')  # fmt: skip
    out.append(
        f'<text x="{(w - right + left) / 2}" y="{h - 8}" text-anchor="middle">responses</text>'
    )
    for i, (name, pts) in enumerate(series.items()):
        color = COLORS[name]
        if len(pts) > 1:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in pts:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{color}"/>')
        ly = top + 10 + 20 * i
        out.append(f'<rect x="{w - right + 15}" y="{ly - 9}" width="12" height="12" fill="{color}"/>'
                   f'<text x="{w - right + 32}" y="{ly + 1}">{name}</text>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out) + "\n"
