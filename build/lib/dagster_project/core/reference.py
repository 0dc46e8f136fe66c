"""Reference data, read from the dbt seeds so that there is one copy of it."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from dagster_project.core.settings import SEEDS_DIR


@cache
def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> tuple[dict[str, str], ...]:
    """Rows of `dbt/seeds/<name>.csv` as dicts of strings."""
    path = seeds_dir / f"{name}.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def service_ids() -> frozenset[str]:
    return frozenset(r["service_id"] for r in read_seed("services"))


def queue_map() -> dict[str, str]:
    return {r["queue"]: r["service_id"] for r in read_seed("contact_center_queues")}


def driver_keys() -> frozenset[str]:
    return frozenset(r["driver"] for r in read_seed("a11_questions"))


def channels() -> frozenset[str]:
    return frozenset(r["channel"] for r in read_seed("channels"))


def channels_in_order() -> tuple[str, ...]:
    """Channel keys in the seed's channel_order."""
    rows = sorted(read_seed("channels"), key=lambda r: int(r["channel_order"]))
    return tuple(r["channel"] for r in rows)


def journey_stages() -> dict[str, list[str]]:
    """journey_id -> stage keys in order."""
    stages: dict[str, list[tuple[int, str]]] = {}
    for r in read_seed("journey_stages"):
        stages.setdefault(r["journey_id"], []).append((int(r["stage_order"]), r["stage_key"]))
    return {j: [k for _, k in sorted(v)] for j, v in stages.items()}


ANY_SCALE = "*"


def not_answered_values() -> tuple[str, ...]:
    """Raw values (trimmed, lower-cased) that say "not answered" on every scale:
    neither stored nor quarantined (seed `answer_encodings`, scale `*`)."""
    return tuple(r["raw_value"] for r in read_seed("answer_encodings") if r["scale"] == ANY_SCALE)


def answer_encodings() -> dict[str, dict[str, int]]:
    """scale -> {raw value (trimmed, lower-cased): the answer value it stands for}.
    A value on no row of its scale is out of range (seed `answer_encodings`)."""
    out: dict[str, dict[str, int]] = {}
    for r in read_seed("answer_encodings"):
        if r["scale"] != ANY_SCALE:
            out.setdefault(r["scale"], {})[r["raw_value"]] = int(r["answer_value"])
    return out


def drivers_where(column: str) -> tuple[str, ...]:
    """Drivers (in driver_order) whose `a11_questions` column `column` is true."""
    rows = sorted(read_seed("a11_questions"), key=lambda r: int(r["driver_order"]))
    return tuple(r["driver"] for r in rows if r[column].strip().lower() == "true")


def keypad_questions() -> dict[str, str]:
    """Contact-center keypad question (q1..q5) -> driver, in question order."""
    rows = [r for r in read_seed("a11_questions") if r["keypad_question"]]
    return {
        r["keypad_question"]: r["driver"] for r in sorted(rows, key=lambda r: r["keypad_question"])
    }
