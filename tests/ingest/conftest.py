"""Fixtures for the ingest tests: a private data dir and helpers to land files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from dagster_project.core.warehouse import open_warehouse

SALT = "test-salt"
BASE_MTIME = 1_750_000_000  # delivery order is set explicitly through mtimes


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("CX_DATA_DIR", str(path))
    monkeypatch.setenv("CX_ID_SALT", SALT)
    monkeypatch.setenv("CX_DUCKDB_MEMORY_LIMIT", "512MB")
    return path


@pytest.fixture
def land(data_dir: Path) -> Callable[..., Path]:
    """land(source, name, content, order) writes a landing file delivered at `order`."""

    def _land(source: str, name: str, content: str | bytes, order: int = 0) -> Path:
        path = data_dir / "landing" / source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_bytes(content.encode("utf-8"))
        else:
            path.write_bytes(content)
        os.utime(path, (BASE_MTIME + order, BASE_MTIME + order))
        return path

    return _land


@pytest.fixture
def sql(data_dir: Path) -> Callable[..., list[tuple]]:
    """sql(query, params) runs a read-only query on the test warehouse."""

    def _sql(query: str, params: list | None = None) -> list[tuple]:
        with open_warehouse(data_dir) as con:
            con.execute("set TimeZone = 'UTC'")
            return con.execute(query, params or []).fetchall()

    return _sql


CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def corpus(data_dir: Path) -> Path:
    """The bad-input corpus copied into the landing zone, delivered in file-name order."""
    landing = data_dir / "landing"
    for order, src in enumerate(
        sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS)
    ):
        dst = landing / src.relative_to(CORPUS)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        os.utime(dst, (BASE_MTIME + order, BASE_MTIME + order))
    return landing
