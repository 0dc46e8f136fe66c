"""What the dashboard relies on seeing in the demo data.

Over time (the tests on `big_root`, read straight from the files): scores hold their
level within sampling noise, dip in a service's peak season, rise where a CX Action
Plan initiative starts, and drop in the planted incidents of `profiles.INCIDENTS`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from statistics import correlation, mean

import pytest

from dagster_project.core.reference import queue_map, read_seed
from dagster_project.generate import profiles as P
from dagster_project.generate.calendar import FIRST_FY, N_QUARTERS
from dagster_project.generate.changes import DAY_QUARTER, initiatives, quarter_of
from dagster_project.generate.contact_center import QUESTIONS
from dagster_project.generate.touchpoints import LEGACY

from .conftest import api_records, case_events, contact_center, touchpoints

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


# --- Scores over time -------------------------------------------------------------------

SOURCES = ("touchpoints", "agency_api", "contact_center")
# Sources whose instrument never changes: each Touchpoints provider moves from the legacy
# 1-5 form to the current one (trust as thumbs, for some) in a month of its own, which
# by itself moves a service's trust share by a few points.
STABLE = ("agency_api", "contact_center")
THUMBS = {"1": True, "up": True, "yes": True, "👍": True,
          "0": False, "down": False, "no": False, "👎": False}  # fmt: skip
SERVICES = [r["service_id"] for r in read_seed("services")]  # the generator's order


def _period(stamp: str) -> tuple[int, int] | None:
    """(fiscal quarter index, 0 = FY2024 Q1, and calendar month) of an ISO or US date."""
    if m := re.match(r"(\d{4})-(\d\d)-\d\d", stamp):
        year, month = int(m[1]), int(m[2])
    elif m := re.match(r"(\d\d)/\d\d/(\d{4})", stamp):
        year, month = int(m[2]), int(m[1])
    else:
        return None
    q = (year + (month >= 10) - FIRST_FY) * 4 + (month - 10) % 12 // 3
    return (q, month) if 0 <= q < N_QUARTERS else None


def _positive(scale: str, value) -> bool | None:
    value = str(value)
    if scale == "likert5":
        return int(value) >= 4 if value in {"1", "2", "3", "4", "5"} else None
    return THUMBS.get(value)


class Cells:
    """Answers and positive answers per source, service, quarter, month and driver."""

    def __init__(self) -> None:
        self.n, self.pos = Counter(), Counter()

    def add(self, source, service, stamp, driver, positive) -> None:
        when = _period(str(stamp))
        if when is not None and positive is not None:
            self.n[(source, service, *when, driver)] += 1
            self.pos[(source, service, *when, driver)] += positive

    def share(self, service, driver, quarters=None, months=None, sources=SOURCES):
        """(positive share, its standard error, answers) over the cells asked for."""
        n = pos = 0
        for key, k in self.n.items():
            src, svc, q, m, d = key
            if (svc, d) == (service, driver) and src in sources and (
                quarters is None or q in quarters) and (months is None or m in months):  # fmt: skip
                n, pos = n + k, pos + self.pos[key]
        p = pos / n if n else math.nan
        return p, math.sqrt(p * (1 - p) / n) if n else math.inf, n


@pytest.fixture(scope="module")
def cells(big_root) -> Cells:
    """Every answer of the larger landing zone, positive as the warehouse counts it (4-5,
    or thumbs up); answers out of range or on damaged rows are left out."""
    out = Cells()
    for r in touchpoints(big_root):
        if r["form_kind"] == "a11":
            for d in LEGACY:
                out.add(
                    "touchpoints", r["service_id"], r["created_at"], d, _positive("likert5", r[d])
                )
        else:
            scale = "thumbs" if r["form_kind"] == "a11_v2" else "likert5"
            out.add("touchpoints", r["service_id"], r["created_at"], "trust",
                    _positive(scale, r["answer_01"]))  # fmt: skip
    for rec in api_records(big_root):
        for a in rec["answers"]:
            out.add("agency_api", rec["service_id"], rec["submitted_at"], a["driver"],
                    _positive(a["scale"], a["value"]))  # fmt: skip
    queues = queue_map()
    for r in contact_center(big_root):
        for i, d in enumerate(QUESTIONS):
            out.add("contact_center", queues.get(r["Queue"]), r["CallStart"], d,
                    _positive("likert5", r[f"Q{i + 1}"]))  # fmt: skip
    return out


def _initiatives() -> list[tuple[str, str, int, float]]:
    """(service, target driver, start day, lasting lift) of the seed's initiatives."""
    return [(SERVICES[s], P.DRIVERS[d], start, lift) for s, d, start, lift in initiatives(SERVICES)]


def _pooled(estimates: list[tuple[float, float]]) -> tuple[float, float]:
    """Precision-weighted mean of (estimate, standard error) pairs, and its error."""
    weights = [1 / se**2 for _, se in estimates]
    return sum(w * d for w, (d, _) in zip(weights, estimates, strict=True)) / sum(weights), (
        1 / math.sqrt(sum(weights))
    )


def test_services_hold_their_level_without_an_initiative(cells):
    """Satisfaction and trust of every service in FY2026 against FY2024 (the same months,
    so the seasons cancel), unless an initiative lifts that driver: no difference beyond
    3.5 standard errors (26 comparisons: a chance of about 1 % that one strays that far
    by sampling noise alone), and none on average: the pooled difference stays within 5
    of its standard errors computed as if the comparisons were independent, about 3 real
    ones (satisfaction and trust come from the same respondents, ρ ≈ 0.6; over seeds the
    pooled difference spreads about 1.6 times wider), or 3 points. The old generator's
    default drift alone (+0.05 a year on the latent scale) moved them about 4 points."""
    lifted = {(s, d) for s, d, _, lift in _initiatives() if lift > 0}
    diffs = []
    for service in SERVICES:
        for driver in ("satisfaction", "trust"):
            if (service, driver) in lifted:
                continue
            p0, se0, n0 = cells.share(service, driver, range(0, 4), sources=STABLE)
            p2, se2, n2 = cells.share(service, driver, range(8, 12), sources=STABLE)
            if min(n0, n2) < 100:
                continue
            se = math.hypot(se0, se2)
            assert abs(p2 - p0) < 3.5 * se, (service, driver, round(100 * p0), round(100 * p2))
            diffs.append((p2 - p0, se))
    assert len(diffs) >= 20
    drift, se = _pooled(diffs)
    assert abs(drift) < 5 * se, drift


def test_an_initiative_lifts_its_target_driver_more_than_the_others(cells):
    """Each initiative's target driver, the two quarters before its start against the
    quarters after its ramp-up, less the same change of satisfaction (or trust) of its
    service. Pooled over the initiatives that lift (the smaller services are noisy one
    by one), that is clearly positive, and none is clearly negative; the stalled ones
    (`at_risk`, no lift) stay within noise."""
    lifted, stalled = [], []
    for service, driver, start, lift in _initiatives():
        q0 = int(DAY_QUARTER[start]) if 0 <= start < len(DAY_QUARTER) else -1
        ramped = sorted({int(q) for q in DAY_QUARTER[start + P.RAMP_DAYS :]})[1:]  # whole ones
        if q0 < 2 or not ramped:
            continue
        change = []
        for d in (driver, "trust" if driver == "satisfaction" else "satisfaction"):
            p0, se0, _ = cells.share(service, d, range(q0 - 2, q0), sources=STABLE)
            p1, se1, _ = cells.share(service, d, ramped, sources=STABLE)
            change.append((p1 - p0, math.hypot(se0, se1)))
        beyond = (change[0][0] - change[1][0], math.hypot(change[0][1], change[1][1]))
        (lifted if lift > 0 else stalled).append(beyond)
        assert beyond[0] > -2 * beyond[1], (service, driver, change)
    assert len(lifted) >= 6 and stalled
    assert all(abs(d) < 3.5 * se for d, se in stalled), stalled
    rise, se = _pooled(lifted)
    assert rise > max(4 * se, 0.04), lifted


def _planted(kind: str) -> P.Incident:
    return next(i for i in P.INCIDENTS if (i.drivers if kind == "drivers" else i.stage))


def test_the_planted_backlog_quarter_drops_and_recovers(cells):
    inc = _planted("drivers")
    q = quarter_of(inc.fiscal_year, inc.fiscal_quarter)
    for driver in ("efficiency", "trust"):
        before, _, _ = cells.share(inc.service_id, driver, [q - 1])
        during, _, n = cells.share(inc.service_id, driver, [q])
        after, _, _ = cells.share(inc.service_id, driver, [q + 1])
        assert n >= 50
        assert during <= before - 0.10, (driver, before, during)
        assert after >= during + 0.10, (driver, during, after)


def test_the_planted_journey_stage_drop_off_jumps_for_one_quarter(big_root):
    """The share of cases entering the stage in a quarter that abandon it: far up in the
    planted quarter against the quarter before and the same quarter a year later."""
    inc = _planted("stage")
    journey, stage = inc.stage.split("/")
    entered, abandoned = {}, set()
    for e in case_events(big_root):
        if (e["journey_id"], e["stage_key"]) == (journey, stage) and e["case_id"]:
            if e["event"] == "entered" and (when := _period(e["event_at"])):
                entered[e["case_id"]] = when[0]
            elif e["event"] == "abandoned":
                abandoned.add(e["case_id"])
    n, gone = Counter(entered.values()), Counter(q for c, q in entered.items() if c in abandoned)
    q = quarter_of(inc.fiscal_year, inc.fiscal_quarter)
    rate = {k: gone[k] / n[k] for k in (q - 1, q, q + 4)}
    assert min(n[q - 1], n[q]) >= 50
    assert rate[q] >= rate[q - 1] + 0.1, rate
    assert rate[q + 4] <= rate[q] - 0.1, rate


def test_efficiency_dips_in_a_service_s_peak_season(cells):
    """Efficiency in the months of at least 1.5 times the average volume against those
    of average volume or less, leaving out the planted incidents' quarters: below, for
    the seasonal services pooled, and clearly so for the three biggest; none clearly above."""
    incident = {(i.service_id, quarter_of(i.fiscal_year, i.fiscal_quarter)) for i in P.INCIDENTS}
    dips = {}
    for service in SERVICES:
        season = P.SEASONS[P.profile(service).season]
        peak = [m + 1 for m, v in enumerate(season) if v >= 1.5 * mean(season)]
        off = [m + 1 for m, v in enumerate(season) if v <= mean(season)]
        quarters = [q for q in range(N_QUARTERS) if (service, q) not in incident]
        p_peak, se_peak, n_peak = cells.share(service, "efficiency", quarters, peak, STABLE)
        p_off, se_off, n_off = cells.share(service, "efficiency", quarters, off, STABLE)
        if peak and min(n_peak, n_off) >= 100:
            dips[service] = (p_peak - p_off, math.hypot(se_peak, se_off))
    assert len(dips) >= 5
    assert all(d < 2 * se for d, se in dips.values()), dips
    dip, se = _pooled(list(dips.values()))
    assert dip < -max(4 * se, 0.03), dips
    assert all(dips[s][0] < -0.02 for s in ("fsa-fafsa", "irs-file-return", "irs-refund-status"))
