"""How one run sends alerts to a webhook: retries, what a rejection and a dead endpoint
do to the other alerts, what is recorded (the whole flow through the pipeline is
tests/integration/test_alert_delivery.py)."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from dagster_project.core import alert_delivery as ad
from dagster_project.core.settings import AlertDelivery


def _alert(key: str) -> dict:
    return dict(alert_key=key, service_id="fsa-fafsa", service_name="FAFSA", fiscal_year=2026,
                fiscal_quarter=1, rule="score_drop", subject="trust", severity="high",
                observed=60.0, expected=80.0, n=50, message="Trust fell.", owner=None,
                first_detected_at=datetime(2026, 1, 20, tzinfo=UTC))  # fmt: skip


class Endpoint(BaseHTTPRequestHandler):
    # alert_key -> statuses to answer, in turn (then 200)
    script: dict[str, list[int]] = {}
    seen: list[str] = []

    def do_POST(self):  # noqa: N802
        key = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["alert_key"]
        type(self).seen.append(key)
        statuses = type(self).script.get(key) or [200]
        self.send_response(statuses.pop(0) if len(statuses) > 1 else statuses[0])
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def _send(url: str, keys: list[str]) -> tuple[ad.Outcome, list[tuple]]:
    cfg = AlertDelivery(webhook_url=url, timeout_seconds=2)
    dest = ad.destinations(cfg)[0]
    con = duckdb.connect()
    con.execute(ad.DDL)
    outcome = ad.Outcome(dest)
    ad._send_each(cfg, con, dest, [_alert(k) for k in keys], "v1", outcome, sleep=lambda s: None)
    rows = con.execute(
        "select alert_key, status, runs_tried, last_error from raw.alert_deliveries order by 1"
    ).fetchall()
    return outcome, rows


def test_a_rejected_alert_fails_alone_and_a_flaky_one_is_retried(endpoint):
    Endpoint.script = {"bad": [400], "flaky": [503, 200]}
    Endpoint.seen = []
    outcome, rows = _send(endpoint, ["a", "bad", "flaky", "z"])
    assert Endpoint.seen == ["a", "bad", "flaky", "flaky", "z"]  # 400 is not retried
    assert outcome.delivered == ["a", "flaky", "z"]
    assert outcome.failed == {"bad": "HTTP 400 Bad Request"}
    assert rows == [
        ("a", "delivered", 1, None), ("bad", "failed", 1, "HTTP 400 Bad Request"),
        ("flaky", "delivered", 1, None), ("z", "delivered", 1, None),
    ]  # fmt: skip


def test_a_dead_endpoint_is_tried_for_the_first_alert_only():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    outcome, rows = _send(f"http://127.0.0.1:{port}/hook", ["a", "b"])
    assert not outcome.delivered
    assert outcome.failed["a"].startswith("could not reach the webhook")
    assert outcome.failed["b"].startswith("not sent: could not reach the webhook")
    assert [r[1] for r in rows] == ["failed", "failed"]


def test_the_destination_is_recorded_without_the_urls_secret():
    cfg = AlertDelivery(webhook_url="https://hooks.example.com/services/T0/B0/s3cret?x=1")
    (dest,) = ad.destinations(cfg)
    assert dest.label == "https://hooks.example.com" and "s3cret" not in dest.key
