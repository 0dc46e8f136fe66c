"""One rule for "which snapshot is current", shared by the publish step and the app."""

from __future__ import annotations

import pytest

from dagster_project.core import publish, snapshots
from dagster_project.core.settings import get_settings


@pytest.fixture
def published(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CX_ID_SALT", "test-salt")
    out = tmp_path / "published"
    out.mkdir()
    return out


def _app_current():
    from app.queries import engine  # the dashboard's own entry to the rule

    return engine.current_snapshot()


def test_publish_and_app_follow_the_same_current(published):
    for version in ("20261201T000000000000Z", "20261202T000000000000Z"):
        (published / snapshots.snapshot_name(version)).write_bytes(b"")
    snapshots.point_current_at(published / "warehouse-20261201T000000000000Z.duckdb")
    app = _app_current()
    assert app == snapshots.Snapshot(
        "20261201T000000000000Z", published / "warehouse-20261201T000000000000Z.duckdb"
    )
    assert publish.current_snapshot(get_settings()) == app.path
    assert snapshots.snapshots(published) == [
        "warehouse-20261201T000000000000Z.duckdb",
        "warehouse-20261202T000000000000Z.duckdb",
    ]


@pytest.mark.parametrize(
    "pointer",
    [
        "../warehouse.duckdb",  # a path out of the folder
        "warehouse-latest.duckdb",  # not a publish time
        "warehouse-20261201T000000000000Z.duckdb",  # a name whose file is gone
        "",
    ],
)
def test_neither_follows_a_current_the_publish_step_would_not_write(published, pointer):
    (published / "warehouse-latest.duckdb").write_bytes(b"")
    (published / "CURRENT").write_text(pointer + "\n")
    assert _app_current() is None
    assert publish.current_snapshot(get_settings()) is None


def test_nothing_published_yet(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path / "fresh"))
    assert _app_current() is None
    assert snapshots.snapshots(tmp_path / "fresh" / "published") == []
