"""What the dashboard relies on seeing in the demo data."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from statistics import correlation, mean

from .conftest import api_records, contact_center, touchpoints

POSITIVE = re.compile(
    r"Great|Thank you|happy|Excellent|easy|simple|quick|clear|kind|friendly|helpful", re.I
)
NEGATIVE = re.compile(
    r"frustrating|Terrible|Disappointed|Unacceptable|fed up|rude|hold|slow|no idea|could not|nobody",
    re.I,
)


def _month(stamp: str) -> int | None:
    m = re.match(r"\d{4}-(\d\d)-\d\d", stamp)
    return int(m.group(1)) if m else None


def _likert(v) -> int | None:
    return int(v) if str(v) in {"1", "2", "3", "4", "5"} else None


def _likert_pairs(root, a: str, b: str) -> list[tuple[int, int]]:
    pairs = [(_likert(r[a]), _likert(r[b])) for r in touchpoints(root) if r["form_kind"] == "a11"]
    for rec in api_records(root):
        ans = {x["driver"]: x["value"] for x in rec["answers"] if x["scale"] == "likert5"}
        pairs.append((_likert(ans.get(a)), _likert(ans.get(b))))
    return [(x, y) for x, y in pairs if x and y]


def test_tax_season_shows_for_irs(root):
    months = Counter()
    for r in touchpoints(root):
        if r["service_id"] == "irs-file-return" and _month(r["created_at"]):
            months[_month(r["created_at"])] += 1
    for r in api_records(root):
        if r["service_id"] == "irs-file-return" and _month(str(r["submitted_at"])):
            months[_month(r["submitted_at"])] += 1
    season = mean(months[m] for m in (1, 2, 3, 4))
    rest = mean(months[m] for m in range(5, 13))
    assert season > 2 * rest


def test_fafsa_and_disaster_seasons(root):
    fafsa, fema = Counter(), Counter()
    for r in touchpoints(root):
        m = _month(r["created_at"])
        if m and r["service_id"] == "fsa-fafsa":
            fafsa[m] += 1
        if m and r["service_id"] == "fema-disaster-aid":
            fema[m] += 1
    assert mean(fafsa[m] for m in (10, 11, 12, 1, 2, 3)) > 1.5 * mean(
        fafsa[m] for m in range(4, 10)
    )
    assert mean(fema[m] for m in (8, 9, 10)) > 1.5 * mean(
        fema[m] for m in (1, 2, 3, 4, 5, 6, 11, 12)
    )


def test_drivers_correlate(root):
    pairs = _likert_pairs(root, "efficiency", "trust")
    assert len(pairs) > 500
    assert correlation(*zip(*pairs, strict=True)) > 0.3


def test_services_differ_and_slow_services_score_low_on_efficiency(root):
    eff = defaultdict(list)
    for r in touchpoints(root):
        if r["form_kind"] == "a11" and _likert(r["efficiency"]):
            eff[r["service_id"]].append(_likert(r["efficiency"]) >= 4)
    for rec in api_records(root):
        for a in rec["answers"]:
            if a["driver"] == "efficiency" and a["scale"] == "likert5" and _likert(a["value"]):
                eff[rec["service_id"]].append(_likert(a["value"]) >= 4)
    share = {s: mean(v) for s, v in eff.items() if len(v) >= 30}
    assert max(share.values()) - min(share.values()) > 0.25
    assert share["ssa-disability"] < share["ssa-retirement"] - 0.15


def test_some_services_improve_over_the_years(root):
    """Passport processing recovers: the thumbs-up share rises from FY2024 to FY2026."""
    by_year = defaultdict(list)
    for rec in api_records(root):
        stamp = str(rec["submitted_at"])
        if rec["service_id"] == "dos-passport" and _month(stamp):
            fy = int(stamp[:4]) + (_month(stamp) >= 10)
            by_year[fy] += [
                a["value"] == "up" for a in rec["answers"] if a["driver"] == "efficiency"
            ]
    assert mean(by_year[2026]) > mean(by_year[2024]) + 0.1


def test_comment_tone_follows_scores_and_many_are_blank(root):
    rows = [r for r in touchpoints(root) if r["form_kind"] == "a11" and _likert(r["satisfaction"])]
    happy = [
        _likert(r["satisfaction"])
        for r in rows
        if POSITIVE.search(r["comment"]) and not NEGATIVE.search(r["comment"])
    ]
    angry = [
        _likert(r["satisfaction"])
        for r in rows
        if NEGATIVE.search(r["comment"]) and not POSITIVE.search(r["comment"])
    ]
    assert mean(happy) > mean(angry) + 1.0
    blank = sum(not r["comment"] for r in rows)
    assert 0.3 < blank / len(rows) < 0.8


def test_free_text_carries_some_personal_data(root):
    text = [r["comment"] for r in touchpoints(root) if "comment" in r] + [
        r.get("answer_04") or "" for r in touchpoints(root)
    ]
    text += [r["comment"] or "" for r in api_records(root)] + [
        r["AgentNote"] for r in contact_center(root)
    ]
    blob = "\n".join(t for t in text if t)
    assert re.search(r"[\w.]+@example\.(com|org|net)", blob)
    assert re.search(r"\(?\d{3}\)?[ .-]555[ .-]01\d\d", blob)
    assert re.search(r"\b\d{3}-\d{2}-\d{4}\b", blob)
