"""Every setting of the warehouse, read from the environment in one place.

`CX_DATA_DIR` (default `data`) decides where data lives and nothing else does:
landing files, the DuckDB warehouse and the published snapshot all sit under it.
`get_settings()` reads every other variable too (the README lists them); the rest of
the code takes a `Settings` and never reads the environment itself.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT_DIR = Path(os.environ.get("CX_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt"))
# where `dbt parse` (dagster-dbt's DbtProject) writes the manifest the assets are read from
DBT_MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

# The order sources are loaded in and the sub-folder of the landing zone each uses.
SOURCES = ("touchpoints", "agency_api", "contact_center", "case_events", "service_volumes")

DEMO_SALT = "cxwh-demo-salt-not-a-secret"

DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"
DEFAULT_DUCKDB_LOCK_WAIT_SECONDS = 300.0
DEFAULT_PIPELINE_LOCK_WAIT_SECONDS = 3600.0
DEFAULT_INGEST_BATCH_MB = 256.0
DEFAULT_INGEST_SOURCES_AT_ONCE = 2
DEFAULT_FRESHNESS_HOURS = 24.0 * 45
DEFAULT_LOG_LEVEL = "ERROR"
DEFAULT_DASHBOARD_PORT = 8501
DEFAULT_DASHBOARD_ADDRESS = "localhost"
DEFAULT_ALERT_QUARTERS = 2
DEFAULT_ALERT_TIMEOUT_SECONDS = 10.0
DEFAULT_SMTP_PORT = 25


# The catalog name the marts file is attached under (dbt's profile, connect_warehouse).
MARTS_CATALOG = "marts_db"


@dataclass(frozen=True)
class Settings:
    data_dir: Path  # CX_DATA_DIR
    id_salt: str  # CX_ID_SALT
    # DuckDB's memory bound for every session on the warehouse (ingest, dbt, publish,
    # export); beyond it DuckDB spills under spill_dir.
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT  # CX_DUCKDB_MEMORY_LIMIT
    # How long opening the warehouse waits for another process's write lock.
    duckdb_lock_wait_seconds: float = DEFAULT_DUCKDB_LOCK_WAIT_SECONDS
    # How long a daemon-launched run waits for the pipeline lock.
    pipeline_lock_wait_seconds: float = DEFAULT_PIPELINE_LOCK_WAIT_SECONDS
    # The files loaded in one transaction (shared between the sources loaded at once).
    ingest_batch_mb: float = DEFAULT_INGEST_BATCH_MB  # CX_INGEST_BATCH_MB
    # Sources loaded at the same time (threads sharing the warehouse; 1: one by one).
    ingest_sources_at_once: int = DEFAULT_INGEST_SOURCES_AT_ONCE  # CX_INGEST_SOURCES_AT_ONCE
    # The source freshness check warns after this long without a delivery.
    freshness_hours: float = DEFAULT_FRESHNESS_HOURS  # CX_FRESHNESS_HOURS
    log_level: str = DEFAULT_LOG_LEVEL  # CX_LOG_LEVEL: Dagster's console log level

    @property
    def spill_dir(self) -> Path:
        """Where DuckDB spills what does not fit in memory (every session, dbt's too)."""
        return self.data_dir / ".tmp" / "duckdb"

    def duckdb_config(self) -> dict[str, str]:
        """The configuration every DuckDB session on this data directory opens with."""
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        return {"memory_limit": self.duckdb_memory_limit, "temp_directory": str(self.spill_dir)}

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def marts_path(self) -> Path:
        """The marts' own DuckDB file (dbt attaches it as MARTS_CATALOG, its file name's
        stem, so it reads the same opened on its own): publishing is a byte copy of it,
        never a re-write of its tables."""
        return self.data_dir / "marts_db.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def exports_dir(self) -> Path:
        return self.published_dir / "exports"

    def source_dir(self, source: str) -> Path:
        return self.landing_dir / source


_warned_demo_salt = False


def data_dir() -> Path:
    """`$CX_DATA_DIR` (default `./data`), resolved: what the dashboard needs, without
    reading (or warning about) the settings it never uses."""
    return Path(os.environ.get("CX_DATA_DIR", "data")).expanduser().resolve()


def get_settings() -> Settings:
    """Read the settings from the environment at call time (tests change it)."""
    global _warned_demo_salt
    salt = os.environ.get("CX_ID_SALT")
    if not salt:
        if not _warned_demo_salt:  # once per process, not at every call site
            _warned_demo_salt = True
            warnings.warn(
                "CX_ID_SALT is not set: customer ids are hashed with the public demo salt. "
                "Set CX_ID_SALT to a secret before loading real feeds.",
                stacklevel=2,
            )
        salt = DEMO_SALT
    env = os.environ.get
    return Settings(
        data_dir=data_dir(),
        id_salt=salt,
        duckdb_memory_limit=env("CX_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT,
        duckdb_lock_wait_seconds=_number(
            "CX_DUCKDB_LOCK_WAIT_SECONDS", DEFAULT_DUCKDB_LOCK_WAIT_SECONDS
        ),
        pipeline_lock_wait_seconds=_number(
            "CX_PIPELINE_LOCK_WAIT_SECONDS", DEFAULT_PIPELINE_LOCK_WAIT_SECONDS
        ),
        ingest_batch_mb=_number("CX_INGEST_BATCH_MB", DEFAULT_INGEST_BATCH_MB),
        ingest_sources_at_once=int(
            _number("CX_INGEST_SOURCES_AT_ONCE", DEFAULT_INGEST_SOURCES_AT_ONCE)
        ),
        freshness_hours=_number("CX_FRESHNESS_HOURS", DEFAULT_FRESHNESS_HOURS),
        log_level=(env("CX_LOG_LEVEL") or DEFAULT_LOG_LEVEL).upper(),
    )


def dashboard_server() -> tuple[int, str]:
    """Where `cxwh dashboard` serves: `CX_DASHBOARD_PORT`, `CX_DASHBOARD_ADDRESS`."""
    port = _number("CX_DASHBOARD_PORT", DEFAULT_DASHBOARD_PORT)
    if port != int(port) or not 0 < port < 65536:
        raise SystemExit(
            f"error: CX_DASHBOARD_PORT={os.environ['CX_DASHBOARD_PORT']!r} is not a port "
            f"(1-65535, default {DEFAULT_DASHBOARD_PORT})"
        )
    return int(port), os.environ.get("CX_DASHBOARD_ADDRESS") or DEFAULT_DASHBOARD_ADDRESS


def _number(name: str, default: float) -> float:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise SystemExit(f"error: {name}={text!r} is not a number (default {default:g})") from None
    if value < 0:
        raise SystemExit(f"error: {name}={text!r} must not be negative (default {default:g})")
    return value


@dataclass(frozen=True)
class AlertDelivery:
    """Where new alerts go besides the dashboard (docs/alerts.md). Nothing configured:
    alerts are on the dashboard only."""

    webhook_url: str | None = None  # CX_ALERT_WEBHOOK_URL: a JSON POST per new alert
    webhook_token: str | None = None  # CX_ALERT_WEBHOOK_TOKEN: sent as a Bearer token
    smtp_host: str | None = None  # CX_SMTP_HOST
    smtp_port: int = DEFAULT_SMTP_PORT  # CX_SMTP_PORT
    smtp_user: str | None = None  # CX_SMTP_USER (with CX_SMTP_PASSWORD): log in
    smtp_password: str | None = None  # CX_SMTP_PASSWORD
    smtp_starttls: bool = False  # CX_SMTP_STARTTLS=1: upgrade the connection to TLS
    email_to: tuple[str, ...] = ()  # CX_ALERT_EMAIL_TO: comma-separated addresses
    email_from: str = "cx-warehouse@localhost"  # CX_ALERT_EMAIL_FROM
    dashboard_url: str = f"http://{DEFAULT_DASHBOARD_ADDRESS}:{DEFAULT_DASHBOARD_PORT}"
    # CX_ALERT_QUARTERS: alerts of the latest this-many quarters with data are delivered;
    # older ones (a first deployment's history) stay on the dashboard.
    quarters: int = DEFAULT_ALERT_QUARTERS
    timeout_seconds: float = DEFAULT_ALERT_TIMEOUT_SECONDS  # CX_ALERT_TIMEOUT_SECONDS

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_url)

    @property
    def email(self) -> bool:
        return bool(self.smtp_host)

    @property
    def configured(self) -> bool:
        return self.webhook or self.email


class SettingsError(ValueError):
    """A setting that cannot work, with what to set instead (the CLI checks before a run;
    inside a Dagster step it fails that step with the same words)."""


def alert_delivery() -> AlertDelivery:
    """The alert destinations from the environment (`CX_ALERT_*`, `CX_SMTP_*`), checked:
    a half-configured destination raises SettingsError saying what to set."""
    try:
        return _alert_delivery()
    except SystemExit as exc:  # _number's message
        raise SettingsError(str(exc.code).removeprefix("error: ")) from None


def _alert_delivery() -> AlertDelivery:
    env = os.environ.get
    url = env("CX_ALERT_WEBHOOK_URL") or None
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(
            f"CX_ALERT_WEBHOOK_URL={url!r} is not an http(s) URL; set it to the "
            "endpoint that receives a JSON POST per new alert, or unset it"
        )
    host = env("CX_SMTP_HOST") or None
    to = tuple(a.strip() for a in (env("CX_ALERT_EMAIL_TO") or "").split(",") if a.strip())
    if host and not to:
        raise SettingsError(
            "CX_SMTP_HOST is set but CX_ALERT_EMAIL_TO is not: set it to the "
            "comma-separated addresses that receive the alerts, or unset CX_SMTP_HOST"
        )
    if to and not host:
        raise SettingsError(
            "CX_ALERT_EMAIL_TO is set but CX_SMTP_HOST is not: set the mail server "
            "(CX_SMTP_HOST, CX_SMTP_PORT) that sends the alerts"
        )
    port = _number("CX_SMTP_PORT", DEFAULT_SMTP_PORT)
    quarters = _number("CX_ALERT_QUARTERS", DEFAULT_ALERT_QUARTERS)
    for name, value in (("CX_SMTP_PORT", port), ("CX_ALERT_QUARTERS", quarters)):
        if value != int(value) or value < 1:
            raise SettingsError(f"{name}={os.environ[name]!r} must be a whole number ≥ 1")
    dash_port, dash_address = dashboard_server()
    return AlertDelivery(
        webhook_url=url,
        webhook_token=env("CX_ALERT_WEBHOOK_TOKEN") or None,
        smtp_host=host,
        smtp_port=int(port),
        smtp_user=env("CX_SMTP_USER") or None,
        smtp_password=env("CX_SMTP_PASSWORD") or None,
        smtp_starttls=(env("CX_SMTP_STARTTLS") or "").lower() in ("1", "true", "yes"),
        email_to=to,
        email_from=env("CX_ALERT_EMAIL_FROM") or "cx-warehouse@localhost",
        dashboard_url=(env("CX_DASHBOARD_URL") or f"http://{dash_address}:{dash_port}").rstrip("/"),
        quarters=int(quarters),
        timeout_seconds=_number("CX_ALERT_TIMEOUT_SECONDS", DEFAULT_ALERT_TIMEOUT_SECONDS),
    )
