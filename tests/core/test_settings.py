"""Every environment setting is read in one place (`get_settings`) and reaches DuckDB
through one resource: the values, the errors a user sees, the overrides."""

from __future__ import annotations

import re

import duckdb
import pytest

from dagster_project.core.settings import get_settings
from dagster_project.defs.resources import WarehouseResource

ENV = {
    "CX_DUCKDB_MEMORY_LIMIT": "1500MB",
    "CX_DUCKDB_LOCK_WAIT_SECONDS": "7",
    "CX_PIPELINE_LOCK_WAIT_SECONDS": "60",
    "CX_INGEST_BATCH_MB": "32",
    "CX_INGEST_SOURCES_AT_ONCE": "3",
    "CX_FRESHNESS_HOURS": "12.5",
    "CX_LOG_LEVEL": "info",
    "CX_ID_SALT": "s3cret",
}


def test_every_variable_is_read_into_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    s = get_settings()
    assert (s.data_dir, s.id_salt) == (tmp_path.resolve(), "s3cret")
    assert (s.duckdb_memory_limit, s.duckdb_lock_wait_seconds) == ("1500MB", 7.0)
    assert (s.pipeline_lock_wait_seconds, s.ingest_batch_mb) == (60.0, 32.0)
    assert s.ingest_sources_at_once == 3
    assert (s.freshness_hours, s.log_level) == (12.5, "INFO")
    assert s.duckdb_config() == {
        "memory_limit": "1500MB",
        "temp_directory": str(tmp_path.resolve() / ".tmp" / "duckdb"),
    }


def test_defaults_without_the_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CX_ID_SALT", "x")
    for name in ENV:
        if name != "CX_ID_SALT":
            monkeypatch.delenv(name, raising=False)
    s = get_settings()
    assert (s.duckdb_memory_limit, s.duckdb_lock_wait_seconds) == ("4GB", 300.0)
    assert (s.pipeline_lock_wait_seconds, s.ingest_batch_mb) == (3600.0, 256.0)
    assert s.ingest_sources_at_once == 2
    assert (s.freshness_hours, s.log_level) == (1080.0, "ERROR")


@pytest.mark.parametrize("value", ["ten", "-3"])
def test_a_bad_number_names_the_variable_and_its_default(monkeypatch, value):
    monkeypatch.setenv("CX_INGEST_BATCH_MB", value)
    with pytest.raises(SystemExit) as exc:
        get_settings()
    assert "CX_INGEST_BATCH_MB" in str(exc.value) and "default 256" in str(exc.value)


def _memory_limit(con: duckdb.DuckDBPyConnection) -> str:
    # DuckDB shows the limit in binary units, e.g. 1500MB as '1.3 GiB'
    return con.execute(
        "select value::varchar from duckdb_settings() where name = 'memory_limit'"
    ).fetchone()[0]


def test_the_resource_opens_the_warehouse_with_settings_and_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CX_ID_SALT", "x")
    monkeypatch.setenv("CX_DUCKDB_MEMORY_LIMIT", "1GB")
    with WarehouseResource().connect() as con:
        from_env = _memory_limit(con)
        assert con.execute("select current_setting('TimeZone')").fetchone()[0] == "UTC"
        spill = con.execute("select current_setting('temp_directory')").fetchone()[0]
        assert spill == str(tmp_path.resolve() / ".tmp" / "duckdb")
    with WarehouseResource(memory_limit="2GB").connect() as con:
        overridden = _memory_limit(con)
    assert (from_env, overridden) == ("953.6 MiB", "1.8 GiB")
    assert WarehouseResource(lock_wait_seconds=0).settings().duckdb_lock_wait_seconds == 0
    assert (tmp_path / "warehouse.duckdb").is_file()


def test_dashboard_server_from_the_environment(monkeypatch):
    from dagster_project.core.settings import dashboard_server

    monkeypatch.delenv("CX_DASHBOARD_PORT", raising=False)
    monkeypatch.delenv("CX_DASHBOARD_ADDRESS", raising=False)
    assert dashboard_server() == (8501, "localhost")
    monkeypatch.setenv("CX_DASHBOARD_PORT", "9000")
    monkeypatch.setenv("CX_DASHBOARD_ADDRESS", "0.0.0.0")
    assert dashboard_server() == (9000, "0.0.0.0")
    for bad in ("70000", "80.5"):
        monkeypatch.setenv("CX_DASHBOARD_PORT", bad)
        with pytest.raises(SystemExit, match=f"CX_DASHBOARD_PORT='{bad}' is not a port"):
            dashboard_server()


ALERT_ENV = ("CX_ALERT_WEBHOOK_URL", "CX_ALERT_WEBHOOK_TOKEN", "CX_SMTP_HOST", "CX_SMTP_PORT",
             "CX_SMTP_USER", "CX_SMTP_PASSWORD", "CX_SMTP_STARTTLS", "CX_ALERT_EMAIL_TO",
             "CX_ALERT_EMAIL_FROM", "CX_DASHBOARD_URL", "CX_ALERT_QUARTERS",
             "CX_ALERT_TIMEOUT_SECONDS", "CX_DASHBOARD_PORT", "CX_DASHBOARD_ADDRESS")  # fmt: skip


def test_alert_destinations_from_the_environment(monkeypatch):
    from dagster_project.core.settings import alert_delivery

    for name in ALERT_ENV:
        monkeypatch.delenv(name, raising=False)
    cfg = alert_delivery()
    assert not cfg.configured  # nothing set: alerts on the dashboard only
    assert (cfg.quarters, cfg.dashboard_url) == (2, "http://localhost:8501")
    for name, value in {
        "CX_ALERT_WEBHOOK_URL": "https://hooks.example/T1", "CX_ALERT_WEBHOOK_TOKEN": "tok",
        "CX_SMTP_HOST": "mail.agency.gov", "CX_SMTP_PORT": "587", "CX_SMTP_STARTTLS": "1",
        "CX_SMTP_USER": "u", "CX_SMTP_PASSWORD": "p",
        "CX_ALERT_EMAIL_TO": "a@agency.gov, b@agency.gov", "CX_ALERT_QUARTERS": "1",
        "CX_DASHBOARD_URL": "https://cx.agency.gov/", "CX_ALERT_TIMEOUT_SECONDS": "3",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    cfg = alert_delivery()
    assert (cfg.webhook, cfg.email) == (True, True)
    assert (cfg.smtp_port, cfg.smtp_starttls, cfg.smtp_user) == (587, True, "u")
    assert cfg.email_to == ("a@agency.gov", "b@agency.gov")
    assert (cfg.quarters, cfg.timeout_seconds) == (1, 3.0)
    assert cfg.dashboard_url == "https://cx.agency.gov"


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CX_ALERT_WEBHOOK_URL": "hooks.example/x"}, "is not an http(s) URL"),
        ({"CX_SMTP_HOST": "mail.agency.gov"}, "CX_ALERT_EMAIL_TO is not"),
        ({"CX_ALERT_EMAIL_TO": "a@agency.gov"}, "CX_SMTP_HOST is not"),
        ({"CX_ALERT_QUARTERS": "0"}, "CX_ALERT_QUARTERS='0' must be a whole number"),
        ({"CX_SMTP_PORT": "mail"}, "CX_SMTP_PORT='mail' is not a number"),
    ],
)
def test_a_half_configured_destination_says_what_to_set(monkeypatch, env, says):
    from dagster_project.core.settings import SettingsError, alert_delivery

    for name in ALERT_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.escape(says)):
        alert_delivery()


def test_the_pipeline_stops_before_running_on_a_half_configured_destination(
    monkeypatch, tmp_path, capsys
):
    from dagster_project.cli.main import main

    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CX_SMTP_HOST", "mail.agency.gov")
    monkeypatch.delenv("CX_ALERT_EMAIL_TO", raising=False)
    assert main(["pipeline"]) == 2
    assert "error: CX_SMTP_HOST is set but CX_ALERT_EMAIL_TO is not" in capsys.readouterr().err
    assert not (tmp_path / "warehouse.duckdb").exists()
