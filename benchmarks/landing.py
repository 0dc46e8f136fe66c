"""What the floor and the pandas baseline both need before they read a row.

- the delivery order of the landing files (modification time, then path: SOURCES.md),
  with a file whose content was already delivered under another name dropped
  (the same file delivered twice is loaded once — it matters: a stale copy delivered
  after a correction must not win);
- the reference data, read from the dbt seeds (the one copy of it).

Both baselines call these so that they differ only in how they compute the scores.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "dbt" / "seeds"

# The drivers a v2 form can tick under "went well" / "didn't go well" (SOURCES.md).
INDICATOR_DRIVERS = (
    "effectiveness", "ease", "efficiency", "transparency", "humanity", "employee", "other",
)  # fmt: skip
LEGACY_DRIVERS = (
    "satisfaction", "trust", "effectiveness", "ease", "efficiency", "transparency", "employee",
)  # fmt: skip
# Contact-center keypad questions in survey order.
KEYPAD_DRIVERS = {
    "q1": "satisfaction",
    "q2": "ease",
    "q3": "efficiency",
    "q4": "employee",
    "q5": "trust",
}
# Timestamps must carry an offset (the loader's rule: without one the zone is a guess).
TS_WITH_OFFSET = (
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r" ?(Z|z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)"
)
FORM_KINDS = ("a11", "a11_v2", "a11_v2_radio")
SCORE_KEY = ["service_id", "fiscal_year", "fiscal_quarter", "channel", "driver"]


@dataclass(frozen=True)
class LandingFile:
    source: str
    path: Path
    rel: str  # relative to the landing zone, as raw._source_file has it
    seq: int  # delivery order over the whole landing zone, 0 = first delivered


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def delivered_files(landing: Path, source: str, suffixes: tuple[str, ...]) -> list[LandingFile]:
    """Non-empty files of `source` in delivery order, each distinct content once.

    Order: modification time, then the relative path (as the loader orders them). A later file with the same SHA-256 as an earlier one is the
    same delivery again and is skipped.
    """
    root = landing / source
    if not root.exists():
        return []
    found = []
    for path in root.rglob("*"):
        parts = path.relative_to(root).parts
        if not path.is_file() or not path.name.lower().endswith(suffixes):
            continue
        if any(part.startswith(".") for part in parts):  # partial uploads
            continue
        stat = path.stat()
        if stat.st_size == 0:
            continue
        rel = path.relative_to(landing).as_posix()
        found.append((stat.st_mtime_ns, rel, path))
    found.sort()
    seen: set[str] = set()
    files = []
    for _, rel, path in found:
        digest = _sha256(path)
        if digest in seen:
            continue
        seen.add(digest)
        files.append(LandingFile(source, path, rel, len(files)))
    return files


def transcode(path: Path, encoding: str, out: Path) -> Path:
    """Stream `path` from `encoding` into UTF-8 at `out`; undecodable bytes become U+FFFD.

    DuckDB reads only UTF-8 and strict Latin-1, so Windows-1252 files (curly quotes,
    euro sign) must be transcoded; U+FFFD then marks records that cannot be decoded.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(8 << 20):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return out


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _encoded(scale: str, value: str) -> tuple[str, ...]:
    return tuple(
        r["raw_value"]
        for r in _seed("answer_encodings")
        if r["scale"] == scale and r["answer_value"] == value
    )


# The encodings (after trim + lower-case) the seed answer_encodings reads as answers;
# anything else on the scale is quarantined by the loaders, N/A is no answer.
THUMBS_UP = _encoded("thumbs", "1")
THUMBS_DOWN = _encoded("thumbs", "0")
LIKERT = tuple(v for a in "12345" for v in _encoded("likert5", a))
THUMBS = THUMBS_UP + THUMBS_DOWN


def service_ids() -> list[str]:
    return sorted(r["service_id"] for r in _seed("services"))


def queue_services() -> dict[str, str]:
    return {r["queue"]: r["service_id"] for r in _seed("contact_center_queues")}


def channels() -> list[str]:
    return sorted(r["channel"] for r in _seed("channels"))


def driver_scales() -> list[str]:
    """'driver:scale' pairs the seed asks an agency survey on, e.g. 'trust:thumbs'."""
    rows = _seed("a11_questions")
    pairs = (f"{r['driver']}:{s}" for r in rows for s in r["scales"].split("|"))
    return sorted(p for p in pairs if p.endswith((":likert5", ":thumbs")))


def min_reportable_n() -> int:
    """Cells with fewer answers are suppressed (METRICS.md), from dbt_project.yml's vars."""
    import yaml

    text = (PROJECT_ROOT / "dbt" / "dbt_project.yml").read_text(encoding="utf-8")
    return int(yaml.safe_load(text)["vars"]["min_reportable_n"])


def driver_keys() -> list[str]:
    return sorted(r["driver"] for r in _seed("a11_questions"))
