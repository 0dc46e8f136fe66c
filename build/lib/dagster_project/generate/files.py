"""File-level defects: empty files, header-only files, unknown kinds, files delivered twice."""

from __future__ import annotations

from dagster_project.generate import case_events, contact_center
from dagster_project.generate.calendar import DAY, MONTH_EDGES
from dagster_project.generate.world import Context
from dagster_project.generate.writers import Sink

# A few bytes that look like the start of an Excel workbook (a zip archive).
XLSX = (
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"[Content_Types].xml" + bytes(range(64))
)
README = b"Weekly survey dumps. Contact the platform team before re-running an export.\n"


def write_file_defects(ctx: Context, sink: Sink) -> int:
    """Write the file-level defects; returns the data rows of the duplicated files."""
    t = int(MONTH_EDGES[14])  # December 2024
    specials = [
        ("touchpoints", "FY2025/touchpoints_export_retry.csv", b"", "empty_file"),
        ("contact_center", "2025/ivr_post_call_survey_202412_part2.csv", b"", "empty_file"),
        (
            "contact_center",
            "2025/ivr_post_call_survey_202412_test.csv",
            contact_center.HEADER,
            "header_only_file",
        ),
        (
            "case_events",
            "FY2025/case_events_2024-12_resend.csv",
            case_events.HEADER,
            "header_only_file",
        ),
        ("touchpoints", "FY2025/Touchpoints export instructions.xlsx", XLSX, "unknown_kind_file"),
        ("agency_api", "README.txt", README, "unknown_kind_file"),
    ]
    for i, (source, rel, data, kind) in enumerate(specials):
        sink.write(source, rel, [data], 0, t + i * 3600)
        ctx.count(kind)
    dup = 0
    for source, suffix in (("touchpoints", " (1).csv"), ("agency_api", "_resend.jsonl")):
        dup += _duplicate(ctx, sink, source, suffix)
    return dup


def _duplicate(ctx: Context, sink: Sink, source: str, suffix: str) -> int:
    """Deliver one file of `source` again, byte for byte, under another name two days later."""
    paths = sorted(
        p for p, s in sink.source.items() if s == source and p.suffix in (".csv", ".jsonl")
    )
    sized = [p for p in paths if p.stat().st_size > 200]
    if not sized:
        return 0
    original = sized[len(sized) // 3]
    data = original.read_bytes()
    rows = data.count(b"\n") - (original.suffix == ".csv")
    rel = original.relative_to(sink.root / source).with_name(original.stem + suffix).as_posix()
    sink.write(source, rel, [data], rows, sink.delivered[original] + 2 * DAY)
    ctx.count("duplicate_file")
    return rows
