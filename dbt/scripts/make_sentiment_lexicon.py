"""Regenerate seeds/sentiment_lexicon.csv from the VADER lexicon (MIT licence) that the
installed vaderSentiment package ships, so comment sentiment is computed offline in SQL.

Keeps single lower-case word tokens (letters and apostrophes; the SQL tokeniser splits
on everything else) and adds VADER's negation words with `is_negator = true`.

    .venv/bin/python dbt/scripts/make_sentiment_lexicon.py
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from vaderSentiment import vaderSentiment as vader

WORD = re.compile(r"^[a-z']+$")
OUT = Path(__file__).resolve().parents[1] / "seeds" / "sentiment_lexicon.csv"


def main() -> None:
    lexicon_file = Path(vader.__file__).with_name("vader_lexicon.txt")
    valences: dict[str, float] = {}
    for line in lexicon_file.read_text(encoding="utf-8").splitlines():
        token, valence = line.split("\t")[:2]
        if WORD.match(token):
            valences[token] = float(valence)
    negators = {w for w in vader.NEGATE if WORD.match(w)}
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["token", "valence", "is_negator"])
        for token in sorted(valences.keys() | negators):
            writer.writerow([token, valences.get(token, 0.0), str(token in negators).lower()])
    print(f"wrote {OUT} ({len(valences)} words, {len(negators)} negators)")


if __name__ == "__main__":
    main()
