"""Fixtures: a published snapshot in tmp_path, and an empty data directory."""

from __future__ import annotations

import shutil

import pytest
import streamlit as st
from cx_snapshot import rows, write_snapshot


@pytest.fixture(autouse=True)
def _fresh_caches():
    # st.cache_data/cache_resource live in the test process across AppTest runs.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture(scope="session")
def _snapshot_template(tmp_path_factory):
    """The fixture snapshot, written once (a second or so); each test gets a copy."""
    return write_snapshot(tmp_path_factory.mktemp("snapshot_template"), rows()).parent


@pytest.fixture
def snapshot(_snapshot_template, tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    published = shutil.copytree(_snapshot_template, tmp_path / "published")
    return published / (published / "CURRENT").read_text().strip()


@pytest.fixture
def empty_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    return tmp_path
