"""Alert delivery end to end: the real pipeline, a local webhook and a local SMTP server.

Touchpoints trust answers written here, one an hour (no burst), web only:
- IRS "file a return" (financial services, trust benchmark 77 in 2025): FY2025 Q2
  36 of 40 positive (90.0), Q3 16 of 40 (40.0). Two alerts, by hand: `score_drop`
  (90 → 40, z ≈ 4.7) and `trust_below_benchmark` (40 < 77 − 10), both FY2025 Q3.
- a later delivery, passports (government services, benchmark 65–66): Q2 36 of 40
  (90.0), Q3 24 of 40 (60.0): one more `score_drop` (z ≈ 3.1; 60 is not 10 below 66).

Run 1: the webhook answers 500, the mail server takes the digest. Run 2 (the passport file,
the webhook back): the two failed alerts are retried and the new one sent, the mail
has the new one only. Run 3 finds nothing new; run 4 (`--force`) re-publishes: nothing
is sent again.
"""

from __future__ import annotations

import email
import json
import os
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from dagster import build_schedule_context

from dagster_project.cli.main import main
from dagster_project.core import alert_delivery
from dagster_project.core.settings import get_settings
from dagster_project.core.warehouse import open_warehouse
from dagster_project.defs.schedules import alert_retry_schedule

pytestmark = pytest.mark.slow

TP_HEADER = (
    "id,form_id,form_kind,service_id,channel,created_at,page,user_agent,stage,"
    "satisfaction,trust,effectiveness,ease,efficiency,transparency,employee,comment\n"
)
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"
DASHBOARD = "https://cx.agency.example.gov"
PAYLOAD_KEYS = {
    "alert_key", "severity", "rule", "subject", "service_id", "service_name",
    "fiscal_year", "fiscal_quarter", "quarter", "observed", "expected", "n", "message",
    "owner", "first_detected_at", "dashboard_url", "snapshot",
}  # fmt: skip


def _trust_rows(service: str, first_id: int, start: datetime, positive: int) -> list[str]:
    rows = []
    for i in range(40):
        at = (start + timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        trust = 5 if i < positive else 2
        rows.append(f"{first_id + i},F-1,a11,{service},web,{at},https://example.gov/{service},"
                    f"{UA},,,{trust},,,,,,")  # fmt: skip
    return rows


def _file(service: str, first_id: int, q2_positive: int, q3_positive: int) -> str:
    rows = _trust_rows(service, first_id, datetime(2025, 1, 6, 8, tzinfo=UTC), q2_positive)
    rows += _trust_rows(service, first_id + 40, datetime(2025, 4, 7, 8, tzinfo=UTC), q3_positive)
    return TP_HEADER + "\n".join(rows) + "\n"


def _deliver(path: Path, text: str, when: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (when, when))


class Webhook(BaseHTTPRequestHandler):
    status = 200
    received: list[tuple[dict, dict]] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    data = tmp_path_factory.mktemp("alerts")
    http = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    mp = pytest.MonkeyPatch()
    mp.setenv("CX_DATA_DIR", str(data))
    mp.setenv("DAGSTER_HOME", str(data / "dagster_home"))
    mp.setenv("CX_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{http.server_port}/hooks/cx?token=s3cret")
    mp.setenv("CX_SMTP_HOST", "127.0.0.1")
    mp.setenv("CX_SMTP_PORT", str(smtp.port))
    mp.setenv("CX_ALERT_EMAIL_TO", "cx-team@agency.example.gov")
    mp.setenv("CX_DASHBOARD_URL", DASHBOARD)
    mp.setattr(alert_delivery, "BACKOFF", (0.01, 0.01))  # the retries, without the wait
    settings = get_settings()
    when = datetime(2025, 7, 1, tzinfo=UTC).timestamp()
    _deliver(
        settings.landing_dir / "touchpoints" / "irs.csv", _file("irs-file-return", 1, 36, 16), when
    )
    yield settings, mailbox
    mp.undo()
    smtp.stop()
    http.shutdown()


def _deliveries(settings) -> dict[tuple[str, str, str], tuple[str, int, str | None]]:
    """(service, rule, channel) -> (status, runs_tried, last_error)"""
    with open_warehouse(settings.data_dir) as con:
        rows = con.execute(
            "select service_id, rule, channel, status, runs_tried, last_error "
            "from raw.alert_deliveries"
        ).fetchall()
    return {(s, r, c): (st, n, e) for s, r, c, st, n, e in rows}


def test_a_failing_webhook_is_shown_and_the_mail_goes_out(servers, capsys):
    settings, mailbox = servers
    Webhook.status, Webhook.received = 500, []
    assert main(["pipeline"]) == 0  # a delivery failure does not fail the build
    out = capsys.readouterr().out

    # the webhook was tried three times for the first alert (same idempotency key), and
    # the second alert waited for the next run instead of hammering a failing endpoint
    assert len(Webhook.received) == 3
    assert len({h["Idempotency-Key"] for h, _ in Webhook.received}) == 1
    # one digest with both alerts, most severe first, each with its dashboard link
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mail["Subject"] == "CX alerts: 2 new (1 high, 1 medium)"
    assert mail["To"] == "cx-team@agency.example.gov"
    body = mail.get_content()
    assert body.index("[HIGH]") < body.index("[MEDIUM]")
    assert "Trust fell from 90.0 to 40.0 (n = 40)" in body
    assert body.count(f"{DASHBOARD}/service_detail?fy=2025&q=3&service=irs-file-return") == 2

    assert _deliveries(settings) == {
        ("irs-file-return", "score_drop", "webhook"): ("failed", 1, "HTTP 500 Internal Server Error"),
        ("irs-file-return", "trust_below_benchmark", "webhook"): (
            "failed", 1, "not sent: HTTP 500 Internal Server Error on an earlier alert of this run"),
        ("irs-file-return", "score_drop", "email"): ("delivered", 1, None),
        ("irs-file-return", "trust_below_benchmark", "email"): ("delivered", 1, None),
    }  # fmt: skip
    # shown: in the summary, the check's warning, and the dashboard's status file
    assert "Alerts: 2 failed by webhook to http://127.0.0.1:" in out
    assert "HTTP 500 Internal Server Error; tried again on the next run" in out
    assert "warning: alerts/deliveries · alerts_delivered" in out
    assert "s3cret" not in out  # the URL's secret is never printed
    status = duckdb.sql(
        f"select channel, status, count(*) from '{settings.published_dir}/alert_deliveries.parquet' "
        "group by all order by all"
    ).fetchall()
    assert status == [("email", "delivered", 2), ("webhook", "failed", 2)]
    # a daemon deployment retries them hourly, whatever the daily load does
    request = alert_retry_schedule(build_schedule_context())
    assert request.tags["cx/alert_deliveries_waiting"] == "2"


def test_a_run_with_no_new_data_retries_the_failed_deliveries(servers, capsys):
    settings, mailbox = servers
    Webhook.status, Webhook.received = 200, []
    assert main(["pipeline"]) == 0  # no landing file, no dbt change: a delivery waits
    out = capsys.readouterr().out
    assert "nothing new on" in out  # nothing to load or build: only the delivery job runs
    assert "2 alert deliveries wait (new alerts, or failed before): delivering them." in out
    assert "Alerts: 2 delivered by webhook" in out
    assert sorted(b["rule"] for _, b in Webhook.received) == ["score_drop", "trust_below_benchmark"]
    assert len(mailbox.messages) == 1  # the e-mail had gone out already
    assert {k: v[:2] for k, v in _deliveries(settings).items() if k[2] == "webhook"} == {
        ("irs-file-return", "score_drop", "webhook"): ("delivered", 2),
        ("irs-file-return", "trust_below_benchmark", "webhook"): ("delivered", 2),
    }


def test_the_next_run_sends_only_what_is_new(servers):
    settings, mailbox = servers
    Webhook.status, Webhook.received = 200, []
    latest = max(p.stat().st_mtime for p in settings.landing_dir.rglob("*") if p.is_file())
    _deliver(settings.landing_dir / "touchpoints" / "passport.csv",
             _file("dos-passport", 1001, 36, 24), latest + 60)  # fmt: skip
    assert main(["pipeline"]) == 0

    got = {(b["service_id"], b["rule"], b["subject"], b["quarter"]): b for _, b in Webhook.received}
    assert sorted(got) == [("dos-passport", "score_drop", "trust", "FY2025 Q3")]
    (body,) = got.values()
    assert (body["observed"], body["expected"], body["n"]) == (60.0, 90.0, 40)
    for headers, body in Webhook.received:  # numbers and names only: nothing else
        assert set(body) == PAYLOAD_KEYS
        assert headers["Content-Type"] == "application/json"
        assert headers["Idempotency-Key"] == body["alert_key"]
        assert body["dashboard_url"] == (
            f"{DASHBOARD}/service_detail?fy=2025&q=3&service={body['service_id']}"
        )
    # the mail has the new alert only
    assert len(mailbox.messages) == 2
    assert mailbox.messages[1]["Subject"] == "CX alerts: 1 new (1 high)"
    assert "Trust fell from 90.0 to 60.0 (n = 40)" in mailbox.messages[1].get_content()
    deliveries = _deliveries(settings)
    assert deliveries[("dos-passport", "score_drop", "webhook")][:2] == ("delivered", 1)
    assert all(v[0] == "delivered" for v in deliveries.values()) and len(deliveries) == 6


def test_nothing_is_sent_twice(servers, capsys):
    settings, mailbox = servers
    Webhook.received = []
    assert main(["pipeline"]) == 0  # nothing new: no Dagster run at all
    assert "nothing new" in capsys.readouterr().out
    assert main(["pipeline", "--force"]) == 0  # a re-publish
    assert "Alerts: nothing new to deliver." in capsys.readouterr().out
    assert Webhook.received == [] and len(mailbox.messages) == 2
    assert len(_deliveries(settings)) == 6
    skip = alert_retry_schedule(build_schedule_context())
    assert skip.skip_message == "every published alert has been delivered"
