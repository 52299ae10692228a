"""Shared fixtures. Area-specific fixtures live beside their tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from dashboard.store.db import Database

_HOLD_LOCK = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
)


@pytest.fixture
def empty_db(tmp_path):
    """A new database file with the current schema and no data."""
    db = Database(tmp_path / "test.duckdb")
    yield db
    db.close()


@contextmanager
def _locked_elsewhere(path: Path) -> Iterator[None]:
    """Another process holds the DuckDB file open for writing (as a running
    dashboard does) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


@pytest.fixture
def locked_elsewhere() -> Callable[[Path], AbstractContextManager[None]]:
    """``with locked_elsewhere(path): ...``: the file is in use by another process."""
    return _locked_elsewhere
