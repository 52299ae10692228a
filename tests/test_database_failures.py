"""Messages, never tracebacks (issue 16): a write that fails halfway (a
file-size limit stands in for a full disk) is rolled back and says so, and a
truncated, zeroed or foreign database file is named, with what is wrong and
what to do, by every command that opens it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard.exchange.exporter import export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import write_dataset
from dashboard.privacy.users import add_user
from dashboard.store.db import PROJECT_ROOT, Database
from import_fixtures import large_partnership, write_tiny

# Runs the command line with a file-size limit: writing past it fails with EFBIG, as on a full disk
# (Python ignores SIGXFSZ, so the process is not killed).
_LIMITED = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from dashboard.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _run(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", _LIMITED, str(limit), *args] if limit else [
        sys.executable, "-m", "dashboard", *args]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)


def _data(path: Path) -> dict[str, pd.DataFrame]:
    with Database(path, read_only=True) as db:
        tables = export_tables(db)
        tables["users"] = db.query_sql("SELECT * FROM users ORDER BY email")
    return tables


def _same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> bool:
    return left.keys() == right.keys() and all(left[name].equals(right[name]) for name in left)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("failures")
    path = folder / "small.duckdb"
    with Database(path) as db:
        assert import_dataset(db, write_tiny(folder / "tiny")).ok
        add_user(db, "beheer@example.nl", "beheerder")
        db._con.execute("CHECKPOINT")  # everything in the file itself, nothing left in a WAL
    return path


def _assert_rolled_back(result: subprocess.CompletedProcess[str], db_file: Path,
                        before: dict[str, pd.DataFrame]) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "Alles is teruggedraaid" in result.stderr and str(db_file) in result.stderr, result.stderr
    assert _same(_data(db_file), before)


def test_a_write_error_during_import_is_rolled_back_and_stated(small_db, tmp_path):
    db_file = tmp_path / "db.duckdb"
    shutil.copyfile(small_db, db_file)
    before = _data(db_file)
    big = write_dataset(large_partnership(3000), tmp_path / "big")
    # Room for the small writes of opening, not for the import's log of changes.
    result = _run("import", str(big), "--db", str(db_file), limit=200_000)
    _assert_rolled_back(result, db_file, before)
    assert "File too large" in result.stderr


@pytest.mark.parametrize("command", [
    ("users", "add", "nieuw@example.nl", "--role", "beheerder"),
    ("person", "erase", "T2", "--yes"),
])
def test_a_write_error_in_users_add_or_person_erase_is_rolled_back_and_stated(small_db, tmp_path, command):
    db_file = tmp_path / "db.duckdb"
    shutil.copyfile(small_db, db_file)
    before = _data(db_file)
    result = _run(*command, "--db", str(db_file), limit=1)
    _assert_rolled_back(result, db_file, before)


def _truncated(good: Path, target: Path) -> Path:
    data = good.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def _zeroed_start(good: Path, target: Path) -> Path:
    data = bytearray(good.read_bytes())
    data[:12288] = bytes(12288)
    target.write_bytes(bytes(data))
    return target


def _zeroed_block(good: Path, target: Path) -> Path:
    data = bytearray(good.read_bytes())
    data[4096:4096 * 200] = bytes(len(data[4096:4096 * 200]))
    target.write_bytes(bytes(data))
    return target


def _foreign(good: Path, target: Path) -> Path:
    target.write_text("email,role\nbeheer@example.nl,beheerder\n", encoding="utf-8")
    return target


DAMAGE = {"afgekapt": _truncated, "nullen aan het begin": _zeroed_start, "nullen midden in": _zeroed_block,
          "ander bestand": _foreign}
COMMANDS = {
    "users list": ("users", "list"),
    "import": ("import", "{data}"),
    "audit": ("audit",),
    "flags": ("flags",),
    "export": ("export", "{out}"),
}


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """A database large enough that truncating it cuts through table data, not only its header."""
    folder = tmp_path_factory.mktemp("sample")
    path = folder / "sample.duckdb"
    with Database(path) as db:
        assert import_dataset(db, PROJECT_ROOT / "sample_data").ok
        db._con.execute("CHECKPOINT")
    return path


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_database_file_gets_a_message_naming_it(sample_db, tmp_path, damage, command):
    db_file = DAMAGE[damage](sample_db, tmp_path / "kapot.duckdb")
    args = [part.format(data=PROJECT_ROOT / "sample_data", out=tmp_path / "uit") for part in COMMANDS[command]]
    result = _run(*args, "--db", str(db_file))
    if damage == "afgekapt" and command == "audit" and result.returncode == 0:
        return  # the audit rows may all lie before the cut: then they are read, which is right
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert str(db_file) in result.stderr
    assert ("beschadigd" in result.stderr or "geen database van de Constellatiemonitor" in result.stderr), \
        result.stderr
    assert "reservekopie" in result.stderr  # what to do


@pytest.mark.parametrize("damage", ["nullen aan het begin", "ander bestand"])
def test_serve_refuses_a_damaged_database_with_a_message(sample_db, tmp_path, damage):
    db_file = DAMAGE[damage](sample_db, tmp_path / "kapot.duckdb")
    result = _run("serve", "--db", str(db_file), "--port", "8599")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and str(db_file) in result.stdout + result.stderr
    assert "reservekopie" in result.stdout + result.stderr
