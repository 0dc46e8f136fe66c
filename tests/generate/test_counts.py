"""How many rows land where, and that every service and channel shows up."""

from __future__ import annotations

from dagster_project.core.reference import channels, queue_map, service_ids
from dagster_project.generate import split_responses

from .conftest import N, api_lines, api_records, contact_center, csv_rows, data_files, touchpoints


def _data_rows(root, source: str) -> int:
    total = 0
    for path in data_files(root, source, (".csv", ".jsonl")):
        if path.suffix == ".jsonl":
            total += len(path.read_bytes().splitlines())
        else:
            enc, sep = ("cp1252", ";") if source == "contact_center" else ("utf-8", ",")
            total += max(0, len(csv_rows(path, encoding=enc, delimiter=sep)) - 1)
    return total


def test_split_of_n():
    assert split_responses(5000) == (2250, 1750, 1000)
    assert split_responses(10_000_001) == (4_500_000, 3_500_000, 2_000_001)
    assert sum(split_responses(7)) == 7


def test_rows_across_response_sources_are_n_plus_redeliveries(root, summary):
    """Rule: data rows (lines after the header) of touchpoints + agency_api + contact_center
    == N + corrected re-deliveries + rows of the files delivered twice."""
    counted = {s: _data_rows(root, s) for s in ("touchpoints", "agency_api", "contact_center")}
    assert counted == {s: summary.rows[s] for s in counted}
    assert (
        sum(counted.values())
        == N + summary.defects["redelivered_correction"] + summary.duplicate_rows
    )
    tp, api, cc = split_responses(N)
    assert tp <= counted["touchpoints"] <= tp + summary.duplicate_rows
    assert (
        api
        <= counted["agency_api"]
        <= api + summary.duplicate_rows + summary.defects["redelivered_correction"]
    )
    assert counted["contact_center"] == cc
    assert len(list(api_lines(root))) == counted["agency_api"]


def test_every_service_and_channel_appears(root):
    tp, api, cc = touchpoints(root), api_records(root), contact_center(root)
    queues = queue_map()
    services = (
        {r["service_id"] for r in tp}
        | {r["service_id"] for r in api}
        | {queues[r["Queue"]] for r in cc if r["Queue"] in queues}
    )
    assert service_ids() <= services
    assert {r["channel"] for r in tp} | {r["channel"] for r in api} | {"phone"} == set(channels())
    assert {r["channel"] for r in api} >= {"web", "mobile", "in_person", "email", "chat", "mail"}
    tp_channels = [r["channel"] for r in tp]
    assert sum(c in ("web", "mobile") for c in tp_channels) > 0.9 * len(tp_channels)
