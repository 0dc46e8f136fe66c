"""The pandas baseline: the quarterly driver scores as a data team would write them.

Idiomatic pandas, one file at a time into DataFrames, then concat, melt/explode,
drop_duplicates for "later delivery wins", and groupby. It applies the same rules
as the floor (see floor.py) and must produce the same numbers. The contact-center
files are decoded as real Windows-1252 (no Latin-1 shortcut here).

    python -m benchmarks.pandas_pipeline LANDING_DIR OUT.parquet
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd

from benchmarks import landing as L

TP_REQUIRED = ["id", "form_id", "form_kind", "service_id", "channel", "created_at"]
CC_KEYPAD = [f"q{i}" for i in range(1, 6)]
CC_REQUIRED = ["callid", "callstart", "queue", *CC_KEYPAD]
ANSWER_COLUMNS = ["service_id", "channel", "ts", "driver", "scale", "v"]


def _read_csv(f: L.LandingFile, sep: str, encoding: str) -> pd.DataFrame:
    # The pyarrow engine: pandas' fast CSV path, and the one that skips rows with too
    # few fields as well as too many (the C engine silently pads short rows).
    options = {"sep": sep, "dtype": str, "keep_default_na": False, "engine": "pyarrow"}
    try:
        df = pd.read_csv(f.path, encoding=encoding, on_bad_lines="skip", **options)
    except (UnicodeDecodeError, ValueError):
        # One byte the encoding cannot decode fails the whole file: decode with
        # replacement characters, then drop the records that hold one.
        text = f.path.read_bytes().decode(encoding, errors="replace").encode()
        df = pd.read_csv(io.BytesIO(text), on_bad_lines="skip", **options)
        undecodable = df.apply(lambda col: col.str.contains("\ufffd", regex=False)).any(axis=1)
        df = df[~undecodable]
    df.columns = [c.lstrip("\ufeff").strip().lower() for c in df.columns]
    df = df.loc[:, ~df.columns.duplicated()]
    return df.assign(seq=f.seq, rn=range(len(df)))


def _strip(s: pd.Series) -> pd.Series:
    return s.fillna("").str.strip(" ")


def _timestamps(s: pd.Series) -> pd.Series:
    """ISO 8601 (offset or not: UTC), or Touchpoints' `YYYY-MM-DD HH:MM:SS UTC`."""
    s = s.where(s.str.fullmatch(L.TS_WITH_OFFSET), None)  # no offset: the zone is a guess
    iso = s.str.replace(r" ?UTC$", "+00:00", regex=True)
    return pd.to_datetime(iso, utc=True, errors="coerce", format="ISO8601")


def _latest(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    return df.sort_values(["seq", "rn"]).drop_duplicates(key, keep="last")


def touchpoint_answers(files: list[L.LandingFile]) -> pd.DataFrame:
    frames = []
    for f in files:
        df = _read_csv(f, ",", "utf-8")
        has_legacy, has_v2 = set(L.LEGACY_DRIVERS) <= set(df.columns), "answer_01" in df
        if set(TP_REQUIRED) <= set(df.columns) and (has_legacy or has_v2):
            frames.append(df.assign(has_legacy=has_legacy, has_v2=has_v2))
    if not frames:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    for col in [*TP_REQUIRED, *L.LEGACY_DRIVERS, "answer_01"]:
        df[col] = _strip(df[col]) if col in df else ""
    for col in ["answer_02", "answer_03"]:
        df[col] = df[col].fillna("") if col in df else ""
    for col in ["form_kind", "service_id", "channel"]:
        df[col] = df[col].str.lower()
    df["ts"] = _timestamps(df["created_at"])
    kind_fits = ((df["form_kind"] == "a11") & df["has_legacy"]) | (
        df["form_kind"].isin(["a11_v2", "a11_v2_radio"]) & df["has_v2"]
    )
    ok = (df["id"] != "") & (df["form_id"] != "") & df["ts"].notna() & kind_fits
    ok &= df["service_id"].isin(L.service_ids()) & df["channel"].isin(L.channels())
    df = _latest(df[ok], ["form_id", "id"])

    context = ["form_id", "id", "service_id", "channel", "ts"]
    legacy = df[df["form_kind"] == "a11"].melt(
        id_vars=context, value_vars=list(L.LEGACY_DRIVERS), var_name="driver", value_name="v"
    )
    legacy = legacy[legacy["v"].isin(L.LIKERT)].assign(scale="likert5")

    v2 = df[df["form_kind"].isin(["a11_v2", "a11_v2_radio"])]
    thumbs = v2[(v2["form_kind"] == "a11_v2") & v2["answer_01"].str.lower().isin(L.THUMBS)]
    thumbs = thumbs.assign(answer_01=thumbs["answer_01"].str.lower().isin(L.THUMBS_UP).map(
        {True: "1", False: "0"}))  # fmt: skip
    radio = v2[(v2["form_kind"] == "a11_v2_radio") & v2["answer_01"].isin(L.LIKERT)]
    trust = pd.concat([thumbs.assign(scale="thumbs"), radio.assign(scale="likert5")])
    trust = trust.assign(driver="trust", v=trust["answer_01"])

    ticks = []
    for col, value in (("answer_02", "1"), ("answer_03", "0")):
        listed = v2[context].assign(driver=v2[col].str.split(",")).explode("driver")
        listed["driver"] = listed["driver"].str.strip(" ").str.lower()
        ticks.append(listed[listed["driver"].isin(L.INDICATOR_DRIVERS)].assign(v=value))
    # a driver ticked under both "went well" and "didn't" contradicts itself: no answer
    ticks = pd.concat(ticks).drop_duplicates()
    ticks = ticks.drop_duplicates(["form_id", "id", "driver"], keep=False).assign(scale="indicator")
    return pd.concat([legacy[ANSWER_COLUMNS], trust[ANSWER_COLUMNS], ticks[ANSWER_COLUMNS]])


def contact_center_answers(files: list[L.LandingFile]) -> pd.DataFrame:
    frames = [_read_csv(f, ";", "cp1252") for f in files]
    frames = [df for df in frames if set(CC_REQUIRED) <= set(df.columns)]
    if not frames:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    for col in CC_REQUIRED:
        df[col] = _strip(df[col])
    df["service_id"] = df["queue"].map(L.queue_services())
    local = pd.to_datetime(df["callstart"], format="%m/%d/%Y %H:%M", errors="coerce")
    # DuckDB's rule for the DST edges: an ambiguous hour is standard time, a missing
    # one moves forward; neither can change the fiscal quarter.
    df["ts"] = local.dt.tz_localize(
        "America/New_York", ambiguous=False, nonexistent=pd.Timedelta(hours=1)
    ).dt.tz_convert("UTC")
    ok = (df["callid"] != "") & df["service_id"].notna() & df["ts"].notna()
    df = _latest(df[ok], ["callid"])
    answers = df.melt(
        id_vars=["callid", "service_id", "ts"], value_vars=CC_KEYPAD, var_name="q", value_name="v"
    )
    answers["driver"] = answers["q"].map(L.KEYPAD_DRIVERS)
    answers = answers[answers["v"].isin(L.LIKERT)]
    return answers.assign(channel="phone", scale="likert5")[ANSWER_COLUMNS]


def _read_jsonl(f: L.LandingFile) -> pd.DataFrame:
    try:
        df = pd.read_json(f.path, lines=True, dtype=False)
    except ValueError:  # one bad line fails the whole file: parse line by line
        records = []
        with f.path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if "\ufffd" in line:  # bytes that are not UTF-8: the record is unreadable
                    continue
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict):
                    records.append(obj)
        df = pd.DataFrame.from_records(records)
    return df.assign(seq=f.seq, rn=range(len(df)))


def _text(s: pd.Series) -> pd.Series:
    """JSON scalars as DuckDB casts them to VARCHAR (numbers, booleans), trimmed."""
    out = s.map(lambda v: None if v is None else str(v).lower() if isinstance(v, bool) else v)
    return _strip(out.astype("string").astype(object).where(out.notna(), None))


def api_answers(files: list[L.LandingFile]) -> pd.DataFrame:
    frames = [_read_jsonl(f) for f in files]
    frames = [df for df in frames if len(df)]
    if not frames:
        return pd.DataFrame(columns=ANSWER_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    for col in ["response_id", "service_id", "channel", "submitted_at"]:
        df[col] = _text(df[col]) if col in df else ""
    df["service_id"] = df["service_id"].str.lower()
    df["channel"] = df["channel"].str.lower()
    df["ts"] = _timestamps(df["submitted_at"])
    ok = (df["response_id"] != "") & df["ts"].notna() & df["service_id"].isin(L.service_ids())
    ok &= df["channel"].isin(L.channels())
    ok &= df["answers"].map(lambda a: a is None or isinstance(a, list))
    df = _latest(df[ok], ["response_id"])

    answers = df[["response_id", "service_id", "channel", "ts", "answers"]].explode("answers")
    answers = answers[answers["answers"].map(lambda a: isinstance(a, dict))]
    answers = answers.reset_index(drop=True)
    parts = pd.json_normalize(answers["answers"].tolist())
    parts = parts.reindex(columns=["driver", "scale", "value"])
    answers = pd.concat([answers.drop(columns="answers"), parts], axis=1)
    answers["driver"] = _text(answers["driver"]).str.lower()
    answers["scale"] = _text(answers["scale"]).str.lower()
    answers["v"] = _text(answers["value"]).str.lower()
    likert = (answers["scale"] == "likert5") & answers["v"].isin(L.LIKERT)
    thumbs = (answers["scale"] == "thumbs") & answers["v"].isin(L.THUMBS_UP + L.THUMBS_DOWN)
    answers["v"] = answers["v"].where(
        ~thumbs, answers["v"].isin(L.THUMBS_UP).map({True: "1", False: "0"})
    )
    asked = (answers["driver"] + ":" + answers["scale"]).isin(L.driver_scales())
    answers = answers[asked & (likert | thumbs)]
    # a second answer for the same driver is quarantined: the first one counts
    answers = answers.drop_duplicates(["response_id", "driver"], keep="first")
    return answers[ANSWER_COLUMNS]


def pandas_scores(landing: Path) -> pd.DataFrame:
    """(service_id, fiscal_year, fiscal_quarter, channel, driver) -> n, n_positive,
    score (the unrounded positive share, 0-100) and is_suppressed."""
    answers = pd.concat(
        [
            touchpoint_answers(L.delivered_files(landing, "touchpoints", (".csv",))),
            api_answers(L.delivered_files(landing, "agency_api", (".jsonl", ".json", ".ndjson"))),
            contact_center_answers(L.delivered_files(landing, "contact_center", (".csv",))),
        ],
        ignore_index=True,
    )
    likert = answers["scale"] == "likert5"
    value = pd.to_numeric(answers["v"])
    answers["is_positive"] = (likert & (value >= 4)) | (~likert & (value == 1))
    month, year = answers["ts"].dt.month, answers["ts"].dt.year
    answers["fiscal_year"] = year + (month >= 10)
    answers["fiscal_quarter"] = ((month + 2) // 3) % 4 + 1  # Oct-Dec -> 1 ... Jul-Sep -> 4
    keys = ["service_id", "fiscal_year", "fiscal_quarter", "driver"]
    per_channel = answers.groupby([*keys, "channel"], as_index=False).agg(
        n=("is_positive", "size"), n_positive=("is_positive", "sum")
    )
    overall = answers.groupby(keys, as_index=False).agg(
        n=("is_positive", "size"), n_positive=("is_positive", "sum")
    )
    scores = pd.concat([per_channel, overall.assign(channel="all")], ignore_index=True)
    scores["score"] = 100.0 * scores["n_positive"] / scores["n"]
    scores["is_suppressed"] = scores["n"] < L.min_reportable_n()
    columns = [*L.SCORE_KEY, "n", "n_positive", "score", "is_suppressed"]
    return scores[columns].sort_values(L.SCORE_KEY, ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        scores = pandas_scores(Path(args[0]))
    except MemoryError:
        print("pandas: MemoryError (out of memory under the benchmark's memory cap)")
        return 3
    scores.to_parquet(args[1], index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
