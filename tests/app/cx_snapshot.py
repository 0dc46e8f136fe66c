"""A tiny published snapshot for the dashboard tests (AppTest and the browser).

Table columns and types come from the dbt contracts (`dbt/models/marts/**/*.yml`)
and the `meta` tables from the publish step's own DDL: a renamed column fails the tests
instead of passing silently. The rows are hand-written; the tests compute every
number they expect from these rows in Python, never with the app's SQL.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import jinja2
import yaml

from dagster_project.core.publish import META_DDL

REPO = Path(__file__).resolve().parents[2]
VERSION = "20260115T120000000000Z"


def _duckdb_type(data_type: str) -> str:
    """A contract's type as dbt renders it on DuckDB (some are Jinja: `timestamp` on
    Spark, `timestamp with time zone` here)."""
    return jinja2.Template(data_type).render(target={"type": "duckdb"})


def contract() -> dict[str, list[tuple[str, str]]]:
    """schema.table -> [(column, type)] from the dbt YAML contracts (every mart has one)."""
    tables: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((REPO / "dbt" / "models" / "marts").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            cols = [(c["name"], _duckdb_type(c["data_type"])) for c in model.get("columns", [])
                    if c.get("data_type")]  # fmt: skip
            if cols:
                tables[f"marts.{model['name']}"] = cols
    return tables


def meta_ddl() -> str:
    """The publish step's own DDL for meta.*."""
    return META_DDL.replace("snap.meta", "meta")


def write_snapshot(data_dir: Path, rows: dict[str, list[dict]], version: str = VERSION) -> Path:
    """Write published/warehouse-<version>.duckdb with every contract table and point
    CURRENT at it, the way the publish step does."""
    published = data_dir / "published"
    published.mkdir(parents=True, exist_ok=True)
    path = published / f"warehouse-{version}.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create schema meta")
    con.execute(meta_ddl())
    for table, cols in contract().items():
        con.execute(f"create table {table} ({', '.join(f'{c} {t}' for c, t in cols)})")
    for table, table_rows in rows.items():
        by_columns: dict[tuple[str, ...], list[list]] = {}
        for row in table_rows:
            by_columns.setdefault(tuple(row), []).append(list(row.values()))
        for columns, values in by_columns.items():
            marks = ", ".join("?" for _ in columns)
            con.executemany(f"insert into {table} ({', '.join(columns)}) values ({marks})", values)
    con.close()
    (published / "CURRENT").write_text(path.name + "\n")
    return path


# ---------------------------------------------------------------------------- rows
def ts(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


FY, FQ = 2026, 1  # the latest quarter with data; FY2025 Q4 is the previous one
SERVICES = [
    dict(service_id="fsa-fafsa", agency_code="ED", provider="Federal Student Aid",
         service_name="Complete the FAFSA form", journey_id="student-aid",
         benchmark_sector="education"),
    dict(service_id="irs-refund-status", agency_code="TREAS", provider="Internal Revenue Service",
         service_name="Check the status of a refund", journey_id="tax-filing",
         benchmark_sector="financial_services"),
    dict(service_id="ssa-retirement", agency_code="SSA", provider="Social Security Administration",
         service_name="Apply for retirement benefits", journey_id=None,
         benchmark_sector="insurance"),
]  # fmt: skip
AGENCY = {s["service_id"]: s["agency_code"] for s in SERVICES}
NAME = {s["service_id"]: s["service_name"] for s in SERVICES}
DRIVERS = [("satisfaction", "Satisfaction", 1), ("trust", "Trust", 2), ("ease", "Ease", 4)]

# (service, fy, fq, channel, driver, n, n_positive, prev_n, prev_positive, p_value, significant)
SCORES = [
    ("fsa-fafsa", 2026, 1, "all", "trust", 40, 30, 50, 30, 0.13, False),
    ("fsa-fafsa", 2026, 1, "all", "satisfaction", 40, 32, 50, 35, 0.28, False),
    ("fsa-fafsa", 2026, 1, "all", "ease", 38, 19, 45, 23, 0.92, False),
    ("irs-refund-status", 2026, 1, "all", "trust", 20, 18, 20, 10, 0.006, True),
    ("irs-refund-status", 2026, 1, "all", "satisfaction", 20, 10, 20, 11, 0.75, False),
    ("irs-refund-status", 2026, 1, "all", "ease", 9, 6, 12, 6, None, None),
    ("ssa-retirement", 2026, 1, "all", "trust", 7, 5, None, None, None, None),
    ("ssa-retirement", 2026, 1, "all", "satisfaction", 12, 6, None, None, None, None),
    ("ssa-retirement", 2026, 1, "all", "ease", 11, 11, None, None, None, None),
    ("fsa-fafsa", 2026, 1, "web", "trust", 25, 20, None, None, None, None),
    ("fsa-fafsa", 2026, 1, "phone", "trust", 15, 10, None, None, None, None),
    ("fsa-fafsa", 2026, 1, "web", "satisfaction", 25, 21, None, None, None, None),
    ("fsa-fafsa", 2026, 1, "phone", "satisfaction", 15, 11, None, None, None, None),
    ("irs-refund-status", 2026, 1, "web", "trust", 20, 18, None, None, None, None),
    ("irs-refund-status", 2026, 1, "web", "ease", 9, 6, None, None, None, None),
    ("fsa-fafsa", 2025, 4, "all", "trust", 50, 30, None, None, None, None),
    ("fsa-fafsa", 2025, 4, "all", "satisfaction", 50, 35, None, None, None, None),
    ("fsa-fafsa", 2025, 4, "all", "ease", 45, 23, None, None, None, None),
    ("irs-refund-status", 2025, 4, "all", "trust", 20, 10, None, None, None, None),
    ("irs-refund-status", 2025, 4, "all", "satisfaction", 20, 11, None, None, None, None),
    ("irs-refund-status", 2025, 4, "all", "ease", 12, 6, None, None, None, None),
]


def wilson(pos: int, n: int) -> tuple[float, float]:
    z = 1.959964
    p = pos / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _pooled_counts() -> dict[tuple, list[int]]:
    """(level, id, fy, fq, channel, driver) -> [n, positives, services] of each agency's
    and all services' pooled cells."""
    cells: dict[tuple, list[int]] = {}
    for svc, fy, fq, ch, drv, n, pos, *_ in SCORES:
        for level, rid in (("agency", AGENCY[svc]), ("all_services", "all")):
            cell = cells.setdefault((level, rid, fy, fq, ch, drv), [0, 0, 0])
            cell[0], cell[1], cell[2] = cell[0] + n, cell[1] + pos, cell[2] + 1
    return cells


def suppression() -> dict[tuple, str]:
    """(level, id, fy, fq, channel, driver) -> 'primary' / 'complementary' for the
    fixture's suppressed cells: the published rule (docs/suppression.md) restated for
    this hand-made snapshot. While a total (a cell's channels, an agency's services, the
    agencies) has exactly one suppressed member, suppress its shown child with the
    fewest answers (ties: level|id|channel), else the total itself."""
    n = {(("service", s, fy, fq, ch, d)): cnt for s, fy, fq, ch, d, cnt, *_ in SCORES}
    n |= {key: v[0] for key, v in _pooled_counts().items()}
    agency = {key: AGENCY[key[1]] if key[0] == "service" else key[1] for key in n}
    totals: dict[tuple, list[tuple]] = {}
    for key in n:
        level, cid, fy, fq, ch, d = key
        if ch != "all":
            totals.setdefault(((level, cid, fy, fq, "all", d), "channels"), []).append(key)
        if level == "service":
            totals.setdefault((("agency", agency[key], fy, fq, ch, d), "services"), []).append(key)
        if level == "agency":
            totals.setdefault((("all_services", "all", fy, fq, ch, d), "agencies"), []).append(key)
    reason = {key: "primary" for key, count in n.items() if count < 10}
    while True:
        picks = set()
        for (parent, _kind), children in totals.items():
            members = [parent, *children] if parent in n else children
            if sum(m in reason for m in members) != 1:
                continue
            shown = sorted((n[c], f"{c[0]}|{c[1]}|{c[4]}", c) for c in children if c not in reason)
            picks.add(shown[0][2] if shown else parent)
        picks -= set(reason)
        if not picks:
            return reason
        reason |= {key: "complementary" for key in picks}


def _previous(key: tuple) -> tuple:
    level, cid, fy, fq, ch, d = key
    return (level, cid, fy - 1, 4, ch, d) if fq == 1 else (level, cid, fy, fq - 1, ch, d)


def _score_rows() -> list[dict]:
    out = []
    hidden = suppression()
    for svc, fy, fq, ch, drv, n, pos, pn, ppos, p, sig in SCORES:
        low, high = wilson(pos, n)
        prev = None if pn is None else 100 * ppos / pn
        key = ("service", svc, fy, fq, ch, drv)
        out.append(dict(
            service_id=svc, agency_code=AGENCY[svc], fiscal_year=fy, fiscal_quarter=fq,
            channel=ch, driver=drv, n=n, n_positive=pos, score=100 * pos / n,
            ci_low=low, ci_high=high, is_suppressed=key in hidden,
            suppression_reason=hidden.get(key), prev_n=pn, prev_score=prev,
            prev_is_suppressed=pn is None or _previous(key) in hidden,
            score_change=None if prev is None else 100 * pos / n - prev, p_value=p,
            is_change_significant=sig,
        ))  # fmt: skip
    return out


def _p_value(pos: int, n: int, ppos: int, pn: int) -> float:
    """Two-sided p of the pooled two-proportion z-test (1.0 when the pool is 0 or 1)."""
    pool = (pos + ppos) / (n + pn)
    if pool in (0, 1):
        return 1.0
    z = (pos / n - ppos / pn) / math.sqrt(pool * (1 - pool) * (1 / n + 1 / pn))
    return math.erfc(abs(z) / math.sqrt(2))


def _rollup_rows() -> list[dict]:
    """Each agency's and all services' pooled cells, as agg_quarterly_rollup_scores."""
    cells = _pooled_counts()
    hidden = suppression()
    out = []
    for (level, rid, fy, fq, ch, drv), (n, pos, k) in cells.items():
        key = (level, rid, fy, fq, ch, drv)
        pn, ppos, _ = cells.get(_previous(key), (None, None, None))
        p = None if pn is None else _p_value(pos, n, ppos, pn)
        out.append(dict(
            rollup_level=level, rollup_id=rid, fiscal_year=fy, fiscal_quarter=fq, channel=ch,
            driver=drv, n_services=k, n=n, n_positive=pos, score=100 * pos / n,
            is_suppressed=key in hidden, suppression_reason=hidden.get(key), prev_n=pn,
            prev_score=None if pn is None else 100 * ppos / pn,
            prev_is_suppressed=pn is None or _previous(key) in hidden,
            score_change=None if pn is None else 100 * pos / n - 100 * ppos / pn,
            p_value=p, is_change_significant=p is not None and p < 0.05,
        ))  # fmt: skip
    return out


def _key_driver_rows(answers: list[dict]) -> list[dict]:
    """agg_key_drivers for the FAFSA responses: the 2x2 of driver- and trust-positive.
    Flags by n_paired only: the page shows whatever the mart flags (the mart's own rule,
    which also looks at each group's size and the channel totals, is pinned by its dbt
    unit tests), and these rows keep the page's numbers under test."""
    trust = {a["response_key"]: a["is_positive"] for a in answers if a["driver"] == "trust"}
    out = []
    for ch in ("all", "web", "phone"):
        for drv in ("satisfaction", "ease"):
            pairs = [(a["is_positive"], trust[a["response_key"]]) for a in answers
                     if a["driver"] == drv and a["response_key"] in trust
                     and ch in ("all", a["channel"])]  # fmt: skip
            if not pairs:
                continue
            n = len(pairs)
            row = dict(service_id="fsa-fafsa", fiscal_year=FY, fiscal_quarter=FQ, channel=ch,
                       driver=drv, n_paired=n, is_suppressed=n < 10,
                       suppression_reason="primary" if n < 10 else None)  # fmt: skip
            if n >= 10:
                yes = [t for d, t in pairs if d]
                no = [t for d, t in pairs if not d]
                p1, p0 = sum(yes) / len(yes), sum(no) / len(no)
                se = math.sqrt(p1 * (1 - p1) / len(yes) + p0 * (1 - p0) / len(no))
                t1, t0, tp = sum(yes), sum(no), sum(yes) + sum(no)
                phi = (t1 * (len(no) - t0) - (len(yes) - t1) * t0) / math.sqrt(
                    len(yes) * len(no) * tp * (n - tp))  # fmt: skip
                row.update(
                    n_driver_positive=len(yes), n_driver_not_positive=len(no),
                    trust_share_if_positive=100 * p1, trust_share_if_not_positive=100 * p0,
                    difference=100 * (p1 - p0),
                    difference_ci_low=100 * (p1 - p0 - 1.959964 * se),
                    difference_ci_high=100 * (p1 - p0 + 1.959964 * se), phi=phi,
                )  # fmt: skip
            out.append(row)
    return out


def _answer_distribution_rows(answers: list[dict]) -> list[dict]:
    """agg_answer_distribution from the answers: per channel and `all`, driver and
    answer, suspect responses left out."""
    counts: dict[tuple, int] = defaultdict(int)
    for a in answers:
        if a["response_key"] == SUSPECT_KEY:
            continue
        for channel in (a["channel"], "all"):
            key = (a["service_id"], a["agency_code"], a["fiscal_year"], a["fiscal_quarter"],
                   channel, a["driver"], a["scale"], a["answer_value"])  # fmt: skip
            counts[key] += 1
    columns = ("service_id", "agency_code", "fiscal_year", "fiscal_quarter", "channel",
               "driver", "scale", "answer_value")  # fmt: skip
    return [dict(zip(columns, key, strict=True), n_answers=n) for key, n in counts.items()]


def _omb_summary_rows() -> list[dict]:
    """agg_omb_driver_summary: the channel cells, positive count and score blank when
    suppressed (touchpoints_channel from dim_channel's fixture, none here)."""
    return [
        dict(service_id=svc, fiscal_year=fy, fiscal_quarter=fq, channel=ch, driver=drv,
             answers=n, positive_answers=None if n < 10 else pos,
             score=None if n < 10 else round(100 * pos / n, 2), is_suppressed=n < 10)
        for svc, fy, fq, ch, drv, n, pos, *_ in SCORES if ch != "all"
    ]  # fmt: skip


# (service, fy, fq, channel, responses, customers, offered)
RATES = [
    ("fsa-fafsa", 2026, 1, "all", 45, 1000, 300),
    ("irs-refund-status", 2026, 1, "all", 22, 800, 200),
    ("ssa-retirement", 2026, 1, "all", 12, 500, None),
    ("fsa-fafsa", 2026, 1, "web", 28, 600, 200),
    ("fsa-fafsa", 2026, 1, "phone", 17, 400, 100),
    ("fsa-fafsa", 2025, 4, "all", 55, 1100, 320),
    ("irs-refund-status", 2025, 4, "all", 22, 700, 180),
]

# FAFSA responses in FY2026 Q1: (key, channel, trust 1-5, satisfaction 1-5 or None,
# ease indicator 1/0 or None, customer or None, comment, sentiment, day of December)
RESPONSES = [
    ("r01", "web", 5, 5, 1, "c1", "Quick and clear, thank you", 0.6, 1),
    ("r02", "web", 4, 4, 1, "c2", None, None, 2),
    ("r03", "web", 2, 2, 0, None, "The form kept timing out [EMAIL]", -0.7, 3),
    ("r04", "web", 5, 4, 1, "c3", None, None, 4),
    ("r05", "phone", 1, 1, 0, None, "Waited an hour on hold", -0.3, 5),
    ("r06", "phone", 4, 3, None, "c4", "It was fine", 0.0, 6),
    ("r07", "web", 3, 4, None, "c5", None, None, 7),
    ("r08", "web", 4, 5, 0, None, None, None, 8),
    ("r09", "phone", 2, None, None, None, None, None, 9),
    ("r10", "web", 5, 5, 1, "c6", "Great help from the agent", 0.8, 10),
    ("r11", "web", 1, None, 0, None, None, None, 11),
    ("r12", "web", 4, 4, None, None, None, None, 12),
]


def _response_rows() -> tuple[list[dict], list[dict]]:
    responses, answers = [], []
    base = dict(service_id="fsa-fafsa", agency_code="ED", fiscal_year=FY, fiscal_quarter=FQ)
    bit = {driver: 1 << (order - 1) for driver, _, order in DRIVERS}  # dim_driver's order
    for key, ch, trust, sat, ease, cust, comment, sent, day in RESPONSES:
        at = ts(2025, 12, day)
        answered = {"trust": trust, "satisfaction": sat, "ease": ease}
        responses.append(dict(base, response_key=key, channel=ch, customer_key=cust,
                              is_anonymous=cust is None, submitted_at=at, comment=comment,
                              comment_sentiment=sent, is_suspect=False,
                              answered_drivers=sum(bit[d] for d, v in answered.items()
                                                   if v is not None)))  # fmt: skip
        for driver, scale, value in (("trust", "likert5", trust),
                                     ("satisfaction", "likert5", sat),
                                     ("ease", "indicator", ease)):  # fmt: skip
            if value is None:
                continue
            positive = value >= 4 if scale == "likert5" else value == 1
            negative = value <= 2 if scale == "likert5" else value == 0
            answers.append(dict(base, response_key=key, channel=ch, customer_key=cust,
                                submitted_at=at, driver=driver, scale=scale,
                                answer_value=value, is_positive=positive,
                                is_negative=negative))  # fmt: skip
    # Two IRS responses, both anonymous, so the anonymous share spans services.
    for key in ("r90", "r91"):
        responses.append(dict(base, service_id="irs-refund-status", agency_code="TREAS",
                              response_key=key, channel="web", customer_key=None,
                              is_anonymous=True, submitted_at=ts(2025, 11, 1),
                              is_suspect=False, answered_drivers=0))  # fmt: skip
    # A suspect response (screening: link spam): in the facts, in no count, score or list.
    spam = dict(base, response_key=SUSPECT_KEY, channel="web", customer_key=None,
                is_anonymous=True, submitted_at=ts(2025, 12, 20), comment=SUSPECT_COMMENT,
                comment_sentiment=0.0, is_suspect=True, suspect_rule="url_spam",
                suspect_reason="comment with 2 web links",
                answered_drivers=bit["trust"])  # fmt: skip
    responses.append(spam)
    answers.append(dict(base, response_key=SUSPECT_KEY, channel="web", customer_key=None,
                        submitted_at=spam["submitted_at"], driver="trust", scale="likert5",
                        answer_value=1, is_positive=False, is_negative=True))  # fmt: skip
    return responses, answers


SUSPECT_KEY = "r99"
SUSPECT_COMMENT = "cheap loans http://spam.example www.spam.example"

# Student-aid journey map, FY2026 Q1: (stage, order, label, entered, completed,
# abandoned, open, dwell, answers, positive, sentiment, pain point)
STAGES = [
    ("create-account", 1, "Create an account", 100, 80, 15, 5, 1.0, 30, 24, 0.3, False),
    ("submit-fafsa", 2, "Submit the FAFSA", 80, 60, 15, 5, 6.5, 25, 15, 0.1, False),
    ("receive-aid-offer", 3, "Receive an aid offer", 60, 50, 5, 5, 21.0, 8, 2, -0.2, False),
    ("accept-aid", 4, "Accept aid", 50, 45, 3, 2, 3.0, 20, 9, -0.4, True),
    ("disbursement", 5, "Disbursement", 45, 40, 0, 5, 10.0, 15, 12, 0.2, False),
]
# (case, completed, dropped at, open, duration, answers, positive)
JOURNEYS = [
    ("k1", True, None, False, 40.0, 5, 4), ("k2", True, None, False, 55.0, 4, 2),
    ("k3", True, None, False, 61.0, 3, 3), ("k4", False, "submit-fafsa", False, None, 2, 0),
    ("k5", False, "accept-aid", False, None, 3, 1), ("k6", False, None, True, None, 1, 1),
]  # fmt: skip
# (customer, new, tenure quarters, agencies to date, trust n, trust positive)
CUSTOMERS = [
    ("c1", True, 0, 1, 6, 3), ("c2", True, 0, 1, 5, 4), ("c3", False, 1, 2, 4, 4),
    ("c4", False, 5, 1, 8, 6), ("c5", False, 5, 3, 7, 7), ("c6", False, 9, 2, 3, 1),
]  # fmt: skip


# agg_relationship_trust_groups from CUSTOMERS: each breakdown's groups with their
# customers and trust answers; a group under 10 answers is primary-suppressed (in this
# fixture no breakdown has a single hidden group, so nothing more is withheld).
def _tenure(c) -> tuple[int, str]:
    quarters = c[2]
    if quarters <= 1:
        return quarters, "0: first quarter" if quarters == 0 else "1 quarter"
    return (2, "2–3 quarters") if quarters <= 3 else (
        (4, "4–7 quarters") if quarters <= 7 else (8, "8+ quarters"))  # fmt: skip


BREAKDOWNS = {
    "tenure": _tenure,
    "agencies": lambda c: {1: (1, "1 agency"), 2: (2, "2 agencies")}.get(c[3], (3, "3+ agencies")),
    "new_vs_returning": lambda c: (1, "New this quarter") if c[1] else (2, "Returning"),
}  # fmt: skip


def _relationship_group_rows() -> list[dict]:
    out = []
    for breakdown, group_of in BREAKDOWNS.items():
        groups: dict[tuple, list] = defaultdict(list)
        for c in CUSTOMERS:
            groups[group_of(c)].append(c)
        for order, (_key, label) in enumerate(sorted(groups), start=1):
            members = groups[(_key, label)]
            n, pos = sum(c[4] for c in members), sum(c[5] for c in members)
            out.append(dict(fiscal_year=FY, fiscal_quarter=FQ, breakdown=breakdown,
                            customer_group=label, group_order=order,
                            n_customers=len(members), trust_n=n, trust_positive=pos,
                            trust_score=100 * pos / n, is_suppressed=n < 10,
                            suppression_reason="primary" if n < 10 else None))  # fmt: skip
    return out


# Comment themes: the FAFSA comments' themes (5 comments this quarter: too few, so its
# shares are suppressed) and an IRS refund quarter with 40 comments where "wait" rose
# from 10 of 50 to 16 of 40 (significant, 16 >= 10 comments: emerging).
THEME_LABELS = {
    "wait_time": "Wait and processing time", "phone_hold": "Phone hold and call-backs",
    "website_app": "Website or app problems", "staff": "Staff courtesy and knowledge",
}  # fmt: skip
FAFSA_THEMES = [("r03", "website_app"), ("r05", "phone_hold"), ("r05", "wait_time"),
                ("r10", "staff")]  # fmt: skip
IRS_THEMES = {"wait_time": (16, 40, 10, 50), "phone_hold": (4, 40, 4, 50)}  # n, of, prev n, of


def _theme_rows() -> tuple[list[dict], list[dict]]:
    comments = {r[0]: r for r in RESPONSES}
    facts = [dict(response_key=k, service_id="fsa-fafsa", agency_code="ED", fiscal_year=FY,
                  fiscal_quarter=FQ, channel=comments[k][1], submitted_at=ts(2025, 12, comments[k][8]),
                  theme=t, comment_sentiment=comments[k][7]) for k, t in FAFSA_THEMES]  # fmt: skip
    n_fafsa = sum(1 for r in RESPONSES if r[6])
    cells = []
    for theme in THEME_LABELS:
        n = sum(1 for _k, t in FAFSA_THEMES if t == theme)
        cells.append(dict(service_id="fsa-fafsa", fiscal_year=FY, fiscal_quarter=FQ, theme=theme,
                          n_commented=n_fafsa, n_comments=n, share=100 * n / n_fafsa,
                          is_change_significant=False, is_emerging=False, is_suppressed=True,
                          prev_is_suppressed=True))  # fmt: skip
        n, of, pn, pof = IRS_THEMES.get(theme, (0, 40, 0, 50))
        p = _p_value(n, of, pn, pof)
        cells.append(dict(service_id="irs-refund-status", fiscal_year=FY, fiscal_quarter=FQ,
                          theme=theme, n_commented=of, n_comments=n, share=100 * n / of,
                          prev_share=100 * pn / pof, share_change=100 * (n / of - pn / pof),
                          p_value=p, is_change_significant=p < 0.05,
                          is_emerging=p < 0.05 and n / of > pn / pof and n >= 10,
                          is_suppressed=False, prev_is_suppressed=False))  # fmt: skip
    return facts, cells


# dim_answer_value as the A-11 rule reads (METRICS.md), written out here.
ANSWER_VALUES = [
    ("likert5", 1, "strongly disagree", False, True),
    ("likert5", 2, "disagree", False, True),
    ("likert5", 3, "neither agree nor disagree", False, False),
    ("likert5", 4, "agree", True, False),
    ("likert5", 5, "strongly agree", True, False),
    ("thumbs", 0, "thumbs down", False, True),
    ("thumbs", 1, "thumbs up", True, False),
    ("indicator", 0, "did not go well", False, True),
    ("indicator", 1, "went well", True, False),
]


def rows() -> dict[str, list[dict]]:
    responses, answers = _response_rows()
    theme_facts, theme_cells = _theme_rows()
    stage_rows = []
    for key, order, _label, ent, comp, ab, op, dwell, na, npos, sent, pain in STAGES:
        low, high = wilson(npos, na)
        stage_rows.append(dict(
            journey_id="student-aid", stage_key=key, stage_order=order, fiscal_year=FY,
            fiscal_quarter=FQ, n_entered=ent, n_completed=comp, n_abandoned=ab, n_open=op,
            drop_off_rate=ab / ent, median_dwell_days=dwell, n_answers=na, n_positive=npos,
            score=100 * npos / na, ci_low=low, ci_high=high, is_suppressed=na < 10,
            mean_sentiment=sent, is_pain_point=pain,
        ))  # fmt: skip
    return {
        "marts.dim_service": SERVICES,
        "marts.dim_driver": [
            dict(
                driver=d,
                driver_label=lbl,
                driver_order=o,
                driver_bit=1 << (o - 1),
                question_text=f"{lbl}?",
            )
            for d, lbl, o in DRIVERS
        ],  # fmt: skip
        "marts.dim_answer_value": [
            dict(scale=s, answer_value=v, answer_label=lbl, is_positive=pos, is_negative=neg)
            for s, v, lbl, pos, neg in ANSWER_VALUES
        ],
        "marts.dim_channel": [
            dict(channel="web", channel_label="Website", channel_order=1, is_all_channels=False),
            dict(channel="phone", channel_label="Phone", channel_order=3, is_all_channels=False),
            dict(
                channel="all", channel_label="All channels", channel_order=0, is_all_channels=True
            ),
        ],  # fmt: skip
        "marts.dim_fiscal_quarter": [
            dict(fiscal_year=fy, fiscal_quarter=fq) for fy, fq in ((2025, 4), (2026, 1), (2026, 2))
        ],  # fmt: skip
        "marts.dim_journey_stage": [
            dict(
                journey_id="student-aid",
                journey_name="Student aid",
                stage_key=k,
                stage_label=lbl,
                stage_order=o,
                is_last_stage=o == 5,
            )
            for k, o, lbl, *_ in STAGES
        ]
        + [
            dict(
                journey_id="tax-filing",
                journey_name="Filing taxes",
                stage_key="prepare",
                stage_label="Prepare the return",
                stage_order=1,
                is_last_stage=False,
            )
        ],  # fmt: skip
        "marts.dim_benchmark": [
            dict(
                benchmark_sector="education",
                driver="trust",
                score=70.0,
                source_name="demo",
                benchmark_year=2025,
            ),
            dict(
                benchmark_sector="education",
                driver="trust",
                score=65.0,
                source_name="demo",
                benchmark_year=2024,
            ),
            dict(
                benchmark_sector="financial_services",
                driver="trust",
                score=92.0,
                source_name="demo",
                benchmark_year=2025,
            ),
            dict(
                benchmark_sector="insurance",
                driver="trust",
                score=75.0,
                source_name="demo",
                benchmark_year=2025,
            ),
            dict(
                benchmark_sector="education",
                driver="satisfaction",
                score=78.0,
                source_name="demo",
                benchmark_year=2025,
            ),
        ],  # fmt: skip
        "marts.agg_quarterly_service_scores": _score_rows(),
        "marts.agg_quarterly_rollup_scores": _rollup_rows(),
        "marts.agg_key_drivers": _key_driver_rows(answers),
        "marts.agg_omb_driver_summary": _omb_summary_rows(),
        "marts.dim_reporting_rules": [
            dict(min_reportable_n=10, significance_alpha=0.05, confidence_level=0.95)
        ],
        "marts.agg_response_rates": [
            dict(
                service_id=s,
                fiscal_year=fy,
                fiscal_quarter=fq,
                channel=ch,
                n_responses=r,
                volume_of_customers=c,
                volume_offered_survey=o,
                response_rate=None if not o else r / o,
            )
            for s, fy, fq, ch, r, c, o in RATES
        ],  # fmt: skip
        "marts.fct_response": responses,
        "marts.fct_transaction_feedback": answers,
        "marts.agg_answer_distribution": _answer_distribution_rows(answers),
        "marts.agg_journey_stage_quarterly": stage_rows,
        "marts.fct_journey": [
            dict(
                journey_key=k,
                journey_id="student-aid",
                case_id=k,
                fiscal_year=FY,
                fiscal_quarter=FQ,
                is_completed=c,
                dropped_at_stage=d,
                is_open=o,
                duration_days=dur,
                n_answers=na,
                n_positive=npos,
            )
            for k, c, d, o, dur, na, npos in JOURNEYS
        ],  # fmt: skip
        "marts.agg_relationship_trust_groups": _relationship_group_rows(),
        "marts.fct_relationship": [
            dict(
                customer_key=c,
                fiscal_year=FY,
                fiscal_quarter=FQ,
                is_new_customer=new,
                tenure_quarters=tq,
                n_agencies_to_date=ag,
                trust_n=tn,
                trust_positive=tp,
                trust_score=100 * tp / tn,
            )
            for c, new, tq, ag, tn, tp in CUSTOMERS
        ],  # fmt: skip
        "marts.agg_action_plan_progress": [
            dict(
                initiative_id="AP-ED-01",
                agency_code="ED",
                service_id="fsa-fafsa",
                title="Pre-fill the FAFSA from tax data",
                target_driver="trust",
                owner="FSA CX lead",
                start_date=date(2025, 10, 1),
                status="in_progress",
                milestones_total=3,
                milestones_done=1,
                next_milestone="Pilot with 5 schools",
                next_milestone_due=date(2026, 2, 1),
                n_before=50,
                score_before=60.0,
                n_since=40,
                score_since=75.0,
                score_change=15.0,
                is_change_significant=False,
                is_before_suppressed=False,
                is_since_suppressed=False,
                # trust rose 4 points a quarter before the start, 2.5 quarters apart
                trend_before=4.0,
                expected_change=10.0,
                change_beyond_trend=5.0,
            ),
            dict(
                initiative_id="AP-TREAS-01",
                agency_code="TREAS",
                service_id="irs-refund-status",
                title="Proactive refund notices",
                target_driver="ease",
                owner="IRS Taxpayer Experience Office",
                start_date=date(2025, 7, 1),
                status="not_started",
                milestones_total=2,
                milestones_done=0,
                next_milestone="Design notices",
                next_milestone_due=date(2026, 3, 1),
                n_before=12,
                score_before=50.0,
                n_since=9,
                score_since=66.7,
                score_change=16.7,
                is_change_significant=False,
                # one quarter of the before window is a suppressed cell: withheld
                before_suppression_reason="complementary",
                is_before_suppressed=True,
                since_suppression_reason="primary",
                is_since_suppressed=True,
            ),
        ],  # fmt: skip
        "marts.fct_action_plan_milestones": [
            dict(
                initiative_id="AP-ED-01",
                agency_code="ED",
                service_id="fsa-fafsa",
                milestone="Agree data sharing with IRS",
                milestone_order=1,
                due_date=date(2025, 11, 1),
                completed_date=date(2025, 10, 28),
                status="completed",
                is_done=True,
                is_done_on_time=True,
                due_fiscal_year=2026,
                due_fiscal_quarter=1,
            ),
            dict(
                initiative_id="AP-ED-01",
                agency_code="ED",
                service_id="fsa-fafsa",
                milestone="Pilot with 5 schools",
                milestone_order=2,
                due_date=date(2026, 2, 1),
                status="in_progress",
                is_done=False,
                due_fiscal_year=2026,
                due_fiscal_quarter=2,
            ),
        ],  # fmt: skip
        "marts.dim_cx_maturity": [
            dict(
                agency_code="ED",
                fiscal_year=2026,
                domain="measurement",
                level=3,
                target_level=4,
                gap_to_target=1,
                level_change=1,
                notes="Quarterly A-11 survey on every channel",
            ),
            dict(
                agency_code="TREAS",
                fiscal_year=2026,
                domain="digital",
                level=2,
                target_level=4,
                gap_to_target=2,
                level_change=None,
                notes="First assessment",
            ),
        ],  # fmt: skip
        "marts.fct_file_loads": [
            dict(
                load_id="L1",
                source="touchpoints",
                source_file="touchpoints/a.csv",
                status="loaded",
                rows_read=120,
                rows_loaded=117,
                rows_quarantined=3,
                answers_quarantined=2,
                started_at=ts(2026, 1, 10, 1),
                finished_at=ts(2026, 1, 10, 2),
            ),
            dict(
                load_id="L2",
                source="touchpoints",
                source_file="touchpoints/b.csv",
                status="duplicate",
                rows_read=0,
                rows_loaded=0,
                rows_quarantined=0,
                answers_quarantined=0,
                started_at=ts(2026, 1, 11, 1),
                finished_at=ts(2026, 1, 11, 1),
                message="same content as touchpoints/a.csv",
            ),
            dict(
                load_id="L3",
                source="contact_center",
                source_file="contact_center/c.csv",
                status="loaded",
                rows_read=50,
                rows_loaded=45,
                rows_quarantined=5,
                answers_quarantined=0,
                started_at=ts(2026, 1, 12, 1),
                finished_at=ts(2026, 1, 12, 3),
            ),
        ],  # fmt: skip
        "marts.dim_comment_theme": [
            dict(theme=t, theme_label=label, description=label) for t, label in THEME_LABELS.items()
        ],
        "marts.fct_comment_themes": theme_facts,
        "marts.agg_comment_themes_quarterly": theme_cells,
        "marts.fct_cx_alerts": [
            dict(
                alert_key="a1",
                service_id="irs-refund-status",
                fiscal_year=FY,
                fiscal_quarter=FQ,
                rule="emerging_theme",
                subject="wait_time",
                severity="low",
                observed=40.0,
                expected=20.0,
                n=16,
                owner="IRS Taxpayer Experience Office",
                message="Comments on wait and processing time rose from 20% to 40% of the "
                "quarter's comments (16).",
                first_detected_at=ts(2026, 1, 20),
            ),
            dict(
                alert_key="a2",
                service_id="fsa-fafsa",
                fiscal_year=FY,
                fiscal_quarter=FQ,
                rule="score_drop",
                subject="trust",
                severity="high",
                observed=60.0,
                expected=80.0,
                n=50,
                owner="FSA CX lead",
                message="Trust fell from 80.0 to 60.0 (n = 50), a significant drop.",
                first_detected_at=ts(2026, 1, 20),
            ),
            dict(
                alert_key="a3",
                service_id="fsa-fafsa",
                fiscal_year=2025,
                fiscal_quarter=4,
                rule="score_drop",
                subject="ease",
                severity="high",
                observed=50.0,
                expected=70.0,
                n=40,
                owner="FSA CX lead",
                message="Ease fell from 70.0 to 50.0 (n = 40), a significant drop.",
                first_detected_at=ts(2025, 10, 20),
            ),
        ],  # fmt: skip
        "marts.agg_suspect_responses": [
            dict(
                service_id="fsa-fafsa",
                fiscal_year=FY,
                fiscal_quarter=FQ,
                suspect_rule="url_spam",
                rule_description="The comment carries web links.",
                n_responses=1,
                n_answers=1,
                last_submitted_at=ts(2025, 12, 20),
            ),
        ],  # fmt: skip
        "marts.agg_quarantine_reasons": [
            dict(
                source="contact_center",
                level="record",
                reason="unknown queue",
                n_rows=5,
                n_files=1,
                last_loaded_at=ts(2026, 1, 12, 3),
            ),
            dict(
                source="touchpoints",
                level="record",
                reason="wrong column count",
                n_rows=3,
                n_files=1,
                last_loaded_at=ts(2026, 1, 10, 2),
            ),
            dict(
                source="touchpoints",
                level="answer",
                reason="value 6 outside likert5",
                n_rows=2,
                n_files=1,
                last_loaded_at=ts(2026, 1, 10, 2),
            ),
        ],  # fmt: skip
        "meta.publish_info": [
            dict(version=VERSION, published_at=ts(2026, 1, 15), dagster_run_id="run-abc123")
        ],  # fmt: skip
        "meta.source_freshness": [
            dict(
                source="contact_center",
                last_loaded_at=ts(2026, 1, 12, 3),
                last_delivered_at=ts(2026, 1, 12, 0),
                files_loaded=1,
            ),
            dict(
                source="touchpoints",
                last_loaded_at=ts(2026, 1, 11, 1),
                last_delivered_at=ts(2026, 1, 11, 0),
                files_loaded=1,
            ),
        ],  # fmt: skip
        "meta.check_results": [
            dict(
                check_name="rows_read_equals_loaded_plus_quarantined",
                asset="raw/touchpoints",
                passed=True,
                severity="ERROR",
                description="ok",
                checked_at=ts(2026, 1, 15),
                outcome="passed",
            ),
            dict(
                check_name="not_null_fct_response_service_id",
                asset="fct_response",
                passed=False,
                severity="WARN",
                description="2 nulls",
                checked_at=ts(2026, 1, 15),
                outcome="warning",
            ),
        ],  # fmt: skip
    }
