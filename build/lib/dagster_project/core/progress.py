"""Progress on long steps: a live bar on a terminal, a short line per 10 % in a log.

Under cron, CI or `> run.log` a redrawn bar would write every update into the log
(carriage returns and all); there a step prints its name, a line at each tenth of the
way, and its end instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


class _LineProgress:
    """tqdm's `update` / `set_postfix` / `close`, printed as a line per 10 %."""

    def __init__(self, total: float | None, desc: str, unit: str, scale: bool):
        self.total, self.desc, self.unit, self.scale = total, desc, unit, scale
        self.n = 0.0
        self.next_tenth = 1
        self.postfix = ""
        self.started = time.perf_counter()
        print(f"{desc}: started" + (f" ({self._fmt(total)})" if total else ""), file=sys.stderr)

    def _fmt(self, value: float | None) -> str:
        if value is None:
            return ""
        if self.scale and value >= 1e6:
            return f"{value / 1e6:,.1f} M{self.unit}"
        return f"{value:,.0f} {self.unit}"

    def update(self, n: float = 1) -> None:
        self.n += n
        if self.total:
            tenth = int(10 * self.n / self.total)
            if self.next_tenth <= tenth < 10:  # one line for the tenths crossed at once
                print(f"{self.desc}: {tenth * 10} %{self.postfix}", file=sys.stderr)
                self.next_tenth = tenth + 1

    def set_postfix(self, **values) -> None:
        self.postfix = " (" + ", ".join(f"{k}={v:,}" for k, v in values.items()) + ")"

    def close(self) -> None:
        seconds = time.perf_counter() - self.started
        print(f"{self.desc}: done, {self._fmt(self.n)} in {seconds:,.1f} s{self.postfix}",
              file=sys.stderr)  # fmt: skip


@contextmanager
def progress_bar(
    total: float | None, desc: str, unit: str = "it", unit_scale: bool = False
) -> Iterator:
    """A tqdm bar on an interactive stderr, else `_LineProgress`."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, desc=desc, unit=unit, unit_scale=unit_scale, file=sys.stderr)
    else:
        bar = _LineProgress(total, desc, unit, unit_scale)
    try:
        yield bar
    finally:
        bar.close()
