"""Timers and peak memory of a process tree.

Every measured phase runs in its own subprocess so that its peak memory is its own:
`run_measured` starts the command, samples the summed RSS of the process and all of
its children every ~0.2 s in a thread, and returns wall-clock seconds and the peak.
Sampling can miss a spike shorter than the interval; at the scales benchmarked the
phases last seconds to minutes, so the error is small and on the low side.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.2
GIB = 1 << 30


def tree_rss(proc: psutil.Process) -> int:
    """Summed resident set size of a process and all of its descendants, in bytes."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        # a child may exit between listing and reading
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


class PeakSampler(threading.Thread):
    """Tracks the max over time of `tree_rss(pid)` until `stop()`."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss(self.proc))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


@dataclass
class Measured:
    """One measured subprocess: what ran, how long, how much memory, how it ended."""

    cmd: list[str]
    seconds: float
    peak_rss: int
    returncode: int
    timed_out: bool
    log: Path | None

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def tail(self, lines: int = 30) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _limit_address_space(limit_bytes: int):
    def apply() -> None:  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return apply


def run_measured(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
    log: Path | None = None,
    timeout: float | None = None,
    memory_limit: int | None = None,
) -> Measured:
    """Run `cmd` to completion (or `timeout`), timing it and sampling its tree's RSS.

    Output goes to `log` (stdout and stderr together) so a long run cannot fill a
    pipe. `memory_limit` caps the child's address space (RLIMIT_AS): a runaway
    baseline fails with MemoryError instead of taking the machine down.
    """
    full_env = {**os.environ, **(env or {})}
    out = log.open("w") if log else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            env=full_env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_limit_address_space(memory_limit) if memory_limit else None,
        )
        sampler = PeakSampler(proc.pid)
        sampler.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_tree(proc.pid)
            proc.wait()
        seconds = time.perf_counter() - start
        peak = sampler.stop()
    finally:
        if log:
            out.close()
    return Measured(cmd, seconds, peak, proc.returncode, timed_out, log)


def _kill_tree(pid: int) -> None:
    """End the process we started and its descendants (only those, by pid)."""
    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()


def self_peak_rss() -> int:
    """Peak RSS of the calling process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def fmt_bytes(n: int | None) -> str:
    if n is None:
        return "—"
    if n >= GIB:
        return f"{n / GIB:.2f} GiB"
    return f"{n / (1 << 20):.0f} MiB"
