"""A small hand-made landing zone with one of every defect that changes the scores.

`write_landing(root)` writes it and returns the scores it must produce for a few
cells, worked out by hand (the floor and the pandas baseline must both get them).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

T0 = 1_760_000_000  # delivery times: T0 + k seconds, in file order

TP_LEGACY = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment\n"
    # two good rows in FY2025 Q1 (2024-12-31 in UTC); keypad-style 9 is out of range here
    "1,f1,a11,dos-passport,web,2024-12-31T18:00:00-05:00,/,ua,,5,4,3,2,1,,9,ok\n"
    "2,f1,a11,DOS-PASSPORT,Web,2024-12-31 23:30:00 UTC,/,ua,,4,,,,,,,\n"
    # 2025-01-01T01:00Z is FY2025 Q2 although it is still Dec 31 in New York
    "3,f1,a11,dos-passport,web,2024-12-31T20:00:00-05:00,/,ua,,1,1,1,1,1,1,1,\n"
    "4,f1,a11,dos-passport,mobile,2025-01-01T01:00:00Z,/,ua,,5,5,5,5,5,5,5,\n"
    # record defects: unknown service, no id, no offset, unknown channel, wrong field count
    "5,f1,a11,no-such-service,web,2025-01-01T01:00:00Z,/,ua,,5,5,5,5,5,5,5,\n"
    ",f1,a11,dos-passport,web,2025-01-01T01:00:00Z,/,ua,,5,5,5,5,5,5,5,\n"
    "6,f1,a11,dos-passport,web,2025-01-01T01:00:00,/,ua,,5,5,5,5,5,5,5,\n"
    "7,f1,a11,dos-passport,fax,2025-01-01T01:00:00Z,/,ua,,5,5,5,5,5,5,5,\n"
    "8,f1,a11,dos-passport,web,2025-01-01T01:00:00Z,/,ua,,5,5,5\n"
    # a quoted comment with a comma and a newline loads
    '9,f1,a11,dos-passport,web,2025-01-01T01:00:00Z,/,ua,,4,4,,,,,,"a, b\nc"\n'
)
TP_V2 = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "answer_01,answer_02,answer_03,answer_04\n"
    '1,f2,a11_v2,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,1,"ease, efficiency",other,\n'
    # ease in both lists contradicts itself: no ease answer; "bogus" is quarantined
    '2,f2,a11_v2,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,0,"ease,bogus",Ease,\n'
    # out of range thumbs: no trust answer, the ticks still count
    "3,f2,a11_v2,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,7,humanity,,\n"
    "4,f3,a11_v2_radio,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,4,,effectiveness,\n"
    # a legacy row in a v2-only file does not fit the file's columns
    "5,f3,a11,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,4,,,\n"
)
# a corrected re-delivery of f2/1 (later file wins) and a row with invalid UTF-8
TP_V2_FIX = (
    b"id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    b"answer_01,answer_02,answer_03,answer_04\n"
    b"1,f2,a11_v2,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,0,,ease,\n"
) + b"9,f2,a11_v2,irs-file-return,web,2025-02-01T12:00:00Z,/,ua,,1,ease,,\xff\xfe\n"

API_V1 = [
    {"response_id": "r1", "service_id": "ssa-retirement", "channel": "web",
     "submitted_at": "2025-04-02T10:00:00+00:00", "customer": {"id": "c1"},
     "answers": [{"driver": "trust", "scale": "thumbs", "value": "up"},
                 {"driver": "ease", "scale": "likert5", "value": 5}]},
    {"response_id": "r2", "service_id": "ssa-retirement", "channel": "web",
     "submitted_at": "2025-04-02T10:00:00+00:00", "customer": None,
     "answers": [{"driver": "trust", "scale": "thumbs", "value": "👎"},
                 {"driver": "ease", "scale": "likert5", "value": "N/A"},
                 {"driver": "efficiency", "scale": "likert5", "value": "6"},
                 {"driver": "speed", "scale": "likert5", "value": "5"},
                 {"driver": "humanity", "scale": "likert5", "value": " 4 "}]},
    {"response_id": "r3", "service_id": "ssa-nope", "channel": "web",
     "submitted_at": "2025-04-02T10:00:00+00:00", "answers": []},
]  # fmt: skip
API_V2 = [  # r1 corrected: the later delivery wins
    {"response_id": "r1", "service_id": "ssa-retirement", "channel": "web",
     "submitted_at": "2025-04-02T10:00:00+00:00",
     "answers": [{"driver": "trust", "scale": "thumbs", "value": "no"}]},
]  # fmt: skip

CC = (
    "CallID;CallStart;Queue;CallerNumber;Q1;Q2;Q3;Q4;Q5;AgentNote\n"
    # 09/30/2025 21:30 in New York is 2025-10-01 01:30 UTC: FY2026 Q1
    "c1;09/30/2025 21:30;IRS-REFUND;555-0100;5;4;9;2;1;Caller said \x93thanks\x94\n"
    "c2;09/30/2025 18:30;IRS-REFUND;555-0101;4;;0;6;5;\n"
    "c3;09/30/2025 18:30;NOPE-QUEUE;555-0102;5;5;5;5;5;\n"
    "c4;09/30/2025 18:30;IRS-REFUND;555-0103;5;5;5;5;5;undefined byte \x81 here\n"
    "c5;31/09/2025 18:30;IRS-REFUND;555-0104;5;5;5;5;5;\n"
).encode("latin-1")

# (service, FY, Q, channel, driver) -> (n, n_positive), worked out by hand
EXPECTED = {
    ("dos-passport", 2025, 1, "web", "satisfaction"): (2, 2),
    ("dos-passport", 2025, 1, "web", "trust"): (1, 1),
    ("dos-passport", 2025, 1, "web", "effectiveness"): (1, 0),
    ("dos-passport", 2025, 1, "web", "transparency"): (0, 0),
    ("dos-passport", 2025, 1, "web", "employee"): (0, 0),
    ("dos-passport", 2025, 2, "web", "satisfaction"): (2, 1),
    ("dos-passport", 2025, 2, "mobile", "satisfaction"): (1, 1),
    ("dos-passport", 2025, 2, "all", "satisfaction"): (3, 2),
    ("dos-passport", 2025, 2, "all", "trust"): (3, 2),
    ("irs-file-return", 2025, 2, "web", "trust"): (3, 1),
    ("irs-file-return", 2025, 2, "web", "ease"): (1, 0),
    ("irs-file-return", 2025, 2, "web", "efficiency"): (0, 0),
    ("irs-file-return", 2025, 2, "web", "humanity"): (1, 1),
    ("irs-file-return", 2025, 2, "web", "effectiveness"): (1, 0),
    ("irs-file-return", 2025, 2, "web", "other"): (0, 0),
    ("ssa-retirement", 2025, 3, "web", "trust"): (2, 0),
    ("ssa-retirement", 2025, 3, "web", "ease"): (0, 0),
    ("ssa-retirement", 2025, 3, "web", "efficiency"): (0, 0),
    ("ssa-retirement", 2025, 3, "web", "humanity"): (1, 1),
    ("irs-refund-status", 2026, 1, "phone", "satisfaction"): (1, 1),
    ("irs-refund-status", 2026, 1, "phone", "efficiency"): (0, 0),
    ("irs-refund-status", 2025, 4, "phone", "satisfaction"): (1, 1),
    ("irs-refund-status", 2025, 4, "phone", "efficiency"): (0, 0),
    ("irs-refund-status", 2025, 4, "all", "trust"): (1, 1),
}


def _write(path: Path, data: bytes | str, k: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, (T0 + k, T0 + k))


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def write_landing(root: Path) -> dict:
    tp, api, cc = root / "touchpoints", root / "agency_api", root / "contact_center"
    _write(tp / "a_legacy.csv", TP_LEGACY, 1)
    _write(tp / "b_v2.csv", TP_V2, 2)
    _write(tp / "c_v2_fix.csv", TP_V2_FIX, 3)
    _write(tp / "d_v2_again.csv", TP_V2, 4)  # b_v2 delivered again: loaded once, so c wins
    _write(tp / "e_header_only.csv", TP_V2.splitlines()[0] + "\n", 5)
    _write(tp / "f_empty.csv", "", 6)
    _write(tp / "notes.txt", "not a Touchpoints export\n", 7)
    _write(tp / "g_other.csv", "x,y\n1,2\n", 8)
    _write(tp / ".partial.csv", TP_LEGACY, 9)
    _write(api / "2025/04/dump1.jsonl", _jsonl(API_V1) + '{"response_id": "r9", "serv\n', 10)
    _write(api / "2025/04/dump2.jsonl", _jsonl(API_V2), 11)
    _write(cc / "calls.csv", CC, 12)
    return EXPECTED
