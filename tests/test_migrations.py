"""Schema versions: an older database file is upgraded in place, all at once or not at all."""

from __future__ import annotations

import duckdb
import pytest

from dashboard.store import db as db_module
from dashboard.store.db import (
    AUDIT_CHAIN_VERSION,
    LATEST_SCHEMA_VERSION,
    Database,
    IntegrityError,
    load_sql,
    schema_migrations,
    schema_version,
)

# The tables whose PRIMARY KEY version 3 drops (their keys are checked before commit instead).
_LARGE_TABLES = ("relationships", "relationship_functions", "consultations", "needs")


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


def _version_2_file(path) -> tuple[dict[str, list[tuple]], tuple[list[tuple], list[tuple]]]:
    """A database as version 2 of the program left it, with rows in the four large
    tables (every column used); returns each table's rows and the tables' shape."""
    con = duckdb.connect(str(path))
    con.execute(load_sql("store/meta/create_schema_version"))
    for version, file_name, sql in schema_migrations()[:2]:
        con.execute(sql)
        con.execute(load_sql("store/meta/record_schema_version"), {"version": version, "file": file_name})
    for statement in (
        "INSERT INTO schools VALUES ('S1', 'Het Baken', 'vo', NULL)",
        "INSERT INTO institutes VALUES ('I1', 'Hogeschool Noord', NULL)",
        "INSERT INTO functions VALUES ('gastheer', 'Gastheer', 'Host', 'socialisatie', NULL, 0, NULL),"
        " ('reflectie', 'Reflectie', 'Reflection', 'ontwikkeling', NULL, 1, NULL)",
        "INSERT INTO trainees VALUES ('007', 'Anna de Vries', 'S1', 'I1', '2025-2026', NULL, 3, NULL, NULL)",
        "INSERT INTO people VALUES ('P1', 'Wim Peters', 'werkplekbegeleider', 'S1', NULL, 'technisch', NULL, NULL),"
        " ('P2', 'Sara Bakker', 'schoolopleider', 'S1', NULL, NULL, NULL, NULL)",
        "INSERT INTO relationships VALUES"
        " ('007', 'P1', 'begin', true, 'sterk', 'ja', 'negatief', false, 'dagelijks', 'elke ochtend', '{\"x_a\": \"1\"}'),"
        " ('007', 'P2', 'begin', false, 'zwak', NULL, 'positief', NULL, NULL, NULL, NULL),"
        " ('007', 'P1', 'midden', true, 'geen', 'nee', 'positief', true, 'zelden', NULL, NULL)",
        "INSERT INTO relationship_functions VALUES ('007', 'P1', 'begin', 'gastheer'),"
        " ('007', 'P1', 'begin', 'reflectie'), ('007', 'P2', 'begin', 'reflectie')",
        "INSERT INTO consultations VALUES ('007', 'P1', 'P2', 'begin', 'wekelijks', '{\"x_b\": \"2\"}')",
        "INSERT INTO needs VALUES ('007', 'begin', 'reflectie', '{\"x_c\": \"3\"}'), ('007', 'midden', 'gastheer', NULL)",
    ):
        con.execute(statement)
    try:
        return _rows(con), _shape(con)
    finally:
        con.close()


def _rows(con) -> dict[str, list[tuple]]:
    return {table: con.execute("SELECT * FROM query_table(?) ORDER BY ALL", [table]).fetchall()
            for table in _LARGE_TABLES}


def _shape(con) -> tuple[list[tuple], list[tuple]]:
    """Columns (position, name, type, nullable, default) and constraints of the four large tables."""
    columns = con.execute(
        "SELECT table_name, column_index, column_name, data_type, is_nullable, column_default"
        " FROM duckdb_columns() WHERE list_contains(?, table_name) ORDER BY ALL", [list(_LARGE_TABLES)]).fetchall()
    constraints = con.execute(
        "SELECT table_name, constraint_type, constraint_text, constraint_column_names"
        " FROM duckdb_constraints() WHERE list_contains(?, table_name) ORDER BY ALL", [list(_LARGE_TABLES)]).fetchall()
    return columns, constraints


def _break_the_next_version(monkeypatch) -> None:
    """A further schema file that fails halfway, after it created a table."""
    shipped = schema_migrations()
    version = len(shipped) + 1
    broken = (version, f"{version:03d}_broken.sql", "CREATE TABLE half_done (a INTEGER); SELECT * FROM no_such_table;")
    monkeypatch.setattr(db_module, "schema_migrations", lambda: [*shipped, broken])
    monkeypatch.setattr(db_module, "LATEST_SCHEMA_VERSION", version)


def _tables(con) -> set[str]:
    return set(con.execute("SELECT table_name FROM information_schema.tables").df()["table_name"])


def test_versions_are_numbered_without_gaps_and_the_audit_chain_is_one_of_them():
    names = [name for _, name, _ in schema_migrations()]
    assert LATEST_SCHEMA_VERSION == len(names)
    assert names[:3] == ["001_initial.sql", "002_users_and_audit.sql", "003_unindexed_keys.sql"]
    assert names[AUDIT_CHAIN_VERSION - 1] == f"{AUDIT_CHAIN_VERSION:03d}_audit_chain.sql"
# Schema files other branches may add are renumbered at merge: tests name the newest as LATEST_SCHEMA_VERSION.
_SHIPPED_FIRST = ["001_initial.sql", "002_users_and_audit.sql", "003_unindexed_keys.sql"]
VALUATIONS_VERSION = next(v for v, name, _ in schema_migrations() if name.endswith("_valuations_actions.sql"))


def test_versions_are_numbered_without_gaps_and_include_valuations():
    names = [name for _, name, _ in schema_migrations()]
    assert names[:3] == _SHIPPED_FIRST
    assert LATEST_SCHEMA_VERSION == len(names) >= VALUATIONS_VERSION > 3


def test_a_version_1_file_is_upgraded_in_place_with_its_data(tmp_path):
    path = tmp_path / "old.duckdb"
    _version_1_file(path)
    with Database(path) as db:
        assert db.scalar("SELECT max(version) FROM schema_version") == LATEST_SCHEMA_VERSION
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
    _break_the_next_version(monkeypatch)
    with pytest.raises(duckdb.Error):
        Database(path)
    con = duckdb.connect(str(path))
    try:
        assert schema_version(con) == 1
        assert not {"users", "audit_log", "half_done"} & _tables(con)
        assert con.execute("SELECT name FROM trainees").fetchall() == [("Anna de Vries",)]
    finally:
        con.close()


def test_new_database_gets_every_version_and_a_working_audit_sequence(empty_db):
    assert empty_db.scalar("SELECT count(*) FROM schema_version") == LATEST_SCHEMA_VERSION
    first = empty_db.scalar("SELECT nextval('audit_log_id')")
    assert empty_db.scalar("SELECT nextval('audit_log_id')") == first + 1


def test_a_version_2_file_keeps_its_rows_columns_and_rules_without_the_four_primary_keys(tmp_path):
    path = tmp_path / "v2.duckdb"
    rows, (columns, constraints) = _version_2_file(path)
    primary_keys = [c for c in constraints if c[1] == "PRIMARY KEY"]
    assert sorted(c[0] for c in primary_keys) == sorted(_LARGE_TABLES)  # version 2 had them
    with Database(path) as db:
        cursor = db.cursor()
        assert schema_version(cursor) == LATEST_SCHEMA_VERSION
        assert _rows(cursor) == rows
        # Same columns in the same order, types, NOT NULLs, defaults and CHECKs; only the keys went.
        assert _shape(cursor) == (columns, [c for c in constraints if c[1] != "PRIMARY KEY"])
        assert not {f"{table}_v3" for table in _LARGE_TABLES} & _tables(cursor)
        for bad in (
            "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength) VALUES ('007', 'P2', 'eind', true, 'heel sterk')",
            "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength) VALUES ('007', NULL, 'eind', true, 'sterk')",
            "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength, klik) VALUES ('007', 'P2', 'eind', true, 'sterk', 'misschien')",
            "INSERT INTO relationship_functions VALUES ('007', 'P1', 'later', 'gastheer')",
            "INSERT INTO relationship_functions VALUES ('007', 'P1', 'begin', NULL)",
            "INSERT INTO consultations VALUES ('007', 'P1', 'P2', 'midden', 'soms', NULL)",
            "INSERT INTO consultations VALUES ('007', NULL, 'P2', 'midden', NULL, NULL)",
            "INSERT INTO needs VALUES ('007', 'eind', NULL, NULL)",
            "INSERT INTO needs VALUES ('007', 'ooit', 'gastheer', NULL)",
        ):
            with pytest.raises(duckdb.ConstraintException):
                cursor.execute(bad)
        cursor.execute("BEGIN TRANSACTION")
        cursor.execute("INSERT INTO relationships (trainee_id, person_id, wave, formal, strength)"
                       " VALUES ('007', 'P2', 'eind', true, 'sterk')")
        assert cursor.execute("SELECT contribution FROM relationships WHERE wave = 'eind'").fetchall() == [("positief",)]
        cursor.execute("ROLLBACK")
        # The keys are still keys: a repeated one is refused before commit.
        with pytest.raises(IntegrityError) as refused:
            with db.transaction() as write:
                write.execute("INSERT INTO needs VALUES ('007', 'begin', 'reflectie', NULL)")
        assert refused.value.repeated_keys[["table_name", "row_key", "value"]].values.tolist() == [
            ["needs", "007/begin/reflectie", "2"]]
        assert _rows(cursor) == rows
        cursor.close()
    with Database(path, read_only=True) as again:  # and it stays upgraded
        assert schema_version(again.cursor()) == LATEST_SCHEMA_VERSION


def test_a_failing_upgrade_leaves_the_version_2_file_with_its_keys(tmp_path, monkeypatch):
    """Version 3 rebuilds four tables inside the upgrade's one transaction: a later failure undoes it."""
    path = tmp_path / "v2.duckdb"
    rows, shape = _version_2_file(path)
    _break_the_next_version(monkeypatch)
    with pytest.raises(duckdb.Error):
        Database(path)
    con = duckdb.connect(str(path))
    try:
        assert schema_version(con) == 2
        assert _rows(con) == rows
        assert _shape(con) == shape  # the PRIMARY KEYs included
        assert not {"half_done", *(f"{table}_v3" for table in _LARGE_TABLES)} & _tables(con)
    finally:
        con.close()


# --- the audit chain (issue 16) ----------------------------------------------------


def _file_before_the_audit_chain(path) -> list[tuple]:
    """A database as the version before the audit chain left it, with audit rows; returns them."""
    con = duckdb.connect(str(path))
    con.execute(load_sql("store/meta/create_schema_version"))
    for version, file_name, sql in schema_migrations()[: AUDIT_CHAIN_VERSION - 1]:
        con.execute(sql)
        con.execute(load_sql("store/meta/record_schema_version"), {"version": version, "file": file_name})
    con.execute("INSERT INTO audit_log (occurred_at, actor, role, action, subject_id, detail) VALUES"
                " ('2026-01-05 09:00:00', 'cli', 'beheerder', 'import', NULL, '{\"rows\": 3}'),"
                " ('2026-01-06 10:30:00.123456', 'a@x.nl', 'schoolopleider', 'view_constellation', '007', NULL),"
                " ('2026-01-07 11:00:00', 'lokaal', NULL, 'download', NULL, '{\"what\": \"signalen.csv\"}')")
    rows = con.execute("SELECT id, occurred_at, actor, role, action, subject_id, detail FROM audit_log"
                       " ORDER BY id").fetchall()
    con.close()
    return rows


def test_the_upgrade_to_the_audit_chain_chains_the_rows_already_there(tmp_path):
    from dashboard.privacy import audit

    path = tmp_path / "v3.duckdb"
    before = _file_before_the_audit_chain(path)
    with Database(path) as db:
        assert schema_version(db.cursor()) == LATEST_SCHEMA_VERSION
        after = db.query_sql("SELECT id, occurred_at, actor, role, action, subject_id, detail, prev_hash, row_hash"
                             " FROM audit_log ORDER BY id")
        assert [tuple(r) for r in db.cursor().execute(
            "SELECT id, occurred_at, actor, role, action, subject_id, detail FROM audit_log ORDER BY id"
        ).fetchall()] == before  # the rows are as they were ...
        assert after["row_hash"].notna().all() and pd_isna(after["prev_hash"].iloc[0])  # ... and chained
        assert after["prev_hash"].iloc[1:].tolist() == after["row_hash"].iloc[:-1].tolist()
        report = audit.verify_chain(db)
        assert report.intact and report.rows == 3 and report.last_id == before[-1][0]
        new_id = audit.record(db, "cli", "beheerder", "export")  # a new row follows the last old one
        assert audit.verify_chain(db).intact and audit.verify_chain(db).last_id == new_id
    # Near miss: an upgrade that did not chain (the columns alone) does not verify.
    plain = tmp_path / "plain.duckdb"
    _file_before_the_audit_chain(plain)
    con = duckdb.connect(str(plain))
    con.execute(schema_migrations()[AUDIT_CHAIN_VERSION - 1][2])
    for version, file_name, sql in schema_migrations()[AUDIT_CHAIN_VERSION - 1:]:
        if version > AUDIT_CHAIN_VERSION:
            con.execute(sql)
        con.execute(load_sql("store/meta/record_schema_version"), {"version": version, "file": file_name})
    con.close()
    with Database(plain) as db:
        report = audit.verify_chain(db)
        assert not report.intact and report.broken_id == before[0][0] and report.problem == "unsealed"


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))
def _version_3_file(path) -> None:
    """A database as version 3 left it: data in the large tables and users with scopes."""
    _version_2_file(path)
    con = duckdb.connect(str(path))
    version, file_name, sql = schema_migrations()[2]
    con.execute(sql)
    con.execute(load_sql("store/meta/record_schema_version"), {"version": version, "file": file_name})
    con.execute("INSERT INTO users VALUES ('so@example.nl', 'schoolopleider', TIMESTAMP '2026-01-01 09:00:00')")
    con.execute("INSERT INTO user_scopes VALUES ('so@example.nl', 'school', 'S1')")
    con.close()


def test_a_version_3_file_gets_valuations_actions_revisions_and_the_two_new_roles(tmp_path):
    path = tmp_path / "v3.duckdb"
    _version_3_file(path)
    with Database(path) as db:
        cursor = db.cursor()
        assert schema_version(cursor) == LATEST_SCHEMA_VERSION
        assert {"valuations", "actions", "wave_revisions"} <= _tables(cursor)
        # users and scopes survive the rebuild; the new roles and scope kinds are accepted
        assert cursor.execute("SELECT email, role FROM users").fetchall() == [("so@example.nl", "schoolopleider")]
        assert cursor.execute("SELECT * FROM user_scopes").fetchall() == [("so@example.nl", "school", "S1")]
        cursor.execute("INSERT INTO users VALUES ('t@example.nl', 'student', current_timestamp)")
        cursor.execute("INSERT INTO user_scopes VALUES ('t@example.nl', 'trainee', '007')")
        with pytest.raises(duckdb.ConstraintException):
            cursor.execute("INSERT INTO users VALUES ('x@example.nl', 'gast', current_timestamp)")
        with pytest.raises(duckdb.ConstraintException):
            cursor.execute("INSERT INTO valuations VALUES ('007', 'begin', 'misschien', NULL, NULL)")
        with pytest.raises(duckdb.ConstraintException):
            cursor.execute("INSERT INTO actions VALUES ('007', 'begin', 'A1', 'gastheer', NULL, NULL, 'bezig', NULL)")
        with db.transaction() as write:
            write.execute("INSERT INTO valuations VALUES ('007', 'begin', 'deels', 'mist reflectie', NULL)")
            write.execute("INSERT INTO actions (trainee_id, wave, action_id, function) VALUES ('007', 'begin', 'A1', 'reflectie')")
        assert cursor.execute("SELECT status FROM actions").fetchall() == [("open",)]
        # The integrity rules cover the new tables: a repeated key and a broken reference are refused.
        with pytest.raises(IntegrityError) as refused:
            with db.transaction() as write:
                write.execute("INSERT INTO valuations VALUES ('007', 'begin', 'ja', NULL, NULL)")
                write.execute("INSERT INTO actions (trainee_id, wave, action_id, function, person_id)"
                              " VALUES ('007', 'begin', 'A2', 'reflectie', 'P9')")
        found = refused.value.violations[["table_name", "column_name"]].values.tolist()
        assert ["valuations", "trainee_id, wave"] in found and ["actions", "person_id"] in found
        assert cursor.execute("SELECT count(*) FROM valuations").fetchone() == (1,)
        cursor.close()


def test_a_failing_upgrade_leaves_the_version_3_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v3.duckdb"
    _version_3_file(path)
    _break_the_next_version(monkeypatch)
    with pytest.raises(duckdb.Error):
        Database(path)
    con = duckdb.connect(str(path))
    try:
        assert schema_version(con) == 3
        assert not {"valuations", "actions", "wave_revisions", "users_v5"} & _tables(con)
        assert con.execute("SELECT role FROM users").fetchall() == [("schoolopleider",)]
    finally:
        con.close()
