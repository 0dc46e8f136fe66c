"""The landing zone and what raw.load_log already knows about its files.

Files are found at any depth under `landing/<source>/` (names starting with `.`
are partial uploads and skipped) and ordered by delivery: modification time, then
path. A file is identified by (path relative to the landing zone, sha256).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.settings import Settings
from dagster_project.sources.tables import FINAL_STATUSES
from dagster_project.sources.textfile import sha256_file


def landing_files(source: str, settings: Settings) -> list[Path]:
    """Files of a source in delivery order (mtime, then path)."""
    root = settings.source_dir(source)
    if not root.is_dir():
        return []
    files = [
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.relative_to(root).as_posix()))


def relative_path(path: Path, settings: Settings) -> str:
    return path.relative_to(settings.landing_dir).as_posix()


def delivered_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


class LandingLog:
    """What load_log already says about a source's files."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None, source: str):
        self.final: set[tuple[str, str]] = set()
        self.stat_sha: dict[tuple[str, int, datetime], str] = {}
        self.loaded_sha: dict[str, str] = {}
        if con is None:
            return
        rows = con.execute(
            "select _source_file, _file_sha256, file_bytes, _delivered_at, status "
            "from raw.load_log where _source = ? and status in "
            f"{FINAL_STATUSES} order by load_id",
            [source],
        ).fetchall()
        for path, sha, size, delivered, status in rows:
            self.final.add((path, sha))
            self.stat_sha[(path, size, delivered)] = sha
            if status == "loaded":
                self.loaded_sha.setdefault(sha, path)

    def sha_of(self, path: Path, rel: str) -> str:
        known = self.stat_sha.get((rel, path.stat().st_size, delivered_at(path)))
        return known or sha256_file(path)


def has_load_log(con: duckdb.DuckDBPyConnection) -> bool:
    sql = (
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'load_log'"
    )
    return con.execute(sql).fetchall()[0][0] > 0
