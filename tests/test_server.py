"""``python -m dashboard serve``: database preparation and the Streamlit command."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dashboard.web import server
from dashboard.cli import build_parser
from dashboard.store.db import DB_ENV_VAR, SAMPLE_DATA_DIR, Database
from tests.app_fixtures import SMALL_DATASET, sample_db_copy, sample_db_path  # noqa: F401 (fixtures)


def _write_dataset(folder: Path, files) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_first_start_builds_the_database_from_sample_data(tmp_path):
    path = tmp_path / "data" / "constellatiemonitor.duckdb"
    prepared = server.prepare_database(path)
    assert prepared.built_from_sample
    assert prepared.path == path.resolve()
    with Database(path) as db:
        counts = db.table_counts()
    sample_trainees = len((SAMPLE_DATA_DIR / "trainees.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
    assert counts["trainees"] == prepared.trainees == sample_trainees
    assert counts["relationships"] > 0

    again = server.prepare_database(path)  # the second start uses what is there
    assert not again.built_from_sample
    assert again.trainees == sample_trainees


def test_default_location_is_used_without_db_option(tmp_path, monkeypatch):
    monkeypatch.delenv(DB_ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    prepared = server.prepare_database(sample_dir=_write_dataset(tmp_path / "small", SMALL_DATASET))
    assert prepared.path == (tmp_path / "data" / "constellatiemonitor.duckdb").resolve()
    assert prepared.built_from_sample and prepared.trainees == 2


def test_failed_sample_import_leaves_no_database(tmp_path):
    broken = dict(SMALL_DATASET)
    broken["relationships.csv"] = "trainee_id,person_id,wave,formal,strength,functions\nZT1,ZP1,begin,ja,heel sterk,gastheer\n"
    path = tmp_path / "db.duckdb"
    with pytest.raises(server.ServeError) as raised:
        server.prepare_database(path, sample_dir=_write_dataset(tmp_path / "broken", broken))
    assert "konden niet worden geïmporteerd" in str(raised.value)
    assert not path.exists()


def test_locked_database_is_reported_clearly(tmp_path, locked_elsewhere):
    path = tmp_path / "locked.duckdb"
    Database(path).close()
    with locked_elsewhere(path), pytest.raises(server.ServeError) as raised:
        server.prepare_database(path)
    assert "in gebruik door een ander programma" in str(raised.value)
    assert str(path.resolve()) in str(raised.value)


def test_streamlit_command_is_headless_local_and_safe():
    command = server.streamlit_command()
    options = dict(zip(command[5::2], command[6::2]))
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(server.APP_PATH)]
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.port"] == "8501"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--client.showErrorDetails"] == "none"
    assert options["--server.enableXsrfProtection"] == "true"
    assert options["--server.maxUploadSize"] == "50"
    assert options["--client.toolbarMode"] == "minimal"
    assert options["--runner.postScriptGC"] == "false"  # a full gc.collect per rerun cost a fifth of its CPU


def test_cli_defaults_to_localhost():
    args = build_parser().parse_args(["serve"])
    assert args.address == "127.0.0.1"
    assert args.port == 8501
    assert args.db is None


def test_serve_prints_where_the_data_lives_and_starts_streamlit(tmp_path, monkeypatch, capsys):
    started = {}

    class FakeProcess:
        def __init__(self, command, env):
            started["command"], started["env"] = command, env

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(server.subprocess, "Popen", FakeProcess)
    path = tmp_path / "db.duckdb"
    small = _write_dataset(tmp_path / "small", SMALL_DATASET)
    monkeypatch.setattr(server, "SAMPLE_DATA_DIR", small)
    monkeypatch.setattr(server, "prepare_database",
                        lambda p, lang="nl", count_users=False: server.PreparedDatabase(p.resolve(), True, 2))
    args = build_parser().parse_args(["serve", "--db", str(path), "--port", "8999"])
    assert server.command_serve(args) == 0
    out = capsys.readouterr().out
    assert "database gemaakt in" in out and str(path.resolve()) in out
    assert "http://127.0.0.1:8999/" in out
    assert started["env"][DB_ENV_VAR] == str(path.resolve())
    assert "--server.port" in started["command"] and "8999" in started["command"]


def test_serve_reports_a_locked_database_without_traceback(tmp_path, monkeypatch, capsys):
    def locked(path, lang="nl", count_users=False):
        raise server.ServeError("De database x is in gebruik door een ander programma")

    monkeypatch.setattr(server, "prepare_database", locked)
    monkeypatch.setattr(server.subprocess, "Popen", lambda *a, **k: pytest.fail("must not start"))
    args = build_parser().parse_args(["serve", "--db", str(tmp_path / "x.duckdb")])
    assert server.command_serve(args) == 1
    assert "in gebruik" in capsys.readouterr().err


def test_the_launcher_holds_no_database_library():
    # serve's launcher waits for Streamlit as long as the dashboard runs: the database work
    # is done in a child that ends first (dashboard.web.prepare), so DuckDB, pandas and the
    # analysis (about 130 MB) are never in the launcher.
    import subprocess

    probe = ("import sys, dashboard.cli, dashboard.web.server; "
             "print(sorted(m for m in ('duckdb', 'pandas', 'pyarrow', 'dashboard.analysis') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_server_mode_counts_the_users_in_the_preparing_child(sample_db_copy):
    from dashboard.privacy.users import add_user

    with Database(sample_db_copy) as db:
        add_user(db, "so@school.nl", "schoolopleider", schools=["S01"])
    assert server.prepare_database(sample_db_copy, count_users=True).users == 1
    assert server.prepare_database(sample_db_copy).users is None  # local mode does not ask
