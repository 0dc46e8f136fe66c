"""The OMB export on a real dbt-built warehouse: every number below is counted by hand
from tests/dbt/fixture.py and export_scenario.py (FY2025 Q2 = Jan–Mar 2025)."""

import csv
import hashlib
import json

import pytest
from export_scenario import SSA_VOLUMES

from dagster_project.core.warehouse import open_warehouse
from dagster_project.defs.assets.export import RESPONSES_HEADER, ExportError, write_export

HEADER = (
    "external_id,question_1,positive_effectiveness,positive_ease,positive_efficiency,"
    "positive_transparency,positive_humanity,positive_employee,positive_other,"
    "negative_effectiveness,negative_ease,negative_efficiency,negative_transparency,"
    "negative_humanity,negative_employee,negative_other,question_4"
)
TRUST_TEXT = "This interaction increased my confidence in the agency."

# file stem -> responses in FY2025 Q2 (service, Touchpoints channel, point, type).
EXPECTED_UPLOADS = {
    "dos-passport__website__post_interaction__likert_scale": 12,  # legacy form
    "fsa-fafsa__mobile_app__post_interaction__thumbs_up_down": 1,  # R4
    "fsa-fafsa__website__post_interaction__thumbs_up_down": 1,  # R3 (2nd delivery)
    "fsa-fafsa__website__post_service_journey__likert_scale": 1,  # R10, CASE-2
    "irs-file-return__website__post_interaction__thumbs_up_down": 1,  # R2
    "irs-refund-status__mobile_app__post_interaction__likert_scale": 2,  # F-RADIO
    "irs-refund-status__website__post_interaction__thumbs_up_down": 2,  # F-V2 1, 2
    "ssa-retirement__website__post_interaction__likert_scale": 12,  # F-SSA
    "va-disability-claim__phone__post_interaction__likert_scale": 3,  # calls
}


def key(source: str, record_id: str) -> str:
    return hashlib.md5(f"{source}:{record_id}".encode()).hexdigest()


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def export_dir(data_dir):
    return write_export(fiscal_year=2025, fiscal_quarter=2)


def test_every_upload_has_touchpoints_header_and_its_responses(export_dir):
    files = sorted(p.stem for p in (export_dir / "cx_responses").iterdir())
    assert files == sorted(EXPECTED_UPLOADS)
    for stem, n in EXPECTED_UPLOADS.items():
        lines = (export_dir / "cx_responses" / f"{stem}.csv").read_text().splitlines()
        assert lines[0] == HEADER == ",".join(RESPONSES_HEADER)
        assert len(lines) - 1 == n, stem


def row_of(export_dir, stem, external_id):
    rows = {r["external_id"]: r for r in read_csv(export_dir / "cx_responses" / f"{stem}.csv")}
    return [rows[external_id][c] for c in RESPONSES_HEADER[1:]]


N = "null"
#          q1  +eff +ease +effi +tran +hum +emp +oth  -eff -ease -effi -tran -hum -emp -oth


def test_likert_answers_map_to_positive_negative_or_neither(export_dir):
    stem = "ssa-retirement__website__post_interaction__likert_scale"
    # trust 5, effectiveness 5, ease 5; the legacy form asks no humanity/other etc.
    assert row_of(export_dir, stem, key("touchpoints", "F-SSA:ssa-0")) == [
        "5", "1", "1", N, N, N, N, N, "0", "0", N, N, N, N, N, "Quick and clear",
    ]  # fmt: skip
    # trust 4, effectiveness 3 (neither), ease skipped (asked by the form: 0/0).
    assert row_of(export_dir, stem, key("touchpoints", "F-SSA:ssa-2")) == [
        "4", "0", "0", N, N, N, N, N, "0", "0", N, N, N, N, N, "",
    ]  # fmt: skip
    # trust 1, effectiveness 2 (negative), ease 4 (positive).
    assert row_of(export_dir, stem, key("touchpoints", "F-SSA:ssa-8")) == [
        "1", "0", "1", N, N, N, N, N, "1", "0", N, N, N, N, N, "",
    ]  # fmt: skip


def test_current_form_thumbs_and_indicators(export_dir):
    stem = "irs-refund-status__website__post_interaction__thumbs_up_down"
    # Thumbs down; didn't go well: ease, other. Every driver is a box on this form.
    assert row_of(export_dir, stem, key("touchpoints", "F-V2:2")) == [
        "0", "0", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "1",
        "Not helpful at all, terrible wait",
    ]  # fmt: skip
    # Thumbs up; went well: ease, efficiency; didn't: transparency.
    assert row_of(export_dir, stem, key("touchpoints", "F-V2:1"))[:15] == [
        "1", "0", "1", "1", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0", "0",
    ]  # fmt: skip


def test_contact_center_unasked_and_skipped(export_dir):
    stem = "va-disability-claim__phone__post_interaction__likert_scale"
    # CALL-2 answered satisfaction only: trust empty (null); ease/efficiency/employee
    # are on the IVR script (0/0); effectiveness, transparency, humanity, other are not.
    assert row_of(export_dir, stem, key("contact_center", "CALL-2")) == [
        N, N, "0", "0", N, N, "0", N, N, "0", "0", N, N, "0", N, "",
    ]  # fmt: skip
    # CALL-1: trust 3, ease 4, efficiency skipped, employee 2.
    assert row_of(export_dir, stem, key("contact_center", "CALL-1")) == [
        "3", N, "1", "0", N, N, "0", N, N, "0", "0", N, N, "1", N, "Caller was happy",
    ]  # fmt: skip


def test_collections_rating_is_trust_score_suppressed_below_10(export_dir):
    rows = read_csv(export_dir / "cx_collections.csv")
    assert list(rows[0]) == [
        "service_provider", "service_id", "service_name", "fiscal_year", "quarter", "rating",
    ]  # fmt: skip
    got = [(r["service_id"], r["service_provider"], r["rating"]) for r in rows]
    assert got == [
        ("dos-passport", "Consular Affairs", ""),  # no trust question
        ("fsa-fafsa", "Federal Student Aid", ""),  # 3 trust answers
        ("irs-file-return", "Internal Revenue Service", ""),  # 1
        ("irs-refund-status", "Internal Revenue Service", ""),  # 4
        ("ssa-retirement", "Social Security Administration", "66.67"),  # 8 of 12
        ("va-disability-claim", "Veterans Benefits Administration", ""),  # 2
    ]
    assert {(r["fiscal_year"], r["quarter"]) for r in rows} == {("2025", "2")}


def test_details_volumes_equal_agg_response_rates(export_dir, data_dir):
    rows = read_csv(export_dir / "cx_collection_details.csv")
    assert list(rows[0]) == [
        "service_id", "channel", "transaction_point", "survey_type", "volume_of_customers",
        "volume_of_customers_provided_survey_opportunity", "volume_of_respondents",
        "trust_question_text",
    ]  # fmt: skip
    stems = ["__".join((r["service_id"], r["channel"], r["transaction_point"], r["survey_type"]))
             for r in rows]  # fmt: skip
    assert stems == list(EXPECTED_UPLOADS)
    assert [int(r["volume_of_respondents"]) for r in rows] == list(EXPECTED_UPLOADS.values())
    assert {r["trust_question_text"] for r in rows} == {TRUST_TEXT}
    volumes = {(r["service_id"], r["channel"]): (r["volume_of_customers"],
               r["volume_of_customers_provided_survey_opportunity"]) for r in rows}  # fmt: skip
    assert volumes[("dos-passport", "website")] == ("300", "24")
    assert volumes[("ssa-retirement", "website")] == tuple(str(v) for v in SSA_VOLUMES.values())
    assert volumes[("irs-refund-status", "website")] == ("", "")  # none reported
    con = open_warehouse(data_dir)
    mart = con.execute(
        "select r.service_id, c.touchpoints_channel, r.volume_of_customers, "
        "r.volume_offered_survey from marts.agg_response_rates r "
        "join marts.dim_channel c using (channel) "
        "where r.fiscal_year = 2025 and r.fiscal_quarter = 2 "
        "and r.volume_of_customers is not null"
    ).fetchall()
    con.close()
    for service, channel, customers, offered in mart:
        if (service, channel) in volumes:
            assert volumes[(service, channel)] == (str(customers), str(offered))


def test_driver_summary_matches_quarterly_scores(export_dir, data_dir):
    rows = read_csv(export_dir / "cx_driver_summary.csv")
    got = {(r["service_id"], r["channel"], r["driver"]): r for r in rows}
    assert got[("ssa-retirement", "website", "trust")]["answers"] == "12"
    assert got[("ssa-retirement", "website", "trust")]["positive_answers"] == "8"
    assert got[("ssa-retirement", "website", "trust")]["score"] == "66.67"
    # SSA's web effectiveness, 6 of 12, is withheld: every other service's web
    # effectiveness is under 10 answers, so beside the all-services web total SSA's
    # count would give the one other agency's suppressed cell away.
    effectiveness = got[("ssa-retirement", "website", "effectiveness")]
    assert (effectiveness["answers"], effectiveness["score"], effectiveness["is_suppressed"],
            effectiveness["suppression_reason"]) == ("12", "", "true", "complementary")  # fmt: skip
    assert got[("dos-passport", "website", "ease")]["positive_answers"] == "6"
    # 9 ease answers: n shown, positive count and score withheld.
    ease = got[("ssa-retirement", "website", "ease")]
    assert (ease["answers"], ease["positive_answers"], ease["score"], ease["is_suppressed"]) == (
        "9", "", "", "true",
    )  # fmt: skip
    con = open_warehouse(data_dir)
    mart = con.execute(
        "select s.service_id, c.touchpoints_channel, s.driver, s.n, s.n_positive, s.score, "
        "s.suppression_reason "
        "from marts.agg_quarterly_service_scores s join marts.dim_channel c using (channel) "
        "where s.fiscal_year = 2025 and s.fiscal_quarter = 2 and s.channel != 'all'"
    ).fetchall()
    con.close()
    assert len(mart) == len(rows)
    for service, channel, driver, n, n_positive, score, reason in mart:
        row = got[(service, channel, driver)]
        assert int(row["answers"]) == n
        assert row["suppression_reason"] == (reason or "")
        if n < 10:
            assert (row["positive_answers"], row["score"], row["is_suppressed"]) == ("", "", "true")
            assert reason == "primary"
        elif reason == "complementary":  # shown, it would give a suppressed cell away
            assert (row["positive_answers"], row["score"], row["is_suppressed"]) == ("", "", "true")
        else:
            assert int(row["positive_answers"]) == n_positive
            assert float(row["score"]) == round(score, 2)
            assert row["is_suppressed"] == "false"


def test_manifest_checksums_and_row_counts(export_dir):
    manifest = json.loads((export_dir / "manifest.json").read_text())
    assert (manifest["fiscal_year"], manifest["fiscal_quarter"]) == (2025, 2)
    assert manifest["source"]["warehouse"].endswith("warehouse.duckdb")
    # The scenario's legacy dos-passport form does not ask the trust question: the one
    # problem of the quarter, a warning (one broken row per rule in
    # test_export_validation.py).
    assert manifest["status"] == "review"
    assert [(p["severity"], p["file"], p["row"]) for p in manifest["problems"]] == [
        ("warning", "cx_collection_details.csv",
         "dos-passport · website · post_interaction · likert_scale")
    ]  # fmt: skip
    on_disk = {str(p.relative_to(export_dir)) for p in export_dir.rglob("*.csv")}
    assert {f["path"] for f in manifest["files"]} == on_disk
    for entry in manifest["files"]:
        path = export_dir / entry["path"]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["rows"] == len(read_csv(path))
    rows = {f["path"]: f["rows"] for f in manifest["files"]}
    assert rows["cx_collections.csv"] == 6
    assert rows["cx_collection_details.csv"] == 9
    assert sum(n for p, n in rows.items() if p.startswith("cx_responses/")) == 35


def test_summary_is_printed(data_dir, capsys):
    out = write_export(fiscal_year=2025, fiscal_quarter=2)
    printed = capsys.readouterr().out
    assert "FY2025 Q2: 13 files (9 cx_responses uploads, 35 responses; 6 services)" in printed
    assert str(out) in printed


@pytest.mark.parametrize(
    ("year", "quarter", "message"),
    [(2025, 5, "1, 2, 3 or 4"), (2025, 0, "1, 2, 3 or 4"), (1999, 1, "out of range"),
     ("2025", 1, "must be an integer")],
)  # fmt: skip
def test_invalid_arguments_are_refused(data_dir, year, quarter, message):
    with pytest.raises(ExportError, match=message):
        write_export(fiscal_year=year, fiscal_quarter=quarter)


def test_quarter_without_data_fails_clearly_and_writes_nothing(data_dir):
    message = (
        "no responses in FY2026 Q3; quarters with data: FY2024 Q4, FY2025 Q1, FY2025 Q2, FY2025 Q3"
    )
    with pytest.raises(ExportError, match=message):
        write_export(fiscal_year=2026, fiscal_quarter=3)
    assert not (data_dir / "published" / "exports" / "FY2026-Q3").exists()
