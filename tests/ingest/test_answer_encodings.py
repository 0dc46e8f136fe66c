"""One list of answer encodings: the loaders and dbt read every value the same way.

Every row of the seed `answer_encodings`, and values on none of its rows, is delivered
as the trust answer of its own response: through the agency API (on the `likert5` and
the `thumbs` scale), and through Touchpoints (the legacy form's 1-5 `trust` column, and
the current form's `answer_01`, thumbs on `a11_v2`, 1-5 on `a11_v2_radio`). The real
loaders load them, a real `dbt build` reads them, and for each value:

- the seed reads it as an answer on that scale: the loader stores it, and dbt's answer
  row has the seed's answer value;
- the seed says "not answered": neither stored nor quarantined, and no answer row;
- anything else: the loader quarantines that answer as out of range, no answer row.

The expected classes come from the seed CSV itself; a second list in the loaders or in
dbt that drifted from it fails here.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import pytest

from dagster_project.core.settings import SEEDS_DIR
from dagster_project.core.warehouse import open_warehouse
from dagster_project.ingest.loader import load_source

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dbt"))
from dbt_runner import dbt_cli  # noqa: E402

# Values on no row of their scale (each must stay out of range on the scale it is sent on).
OFF_SCALE = {
    "likert5": ["0", "6", "4.5", "maybe", "up", "true", "9", "-1"],
    "thumbs": ["2", "5", "maybe", "thumbs up", "y", "👌", "-1"],
}
TP_HEADER = "id,form_id,form_kind,service_id,channel,created_at"
LEGACY = "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment"
V2 = "answer_01,answer_02,answer_03,answer_04"


def _seed() -> list[dict[str, str]]:
    with (SEEDS_DIR / "answer_encodings.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def cases() -> list[tuple[str, str, str, int | None]]:
    """(scale, value as delivered, expected class, expected answer value)."""
    rows = _seed()
    out = []
    for scale in ("likert5", "thumbs"):
        for r in rows:
            if r["scale"] == scale:
                # as delivered: with stray spaces and in upper case, read trimmed and lower-cased
                out.append((scale, f" {r['raw_value'].upper()} ", "answer", int(r["answer_value"])))
            elif r["scale"] == "*":
                out.append((scale, r["raw_value"].upper(), "not answered", None))
        out += [(scale, v, "out of range", None) for v in OFF_SCALE[scale]]
    return out


def _csv_field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    data = tmp_path_factory.mktemp("encodings")
    landing = data / "landing"
    (landing / "agency_api").mkdir(parents=True)
    (landing / "touchpoints").mkdir(parents=True)
    api, legacy, thumbs, radio = [], [], [], []
    for i, (scale, value, _, _) in enumerate(cases()):
        rid = f"ENC-{i}"
        api.append(json.dumps({
            "response_id": rid, "service_id": "fsa-fafsa", "channel": "web",
            "submitted_at": "2025-02-03T10:00:00Z",
            "answers": [{"driver": "trust", "scale": scale, "value": value}],
        }))  # fmt: skip
        row = f"{rid},F-ENC,{{kind}},fsa-fafsa,web,2025-02-03T10:00:00Z"
        if scale == "likert5":
            legacy.append(row.format(kind="a11") + f",,{_csv_field(value)},,,,,,")
            radio.append(row.format(kind="a11_v2_radio") + f",{_csv_field(value)},,,")
        else:
            thumbs.append(row.format(kind="a11_v2") + f",{_csv_field(value)},,,")
    (landing / "agency_api" / "encodings.jsonl").write_text("\n".join(api) + "\n")
    for name, header, rows in (("legacy.csv", LEGACY, legacy), ("thumbs.csv", V2, thumbs),
                               ("radio.csv", V2, radio)):  # fmt: skip
        # one form per file: the legacy and the current forms have different columns;
        # each file's ids are its own (form_id differs per file)
        text = "\n".join(r.replace("F-ENC", f"F-{name[:-4]}") for r in rows)
        (landing / "touchpoints" / name).write_text(f"{TP_HEADER},{header}\n{text}\n")
    env = {**os.environ, "CX_ID_SALT": "enc-salt"}  # dbt_cli points dbt at `data`
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CX_DATA_DIR", str(data))
        mp.setenv("CX_ID_SALT", "enc-salt")
        for source in ("agency_api", "touchpoints", "contact_center"):
            load_source(source)
    proc = dbt_cli(data, ["build", "--select", "+int_answers_unpivoted",
                          "--indirect-selection", "cautious",
                          "--exclude", "resource_type:unit_test"], env=env)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:]
    return data


def _classes(data, sql: str) -> dict[str, tuple]:
    with open_warehouse(data) as con:
        return {r[0]: tuple(r[1:]) for r in con.execute(sql).fetchall()}


def _expected(form: str) -> dict[str, tuple[str, int | None]]:
    """record id -> (class, answer value) for the responses sent through `form`."""
    out = {}
    for i, (scale, _, klass, value) in enumerate(cases()):
        if form == "agency_api" or (form in ("legacy", "radio")) == (scale == "likert5"):
            key = f"ENC-{i}" if form == "agency_api" else f"F-{form}:ENC-{i}"
            out[key] = (klass, value)
    return out


def test_the_loaders_and_dbt_classify_every_value_as_the_seed_does(loaded):
    quarantined = _classes(
        loaded, "select record_id, reason from raw.quarantine where level = 'answer'"
    )
    record_level = _classes(
        loaded, "select record_id, reason from raw.quarantine where level = 'record'"
    )
    assert record_level == {}  # every record loads; only answers are judged
    dbt_rows = _classes(loaded, """
        select r.source_record_id, a.scale, a.answer_value
        from intermediate.int_answers_unpivoted a
        join intermediate.int_responses_unioned r using (response_key)""")  # fmt: skip
    stored = _classes(loaded, """
        select response_id, len(answers) from raw.agency_api
        union all select form_id || ':' || submission_id,
               (coalesce(trust, answer_01) is not null)::int from raw.touchpoints""")  # fmt: skip

    wrong = []
    for form in ("agency_api", "legacy", "thumbs", "radio"):
        for key, (klass, value) in _expected(form).items():
            loader = (
                "out of range" if key in quarantined
                else "answer" if stored.get(key, (0,))[0] else "not answered"
            )  # fmt: skip
            in_dbt = dbt_rows.get(key)
            if loader != klass:
                wrong.append(f"{form} {key}: the loader reads it as {loader}, the seed as {klass}")
            if klass == "answer" and (in_dbt is None or in_dbt[1] != value):
                wrong.append(f"{form} {key}: dbt reads {in_dbt}, the seed answer value is {value}")
            if klass != "answer" and in_dbt is not None:
                wrong.append(
                    f"{form} {key}: dbt made an answer {in_dbt} of a value the seed calls {klass}"
                )
            if klass == "out of range" and "out of range" not in quarantined.get(key, ("",))[0]:
                wrong.append(f"{form} {key}: quarantined for {quarantined.get(key)}")
    assert wrong == []


def test_every_seed_row_was_sent(loaded):
    sent = {(scale, value.strip().lower()) for scale, value, _, _ in cases()}
    for r in _seed():
        scales = ("likert5", "thumbs") if r["scale"] == "*" else (r["scale"],)
        for scale in scales:
            if scale != "indicator":  # the tick boxes are not a delivered value
                assert (scale, r["raw_value"]) in sent, r
