"""`cxwh worker`: a resident process that runs `cxwh pipeline` without starting up.

Every `cxwh pipeline` pays ~4-5 s before and around its work whatever the delivery's
size: Python imports Dagster, dagster-dbt and dbt (~3 s), opens the Dagster instance,
builds the definitions, loads the dbt manifest, and dbt compiles its macros the first
time it runs. On a day's small delivery that is most of the run. A worker pays it once:
it keeps those imported and loaded, listens on a Unix socket for its data directory,
and runs each `cxwh pipeline` it is sent in its own process, one at a time, streaming
the run's output back. `cxwh pipeline` uses a worker when one serves its data directory
and falls back to running in its own process otherwise; the run is the same either way
(same lock, same Dagster run in the same instance, same summary).

A worker only serves a client that would run the same code on the same settings: same
Python, same working directory, same CX_*/DAGSTER_*/DBT_* environment, and no file of
the project (its Python package, the dbt project, its seeds) changed since the worker
started. A changed file makes the worker exit (it is stale for everyone); a client with
other settings runs in its own process. The worker exits by itself after
`--idle-minutes` (default 60, $CX_WORKER_IDLE_MINUTES) without a request.

    cxwh worker --detach     # start one in the background for $CX_DATA_DIR
    cxwh pipeline            # served by it (the first line of output says so)
    cxwh worker --status     # pid, runs served, memory
    cxwh worker --stop
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from dagster_project.core.settings import DBT_PROJECT_DIR, PROJECT_ROOT, get_settings

ENV_PREFIXES = ("CX_", "DAGSTER_", "DBT_")
DEFAULT_IDLE_MINUTES = 60.0
STALE = "a file of the project changed since the worker started"
_SKIP_DIRS = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml"}


class WorkerError(RuntimeError):
    """The worker could not start, or did not answer; the message says what to do."""


class _Terminated(BaseException):
    """SIGTERM: end the worker (and a run in progress, as Ctrl-C would) and clean up."""


def _terminate(signum, frame) -> None:
    raise _Terminated


def socket_path(data_dir: Path | None = None) -> Path:
    """The worker's socket for a data directory (in the temp dir: a Unix socket path
    must stay under ~100 bytes, which a data directory's own path may not)."""
    data_dir = (data_dir or get_settings().data_dir).resolve()
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"cxwh-{os.getuid()}-{digest}.sock"


def code_files() -> list[Path]:
    """Every file whose change would make a resident worker run stale code or rules."""
    files = [PROJECT_ROOT / "pyproject.toml"]
    for root in (Path(__file__).resolve().parents[1], DBT_PROJECT_DIR):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
            files += [Path(dirpath) / f for f in filenames if not f.endswith((".pyc", ".log"))]
    return sorted(files)


def code_digest() -> str:
    h = hashlib.sha256()
    for path in code_files():
        with contextlib.suppress(OSError):
            st = path.stat()
            h.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    return h.hexdigest()


def identity() -> dict[str, str]:
    """What a client and the worker must share for the worker to serve it."""
    env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)}
    return {
        "python": sys.executable,
        "cwd": os.getcwd(),
        "env": hashlib.sha256(json.dumps(sorted(env.items())).encode()).hexdigest(),
        "code": code_digest(),
    }


def _mismatch(mine: dict[str, str], theirs: dict[str, str]) -> str | None:
    labels = {
        "code": STALE,
        "python": "another Python interpreter",
        "cwd": "another working directory",
        "env": "other CX_*, DAGSTER_* or DBT_* settings in the environment",
    }
    for key, label in labels.items():
        if mine.get(key) != theirs.get(key):
            return label
    return None


# --- the wire: one JSON object per line, both ways -------------------------------------


def _send(conn: socket.socket, message: dict) -> None:
    conn.sendall((json.dumps(message) + "\n").encode())


def _messages(conn: socket.socket):
    buffer = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield json.loads(line)


def _request(path: Path, message: dict, timeout: float | None = 5.0) -> socket.socket | None:
    """A connection with `message` sent, or None when no worker listens on `path`."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(str(path))
        _send(conn, message)
    except OSError:
        conn.close()
        return None
    return conn


BUSY = {"busy": True}


def _ask(path: Path, message: dict, timeout: float = 5.0) -> dict | None:
    """The worker's answer; None when none listens, BUSY when one listens but is running
    a pipeline (it reads the next request when the run ends)."""
    conn = _request(path, message, timeout)
    if conn is None:
        return None
    with conn:
        try:
            return next(_messages(conn), None) or BUSY
        except OSError:
            return BUSY


class _Stream:
    """sys.stdout or sys.stderr of one request: every write goes to the client."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, conn: socket.socket, name: str, tty: bool, lock: threading.Lock):
        self._conn, self._name, self._tty, self._lock = conn, name, tty, lock
        self.closed = False

    def write(self, text: str) -> int:
        if text and not self.closed:
            with self._lock:
                try:
                    _send(self._conn, {"stream": self._name, "text": text})
                except OSError:  # the client went away: the run goes on, unwatched
                    self.closed = True
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self._tty

    def writable(self) -> bool:
        return True


# --- the client side: `cxwh pipeline` ---------------------------------------------------


def delegate(argv: list[str], wait_seconds: float) -> int | None:
    """Run `cxwh pipeline argv` in the worker serving this data directory: its exit
    status, or None when no worker can serve it (the caller then runs in process)."""
    settings = get_settings()
    path = socket_path(settings.data_dir)
    if not path.exists():
        return None
    if wait_seconds <= 0 and _lock_is_held(settings):
        return None  # in process: the usual "another pipeline is running" and status 75
    message = {
        "op": "pipeline",
        "argv": argv,
        "identity": identity(),
        "tty": {"stdout": sys.stdout.isatty(), "stderr": sys.stderr.isatty()},
    }
    conn = _request(path, message, timeout=5.0)
    if conn is None:
        return None
    conn.settimeout(None)  # a run takes as long as it takes
    streams = {"stdout": sys.stdout, "stderr": sys.stderr}
    try:
        with conn:
            for msg in _messages(conn):
                if "stream" in msg:
                    streams[msg["stream"]].write(msg["text"])
                    streams[msg["stream"]].flush()
                elif "refused" in msg:
                    print(f"cxwh pipeline: the worker did not take this run ({msg['refused']}); "
                          "running it here.", file=sys.stderr)  # fmt: skip
                    return None
                elif "rc" in msg:
                    return int(msg["rc"])
    except KeyboardInterrupt:
        print(
            "interrupted: the run goes on in the worker; `cxwh worker --stop` ends it",
            file=sys.stderr,
        )
        return 130
    print(
        "error: the worker ended during the run without an exit status; its log is "
        f"{settings.data_dir / 'logs' / 'worker.log'}. The next `cxwh pipeline` clears the "
        "run's lock and marks its Dagster run failed; run it again.",
        file=sys.stderr,
    )
    return 1


def _lock_is_held(settings) -> bool:
    """Whether a live process holds the pipeline lock, read from its description (taking
    the lock, even shared, could make another process's attempt fail). A description
    left by a dead process reads as free; one whose pid was reused reads as held, and
    the run then happens in this process, where the lock itself decides."""
    from dagster_project.core.lock import lock_path, read_holder

    holder = read_holder(lock_path(settings))
    if holder is None or not holder.pid:
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- the worker ---------------------------------------------------------------------------


def _log(text: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} cxwh worker: {text}", file=sys.__stdout__, flush=True)


def _warm_up() -> None:
    """What every run would otherwise pay first: imports, definitions, instance, manifest."""
    from dagster_project.cli.instance import instance
    from dagster_project.definitions import defs
    from dagster_project.defs.assets.dbt import PARTIAL_PARSE, dbt_project, prepare_manifest
    from dagster_project.defs.assets.dbt_in_process import load_manifest

    prepare_manifest()
    defs()
    instance(get_settings())
    load_manifest(Path(dbt_project.project_dir) / "target" / PARTIAL_PARSE)
    import dbt.cli.main  # noqa: F401


def _rss_mib() -> float:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _release_memory() -> None:
    """Hand the run's freed memory back to the OS (glibc keeps it otherwise)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _serve_pipeline(conn: socket.socket, msg: dict) -> int:
    from dagster_project.cli.main import build_parser

    lock = threading.Lock()
    tty = msg.get("tty", {})
    out = _Stream(conn, "stdout", bool(tty.get("stdout")), lock)
    err = _Stream(conn, "stderr", bool(tty.get("stderr")), lock)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):  # type: ignore[type-var]
        try:
            args = build_parser().parse_args(msg["argv"])
            if args.command != "pipeline":
                print(f"error: a worker runs `cxwh pipeline` only, not {args.command}")
                return 2
            print(f"cxwh pipeline: served by the resident worker (pid {os.getpid()}).")
            return int(args.func(args, worker_pid=os.getpid()) or 0)
        except SystemExit as exc:  # argparse's usage errors, a bad setting
            return exc.code if isinstance(exc.code, int) else 2
        except Exception:  # the run's own error, as an in-process run would show it
            import traceback

            traceback.print_exc()
            return 1


def serve(idle_minutes: float = DEFAULT_IDLE_MINUTES) -> int:
    """Serve `cxwh pipeline` for $CX_DATA_DIR until idle for `idle_minutes` or stopped."""
    settings = get_settings()
    path = socket_path(settings.data_dir)
    if (status := _ask(path, {"op": "status"})) is not None:
        who = "busy with a run" if status is BUSY else f"pid {status['pid']}"
        print(f"error: a worker already serves {settings.data_dir} ({who}); "
              "`cxwh worker --stop` ends it.", file=sys.stderr)  # fmt: skip
        return 1
    mine = identity()  # before anything runs: runs set absolute paths in the environment
    signal.signal(signal.SIGTERM, _terminate)
    started = time.perf_counter()
    _warm_up()
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    os.chmod(path, 0o600)  # this user's runs only
    server.listen(8)
    server.settimeout(idle_minutes * 60 if idle_minutes > 0 else None)
    runs = 0
    _log(f"pid {os.getpid()} serves {settings.data_dir} on {path} "
         f"(ready in {time.perf_counter() - started:.1f} s; exits after {idle_minutes:g} idle "
         "minutes)")  # fmt: skip
    try:
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                _log(f"idle for {idle_minutes:g} minutes: exiting")
                return 0
            with conn:
                try:
                    conn.settimeout(30)
                    msg = next(_messages(conn), None)
                    conn.settimeout(None)
                    outcome = _handle(conn, msg, mine, settings, path, runs)
                except (OSError, ValueError) as exc:  # a client that went away mid-request
                    _log(f"a request failed: {exc}")
                    continue
                if outcome == "exit":
                    return 0
                if outcome == "ran":
                    runs += 1
    except _Terminated:
        _log("terminated (SIGTERM)")
        return 0
    finally:
        server.close()
        path.unlink(missing_ok=True)


def _handle(conn: socket.socket, msg: dict | None, mine: dict, settings, path: Path,
            runs: int) -> str | None:  # fmt: skip
    """Answer one request: "exit" when the worker should stop, "ran" after a run."""
    if msg is None:
        return None
    op = msg.get("op")
    if op == "status":
        _send(conn, {"pid": os.getpid(), "data_dir": str(settings.data_dir), "runs": runs,
                     "rss_mib": round(_rss_mib()), "socket": str(path)})  # fmt: skip
        return None
    if op == "stop":
        _send(conn, {"stopped": os.getpid()})
        _log("stopped by `cxwh worker --stop`")
        return "exit"
    if op != "pipeline":
        _send(conn, {"refused": f"unknown request {op!r}"})
        return None
    reason = _mismatch(mine, msg.get("identity", {}))
    if reason is not None:
        _send(conn, {"refused": reason})
        if reason == STALE:
            _log(f"{reason}: exiting (start a new worker to serve the new code)")
            return "exit"
        return None
    t0 = time.perf_counter()
    rc = _serve_pipeline(conn, msg)
    _release_memory()
    with contextlib.suppress(OSError):
        _send(conn, {"rc": rc})
    _log(f"run {runs + 1}: `cxwh {' '.join(msg['argv'])}` exit {rc} in "
         f"{time.perf_counter() - t0:.1f} s; RSS now {_rss_mib():.0f} MiB")  # fmt: skip
    return "ran"


def start_detached(idle_minutes: float, timeout: float = 120.0) -> int:
    """`cxwh worker --detach`: a worker in its own session, logging to
    $CX_DATA_DIR/logs/worker.log; returns once it answers."""
    import subprocess

    settings = get_settings()
    path = socket_path(settings.data_dir)
    if (status := _ask(path, {"op": "status"})) is not None:
        who = "busy with a run" if status is BUSY else f"pid {status['pid']}"
        print(f"A worker already serves {settings.data_dir} ({who}).")
        return 0
    log = settings.data_dir / "logs" / "worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dagster_project.cli.main", "worker",
             "--idle-minutes", str(idle_minutes)],
            stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (status := _ask(path, {"op": "status"}, timeout=1.0)) not in (None, BUSY):
            print(f"Worker pid {status['pid']} serves {settings.data_dir} (log: {log}).")
            return 0
        if proc.poll() is not None:
            print(f"error: the worker exited with status {proc.returncode} before it was "
                  f"ready; see {log}", file=sys.stderr)  # fmt: skip
            return 1
        time.sleep(0.2)
    print(f"error: the worker did not answer within {timeout:.0f} s; see {log}", file=sys.stderr)
    return 1


def stop() -> int:
    settings = get_settings()
    answer = _ask(socket_path(settings.data_dir), {"op": "stop"}, timeout=5.0)
    if answer is None:
        print(f"No worker serves {settings.data_dir}.")
        return 0
    if answer is BUSY:
        print("The worker is running a pipeline; it stops when the run ends.")
        return 0
    print(f"Stopped the worker (pid {answer['stopped']}).")
    return 0


def status() -> int:
    settings = get_settings()
    answer = _ask(socket_path(settings.data_dir), {"op": "status"}, timeout=5.0)
    if answer is None:
        print(f"No worker serves {settings.data_dir}.")
        return 3
    if answer is BUSY:
        print(f"A worker serves {settings.data_dir} and is running a pipeline now.")
        return 0
    print(f"Worker pid {answer['pid']} serves {answer['data_dir']} on {answer['socket']}: "
          f"{answer['runs']} runs so far, {answer['rss_mib']} MiB resident.")  # fmt: skip
    return 0


def idle_minutes_default() -> float:
    text = os.environ.get("CX_WORKER_IDLE_MINUTES")
    if not text:
        return DEFAULT_IDLE_MINUTES
    try:
        return float(text)
    except ValueError:
        raise WorkerError(f"CX_WORKER_IDLE_MINUTES={text!r} is not a number of minutes") from None
