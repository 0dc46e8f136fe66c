"""A hostile landing zone, built here: links out of the landing zone, a 50 MB line,
random bytes under every extension, a 200,000-word comment, a file still being written.

The good files beside them load and publish exactly as they do without them, and the
marker in the file a link points to appears nowhere: not in any table of the warehouse
or the published snapshot, not in a log, not in Dagster's run storage.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.warehouse import open_warehouse
from dagster_project.generate import generate_feeds
from dagster_project.ingest.sources.base import MAX_TEXT_CHARS

pytestmark = pytest.mark.slow

MARKER = "ZQX-SECRET-7f3a91"
SCORES = (
    "select service_id, fiscal_year, fiscal_quarter, channel, driver, n, n_positive, score,"
    " is_suppressed from marts.agg_quarterly_service_scores order by all"
)


def _run(data: Path, capsys) -> str:
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    try:
        assert main(["pipeline"]) == 0
    finally:
        mp.undo()
    out = capsys.readouterr()
    return out.out + out.err


def _hostile(landing: Path, outside: Path) -> None:
    outside.mkdir()
    secret = outside / "passwd.csv"
    secret.write_text(
        "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
        "answer_01,answer_02,answer_03,answer_04\n"
        f"1,F,a11_v2,fsa-fafsa,web,2025-01-15T10:00:00Z,/,UA,,1,,,{MARKER}\n"
        f"root:x:0:0:{MARKER}:/root:/bin/bash\n"
    )
    (outside / "events").mkdir()
    shutil.copy(secret, outside / "events" / "e.csv")
    os.symlink(secret, landing / "touchpoints" / "passwd.csv")
    os.symlink(secret, landing / "agency_api" / "passwd.jsonl")
    os.symlink(outside / "events", landing / "case_events" / "linked")
    # a single 50 MB line: no header a CSV reader could take
    with (landing / "touchpoints" / "huge.csv").open("w") as fh:
        fh.write("a" * (50 << 20))
    rng = random.Random(7)
    for source, name in [
        ("touchpoints", "random.csv"), ("agency_api", "random.jsonl"),
        ("agency_api", "random.json"), ("agency_api", "random.ndjson"),
        ("contact_center", "random.csv"), ("case_events", "random.csv"),
        ("case_events", "random.parquet"), ("service_volumes", "random.csv"),
    ]:  # fmt: skip
        (landing / source / name).write_bytes(rng.randbytes(200_000))
    # a valid record whose comment has 200,000 words (no answers: the scores stay equal)
    record = {
        "response_id": "long-comment", "service_id": "fsa-fafsa", "channel": "web",
        "submitted_at": "2025-02-01T10:00:00Z", "customer": {"id": None}, "case_id": None,
        "stage": None, "answers": [], "comment": "terrible " * 200_000,
    }  # fmt: skip
    (landing / "agency_api" / "long.jsonl").write_text(json.dumps(record) + "\n")
    # still being uploaded: hidden until it is renamed
    (landing / "touchpoints" / ".incoming.csv").write_text(secret.read_text())


def _varchar_hits(path: Path, needle: str) -> list[str]:
    hits = []
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "select table_catalog, table_schema, table_name, column_name "
            "from information_schema.columns c join information_schema.tables t "
            "using (table_catalog, table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and data_type like 'VARCHAR%'"
        ).fetchall()
        for catalog, schema, table, column in columns:
            n = con.execute(
                f'select count(*) from "{catalog}"."{schema}"."{table}" '
                f'where contains("{column}", ?)',
                [needle],
            ).fetchone()[0]
            if n:
                hits.append(f"{schema}.{table}.{column}")
    return hits


def test_hostile_files_are_rejected_and_change_nothing(tmp_path, capsys):
    clean, hostile = tmp_path / "clean", tmp_path / "hostile"
    generate_feeds(clean / "landing", responses=1500, seed=31, progress=False)
    shutil.copytree(clean / "landing", hostile / "landing", symlinks=True)
    _hostile(hostile / "landing", tmp_path / "outside")

    _run(clean, capsys)
    output = _run(hostile, capsys)

    with open_warehouse(hostile) as con:
        logged = dict(
            con.execute(
                "select _source_file, status || ': ' || message from raw.load_log "
                "where _source_file similar to '.*(passwd|linked|huge|random|long|incoming).*'"
            ).fetchall()
        )
        stored = con.execute(
            "select length(comment), text_truncated from raw.agency_api "
            "where response_id = 'long-comment'"
        ).fetchone()
    assert logged["touchpoints/passwd.csv"].startswith("rejected: a symbolic link")
    assert logged["agency_api/passwd.jsonl"].startswith("rejected: a symbolic link")
    assert logged["case_events/linked"].startswith("rejected: a symbolic link to a folder")
    assert logged["touchpoints/huge.csv"] == (
        "rejected: not a Touchpoints export: the first line is longer than 64 KiB"
    )
    for name in ("touchpoints/random.csv", "agency_api/random.jsonl", "agency_api/random.json",
                 "agency_api/random.ndjson", "contact_center/random.csv",
                 "case_events/random.csv", "service_volumes/random.csv"):  # fmt: skip
        assert logged[name].startswith("rejected: not a "), name
        assert "(binary or another encoding)" in logged[name]
    assert logged["case_events/random.parquet"].startswith("unknown_kind: not a readable Parquet")
    assert logged["agency_api/long.jsonl"].startswith("loaded: 1 of 1 rows loaded")
    assert not any("incoming" in name for name in logged)  # not delivered yet
    assert stored == (MAX_TEXT_CHARS, True)  # cut and flagged, and the build went on
    assert "REJECTED: touchpoints/passwd.csv" in output

    # the good files give exactly the scores they give alone
    with (
        duckdb.connect(str(current_snapshot_of(clean)), read_only=True) as a,
        duckdb.connect(str(current_snapshot_of(hostile)), read_only=True) as b,
    ):
        assert a.execute(SCORES).fetchall() == b.execute(SCORES).fetchall()
        long_comment = b.execute(
            "select length(comment), comment_sentiment from marts.fct_response "
            "where source_record_id = 'long-comment'"
        ).fetchone()
    assert long_comment[0] == MAX_TEXT_CHARS and -1 <= long_comment[1] < 0

    # the linked file's content is nowhere
    assert _varchar_hits(hostile / "warehouse.duckdb", MARKER) == []
    assert _varchar_hits(hostile / "marts_db.duckdb", MARKER) == []
    assert _varchar_hits(current_snapshot_of(hostile), MARKER) == []
    assert MARKER not in output
    for path in [*(hostile / "logs").rglob("*"), *(hostile / "dagster_home").rglob("*")]:
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path


def current_snapshot_of(data: Path) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    try:
        from dagster_project.core.settings import get_settings

        path = current_snapshot(get_settings())
    finally:
        mp.undo()
    assert path is not None
    return path
