"""Time every dashboard query on the published snapshot, cold (Streamlit cache cleared).

Runs in its own process (`CX_DATA_DIR` set by the caller) so the app's module-level
state and Streamlit's caches never leak between scales:

    CX_DATA_DIR=DIR python -m benchmarks.dashboard OUT.json [RUNS]

The result cache is cleared before every call, so each timing is DuckDB work (plus
the scope look-ups a page does on a new snapshot), not a cache hit. The read-only
connection is kept, as in a running server. The first, warm-up call is not counted.
"""

from __future__ import annotations

import json
import logging
import statistics
import sys
import time
import warnings


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_queries(runs: int = 20) -> dict[str, dict]:
    warnings.filterwarnings("ignore")
    # Streamlit warns about a missing ScriptRunContext outside `streamlit run`.
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from app import data

    results: dict[str, dict] = {}
    for name, query in data.QUERIES.items():
        try:
            data.clear_cache()
            rows = len(query())  # warm-up: imports, first connection
            times = []
            for _ in range(runs):
                data.clear_cache()
                start = time.perf_counter()
                query()
                times.append((time.perf_counter() - start) * 1000)
            results[name] = {
                "rows": rows,
                "p50_ms": statistics.median(times),
                "p95_ms": _percentile(times, 0.95),
                "max_ms": max(times),
            }
        except Exception as exc:  # one broken query must not hide the others' timings
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if not 1 <= len(args) <= 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    results = time_queries(int(args[1]) if len(args) > 1 else 20)
    with open(args[0], "w") as fh:
        json.dump(results, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
