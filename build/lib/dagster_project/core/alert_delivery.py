"""Deliver each new alert once: a JSON POST per alert to a webhook, one e-mail per run.

The alerts are those of the published snapshot (`marts.fct_cx_alerts`, what the
dashboard shows) in the latest `CX_ALERT_QUARTERS` quarters with data; older ones (the
history a first deployment finds) stay on the dashboard. Each attempt is recorded in
the warehouse, `raw.alert_deliveries`, one row per alert and destination, written as
soon as the destination answered: a re-run, a re-publish or a restart sends nothing
that was delivered, and an alert whose delivery failed is tried again on the next run
(and shown as failed until then, in the run summary, the `alerts_delivered` check and
on the dashboard's Alerts page, which reads `published/alert_deliveries.parquet`).

Messages carry numbers only (score, n, service, rule, a link to the dashboard view),
never a comment or anything about a customer. Each POST has the alert's key in an
`Idempotency-Key` header, so a receiver can drop the rare repeat (the POST succeeded
but the run died before recording it).

No Dagster here: `defs/assets/alerts.py` runs it after the publish step.
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from dagster_project.core.settings import AlertDelivery, Settings, alert_delivery
from dagster_project.core.snapshots import current_snapshot
from dagster_project.core.warehouse import connect_warehouse

DDL = """
create schema if not exists raw;
create table if not exists raw.alert_deliveries (
    alert_key varchar not null,        -- marts.fct_cx_alerts.alert_key
    channel varchar not null,          -- webhook | email
    destination_key varchar not null,  -- sha256 of the URL / recipients (never stored)
    destination varchar not null,      -- what a person reads: the host, the recipients
    service_id varchar not null,
    fiscal_year integer not null,
    fiscal_quarter integer not null,
    rule varchar not null,
    severity varchar not null,
    status varchar not null,           -- delivered | failed
    runs_tried integer not null,       -- runs that tried it (each with its retries)
    first_tried_at timestamp with time zone not null,
    last_tried_at timestamp with time zone not null,
    delivered_at timestamp with time zone,
    last_error varchar,
    primary key (alert_key, channel, destination_key)
)
"""
STATUS_FILE = "alert_deliveries.parquet"
# Tries within one run for one message, and the pauses between them (seconds).
BACKOFF = (1.0, 3.0)
USER_AGENT = "cx-warehouse-alerts/1"
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Destination:
    channel: str  # webhook | email
    key: str  # sha256 of where it goes: a webhook URL often carries a secret
    label: str  # what a person reads: the webhook's host, the recipients


@dataclass
class Outcome:
    destination: Destination
    delivered: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # alert_key -> error

    def describe(self) -> str:
        text = f"{self.destination.channel} to {self.destination.label}: "
        text += f"{len(self.delivered)} delivered"
        if self.failed:
            first = next(iter(self.failed.values()))
            text += f", {len(self.failed)} FAILED ({first}; tried again next run)"
        return text


class DeliveryError(RuntimeError):
    """A destination refused or could not be reached; `permanent` when trying the same
    message again cannot help (HTTP 4xx other than 408/429)."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def destinations(cfg: AlertDelivery) -> list[Destination]:
    found = []
    if cfg.webhook_url:
        parts = urlsplit(cfg.webhook_url)
        found.append(
            Destination("webhook", _digest(cfg.webhook_url), f"{parts.scheme}://{parts.netloc}")
        )
    if cfg.smtp_host:
        to = ", ".join(cfg.email_to)
        found.append(Destination("email", _digest(f"{cfg.smtp_host}|{to}"), to))
    return found


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- reading


def in_scope_alerts(con: duckdb.DuckDBPyConnection, snapshot: Path, quarters: int) -> list[dict]:
    """The snapshot's alerts of its latest `quarters` quarters with data, most severe
    first, with what a message needs."""
    con.execute("attach if not exists ? as delivery_snapshot (read_only)", [str(snapshot)])
    try:
        if not con.execute(
            "select count(*) from duckdb_tables() where database_name = 'delivery_snapshot' "
            "and schema_name = 'marts' and table_name = 'fct_cx_alerts'"
        ).fetchone()[0]:
            return []  # published by a version without alerts: the next publish has them
        rows = con.execute(
            """
            with latest as (
                select distinct fiscal_year, fiscal_quarter
                from delivery_snapshot.marts.agg_quarterly_service_scores
                order by fiscal_year desc, fiscal_quarter desc
                limit ?
            )
            select a.alert_key, a.service_id, s.service_name, a.fiscal_year,
                   a.fiscal_quarter, a.rule, a.subject, a.severity, a.observed, a.expected,
                   a.n, a.message, a.owner, a.first_detected_at
            from delivery_snapshot.marts.fct_cx_alerts a
            join latest using (fiscal_year, fiscal_quarter)
            join delivery_snapshot.marts.dim_service s using (service_id)
            order by case a.severity when 'high' then 0 when 'medium' then 1 else 2 end,
                     a.fiscal_year, a.fiscal_quarter, s.service_name, a.rule, a.subject
            """,
            [quarters],
        )
        names = [d[0] for d in rows.description]
        return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]
    finally:
        con.execute("detach delivery_snapshot")


def _has_deliveries(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = 'alert_deliveries' and database_name = current_database()"
    ).fetchone()[0])  # fmt: skip


def _delivered(con: duckdb.DuckDBPyConnection, dest: Destination) -> set[str]:
    return {
        k
        for (k,) in con.execute(
            "select alert_key from raw.alert_deliveries where channel = ? and "
            "destination_key = ? and status = 'delivered'",
            [dest.channel, dest.key],
        ).fetchall()
    }


def pending(settings: Settings, cfg: AlertDelivery, con: duckdb.DuckDBPyConnection) -> int:
    """How many (alert, destination) pairs wait to be delivered (or tried again)."""
    snapshot = current_snapshot(settings.published_dir)
    if snapshot is None or not cfg.configured:
        return 0
    keys = {a["alert_key"] for a in in_scope_alerts(con, snapshot.path, cfg.quarters)}
    has_table = _has_deliveries(con)
    done = (lambda d: _delivered(con, d)) if has_table else (lambda d: set())
    return sum(len(keys - done(d)) for d in destinations(cfg))


def waiting(settings: Settings, wait_seconds: float | None = None) -> int:
    """`pending` for the environment's destinations, on the warehouse opened read-only
    (`cxwh pipeline` and the hourly retry schedule ask it); 0 when no destination is
    configured or nothing was loaded yet. Raises SettingsError, WarehouseLockedError."""
    cfg = alert_delivery()
    if not cfg.configured or not settings.warehouse_path.exists():
        return 0
    with connect_warehouse(settings, read_only=True, wait_seconds=wait_seconds) as con:
        return pending(settings, cfg, con)


# --------------------------------------------------------------------------- sending


def dashboard_link(cfg: AlertDelivery, alert: dict) -> str:
    return (
        f"{cfg.dashboard_url}/service_detail?fy={alert['fiscal_year']}"
        f"&q={alert['fiscal_quarter']}&service={alert['service_id']}"
    )


def payload(cfg: AlertDelivery, alert: dict, snapshot_version: str) -> dict:
    """The JSON one alert is POSTed as: numbers and names only."""

    def num(v):
        return None if v is None else round(float(v), 2)

    return {
        "alert_key": alert["alert_key"],
        "severity": alert["severity"],
        "rule": alert["rule"],
        "subject": alert["subject"],
        "service_id": alert["service_id"],
        "service_name": alert["service_name"],
        "fiscal_year": alert["fiscal_year"],
        "fiscal_quarter": alert["fiscal_quarter"],
        "quarter": f"FY{alert['fiscal_year']} Q{alert['fiscal_quarter']}",
        "observed": num(alert["observed"]),
        "expected": num(alert["expected"]),
        "n": alert["n"],
        "message": alert["message"],
        "owner": alert["owner"],
        "first_detected_at": alert["first_detected_at"].astimezone(UTC).isoformat(),
        "dashboard_url": dashboard_link(cfg, alert),
        "snapshot": snapshot_version,
    }


def post_json(cfg: AlertDelivery, body: dict) -> None:
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": body["alert_key"],
    }
    if cfg.webhook_token:
        headers["Authorization"] = f"Bearer {cfg.webhook_token}"
    request = urllib.request.Request(
        cfg.webhook_url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=cfg.timeout_seconds) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}", permanent) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"could not reach the webhook: {reason}") from None


def email_digest(cfg: AlertDelivery, alerts: list[dict], snapshot_version: str) -> EmailMessage:
    """One message listing the run's new alerts, most severe first."""
    counts = {s: sum(a["severity"] == s for a in alerts) for s in SEVERITY_ORDER}
    by = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    msg = EmailMessage()
    msg["Subject"] = f"CX alerts: {len(alerts)} new ({by})"
    msg["From"] = cfg.email_from
    msg["To"] = ", ".join(cfg.email_to)
    lines = [f"{len(alerts)} new alert{'s' * (len(alerts) != 1)} from the CX warehouse "
             f"(snapshot {snapshot_version}):", ""]  # fmt: skip
    for a in alerts:
        lines += [
            f"[{a['severity'].upper()}] FY{a['fiscal_year']} Q{a['fiscal_quarter']} · "
            f"{a['service_name']} · {a['rule']} ({a['subject']})",
            f"  {a['message']}",
            f"  Owner: {a['owner'] or 'no CX Action Plan owner on record'}",
            f"  View: {dashboard_link(cfg, a)}",
            "",
        ]
    lines.append("Each alert is sent once. Rules and thresholds: the seed alert_rules.")
    msg.set_content("\n".join(lines))
    return msg


def send_email(cfg: AlertDelivery, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.timeout_seconds) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls()
            if cfg.smtp_user:
                smtp.login(cfg.smtp_user, cfg.smtp_password or "")
            smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        detail = (
            exc.smtp_error.decode(errors="replace")
            if isinstance(exc.smtp_error, bytes)
            else exc.smtp_error
        )
        raise DeliveryError(f"SMTP {exc.smtp_code} {detail}", 500 <= exc.smtp_code < 600) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"could not send through {cfg.smtp_host}:{cfg.smtp_port}: {exc}"
        ) from None


def _with_retries(send: Callable[[], None], sleep: Callable[[float], None]) -> None:
    for pause in (*BACKOFF, None):
        try:
            send()
            return
        except DeliveryError as exc:
            if exc.permanent or pause is None:
                raise
            sleep(pause)


# --------------------------------------------------------------------------- recording


def _record(
    con: duckdb.DuckDBPyConnection,
    dest: Destination,
    alerts: list[dict],
    error: str | None,
    now: datetime,
) -> None:
    con.executemany(
        """
        insert into raw.alert_deliveries as d values
            (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
        on conflict (alert_key, channel, destination_key) do update set
            destination = excluded.destination,
            status = excluded.status,
            runs_tried = d.runs_tried + 1,
            last_tried_at = excluded.last_tried_at,
            delivered_at = excluded.delivered_at,
            last_error = excluded.last_error
        """,
        [
            [a["alert_key"], dest.channel, dest.key, dest.label, a["service_id"],
             a["fiscal_year"], a["fiscal_quarter"], a["rule"], a["severity"],
             "failed" if error else "delivered", now, now, None if error else now, error]
            for a in alerts
        ],
    )  # fmt: skip


def _settle(
    con: duckdb.DuckDBPyConnection,
    outcome: Outcome,
    alerts: list[dict],
    error: str | None,
    now: datetime,
) -> None:
    """Record the destination's answer for `alerts` and add it to the run's outcome."""
    _record(con, outcome.destination, alerts, error, now)
    for alert in alerts:
        if error:
            outcome.failed[alert["alert_key"]] = error
        else:
            outcome.delivered.append(alert["alert_key"])


def write_status_file(con: duckdb.DuckDBPyConnection, settings: Settings) -> Path:
    """`published/alert_deliveries.parquet`: the dashboard's view of the deliveries,
    replaced atomically (the snapshot itself is read-only and published before)."""
    out = settings.published_dir / STATUS_FILE
    tmp = out.with_suffix(".parquet.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    target = str(tmp).replace("'", "''")
    con.execute(
        f"""copy (
            select alert_key, channel, destination, status, runs_tried, last_tried_at,
                   delivered_at, last_error
            from raw.alert_deliveries order by alert_key, channel
        ) to '{target}' (format parquet)"""
    )
    tmp.replace(out)
    return out


def deliver(
    settings: Settings,
    cfg: AlertDelivery,
    con: duckdb.DuckDBPyConnection,
    log: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Send every in-scope alert not yet delivered to each configured destination and
    record each outcome. Nothing configured or nothing published: nothing to do."""
    snapshot = current_snapshot(settings.published_dir)
    if snapshot is None or not cfg.configured:
        return []
    con.execute(DDL)
    alerts = in_scope_alerts(con, snapshot.path, cfg.quarters)
    version = snapshot.version
    outcomes = []
    for dest in destinations(cfg):
        done = _delivered(con, dest)
        todo = [a for a in alerts if a["alert_key"] not in done]
        outcome = Outcome(dest)
        outcomes.append(outcome)
        if not todo:
            continue
        if dest.channel == "email":
            _send_digest(cfg, con, dest, todo, version, outcome, sleep)
        else:
            _send_each(cfg, con, dest, todo, version, outcome, sleep)
        log(outcome.describe())
    write_status_file(con, settings)
    return outcomes


def _send_each(cfg, con, dest, todo, version, outcome, sleep) -> None:
    unreachable = None  # once the endpoint is down, the rest wait for the next run
    for alert in todo:
        now = datetime.now(UTC)
        if unreachable:
            error = f"not sent: {unreachable} on an earlier alert of this run"
        else:
            try:
                _with_retries(lambda a=alert: post_json(cfg, payload(cfg, a, version)), sleep)
                error = None
            except DeliveryError as exc:
                error = str(exc)
                unreachable = None if exc.permanent else error
        _settle(con, outcome, [alert], error, now)


def _send_digest(cfg, con, dest, todo, version, outcome, sleep) -> None:
    now = datetime.now(UTC)
    try:
        _with_retries(lambda: send_email(cfg, email_digest(cfg, todo, version)), sleep)
        error = None
    except DeliveryError as exc:
        error = str(exc)
    _settle(con, outcome, todo, error, now)


def recent_deliveries(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple]:
    """(channel, destination, status, alerts, last error) of the deliveries tried since
    `since`, for the run summary; nothing when no delivery was ever tried."""
    if not _has_deliveries(con):
        return []
    return con.execute(
        """
        select channel, destination, status, count(*), any_value(last_error)
        from raw.alert_deliveries where last_tried_at >= ?
        group by all order by channel, status
        """,
        [since],
    ).fetchall()
