"""The defects of SOURCES.md "Defects every loader must survive", at a realistic rate.

Row-level defects (each about 0.2 % of a source's rows, at least one per kind per run):
- `wrong_column_count` (CSV: a row cut after `stage`, or with an extra field),
- `bad_timestamp` (unparseable or impossible dates, or blank),
- `missing_id`, `unknown_service_id`, `unknown_queue` (contact centre),
- `out_of_range_answer` (`0`, `6`, `7`, `maybe`, `sideways`; the record's other answers are fine),
- `unknown_driver_key` (an extra API answer or an `answer_02`/`answer_03` entry such as `speed`),
- `truncated_json` (an API line cut short), `undecodable_bytes` (a Latin-1 byte in a UTF-8 file).
Plus free text with personal data (`pii_in_free_text`) and corrected re-deliveries
(`redelivered_correction`: the same API response_id again, changed, in a later file).
File-level defects (`empty_file`, `header_only_file`, `unknown_kind_file`,
`duplicate_file`) are written by `files.write_file_defects`.
"""

from __future__ import annotations

import numpy as np

from dagster_project.generate.calendar import N_MONTHS

RATE = 0.002
ROW_KINDS = {
    "touchpoints": ("wrong_column_count", "bad_timestamp", "missing_id", "unknown_service_id",
                    "out_of_range_answer", "unknown_driver_key", "undecodable_bytes"),
    "agency_api": ("truncated_json", "bad_timestamp", "missing_id", "unknown_service_id",
                   "out_of_range_answer", "unknown_driver_key", "undecodable_bytes"),
    "contact_center": ("wrong_column_count", "bad_timestamp", "missing_id", "unknown_queue", "out_of_range_answer"),
    "case_events": ("wrong_column_count", "bad_timestamp", "missing_id"),
}  # fmt: skip
BAD_TIMESTAMPS = {
    "touchpoints": ("not a date", "2024-02-30 25:61:00 UTC", "31/12/2024", "", "N/A"),
    "agency_api": ("2024-13-45T99:00:00Z", "yesterday", "", "0000-00-00T00:00:00"),
    "contact_center": ("13/45/2024 25:61", "2024-03-05T10:00", "", "00/00/0000 00:00"),
    "case_events": ("not-a-timestamp", "2025-02-29T10:00:00Z", ""),
}
UNKNOWN_SERVICES = (
    "irs-file-returns",
    "va-benefits",
    "UNKNOWN",
    "fsa_fafsa",
    "ssa-retirment",
    "test-service",
)
UNKNOWN_QUEUES = ("IRS-AUDIT", "TEST-QUEUE", "VA-HEALTH", "CMS-800")
UNKNOWN_DRIVERS = ("speed", "wait_time", "courtesy", "overall")


def code(source: str, kind: str) -> int:
    """The int8 code a row of `source` carries for `kind` (0 = no defect)."""
    return ROW_KINDS[source].index(kind) + 1


def plan(rng: np.random.Generator, sizes: np.ndarray, kinds: tuple[str, ...], rate: float = RATE,
         month_weights: dict[str, np.ndarray] | None = None) -> np.ndarray:  # fmt: skip
    """How many rows of each kind to damage in each month: [N_MONTHS, len(kinds)].

    At least one of each kind per run (where some month can hold it), spread over the
    months in proportion to their rows.
    """
    sizes = np.asarray(sizes, float)
    out = np.zeros((N_MONTHS, len(kinds)), np.int64)
    for k, kind in enumerate(kinds):
        weights = np.asarray((month_weights or {}).get(kind, sizes), float)
        if weights.sum() <= 0:
            continue
        n = max(1, int(rng.binomial(int(sizes.sum()), rate)))
        out[:, k] = np.bincount(
            rng.choice(N_MONTHS, n, p=weights / weights.sum()), minlength=N_MONTHS
        )
    return out


def place(
    rng: np.random.Generator,
    n: int,
    counts: np.ndarray,
    eligible: dict[int, np.ndarray] | None = None,
) -> np.ndarray:
    """Row codes: at most one defect per row; `eligible[k]` limits where kind k may go."""
    codes = np.zeros(n, np.int8)
    for k, c in enumerate(counts):
        if c <= 0:
            continue
        free = codes == 0
        if eligible and k in eligible:
            free &= eligible[k]
        cand = np.flatnonzero(free)
        codes[rng.choice(cand, min(int(c), len(cand)), replace=False)] = k + 1
    return codes


def tally(ctx, source: str, codes: np.ndarray) -> None:
    counts = np.bincount(codes, minlength=len(ROW_KINDS[source]) + 1)
    for k, kind in enumerate(ROW_KINDS[source]):
        ctx.count(kind, counts[k + 1])


def pick(rng: np.random.Generator, mask: np.ndarray, n_values: int) -> np.ndarray:
    """A random index into a list of n_values where mask, else -1 (null)."""
    return np.where(mask, rng.integers(0, n_values, len(mask)), -1)
