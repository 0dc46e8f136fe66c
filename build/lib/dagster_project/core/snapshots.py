"""Which published snapshot is current: the one rule the publish step and the dashboard
share (no Dagster, no DuckDB, so the app can import it).

`published/CURRENT` holds the file name of the snapshot in force,
`warehouse-<version>.duckdb`, where `<version>` is the publish time
(`20261203T081500123456Z`). Publishing writes the snapshot completely, then replaces
CURRENT with one atomic rename (`point_current_at`), so a reader that reads CURRENT
first and opens the file it names never sees a half-written snapshot. Only names of
that form are followed: a tampered CURRENT cannot point a reader at another path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

CURRENT = "CURRENT"
SNAPSHOT_NAME = re.compile(r"^warehouse-(?P<version>[0-9TZ]+)\.duckdb$")


@dataclass(frozen=True)
class Snapshot:
    version: str
    path: Path


def snapshot_name(version: str) -> str:
    return f"warehouse-{version}.duckdb"


def current_snapshot(published_dir: Path) -> Snapshot | None:
    """The snapshot CURRENT names, or None before the first publish (or when CURRENT
    names something that is not a complete snapshot file)."""
    try:
        name = (published_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    match = SNAPSHOT_NAME.match(name)
    path = published_dir / name
    if not match or not path.is_file():
        return None
    return Snapshot(version=match["version"], path=path)


def snapshots(published_dir: Path) -> list[str]:
    """The snapshot file names in `published_dir`, oldest first."""
    if not published_dir.is_dir():
        return []
    return sorted(p.name for p in published_dir.iterdir() if SNAPSHOT_NAME.match(p.name))


def point_current_at(snapshot: Path) -> None:
    """Switch CURRENT to `snapshot` (a complete file in the same folder) atomically."""
    pointer_tmp = snapshot.parent / f".{CURRENT}.tmp"
    pointer_tmp.write_text(snapshot.name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, snapshot.parent / CURRENT)
