"""Exact file formats per SOURCES.md."""

from __future__ import annotations

import json
import re

import pyarrow.parquet as pq

from dagster_project.generate.touchpoints import HEADERS

from .conftest import api_lines, csv_rows, data_files

CC_HEADER = "CallID;CallStart;Queue;CallerNumber;Q1;Q2;Q3;Q4;Q5;AgentNote"


def test_every_source_folder_gets_files(root, summary):
    for source in ("touchpoints", "agency_api", "contact_center", "case_events", "service_volumes"):
        assert data_files(root, source), source
        assert summary.files[source] == sum(1 for p in (root / source).rglob("*") if p.is_file())
    assert 100 < sum(summary.files.values()) < 600  # deliveries, not one file per response


def test_touchpoints_headers_match_their_form_kind(root):
    kinds = set()
    for path in data_files(root, "touchpoints", (".csv",)):
        rows = csv_rows(path)
        if not rows:
            continue  # the empty file
        kind = next((r[2] for r in rows[1:] if len(r) > 2 and r[2] in HEADERS), None)
        if kind:
            kinds.add(kind)
            assert tuple(rows[0]) == HEADERS[kind], path
        else:
            assert tuple(rows[0]) in HEADERS.values() and len(rows) == 1  # a header-only export
    assert kinds == {"a11", "a11_v2", "a11_v2_radio"}
    assert HEADERS["a11"][-8:] == (
        "satisfaction",
        "trust",
        "effectiveness",
        "ease",
        "efficiency",
        "transparency",
        "employee",
        "comment",
    )
    assert HEADERS["a11_v2"][-4:] == ("answer_01", "answer_02", "answer_03", "answer_04")


def test_touchpoints_timestamps_use_both_declared_styles(root):
    stamps = [
        r[5]
        for p in data_files(root, "touchpoints", (".csv",))
        for r in csv_rows(p)[1:]
        if len(r) > 5
    ]
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", s) for s in stamps)
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", s) for s in stamps)


def test_contact_center_is_cp1252_semicolon_ten_columns(root):
    notes, n_rows, n_good = "", 0, 0
    for path in data_files(root, "contact_center", (".csv",)):
        raw = path.read_bytes()
        if not raw:
            continue  # the empty file
        text = raw.decode("cp1252")  # strict: every byte is Windows-1252
        assert text.startswith(CC_HEADER + "\r\n")
        rows = csv_rows(path, encoding="cp1252", delimiter=";")
        good = [r for r in rows[1:] if len(r) == 10]
        n_rows, n_good = n_rows + len(rows) - 1, n_good + len(good)
        assert all(
            re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", r[1])
            for r in good
            if r[0] and r[1][:2] not in ("", "13", "00") and "T" not in r[1]
        )
        notes += "".join(r[9] for r in good)
    assert n_rows and n_good >= 0.98 * n_rows
    assert set("’“”é—") & set(notes), "agent notes carry Windows-1252 punctuation"
    assert re.search(
        r"[’“”é—]".encode("cp1252"),
        b"".join(p.read_bytes() for p in data_files(root, "contact_center", (".csv",))),
    )


def test_api_json_lines_parse_except_the_truncated_ones(root, summary):
    bad_json = 0
    for _, line in api_lines(root):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue  # the undecodable-bytes defect
        try:
            record = json.loads(text)
        except ValueError:
            bad_json += 1
            continue
        assert list(record) == [
            "response_id",
            "service_id",
            "channel",
            "submitted_at",
            "customer",
            "case_id",
            "stage",
            "answers",
            "comment",
        ]
        assert all(set(a) == {"driver", "scale", "value"} for a in record["answers"])
    assert bad_json == summary.defects["truncated_json"]


def test_api_thumbs_come_in_every_encoding(root):
    from .conftest import api_records

    values = {
        json.dumps(a["value"], ensure_ascii=False)
        for r in api_records(root)
        for a in r["answers"]
        if a["scale"] == "thumbs"
    }
    for up, down in (("1", "0"), ('"up"', '"down"'), ('"yes"', '"no"'), ('"👍"', '"👎"')):
        assert {up, down} <= values


def test_case_events_come_as_csv_and_parquet(root):
    assert data_files(root, "case_events", (".csv",))
    parquet = data_files(root, "case_events", (".parquet",))
    assert parquet
    table = pq.read_table(parquet[0])
    assert table.column_names == [
        "case_id",
        "journey_id",
        "customer_id",
        "stage_key",
        "event",
        "event_at",
    ]
    assert str(table.schema.field("event_at").type) == "timestamp[us, tz=UTC]"
    header = csv_rows(data_files(root, "case_events", (".csv",))[0])[0]
    assert header == table.column_names


def test_service_volumes_columns(root):
    for path in data_files(root, "service_volumes"):
        rows = csv_rows(path)
        assert rows[0] == [
            "service_id",
            "fiscal_year",
            "fiscal_quarter",
            "channel",
            "volume_of_customers",
            "volume_offered_survey",
        ]
        for r in rows[1:]:
            assert int(r[4]) >= int(r[5]) > 0
