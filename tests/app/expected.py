"""What the pages must show, computed from the fixture rows in plain Python."""

from __future__ import annotations

import math

from cx_snapshot import CUSTOMERS, RATES, RESPONSES, SCORES


def score_text(pos: int, n: int, withheld: bool = False) -> str:
    """A table cell: withheld = complementary-suppressed (cx_snapshot.suppression)."""
    if n < 10:
        return f"suppressed (n={n})"
    return f"withheld (n={n})" if withheld else f"{100 * pos / n:.1f} (n={n})"


def metric_text(pos: int, n: int, withheld: bool = False) -> tuple[str, str]:
    """A score metric's (value, line under it): the score alone, then its n."""
    if n < 10:
        return "suppressed", f"n = {n:,} answer{'' if n == 1 else 's'} (fewer than 10: no score)"
    if withheld:
        return "withheld", (f"n = {n:,} answers (withheld: with the totals beside it, it "
                            "would reveal a suppressed score)")  # fmt: skip
    return f"{100 * pos / n:.1f}", f"n = {n:,} answers"


def pooled(driver: str, fy: int, fq: int, services=None, channel="all") -> tuple[int, int]:
    rows = [r for r in SCORES if r[4] == driver and (r[1], r[2]) == (fy, fq) and r[3] == channel
            and (services is None or r[0] in services)]  # fmt: skip
    return sum(r[5] for r in rows), sum(r[6] for r in rows)


def significant(pos: int, n: int, ppos: int, pn: int) -> bool:
    pool = (pos + ppos) / (n + pn)
    z = (pos / n - ppos / pn) / math.sqrt(pool * (1 - pool) * (1 / n + 1 / pn))
    return abs(z) > 1.959964


def responses(fy: int, fq: int, services=None, channel="all") -> tuple[int, int, int]:
    """(responses, responses where a survey was offered, surveys offered)."""
    rows = [r for r in RATES if (r[1], r[2]) == (fy, fq) and r[3] == channel
            and (services is None or r[0] in services)]  # fmt: skip
    return (sum(r[4] for r in rows), sum(r[4] for r in rows if r[6]),
            sum(r[6] for r in rows if r[6]))  # fmt: skip


def fafsa_answers() -> dict[str, list[tuple[str, int, bool]]]:
    """driver -> [(response_key, value, positive)] for the FAFSA fixture responses."""
    out: dict[str, list] = {"trust": [], "satisfaction": [], "ease": []}
    for key, _ch, trust, sat, ease, *_ in RESPONSES:
        if trust is not None:
            out["trust"].append((key, trust, trust >= 4))
        if sat is not None:
            out["satisfaction"].append((key, sat, sat >= 4))
        if ease is not None:
            out["ease"].append((key, ease, ease == 1))
    return out


def trust_difference(driver: str) -> tuple[int, float, float, float]:
    """(n, difference in trust-positive share in points, 95% low, high)."""
    answers = fafsa_answers()
    trust = {k: pos for k, _v, pos in answers["trust"]}
    pairs = [(pos, trust[k]) for k, _v, pos in answers[driver] if k in trust]
    yes = [t for d, t in pairs if d]
    no = [t for d, t in pairs if not d]
    p1, p0 = sum(yes) / len(yes), sum(no) / len(no)
    se = math.sqrt(p1 * (1 - p1) / len(yes) + p0 * (1 - p0) / len(no))
    return (
        len(pairs),
        100 * (p1 - p0),
        100 * (p1 - p0 - 1.959964 * se),
        100 * (p1 - p0 + 1.959964 * se),
    )


def customers(select) -> tuple[int, int, int]:
    """(customers, trust answers, trust positive) over CUSTOMERS matching `select`."""
    rows = [c for c in CUSTOMERS if select(c)]
    return len(rows), sum(c[4] for c in rows), sum(c[5] for c in rows)
