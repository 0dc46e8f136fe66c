"""One small generated landing zone shared by the generator tests, and readers for it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dagster_project.generate import GenerateSummary, generate_feeds

N, SEED = 5000, 11
# Comparing a service's scores between quarters or years needs more answers per cell
# than N gives (a service has a few dozen a quarter at N): a larger landing zone.
BIG_N = 40_000


@pytest.fixture(scope="session")
def feeds(tmp_path_factory) -> tuple[GenerateSummary, Path]:
    out = tmp_path_factory.mktemp("landing")
    return generate_feeds(out_dir=out, responses=N, seed=SEED, progress=False), out


@pytest.fixture(scope="session")
def big_root(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("landing-big")
    generate_feeds(out_dir=out, responses=BIG_N, seed=SEED, progress=False)
    return out


@pytest.fixture(scope="session")
def root(feeds) -> Path:
    return feeds[1]


@pytest.fixture(scope="session")
def summary(feeds) -> GenerateSummary:
    return feeds[0]


def data_files(root: Path, source: str, suffixes=(".csv", ".jsonl", ".parquet")) -> list[Path]:
    return sorted(p for p in (root / source).rglob("*") if p.is_file() and p.suffix in suffixes)


def csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[list[str]]:
    """All rows, header included; undecodable bytes survive as surrogates."""
    text = path.read_bytes().decode(encoding, errors="surrogateescape")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def csv_dicts(root: Path, source: str, **kw) -> Iterator[dict[str, str]]:
    for path in data_files(root, source, (".csv",)):
        rows = csv_rows(path, **kw)
        for row in rows[1:]:
            if len(row) == len(rows[0]):
                yield dict(zip(rows[0], row, strict=True))


def touchpoints(root: Path) -> list[dict[str, str]]:
    return list(csv_dicts(root, "touchpoints"))


def contact_center(root: Path) -> list[dict[str, str]]:
    return list(csv_dicts(root, "contact_center", encoding="cp1252", delimiter=";"))


def api_lines(root: Path) -> Iterator[tuple[Path, bytes]]:
    for path in data_files(root, "agency_api", (".jsonl",)):
        for line in path.read_bytes().splitlines():
            yield path, line


def api_records(root: Path) -> list[dict]:
    out = []
    for _, line in api_lines(root):
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def case_events(root: Path) -> list[dict[str, str]]:
    rows = list(csv_dicts(root, "case_events"))
    for path in data_files(root, "case_events", (".parquet",)):
        for r in pq.read_table(path).to_pylist():
            r["event_at"] = r["event_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append({k: ("" if v is None else v) for k, v in r.items()})
    return rows
