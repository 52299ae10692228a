"""``serve`` on a database file cut off after an intact header (issue 12 polish):
such a file opens and counts its tables, and only the pages fail later. Serve
refuses it at start, in Dutch, naming the file, and writes nothing."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard.exchange.importer import import_dataset
from dashboard.store.db import PROJECT_ROOT, Database
from dashboard.store.file_check import HEADER_BYTES, expected_size
from dashboard.web import server
from tests.e2e.harness import free_port


@pytest.fixture(scope="module")
def whole_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("whole") / "whole.duckdb"
    with Database(path) as db:
        assert import_dataset(db, PROJECT_ROOT / "sample_data").ok
        db._con.execute("CHECKPOINT")
    return path


def _cut(whole: Path, target: Path, keep: int) -> Path:
    target.write_bytes(whole.read_bytes()[:keep])
    return target


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_cut_after_its_header_still_opens_so_only_a_check_finds_it(whole_db, tmp_path):
    # The reason for the check: without it, opening and counting succeed.
    cut = _cut(whole_db, tmp_path / "kapot.duckdb", whole_db.stat().st_size // 2)
    with Database(cut) as db:
        assert db.table_counts()["trainees"] > 0


@pytest.mark.parametrize("keep", ["half", "one block short"])
def test_serve_refuses_a_truncated_file_naming_it_and_writes_nothing(whole_db, tmp_path, keep):
    size = whole_db.stat().st_size
    cut = _cut(whole_db, tmp_path / "kapot.duckdb", size // 2 if keep == "half" else size - 262144)
    before = _digest(cut)
    with pytest.raises(server.ServeError) as refused:
        server.prepare_database(cut)
    message = str(refused.value)
    assert str(cut) in message
    assert "beschadigd" in message and "afgekapt" in message
    assert f"{size:,}".replace(",", ".") in message  # what the header says the file should be
    assert _digest(cut) == before
    assert not cut.with_name(cut.name + ".wal").exists()


def test_near_miss_the_whole_file_and_an_empty_database_are_served(whole_db, tmp_path):
    assert expected_size(whole_db) == whole_db.stat().st_size
    assert server.prepare_database(whole_db).trainees > 0
    empty = tmp_path / "leeg.duckdb"
    Database(empty).close()
    assert expected_size(empty) <= empty.stat().st_size
    assert server.prepare_database(empty).trainees == 0


@pytest.fixture(scope="module")
def shrunk_db(tmp_path_factory) -> Path:
    """A healthy database after a large delete: its checkpoint cut the free blocks at the end
    off the file, and the header still counts them (DuckDB's total_blocks)."""
    path = tmp_path_factory.mktemp("shrunk") / "geslonken.duckdb"
    with Database(path) as db:
        assert import_dataset(db, PROJECT_ROOT / "sample_data").ok
    # a large table written last and dropped, as an erasure or a new import frees much data
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE TABLE bulk AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(1500000)")
        con.execute("CHECKPOINT")
        con.execute("DROP TABLE bulk")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    con = duckdb.connect(str(path), read_only=True)
    try:
        block_size, total_blocks = con.execute(
            "SELECT block_size, total_blocks FROM pragma_database_size() WHERE database_name = current_database()"
        ).fetchone()
    finally:
        con.close()
    assert path.stat().st_size < HEADER_BYTES + block_size * total_blocks  # the case itself
    return path


def test_a_file_whose_checkpoint_cut_its_free_blocks_is_served(shrunk_db):
    assert expected_size(shrunk_db) == shrunk_db.stat().st_size
    assert server.prepare_database(shrunk_db).trainees > 0


def test_near_miss_that_file_one_block_short_is_refused(shrunk_db, tmp_path):
    cut = _cut(shrunk_db, tmp_path / "kapot.duckdb", shrunk_db.stat().st_size - 262144)
    with pytest.raises(server.ServeError) as refused:
        server.prepare_database(cut)
    assert "afgekapt" in str(refused.value) and str(cut) in str(refused.value)


def test_a_file_shorter_than_its_headers_keeps_the_message_of_opening(whole_db, tmp_path):
    cut = _cut(whole_db, tmp_path / "stomp.duckdb", HEADER_BYTES + 4096)
    with pytest.raises(server.ServeError) as refused:
        server.prepare_database(cut)
    assert str(cut) in str(refused.value) and "beschadigd" in str(refused.value)


def test_the_serve_command_stops_before_starting_streamlit(whole_db, tmp_path):
    cut = _cut(whole_db, tmp_path / "kapot.duckdb", whole_db.stat().st_size // 2)
    before = _digest(cut)
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "serve", "--db", str(cut), "--port", str(free_port())],
        capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert str(cut) in done.stderr and "is beschadigd" in done.stderr and "afgekapt" in done.stderr
    assert "http://" not in done.stdout  # no URL: nothing is served
    assert _digest(cut) == before
