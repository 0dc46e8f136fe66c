"""Fixtures: a published snapshot in tmp_path, and an empty data directory."""

from __future__ import annotations

import pytest
import streamlit as st
from cx_snapshot import rows, write_snapshot


@pytest.fixture(autouse=True)
def _fresh_caches():
    # st.cache_data/cache_resource live in the test process across AppTest runs.
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    return write_snapshot(tmp_path, rows())


@pytest.fixture
def empty_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CX_DATA_DIR", str(tmp_path))
    return tmp_path
