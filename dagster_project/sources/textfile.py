"""Byte-level helpers for landing files: hashing and getting text into UTF-8.

DuckDB reads only UTF-8 (and Latin-1, which maps 0x80-0x9F to control characters,
not to the ’ “ ” € — of Windows-1252). Files are processed in fixed-size chunks so
memory stays bounded whatever the file size.
"""

from __future__ import annotations

import codecs
import hashlib
import uuid
from pathlib import Path

CHUNK_BYTES = 8 << 20
REPLACEMENT = "\ufffd"


def sha256_file(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def is_valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def to_utf8(path: Path, encoding: str, tmp_dir: Path) -> tuple[Path, bool]:
    """A UTF-8 file with the text of `path`, and whether some bytes were undecodable.

    A valid UTF-8 file is returned as is. Otherwise the text is streamed into a temp
    file with undecodable bytes replaced by U+FFFD, which marks the records to
    quarantine (Windows-1252 cannot produce U+FFFD itself, and a UTF-8 file only
    gets here when it is invalid). The caller deletes the temp file.
    """
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and is_valid_utf8(path):
        return path, False
    tmp_dir.mkdir(parents=True, exist_ok=True)
    out = tmp_dir / f"{path.stem}.{uuid.uuid4().hex}.utf8"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    had_errors = False
    # newline="" keeps \r\n as delivered: line splitting is DuckDB's job.
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK_BYTES)
            text = decoder.decode(chunk, final=not chunk)
            had_errors = had_errors or REPLACEMENT in text
            dst.write(text)
            if not chunk:
                break
    return out, had_errors


def first_line(path: Path) -> str | None:
    """The first line of a UTF-8 file without BOM or line ending (None if empty)."""
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fh:
        line = fh.readline(1 << 20)  # a header is short; do not slurp a binary file
    return line.rstrip("\r\n") if line else None


def has_line_after_first(path: Path) -> bool:
    """Whether a UTF-8 file has a non-blank line after its first (header) line.

    Reads only until that line, so it is instant on any file size; it spares a
    header-only file the full parse.
    """
    with path.open("r", encoding="utf-8", errors="replace", newline="") as fh:
        fh.readline(1 << 20)
        while line := fh.readline(1 << 20):
            if line.strip():
                return True
    return False
