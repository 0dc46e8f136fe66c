"""Incremental marts, on generated feeds through the real pipeline.

1. A new response in one service-quarter rebuilds only what it touches: every row of
   the journey and relationship marts, and of the quarterly scores outside that
   service's quarter (and the next quarter's comparison with it), stays byte-identical.
2. After a further delivery and corrected re-deliveries that move responses between
   customers, cases, services and quarters (or take every answer away), the
   incrementally kept marts equal a full rebuild of the same warehouse, cell for cell.
3. The comment themes are matched again for every response when the patterns they
   were matched with (seed comment_themes) change, and only then.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from dagster_project.cli.main import main
from dagster_project.core.publish import current_snapshot
from dagster_project.core.settings import get_settings
from dagster_project.core.warehouse import open_warehouse
from dagster_project.generate import generate_feeds

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from dbt_runner import dbt_cli, run_dbt  # noqa: E402

pytestmark = pytest.mark.slow

MARTS = (
    "fct_response", "fct_transaction_feedback", "fct_journey", "fct_journey_stage",
    "fct_relationship", "agg_quarterly_service_scores", "agg_journey_stage_quarterly",
    "agg_response_rates", "fct_file_loads", "agg_quarantine_reasons", "agg_key_drivers",
    "agg_suspect_responses", "fct_comment_themes", "agg_comment_themes_quarterly",
    "agg_answer_distribution",
)  # fmt: skip
TP_HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "answer_01,answer_02,answer_03,answer_04\n"
)


def _rows(data_dir: Path, table: str) -> list[tuple]:
    with open_warehouse(data_dir) as con:
        columns = [c for (c,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? order by ordinal_position",
            [table],
        ).fetchall()]  # fmt: skip
        select = ", ".join(f'"{c}"' for c in columns if c not in ("_loaded_at",))
        rows = con.execute(f"select {select} from marts.{table}").fetchall()
    # a float sum's last bits depend on the order parallel threads add in
    return sorted((tuple(_stable(v) for v in row) for row in rows), key=repr)


def _stable(value):
    return round(value, 9) if isinstance(value, float) else value


def _all(data_dir: Path) -> dict[str, list[tuple]]:
    return {table: _rows(data_dir, table) for table in MARTS}


def _copy_databases(settings, to: Path) -> Path:
    """The warehouse and the marts file, as they are now, in the folder `to`."""
    to.mkdir()
    for path in (settings.warehouse_path, settings.marts_path):
        shutil.copy(path, to / path.name)
    return to


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    data = tmp_path_factory.mktemp("incremental")
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    generate_feeds(data / "landing", responses=3000, seed=21, progress=False)
    assert main(["pipeline"]) == 0
    yield get_settings()
    mp.undo()


def _deliver(path: Path, text: str, when: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when, when))


def test_one_new_response_rebuilds_only_what_it_touches(warehouse):
    before = _all(_copy_databases(warehouse, warehouse.data_dir / "before"))
    # One anonymous legacy-form answer set for the passport service in FY2025 Q3, no stage.
    row = (
        "990000001,F-INC,a11,dos-passport,web,2025-05-14T10:00:00Z,/apply,UA,,5,4,4,4,4,4,4,nice\n"
    )
    header = (
        "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
        "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment\n"
    )
    latest = max(p.stat().st_mtime for p in (warehouse.landing_dir).rglob("*") if p.is_file())
    _deliver(warehouse.landing_dir / "touchpoints" / "inc" / "one.csv", header + row, latest + 60)
    assert main(["pipeline"]) == 0
    after = _all(warehouse.data_dir)

    for table in ("fct_journey", "fct_journey_stage", "fct_relationship"):
        assert after[table] == before[table], table
    assert len(after["fct_response"]) == len(before["fct_response"]) + 1
    assert len(after["fct_transaction_feedback"]) == len(before["fct_transaction_feedback"]) + 7

    with open_warehouse(warehouse.data_dir) as con:
        columns = [d[0] for d in con.execute(
            "select * from marts.agg_quarterly_service_scores limit 0").description]  # fmt: skip
    key = {c: i for i, c in enumerate(c for c in columns if c != "_loaded_at")}
    prev_columns = {"prev_n", "prev_score", "score_change", "p_value", "is_change_significant",
                    "prev_is_suppressed"}  # fmt: skip
    # Complementary suppression is decided per quarter x driver over every service: a
    # new answer may move which other cells of that quarter are withheld (and so the
    # next quarter's prev_is_suppressed), never a count or a score.
    flag_columns = {"is_suppressed", "suppression_reason", "prev_is_suppressed"}
    counted = [i for c, i in key.items() if c not in flag_columns]

    def counts(rows):
        return [tuple(r[i] for i in counted) for r in rows]

    def split(rows):
        touched, nxt, other = [], [], []
        for r in rows:
            quarter = (r[key["fiscal_year"]], r[key["fiscal_quarter"]])
            if r[key["service_id"]] == "dos-passport" and quarter == (2025, 3):
                touched.append(r)
            elif r[key["service_id"]] == "dos-passport" and quarter == (2025, 4):
                nxt.append(r)
            else:
                other.append(r)
        return touched, nxt, other

    t_before, n_before, o_before = split(before["agg_quarterly_service_scores"])
    t_after, n_after, o_after = split(after["agg_quarterly_service_scores"])
    # every other service-quarter: the same numbers; outside the touched quarter and the
    # one after it, byte-identical
    assert counts(o_after) == counts(o_before)

    def far(rows):
        return [r for r in rows
                if (r[key["fiscal_year"]], r[key["fiscal_quarter"]]) not in {(2025, 3), (2025, 4)}]  # fmt: skip

    assert far(o_after) == far(o_before)
    # the touched quarter gained the answers: 7 drivers x (web and all) rows moved by 1
    n_index = key["n"]
    assert sum(r[n_index] for r in t_after) == sum(r[n_index] for r in t_before) + 14
    # the next quarter changes only in its comparison with the touched one
    same = [i for c, i in key.items() if c not in prev_columns]
    assert [tuple(r[i] for i in same) for r in n_after] == [
        tuple(r[i] for i in same) for r in n_before
    ]

    # The publish after it: what the build did not touch is the previous snapshot's table
    # (kept, the same bytes); what it rebuilt is copied as dbt wrote it.
    with duckdb.connect(str(current_snapshot(warehouse)), read_only=True) as con:
        how = dict(con.execute("select table_name, how from meta.table_versions").fetchall())
        published = con.execute("select count(*) from marts.fct_response").fetchone()[0]
    assert published == len(after["fct_response"])
    for untouched in ("dim_driver", "dim_channel", "dim_service", "dim_cx_maturity"):
        assert how[untouched] == "kept", untouched
    for rebuilt in ("fct_response", "fct_transaction_feedback", "agg_quarterly_service_scores"):
        assert how[rebuilt] == "rebuilt", rebuilt


def _corrections(landing: Path) -> str:
    """Re-deliveries of five agency responses: moved to another customer, case, service
    and quarter, or with every answer taken away."""
    records = []
    for path in sorted((landing / "agency_api").rglob("*.jsonl")):
        for line in path.read_text(errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("response_id") and record.get("answers"):
                records.append(record)
        if len(records) > 400:
            break
    with_case = [r for r in records if r.get("case_id")]
    with_customer = [r for r in records if (r.get("customer") or {}).get("id")]
    assert len(with_case) >= 2 and len(with_customer) >= 2
    moved_case = dict(with_case[0], case_id=with_case[1]["case_id"])
    moved_customer = dict(with_customer[-1], customer=with_customer[-2]["customer"])
    taken = {moved_case["response_id"], moved_customer["response_id"]}
    rest = [r for r in records if r["response_id"] not in taken]
    moved_service = dict(rest[0], service_id="ssa-disability")
    moved_quarter = dict(rest[1], submitted_at="2024-11-15T12:00:00Z")
    emptied = dict(rest[2], answers=[])
    out = [moved_case, moved_customer, moved_service, moved_quarter, emptied]
    return "".join(json.dumps(r) + "\n" for r in out)


def _suspects(landing: Path) -> tuple[str, str]:
    """Planted suspect responses (screening): for a signed-in agency response already
    loaded, the same answers and comment from the same customer a minute EARLIER (the
    loaded one becomes the repeat: its flag changes), and a burst of 60 Touchpoints
    submissions from one page in five minutes."""
    # each record as it stands after every delivery (later delivery wins: file time, path)
    latest: dict[str, dict] = {}
    files = sorted((landing / "agency_api").rglob("*.jsonl"), key=lambda p: (p.stat().st_mtime, p))
    for path in files:
        for line in path.read_text(errors="replace").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("response_id"), str):
                latest[record["response_id"]] = dict(record, _path=path)
    this_run = landing / "agency_api" / "more", landing / "agency_api" / "fix"
    record = next(
        {k: v for k, v in r.items() if k != "_path"}
        for r in latest.values()
        if not r["_path"].is_relative_to(this_run[0])
        and not r["_path"].is_relative_to(this_run[1])  # loaded in the first run
        and r.get("answers")
        and (r.get("customer") or {}).get("id")
        and isinstance(r.get("submitted_at"), str)
        and r["submitted_at"].endswith("Z")
    )
    at = datetime.fromisoformat(record["submitted_at"].replace("Z", "+00:00"))
    earlier = dict(record, response_id=record["response_id"] + "-EARLY",
                   submitted_at=(at - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))  # fmt: skip
    start = datetime(2025, 2, 3, 4, tzinfo=UTC)
    burst = "".join(
        f"{880000 + i},F-BURST,a11,irs-refund-status,web,"
        f"{(start + timedelta(seconds=5 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')},"
        "https://www.irs.gov/refunds,UA,,1,1,1,1,1,1,1,\n"
        for i in range(60)
    )
    header = (
        "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
        "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment\n"
    )
    return json.dumps(earlier) + "\n", header + burst


def test_incremental_marts_equal_a_full_rebuild(warehouse):
    landing = warehouse.landing_dir
    latest = max(p.stat().st_mtime for p in landing.rglob("*") if p.is_file())
    more = warehouse.data_dir / "more"
    generate_feeds(more, responses=300, seed=22, progress=False)
    for path in more.rglob("*"):
        # more/<source>/... -> landing/<source>/more/...; not the generated volumes: a
        # quarter's volumes for 300 responses would restate them below the responses
        # already received (a response rate above 1, which the build refuses)
        if path.is_file() and path.relative_to(more).parts[0] != "service_volumes":
            rel = path.relative_to(more)
            target = landing / rel.parts[0] / "more" / Path(*rel.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            os.utime(target, (latest + 120, latest + 120))
    _deliver(landing / "agency_api" / "fix" / "corrections.jsonl", _corrections(landing),
             latest + 180)  # fmt: skip
    early, burst = _suspects(landing)
    _deliver(landing / "agency_api" / "fix" / "early.jsonl", early, latest + 190)
    _deliver(landing / "touchpoints" / "fix" / "burst.csv", burst, latest + 190)
    assert main(["pipeline"]) == 0
    incremental = _all(warehouse.data_dir)
    with open_warehouse(warehouse.data_dir) as con:
        replaced = con.execute(
            "select count(*) from marts_db.intermediate.replaced_responses"
        ).fetchone()
        cells = con.execute(
            "select count(*) from marts_db.intermediate.replaced_answer_values"
        ).fetchone()
        suspects = dict(con.execute(
            "select suspect_rule, count(*) from marts.fct_response where is_suspect group by 1"
        ).fetchall())  # fmt: skip
        changed = con.execute(
            "select count(*) from marts_db.intermediate.screening_changes"
        ).fetchone()
    assert replaced[0] == 5 and cells[0] > 0  # the corrections took the replacement path
    # the planted suspects were found, and the repeat loaded in the first run changed flag
    assert suspects == {"duplicate_answers": 1, "submission_burst": 60}
    assert changed[0] == 1

    rebuilt = _copy_databases(warehouse, warehouse.data_dir / "rebuilt")
    proc = dbt_cli(rebuilt, ["build", "--full-refresh", "--exclude", "resource_type:unit_test"])
    assert proc.returncode == 0, proc.stdout[-4000:]
    full = _all(rebuilt)
    for table in MARTS:
        assert incremental[table] == full[table], table
    # and the dashboard shows the incremental state
    assert current_snapshot(warehouse) is not None


def _build_themes(data_dir: Path) -> None:
    run = run_dbt(data_dir, "run", ["fct_comment_themes"])
    assert run.returncode == 0, run.output[-4000:]


def test_changed_theme_patterns_match_every_comment_again(warehouse):
    copy = _copy_databases(warehouse, warehouse.data_dir / "themes")
    before = _rows(copy, "fct_comment_themes")
    service = before[0][1]
    with open_warehouse(copy, read_only=False) as con:
        con.execute("delete from marts.fct_comment_themes where service_id = ?", [service])
    kept = _rows(copy, "fct_comment_themes")
    assert 0 < len(kept) < len(before)
    # nothing new and the same patterns: the build matches nothing again
    _build_themes(copy)
    assert _rows(copy, "fct_comment_themes") == kept
    # the patterns it was matched with are not the seed's: every response again
    with open_warehouse(copy, read_only=False) as con:
        con.execute("update marts_db.intermediate.comment_themes_state set themes_digest = 'x'")
    _build_themes(copy)
    assert _rows(copy, "fct_comment_themes") == before
