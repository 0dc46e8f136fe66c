"""Drive the real dashboard: a `streamlit run` server and headless Debian Chromium.

Used by the browser tests (fixture snapshot), the integration test (a snapshot the real
pipeline published) and `make screenshots` (the README's pictures of the demo data).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
NO_CHROMIUM = "install Debian's chromium: apt-get install chromium"

# page file, URL path, title
PAGES = [
    ("quarter_at_a_glance", "", "Quarter at a glance"),
    ("service_detail", "service_detail", "Service detail"),
    ("journeys", "journeys", "Journeys"),
    ("relationships", "relationships", "Relationships"),
    ("action_plans", "action_plans", "CX Action Plans"),
    ("data_quality", "data_quality", "Data quality"),
    ("omb_export", "omb_export", "OMB export"),
]


def chromium() -> str | None:
    return shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_dashboard(data_dir: Path) -> Iterator[str]:
    """Start `streamlit run` on CX_DATA_DIR=data_dir; yield its URL once healthy."""
    port = _free_port()
    log_path = Path(data_dir) / "streamlit.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app" / "streamlit_app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO, env={**os.environ, "CX_DATA_DIR": str(data_dir)},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not _healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("streamlit did not start:\n" + log_path.read_text()[-3000:])
                time.sleep(0.3)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def launch_chromium(path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str, path: str, title: str):
    """Open a page and wait until Streamlit's script run has finished."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=30_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    return page


MAIN_HEIGHT = "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"


def screenshot(page, path: Path) -> None:
    # Streamlit scrolls inside its main pane, so a "full page" screenshot would stop at
    # the viewport: grow the viewport to the content instead. Charts keep drawing after
    # the script run ends, so grow until the height stops changing.
    height = 0
    for _ in range(10):
        page.wait_for_timeout(800)
        now = page.evaluate(MAIN_HEIGHT)
        if now == height:
            break
        height = now
        page.set_viewport_size({"width": 1440, "height": min(max(height, 900), 7000)})
    page.wait_for_timeout(800)  # let Plotly redraw at the final size
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def main() -> int:
    """`make screenshots`: the README's pictures of whatever $CX_DATA_DIR has published."""
    path = chromium()
    if path is None:
        print(f"error: no chromium; {NO_CHROMIUM}", file=sys.stderr)
        return 1
    data_dir = Path(os.environ.get("CX_DATA_DIR", "data")).resolve()
    out = REPO / "docs" / "screenshots"
    with serve_dashboard(data_dir) as url, launch_chromium(path) as browser:
        for name, page_path, title in PAGES:
            page = open_page(browser, url, page_path, title)
            if page.locator('[data-testid="stException"]').count():
                print(f"error: {name} shows an exception", file=sys.stderr)
                return 1
            screenshot(page, out / f"{name}.png")
            page.close()
            print(f"wrote {out / name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
