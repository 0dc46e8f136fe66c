"""One pipeline at a time per data directory: `$CX_DATA_DIR/.pipeline.lock`.

DuckDB allows one writer per warehouse file, and two loads interleaving would also mix
up each other's summaries. Every run takes this lock before it touches anything — `cxwh
pipeline` for its whole run, a run the Dagster daemon launches through the `pipeline_lock`
resource — and holds it until it ends. It is an advisory `flock` the kernel releases when
the holder's process ends, however it ends: a lock left by a killed run is never in force,
and the next run clears its stale description (pid, start time) and takes over.

The lock is re-entrant within one process: `cxwh pipeline` holds it while the Dagster runs
it starts in process take it again.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.core.settings import Settings, get_settings

LOCK_NAME = ".pipeline.lock"
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later

_held: dict[Path, int] = {}  # lock path -> depth, for this process
_guard = threading.Lock()


class PipelineLockedError(RuntimeError):
    """Another pipeline holds the lock; the message says who and what to do."""


@dataclass(frozen=True)
class Holder:
    pid: int | None
    started_at: str | None
    command: str | None
    host: str | None

    def describe(self) -> str:
        parts = [f"pid {self.pid}" if self.pid else "an unknown process"]
        if self.host and self.host != socket.gethostname():
            parts.append(f"on {self.host}")
        if self.started_at:
            parts.append(f"since {self.started_at}")
        if self.command:
            parts.append(f"({self.command})")
        return " ".join(parts)


def lock_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / LOCK_NAME


def read_holder(path: Path) -> Holder | None:
    try:
        info = json.loads(path.read_text() or "null")
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict):
        return None
    return Holder(info.get("pid"), info.get("started_at"), info.get("command"), info.get("host"))


@contextmanager
def pipeline_lock(
    settings: Settings | None = None, wait_seconds: float = 0.0, command: str = "cxwh pipeline",
    on_stale=None,
) -> Iterator[Path]:  # fmt: skip
    """Hold the data directory's pipeline lock; raise PipelineLockedError if another
    process holds it for longer than `wait_seconds`. `on_stale(holder)` is called when a
    lock left by a process that ended is cleared."""
    path = lock_path(settings)
    with _guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield path
        finally:
            with _guard:
                _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(0.0, wait_seconds)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = read_holder(path)
                    raise PipelineLockedError(
                        f"another pipeline is running on {path.parent}: "
                        f"{holder.describe() if holder else 'an unknown process'} holds {path}. "
                        "Wait for it to finish, or run `cxwh pipeline --wait` to queue behind it."
                    ) from None
                time.sleep(0.5)
        stale = read_holder(path)
        if stale is not None and stale.pid and on_stale is not None:
            on_stale(stale)  # the kernel released it: its process is gone
        os.ftruncate(fd, 0)
        os.pwrite(
            fd,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "command": command,
                    "host": socket.gethostname(),
                    "argv": sys.argv[:3],
                }
            ).encode(),
            0,
        )
        with _guard:
            _held[path] = 1
        try:
            yield path
        finally:
            with _guard:
                _held.pop(path, None)
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
