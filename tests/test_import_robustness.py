"""Import invariants (hypothesis), a SIGKILL mid-write, and a locked database."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core import domain
from dashboard.cli import main
from dashboard.store.db import PROJECT_ROOT, Database
from dashboard.exchange.exporter import export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import write_dataset
from import_fixtures import large_partnership, tiny_partnership, write_tiny

_VALID_STRENGTH = {**{code: code for code in domain.STRENGTHS}, **domain.ALIASES["strength"]}
_VALID_WAVE = {**{code: code for code in domain.WAVES}, **domain.ALIASES["wave"]}


def _spelling(valid: dict[str, str]) -> st.SearchStrategy[str]:
    """A valid spelling in any case with spaces around it, or some other text."""
    known = st.sampled_from(sorted(valid)).flatmap(
        lambda word: st.tuples(st.sampled_from([word, word.upper(), word.title()]),
                               st.sampled_from(["", " ", "  "])).map(lambda t: f"{t[1]}{t[0]}{t[1]}"))
    other = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé-", min_size=1, max_size=8)
    return st.one_of(known, other)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(strengths=st.lists(_spelling(_VALID_STRENGTH), min_size=5, max_size=5),
       waves=st.lists(_spelling(_VALID_WAVE), min_size=5, max_size=5))
def test_any_cell_values_give_canonical_rows_or_one_error_per_bad_cell(strengths, waves):
    tables = tiny_partnership()
    tables["relationships"]["strength"] = strengths
    tables["relationships"]["wave"] = waves
    tables.pop("consultations")
    tables.pop("needs")
    bad_cells = sum(s.strip().lower() not in _VALID_STRENGTH for s in strengths) + sum(
        w.strip().lower() not in _VALID_WAVE for w in waves)
    canonical_waves = [_VALID_WAVE.get(w.strip().lower()) for w in waves]
    keys = [(t, p, w) for t, p, w in zip(tables["relationships"]["trainee_id"], tables["relationships"]["person_id"],
                                          canonical_waves) if w]
    duplicates = len(keys) - len(set(keys))
    with tempfile.TemporaryDirectory() as folder, Database.in_memory() as db:
        result = import_dataset(db, write_dataset(tables, Path(folder) / "data"))
        invalid = [issue for issue in result.errors if issue.code == "invalid_value"]
        assert len(invalid) == bad_cells
        assert all(issue.file == "relationships.csv" and issue.column in ("strength", "wave") for issue in invalid)
        assert result.ok == (bad_cells == 0 and duplicates == 0)
        if result.ok:
            stored = db.query_sql("SELECT strength, wave FROM relationships")
            assert set(stored["strength"]) <= set(domain.STRENGTHS)
            assert set(stored["wave"]) <= set(domain.WAVES)
            assert len(stored) == 5
        else:
            assert db.table_counts()["relationships"] == 0


@settings(max_examples=25, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(["P1", "P2", "P4"]), st.sampled_from(["P1", "P2", "P4"])),
                      min_size=1, max_size=4))
def test_consultations_are_stored_once_with_a_before_b(pairs):
    consultations = pd.DataFrame([{"trainee_id": "007", "person_a": a, "person_b": b, "wave": "begin"}
                                  for a, b in pairs], dtype="str")
    unordered = [frozenset(pair) for pair in pairs]
    expect_ok = all(a != b for a, b in pairs) and len(set(unordered)) == len(unordered)
    with tempfile.TemporaryDirectory() as folder, Database.in_memory() as db:
        result = import_dataset(db, write_tiny(Path(folder) / "data", consultations=consultations))
        assert result.ok == expect_ok
        if expect_ok:
            stored = db.query_sql("SELECT person_a, person_b FROM consultations")
            assert all(a < b for a, b in stored.itertuples(index=False))
            assert {frozenset(row) for row in stored.itertuples(index=False)} == set(unordered)


def _snapshot(db_file: Path) -> dict[str, pd.DataFrame]:
    with Database(db_file) as db:
        tables = export_tables(db)
        tables["_imports"] = db.query_sql("SELECT import_id, source, mode, row_counts FROM imports")
        return tables


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> bool:
    return left.keys() == right.keys() and all(left[name].equals(right[name]) for name in left)


def test_sigkill_during_write_leaves_previous_state(tmp_path):
    start = tmp_path / "start.duckdb"
    with Database(start) as db:
        assert import_dataset(db, write_tiny(tmp_path / "tiny")).ok
    before = _snapshot(start)
    big = write_dataset(large_partnership(20_000), tmp_path / "big")
    finished = tmp_path / "finished.duckdb"
    shutil.copyfile(start, finished)
    with Database(finished) as db:
        assert import_dataset(db, big, replace=True).ok
    after_import = _snapshot(finished)
    left_as_before = 0
    # A fast import may have committed before the kill lands: then all of it must be there.
    for attempt, delay in enumerate((0.0, 0.1, 0.3, 0.8)):
        db_file = tmp_path / f"kill-{attempt}.duckdb"
        shutil.copyfile(start, db_file)
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "import", str(big), "--db", str(db_file), "--replace"],
            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # The importer prints one line when the write transaction has begun.
        first_line = process.stdout.readline()
        assert "geschreven" in first_line, first_line + process.stderr.read()
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()
        if process.returncode == -signal.SIGKILL:
            after = _snapshot(db_file)
            assert _same(after, before) or _same(after, after_import), f"half an import after a kill ({delay} s)"
            left_as_before += _same(after, before)
    assert left_as_before >= 1  # at least one kill landed while writing


def test_locked_database_gives_a_dutch_message(tmp_path, capsys, locked_elsewhere):
    db_file = tmp_path / "locked.duckdb"
    Database(db_file).close()
    with locked_elsewhere(db_file):
        assert main(["import", str(write_tiny(tmp_path / "data")), "--db", str(db_file)]) == 2
        err = capsys.readouterr().err
        assert "is in gebruik door een ander programma" in err and "Traceback" not in err
        assert main(["export", str(tmp_path / "out"), "--db", str(db_file)]) == 2
        assert "is in gebruik door een ander programma" in capsys.readouterr().err
