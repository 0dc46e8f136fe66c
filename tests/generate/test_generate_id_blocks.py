"""Feeds of two seeds delivered into one landing zone never share a record id."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq

from dagster_project.generate import generate_feeds


def _ids(landing: Path) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {"touchpoints": set(), "agency_api": set(),
                                "contact_center": set(), "case_events": set()}  # fmt: skip
    for path in (landing / "touchpoints").rglob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text("utf-8", errors="replace"))):
            if row.get("id"):
                ids["touchpoints"].add(f"{row.get('form_id')}:{row['id']}")
    for path in (landing / "agency_api").rglob("*.jsonl"):
        for line in path.read_text("utf-8", errors="replace").splitlines():
            try:
                rid = json.loads(line).get("response_id")
            except (ValueError, AttributeError):
                continue
            if rid:
                ids["agency_api"].add(rid)
    for path in (landing / "contact_center").rglob("*.csv"):
        for row in csv.reader(
            io.StringIO(path.read_bytes().decode("cp1252", "replace")), delimiter=";"
        ):
            if row and row[0] and row[0] != "CallID":
                ids["contact_center"].add(row[0])
    for path in (landing / "case_events").rglob("*"):
        if path.suffix == ".csv":
            rows = csv.DictReader(io.StringIO(path.read_text("utf-8", errors="replace")))
            ids["case_events"].update(r["case_id"] for r in rows if r.get("case_id"))
        elif path.suffix == ".parquet":
            ids["case_events"].update(
                pq.read_table(path, columns=["case_id"]).column(0).to_pylist()
            )
    return ids


def test_two_seeds_use_disjoint_record_ids(tmp_path):
    generate_feeds(out_dir=tmp_path / "a", responses=3000, seed=1, progress=False)
    generate_feeds(out_dir=tmp_path / "b", responses=300, seed=2, progress=False)
    first, second = _ids(tmp_path / "a"), _ids(tmp_path / "b")
    for source in first:
        assert first[source] and second[source], source
        assert not first[source] & second[source], source
