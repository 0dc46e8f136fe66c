"""`cxwh dashboard` (what `make run` ends with) must serve without a terminal and on a
machine where Streamlit never ran: stdin closed, an empty HOME, no display."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dashboard_serves_with_stdin_closed_and_an_empty_home(tmp_path):
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), CX_DATA_DIR=str(data))
    cxwh = Path(sys.executable).with_name("cxwh")
    log = tmp_path / "dashboard.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(cxwh), "dashboard", "--port", str(port), "--address", "127.0.0.1"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:
        health = None
        for _ in range(120):
            assert proc.poll() is None, f"dashboard exited {proc.returncode}: {log.read_text()}"
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=1
                ) as r:
                    health = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert health == "ok", log.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200
        assert proc.poll() is None  # still serving: no prompt ended it
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text()
    assert "Email" not in text, text
    assert f"http://127.0.0.1:{port}" in text
    assert not (home / ".streamlit" / "credentials.toml").exists()
