"""Shared fixtures. Area-specific fixtures live beside their tests."""

from __future__ import annotations

import pytest

from dashboard.db import Database


@pytest.fixture
def empty_db(tmp_path):
    """A new database file with the current schema and no data."""
    db = Database(tmp_path / "test.duckdb")
    yield db
    db.close()
