"""Every defect of SOURCES.md is present at N=5000, at a small rate, where it should be."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from dagster_project.core.reference import driver_keys, queue_map, service_ids
from dagster_project.generate import defects as X
from dagster_project.generate.touchpoints import HEADERS

from .conftest import N, api_lines, contact_center, csv_rows, data_files, touchpoints

KINDS = set(X.ROW_KINDS["touchpoints"] + X.ROW_KINDS["agency_api"] + X.ROW_KINDS["contact_center"]) | {
    "pii_in_free_text", "redelivered_correction", "empty_file", "header_only_file", "unknown_kind_file", "duplicate_file",
}  # fmt: skip


def test_each_defect_kind_is_injected_and_rare(summary):
    assert {k for k, v in summary.defects.items() if v > 0} >= KINDS
    for kind in set(X.ROW_KINDS["touchpoints"]) | set(X.ROW_KINDS["agency_api"]):
        assert summary.defects[kind] <= 0.01 * N, kind


def test_row_defects_are_visible_in_the_files(root):
    tp = [r for p in data_files(root, "touchpoints", (".csv",)) for r in csv_rows(p)[1:]]
    assert any(len(r) not in (len(HEADERS["a11"]), len(HEADERS["a11_v2"])) for r in tp)
    rows = touchpoints(root)
    assert any(r["id"] == "" for r in rows)
    assert any(r["service_id"] not in service_ids() for r in rows)
    assert any(r["created_at"] in X.BAD_TIMESTAMPS["touchpoints"] for r in rows)
    legacy = [
        r[k]
        for r in rows
        if r["form_kind"] == "a11"
        for k in (
            "satisfaction",
            "trust",
            "ease",
            "efficiency",
            "effectiveness",
            "transparency",
            "employee",
        )
    ]
    assert {"0", "6", "maybe"} & set(legacy)
    listed = {
        x
        for r in rows
        if r["form_kind"] != "a11"
        for k in ("answer_02", "answer_03")
        for x in r[k].split(",")
        if x
    }
    assert listed - driver_keys()
    cc = contact_center(root)
    assert any(r["Queue"] not in queue_map() for r in cc)
    assert any(r["CallID"] == "" for r in cc)
    assert {"0", "6", "7"} & {r[q] for r in cc for q in ("Q1", "Q2", "Q3", "Q4", "Q5")}


def test_api_defects(root):
    undecodable = truncated = 0
    drivers, values = set(), set()
    for _, line in api_lines(root):
        try:
            rec = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            undecodable += 1
            continue
        except ValueError:
            truncated += 1
            continue
        drivers |= {a["driver"] for a in rec["answers"]}
        values |= {json.dumps(a["value"]) for a in rec["answers"]}
    assert undecodable and truncated
    assert drivers - driver_keys()
    assert {"0", "6", '"maybe"'} & values


def test_undecodable_bytes_in_utf8_touchpoints(root):
    bad = 0
    for path in data_files(root, "touchpoints", (".csv",)):
        for line in path.read_bytes().splitlines():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad += 1
    assert bad > 0


def test_file_level_defects(root):
    files = [p for p in root.rglob("*") if p.is_file()]
    assert any(p.stat().st_size == 0 for p in files)
    assert any(p.suffix == ".csv" and p.read_bytes().count(b"\n") == 1 for p in files)
    assert {".xlsx", ".txt"} <= {p.suffix for p in files}
    by_hash = defaultdict(list)
    for p in files:
        if p.stat().st_size > 200:
            by_hash[hashlib.sha256(p.read_bytes()).hexdigest()].append(p)
    twice = [ps for ps in by_hash.values() if len(ps) > 1]
    assert twice and all(len({p.name for p in ps}) == len(ps) for ps in twice)
    for ps in twice:
        first, second = sorted(ps, key=lambda p: (p.stat().st_mtime, p.name))
        assert second.stat().st_mtime > first.stat().st_mtime


def test_corrections_come_later_with_changed_content(root):
    seen: dict[str, tuple[float, bytes]] = {}
    corrected = 0
    for path, line in api_lines(root):
        try:
            rid = json.loads(line)["response_id"]
        except ValueError:
            continue
        if rid is None:
            continue
        if rid in seen:
            when, before = seen[rid]
            if before != line:
                corrected += 1
                assert path.stat().st_mtime > when
        else:
            seen[rid] = (path.stat().st_mtime, line)
    assert corrected > 0
