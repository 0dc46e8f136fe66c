"""Synthetic agency feeds for the demo: `cxwh generate --responses N --seed S`.

`generate_feeds(out_dir, responses, seed)` writes, under `out_dir/<source>/`, the files
five kinds of agency systems would deliver for federal fiscal years 2024–2026
(2023-10-01 to 2026-09-30 UTC), following `SOURCES.md` exactly:

- `touchpoints/` — quarterly CSV exports per Touchpoints form: the legacy `a11` form
  until each provider's migration month, then `a11_v2` (thumbs) or `a11_v2_radio`
  (1–5); anonymous, often with the journey `stage`. ~45 % of the N responses.
- `agency_api/` — weekly JSON Lines dumps: shared sign-in customer ids reused across
  agencies, some e-mails, `case_id` + `stage` for surveys sent at a case stage, Likert
  or thumbs answers (1/0, up/down, yes/no, 👍/👎). ~35 %.
- `contact_center/` — monthly IVR exports in Windows-1252 with `;`, New York local
  `CallStart`, `9` = skipped, caller numbers, agent notes. ~20 %.
- `case_events/` — monthly stage events (`entered`/`completed`/`abandoned`) of the seed
  journeys, CSV until FY2025 and Parquet from FY2026; 10–30 % of cases abandon,
  cases still running at the end stay open.
- `service_volumes/` — per quarter: customers served and offered a survey per
  service × channel, consistent with the responses (response rates 2–20 %).

Realism: every service and channel appears; seasons (tax filing Jan–Apr, FAFSA
Oct–Mar, disasters Aug–Oct, summer travel); drivers correlate through a latent
experience with per-service strengths and weaknesses; comments follow the scores, many
are blank. Scores hold their level within sampling noise except where something moves
them (`profiles.py`, `changes.py`): they dip in a service's peak season (efficiency
and trust most), a CX Action Plan initiative lifts its target driver for good after
its start date, and two planted incidents give the alert rules something to find (a
passport backlog in FY2025 Q4, the FAFSA form's drop-off in FY2024 Q2).

Defects (see `defects.py`; each row kind ~0.2 % of its source's rows, at least one):
wrong column counts, bad or blank timestamps, missing ids, unknown `service_id` or
queue, out-of-range answers (0, 6, 7, maybe), unknown driver keys, truncated JSON,
undecodable bytes in UTF-8 files, e-mails/phones/SSNs in free text (~1 % of texts);
empty files, header-only files, unknown kinds (`.xlsx`, `.txt`), a Touchpoints export
and an API dump delivered twice under another name, and corrected re-deliveries of
API responses (~0.4 %) in later dumps.

Rule for counting: data rows of touchpoints + agency_api + contact_center files ==
N + `defects["redelivered_correction"]` + `duplicate_rows` (a defective row is still one
of the N responses). Same seed, same bytes: nothing depends on the clock; each file's
mtime is its delivery time. Files already in `out_dir` under the same names are
replaced; others are left alone (a warning says how many).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from dagster_project.generate.run import run

RESPONSE_SOURCES = ("touchpoints", "agency_api", "contact_center")
SHARES = (45, 35, 20)  # percent of N per response source


@dataclass(frozen=True)
class GenerateSummary:
    out_dir: Path
    responses: int
    seed: int
    files: dict[str, int]  # files written per source
    rows: dict[str, int]  # data rows written per source (header lines excluded)
    defects: dict[str, int]  # injected defects by kind
    duplicate_rows: int  # data rows in files delivered twice
    elapsed_seconds: float

    def describe(self) -> str:
        files = ", ".join(f"{s} {n}" for s, n in self.files.items())
        rows = ", ".join(f"{s} {n:,}" for s, n in self.rows.items())
        defects = ", ".join(f"{k} {v:,}" for k, v in sorted(self.defects.items()))
        return (f"Generated {self.responses:,} survey responses (seed {self.seed}) into {self.out_dir} "
                f"in {self.elapsed_seconds:.1f} s. Files per source: {files}. Data rows: {rows}. "
                f"Injected defects: {defects}.")  # fmt: skip


def split_responses(n: int) -> tuple[int, int, int]:
    """N responses → (touchpoints, agency_api, contact_center): 45 %, 35 %, the rest."""
    tp, api = n * SHARES[0] // 100, n * SHARES[1] // 100
    return tp, api, n - tp - api


def generate_feeds(
    out_dir: Path, responses: int, seed: int, progress: bool = True
) -> GenerateSummary:
    """Write demo agency feeds of every source under `out_dir` (see the module docstring)."""
    if responses < 0:
        raise ValueError("responses must be >= 0")
    started = time.perf_counter()
    out_dir = Path(out_dir)
    ctx, sink, dup = run(out_dir, split_responses(responses), seed, progress)
    stale = sum(1 for p in out_dir.rglob("*") if p.is_file() and p not in sink.delivered)
    if stale:
        warnings.warn(
            f"{stale} files in {out_dir} were not written by this run and stay there", stacklevel=2
        )
    summary = GenerateSummary(
        out_dir=out_dir, responses=responses, seed=seed,
        files=dict(sorted(sink.files().items())), rows=dict(sorted(sink.rows.items())),
        defects=dict(sorted(ctx.defects.items())), duplicate_rows=dup,
        elapsed_seconds=round(time.perf_counter() - started, 2),
    )  # fmt: skip
    if progress:
        print(summary.describe())
    return summary


__all__ = ["GenerateSummary", "generate_feeds", "split_responses"]
