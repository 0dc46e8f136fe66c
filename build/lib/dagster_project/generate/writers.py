"""Putting bytes on disk: the landing-zone sink, Arrow line buffers, delivery times.

Text is built by DuckDB as one Arrow string column of complete lines (newline
included); its value buffer is then the file content, written without a per-row copy.
Every file's modification time is set to its delivery time at the end, so that
"delivery order = mtime, then name" holds and re-deliveries sort after originals.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa

from dagster_project.generate.comments import BAD

BAD_UTF8, LATIN1_E_ACUTE = BAD.encode(), b"\xe9"


def csvq(expr: str, sep: str = ",") -> str:
    """SQL quoting a text field for CSV only when needed (RFC 4180)."""
    return (f"case when contains({expr}, '{sep}') or contains({expr}, '\"') "
            f"then '\"' || replace({expr}, '\"', '\"\"') || '\"' else {expr} end")  # fmt: skip


def line_bytes(col: pa.ChunkedArray, start: int = 0, stop: int | None = None) -> list[memoryview]:
    """The bytes of rows [start, stop) of a string column, without copying."""
    stop = len(col) if stop is None else stop
    out = []
    for chunk in col.slice(start, stop - start).chunks:
        if len(chunk):
            offs = np.frombuffer(
                chunk.buffers()[1], np.int32, count=len(chunk) + 1, offset=chunk.offset * 4
            )
            out.append(memoryview(chunk.buffers()[2])[offs[0] : offs[-1]])
    return out


def line_parts(
    col: pa.ChunkedArray, start: int, stop: int, legacy: np.ndarray | None = None
) -> list:
    """Rows [start, stop) as buffers; rows flagged in `legacy` get their marker turned into a
    lone Latin-1 byte (invalid UTF-8), so the file holds undecodable text there."""
    if legacy is None or not legacy[start:stop].any():
        return line_bytes(col, start, stop)
    parts, at = [], start
    for r in start + np.flatnonzero(legacy[start:stop]):
        parts += line_bytes(col, at, r)
        parts.append(b"".join(line_bytes(col, r, r + 1)).replace(BAD_UTF8, LATIN1_E_ACUTE))
        at = r + 1
    return parts + line_bytes(col, at, stop)


def delivery(rng: np.random.Generator, after: int, hours: float = 6.0) -> int:
    """A delivery instant some hours after `after` (epoch seconds), minute precision."""
    return int(after + hours * 3600 + 60 * int(rng.integers(0, 240)))


class Sink:
    """Writes (and appends to) landing files and remembers their delivery times."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.delivered: dict[Path, int] = {}
        self.source: dict[Path, str] = {}
        self.rows: Counter[str] = Counter()

    def write(self, source: str, rel: str, parts: Iterable[bytes | memoryview], rows: int,
              delivered: int, header: bytes = b"") -> Path:  # fmt: skip
        path = self.root / source / rel
        new = path not in self.delivered
        if new:
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb" if new else "ab") as fh:
            if new:
                fh.write(header)
            for part in parts:
                fh.write(part)
        self.delivered[path] = max(delivered, self.delivered.get(path, delivered))
        self.source[path] = source
        self.rows[source] += rows
        return path

    def exists(self, source: str, rel: str) -> bool:
        return self.root / source / rel in self.delivered

    def files(self) -> Counter[str]:
        return Counter(self.source.values())

    def finalize(self) -> None:
        for path, t in self.delivered.items():
            os.utime(path, ns=(t * 1_000_000_000, t * 1_000_000_000))
