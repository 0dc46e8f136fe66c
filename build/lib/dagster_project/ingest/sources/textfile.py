"""Byte-level work on one landing file: read it once, hash it, make it UTF-8 text.

DuckDB reads only UTF-8 (and Latin-1, which maps 0x80-0x9F to control characters,
not to the ’ “ ” € — of Windows-1252), and one invalid byte fails a whole multi-file
read. So each file is checked here, on a worker thread, and copied only when it must be:

- a UTF-8 file that decodes is read as delivered (the common case: no copy);
- a UTF-8 file with invalid bytes gets a copy in which each invalid sequence is
  U+FFFD, which marks the records to quarantine (the rest of the bytes are untouched);
- a Windows-1252 file is read as delivered when it is plain ASCII, else transcoded;
- a file with NUL bytes, or with more undecodable sequences than `max_bad(size)` (one
  per KiB on average, at least 1,000), is not text of that kind: the loader rejects
  it without quoting any of it.

Files up to `IN_MEMORY_BYTES` are read into memory once (hash, checks and header from
the same bytes); larger ones are streamed in chunks, so memory stays bounded.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

IN_MEMORY_BYTES = 64 << 20
CHUNK_BYTES = 8 << 20
MAX_HEADER_BYTES = 64 << 10
MIN_BAD_LIMIT = 1_000
REPLACEMENT = "\ufffd"
_REPLACEMENT_BYTES = REPLACEMENT.encode()
_NON_BLANK = re.compile(rb"[^\s]")


class NotText(ValueError):
    """The file is not text in the expected encoding (binary, or mostly undecodable)."""


@dataclass(frozen=True)
class Text:
    path: Path  # UTF-8 text DuckDB can read: the file itself or a repaired copy
    undecodable: bool  # some bytes could not be decoded (now U+FFFD)
    first_line: str | None  # without BOM and line ending; None for an empty file
    first_line_too_long: bool
    has_more_lines: bool  # a non-blank line follows the first


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def read_small(path: Path, size: int) -> bytes | None:
    """The file's bytes when it is small enough to hold in memory, else None."""
    return path.read_bytes() if size <= IN_MEMORY_BYTES else None


def max_bad(size: int) -> int:
    """Undecodable sequences a text file of `size` bytes may hold before it is rejected."""
    return max(MIN_BAD_LIMIT, size // 1024)


def _repair_utf8(data: bytes) -> tuple[bytes, int]:
    """`data` with every invalid UTF-8 sequence replaced by U+FFFD, and how many."""
    try:
        str(data, "utf-8")
        return data, 0
    except UnicodeDecodeError:
        pass
    view, pieces, pos, bad = memoryview(data), [], 0, 0
    while pos < len(data):
        try:
            str(view[pos:], "utf-8")
            pieces.append(view[pos:])
            break
        except UnicodeDecodeError as exc:
            bad += 1
            if bad > max_bad(len(data)):
                raise NotText("mostly undecodable bytes") from None
            pieces.append(view[pos : pos + exc.start])
            pieces.append(_REPLACEMENT_BYTES)
            pos += exc.end
    return b"".join(pieces), bad


def _head(data: bytes) -> tuple[str | None, bool, bool]:
    """(first line, whether it is too long, whether a non-blank line follows)."""
    if not data:
        return None, False, False
    end = data.find(b"\n", 0, MAX_HEADER_BYTES + 1)
    if end < 0:
        end = len(data)
    line = data[: min(end, MAX_HEADER_BYTES)].decode("utf-8-sig", errors="replace")
    too_long = end > MAX_HEADER_BYTES
    more = _NON_BLANK.search(data, end + 1) is not None if end < len(data) else False
    return line.rstrip("\r\n"), too_long, more


def _copy_path(path: Path, tmp_dir: Path) -> Path:
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return tmp_dir / f"{path.stem}.{uuid.uuid4().hex}.utf8"


def as_utf8(path: Path, data: bytes | None, encoding: str, tmp_dir: Path) -> Text:
    """The file as UTF-8 text (see the module docstring); raises NotText."""
    if data is None:
        return _as_utf8_streamed(path, encoding, tmp_dir)
    if b"\x00" in data:
        raise NotText("NUL bytes")
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    if utf8:
        text, bad = _repair_utf8(data)
    elif data.isascii():
        text, bad = data, 0
    else:
        decoded = data.decode(encoding, errors="replace")
        bad = decoded.count(REPLACEMENT)
        if bad > max_bad(len(data)):
            raise NotText("mostly undecodable bytes")
        text = decoded.encode("utf-8")
    out = path
    if text is not data:
        out = _copy_path(path, tmp_dir)
        out.write_bytes(text)
    first, too_long, more = _head(text)
    return Text(out, bad > 0, first, too_long, more)


def _as_utf8_streamed(path: Path, encoding: str, tmp_dir: Path) -> Text:
    """`as_utf8` for a file too large to hold: always a transcoded copy, in chunks."""
    out = _copy_path(path, tmp_dir)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    bad, limit = 0, max_bad(path.stat().st_size)
    # newline="" keeps \r\n as delivered: line splitting is DuckDB's job.
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK_BYTES)
            if b"\x00" in chunk:
                raise NotText("NUL bytes")
            text = decoder.decode(chunk, final=not chunk)
            bad += text.count(REPLACEMENT)
            if bad > limit:
                raise NotText("mostly undecodable bytes")
            dst.write(text)
            if not chunk:
                break
    with out.open("rb") as fh:
        head = fh.read(MAX_HEADER_BYTES + 1)
        first, too_long, _ = _head(head)
        fh.seek(0)
        fh.readline()
        more = any(_NON_BLANK.search(line) for line in iter(lambda: fh.readline(1 << 20), b""))
    return Text(out, bad > 0, first, too_long, more)
