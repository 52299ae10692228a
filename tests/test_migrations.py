"""Schema versions: a version-1 database file is upgraded in place, all at once or not at all."""

from __future__ import annotations

import duckdb
import pytest

from dashboard import db as db_module
from dashboard.db import LATEST_SCHEMA_VERSION, Database, schema_migrations, schema_version


def _version_1_file(path) -> None:
    """A database as version 1 of the program left it, with some data."""
    version, file_name, sql = schema_migrations()[0]
    assert version == 1
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, file VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    con.execute("INSERT INTO schema_version (version, file) VALUES (1, ?)", [file_name])
    con.execute("INSERT INTO schools VALUES ('S1', 'Het Baken', 'vo', NULL)")
    con.execute("INSERT INTO institutes VALUES ('I1', 'Hogeschool Noord', NULL)")
    con.execute("INSERT INTO trainees VALUES ('007', 'Anna de Vries', 'S1', 'I1', '2025-2026', NULL, 3,"
                " 'anna@example.nl', '{\"x_a\": \"1\"}')")
    con.close()


def _tables(con) -> set[str]:
    return set(con.execute("SELECT table_name FROM information_schema.tables").df()["table_name"])


def test_latest_version_is_2_and_numbered_without_gaps():
    assert LATEST_SCHEMA_VERSION == 2
    assert [name for _, name, _ in schema_migrations()] == ["001_initial.sql", "002_users_and_audit.sql"]


def test_a_version_1_file_is_upgraded_in_place_with_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    _version_1_file(path)
    with Database(path) as db:
        assert db.scalar("SELECT max(version) FROM schema_version") == 2
        trainee = db.query_sql("SELECT * FROM trainees").iloc[0].to_dict()
        assert trainee["name"] == "Anna de Vries" and trainee["extra"] == '{"x_a": "1"}'
        assert {"users", "user_scopes", "audit_log"} <= _tables(db.cursor())
        assert db.scalar("SELECT count(*) FROM users") == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.duckdb"]  # the same file, no copy
    with Database(path, read_only=True) as again:  # and it stays upgraded
        assert again.scalar("SELECT count(*) FROM trainees") == 1


def test_a_version_1_file_cannot_be_read_only_before_the_upgrade(tmp_path):
    path = tmp_path / "old.duckdb"
    _version_1_file(path)
    with pytest.raises(db_module.DatabaseError, match="older schema"):
        Database(path, read_only=True)


def test_a_failing_upgrade_leaves_the_version_1_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    _version_1_file(path)
    broken = (3, "003_broken.sql", "CREATE TABLE half_done (a INTEGER); SELECT * FROM no_such_table;")
    monkeypatch.setattr(db_module, "schema_migrations", lambda: [*schema_migrations(), broken])
    monkeypatch.setattr(db_module, "LATEST_SCHEMA_VERSION", 3)
    with pytest.raises(duckdb.Error):
        Database(path)
    con = duckdb.connect(str(path))
    try:
        assert schema_version(con) == 1
        assert not {"users", "audit_log", "half_done"} & _tables(con)
        assert con.execute("SELECT name FROM trainees").fetchall() == [("Anna de Vries",)]
    finally:
        con.close()


def test_new_database_gets_both_versions_and_a_working_audit_sequence(empty_db):
    assert empty_db.scalar("SELECT count(*) FROM schema_version") == 2
    first = empty_db.scalar("SELECT nextval('audit_log_id')")
    assert empty_db.scalar("SELECT nextval('audit_log_id')") == first + 1
