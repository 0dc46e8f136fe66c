"""The landing zone and what raw.load_log already knows about its files.

Files are found at any depth under `landing/<source>/` and ordered by delivery:
modification time, then path. Names starting with `.` (at any depth) are partial
uploads and skipped. Only regular files inside the landing zone are ever opened: a
symbolic link (to a file or a folder), a FIFO, a device or anything else is listed
with the reason it is rejected, so the loader logs it without reading a byte of it.
A file is identified by (path relative to the landing zone, sha256); a rejected entry
that was never opened has the empty string as its hash.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dagster_project.core.settings import Settings
from dagster_project.ingest.sources.tables import FINAL_STATUSES

NEVER_OPENED = ""  # the hash recorded for an entry that was rejected without reading it


@dataclass(frozen=True)
class LandingFile:
    path: Path
    rel: str  # relative to the landing zone
    size: int
    mtime_ns: int
    mtime: float
    problem: str | None = None  # why it is rejected without being opened

    @property
    def delivered_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime, UTC)


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") for part in parts)


def _entry(path: Path, landing: Path) -> LandingFile:
    rel = path.relative_to(landing).as_posix()
    st = os.lstat(path)
    problem = None
    if stat.S_ISLNK(st.st_mode):
        what = "a symbolic link to a folder" if os.path.isdir(path) else "a symbolic link"
        problem = f"{what}: not followed (landing files must be regular files)"
    elif not stat.S_ISREG(st.st_mode):
        problem = "not a regular file (a FIFO, socket or device): not opened"
    elif not Path(os.path.realpath(path)).is_relative_to(landing):
        problem = "resolves outside the landing zone: not opened"
    return LandingFile(path, rel, st.st_size, st.st_mtime_ns, st.st_mtime, problem)


def landing_entries(source: str, settings: Settings) -> list[LandingFile]:
    """Every delivered entry of a source in delivery order (mtime, then path)."""
    landing = Path(os.path.realpath(settings.landing_dir))
    root = landing / source
    if os.path.islink(settings.source_dir(source)):
        st = os.lstat(settings.source_dir(source))
        problem = "a symbolic link to a folder: not followed"
        return [LandingFile(settings.source_dir(source), source, 0, st.st_mtime_ns, st.st_mtime,
                            problem)]  # fmt: skip
    if not root.is_dir():
        return []
    entries = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            if os.path.islink(here / name) and not _hidden((name,)):
                entries.append(_entry(here / name, landing))
        dirs[:] = [d for d in dirs if not d.startswith(".") and not os.path.islink(here / d)]
        entries.extend(_entry(here / n, landing) for n in names if not n.startswith("."))
    return sorted(entries, key=lambda e: (e.mtime_ns, e.rel))


def landing_files(source: str, settings: Settings) -> list[Path]:
    """Regular landing files of a source in delivery order (for tools and tests)."""
    return [e.path for e in landing_entries(source, settings) if e.problem is None]


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

    def known_sha(self, entry: LandingFile) -> str | None:
        """The hash of an unchanged file (same path, size, mtime as logged), if known."""
        if entry.problem is not None:
            return NEVER_OPENED
        return self.stat_sha.get((entry.rel, entry.size, entry.delivered_at))

    def is_final(self, entry: LandingFile, sha: str | None) -> bool:
        return sha is not None and (entry.rel, sha) in self.final


def has_load_log(con: duckdb.DuckDBPyConnection) -> bool:
    sql = (
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'load_log'"
    )
    return con.execute(sql).fetchall()[0][0] > 0
