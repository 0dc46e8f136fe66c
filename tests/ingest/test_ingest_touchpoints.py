"""Touchpoints exports: exact parsed values, layouts, row numbers, record checks."""

from __future__ import annotations

from datetime import UTC, datetime

from dagster_project.ingest.loader import load_source

LEGACY_HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment\n"
)
V2_HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "answer_01,answer_02,answer_03,answer_04\n"
)


def test_legacy_form_values_and_timestamps(land, sql):
    land(
        "touchpoints",
        "legacy.csv",
        LEGACY_HEADER
        + '1,F1,a11,fsa-fafsa,web,2025-03-09T10:00:00-04:00,/apply,Mozilla,submit-fafsa,5,4,,2,1,3,,"Fast, thanks"\n'
        + "2,F1,A11,irs-file-return,mobile,2025-01-15 10:00:00 UTC,/,UA,,1,2,3,4,5,1,2,\n"
        + "3,F1,a11,irs-file-return,mobile,2025-06-30T23:30:00Z,/,UA,,,,,,,,,\n",
    )
    summary = load_source("touchpoints")
    assert [(f.status, f.rows_read, f.rows_loaded) for f in summary.files] == [("loaded", 3, 3)]
    rows = sql(
        "select submission_id, form_kind, service_id, channel, created_at, stage, satisfaction,"
        " trust, effectiveness, ease, efficiency, transparency, employee, answer_01, comment,"
        " _row_number from raw.touchpoints order by _row_number"
    )
    assert rows == [
        ("1", "a11", "fsa-fafsa", "web", datetime(2025, 3, 9, 14, 0, tzinfo=UTC),
         "submit-fafsa", 5, 4, None, 2, 1, 3, None, None, "Fast, thanks", 1),
        ("2", "a11", "irs-file-return", "mobile", datetime(2025, 1, 15, 10, 0, tzinfo=UTC),
         None, 1, 2, 3, 4, 5, 1, 2, None, None, 2),
        ("3", "a11", "irs-file-return", "mobile", datetime(2025, 6, 30, 23, 30, tzinfo=UTC),
         None, None, None, None, None, None, None, None, None, None, 3),
    ]  # fmt: skip


def test_v2_thumbs_radio_and_driver_lists(land, sql):
    land(
        "touchpoints",
        "v2.csv",
        V2_HEADER
        + '1,F2,a11_v2,dos-passport,web,2025-11-02T01:30:00-04:00,/,UA,,1,"ease, Efficiency,ease",other,\n'
        + '2,F2,a11_v2,dos-passport,web,2025-11-02T01:30:00-05:00,/,UA,,0,,"humanity,speed,trust",'
        + '"Call 202-555-0143 or a@b.gov"\n'
        + "3,F3,a11_v2_radio,dos-passport,web,2025-11-02 06:00:00 UTC,/,UA,,4,,,\n"
        + "4,F3,a11_v2_radio,dos-passport,web,2025-11-02 06:00:00 UTC,/,UA,,0,,,\n",
    )
    load_source("touchpoints")
    rows = sql(
        "select form_id, submission_id, created_at, answer_01, answer_02, answer_03, comment,"
        " satisfaction from raw.touchpoints order by _row_number"
    )
    assert rows == [
        ("F2", "1", datetime(2025, 11, 2, 5, 30, tzinfo=UTC), 1, "ease,efficiency", "other", None, None),
        ("F2", "2", datetime(2025, 11, 2, 6, 30, tzinfo=UTC), 0, None, "humanity", "Call [PHONE] or [EMAIL]", None),
        ("F3", "3", datetime(2025, 11, 2, 6, 0, tzinfo=UTC), 4, None, None, None, None),
        ("F3", "4", datetime(2025, 11, 2, 6, 0, tzinfo=UTC), None, None, None, None, None),
    ]  # fmt: skip
    assert sql(
        "select _row_number, record_id, level, field, raw_text, reason from raw.quarantine"
        " order by _row_number, field, raw_text"
    ) == [
        (2, "F2:2", "answer", "answer_03", "speed", "unknown driver key 'speed'"),
        (2, "F2:2", "answer", "answer_03", "trust", "driver 'trust' is not on the indicator scale"),
        (4, "F3:4", "answer", "answer_01", "0", "answer out of range: '0' for likert5"),
    ]


def test_record_level_defects_and_row_numbers(land, sql):
    comment = '"line one\nline two, with ""quotes"""'
    land(
        "touchpoints",
        "bad.csv",
        LEGACY_HEADER
        + f"1,F1,a11,fsa-fafsa,web,2025-01-15T10:00:00+00:00,/,UA,,5,5,5,5,5,5,5,{comment}\n"
        + "2,F1,a11,fsa-fafsa,web,2025-01-15T10:00:00+00:00,/,UA\n"
        + ",F1,a11,fsa-fafsa,web,2025-01-15T10:00:00+00:00,/,UA,,5,5,5,5,5,5,5,\n"
        + "4,F1,a11,fsa-fafsa,web,15/01/2025,/,UA,,5,5,5,5,5,5,5,\n"
        + "5,F1,a11,fsa-fafsa,web,2025-01-15 10:00:00,/,UA,,5,5,5,5,5,5,5,\n"
        + "6,F1,a11,foo,web,2025-01-15T10:00:00Z,/,UA,,5,5,5,5,5,5,5,\n"
        + "7,F1,a12,fsa-fafsa,web,2025-01-15T10:00:00Z,/,UA,,5,5,5,5,5,5,5,\n"
        + "8,F1,a11,fsa-fafsa,fax,2025-01-15T10:00:00Z,/,UA,,5,5,5,5,5,5,5,\n"
        + "\n"
        + "9,F1,a11,fsa-fafsa,web,2025-01-15T10:00:00Z,/,UA,,5,maybe,5,5,5,5,5,\n",
    )
    [result] = load_source("touchpoints").files
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (9, 2, 7)
    assert result.answers_quarantined == 1
    assert sql("select submission_id, _row_number, comment from raw.touchpoints order by 2") == [
        ("1", 1, 'line one\nline two, with "quotes"'),
        ("9", 9, None),
    ]
    assert sql("select _row_number, level, reason from raw.quarantine order by 1") == [
        (2, "record", "wrong column count: expected 17, got 8"),
        (3, "record", "missing id"),
        (4, "record", "unparseable timestamp '15/01/2025'"),
        (5, "record", "unparseable timestamp '2025-01-15 10:00:00'"),
        (6, "record", "unknown service_id 'foo'"),
        (7, "record", "unknown form_kind 'a12'"),
        (8, "record", "unknown channel 'fax'"),
        (9, "answer", "answer out of range: 'maybe' for likert5"),
    ]
    assert sql("select raw_text from raw.quarantine where _row_number = 2") == [
        ("2,F1,a11,fsa-fafsa,web,2025-01-15T10:00:00+00:00,/,UA",)
    ]


def test_not_a_touchpoints_export_is_unknown_kind(land, sql):
    land("touchpoints", "other.csv", "a,b,c\n1,2,3\n")
    [result] = load_source("touchpoints").files
    assert result.status == "unknown_kind"
    assert result.message.startswith("not a Touchpoints export: header lacks id, form_id")
    assert sql("select count(*) from raw.touchpoints") == [(0,)]
