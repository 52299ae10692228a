"""The keys of relationships, relationship_functions, consultations and needs stay
unique without a PRIMARY KEY (queries/store/schema/003_unindexed_keys.sql): every
write transaction checks them before it commits, and says clearly what it refused.
"""

from __future__ import annotations

import argparse

import pandas as pd
import pyarrow as pa
import pytest

from dashboard.store import db as db_module
from dashboard.store.db import UNINDEXED_KEYS, IntegrityError
from dashboard.exchange.importer import STAGED_CHECK, _TABLE_COLUMNS, command_import, import_dataset
from import_fixtures import write_tiny

# One row of the tiny partnership per table (tests/import_fixtures.py), written again as is.
_REPEATED = {
    "relationships": (
        "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength)"
        " VALUES ('007', 'P1', 'begin', true, 'zwak')",
        {"trainee_id": "007", "person_id": "P1", "wave": "begin"}, "007/P1/begin"),
    "relationship_functions": (
        "INSERT INTO relationship_functions VALUES ('007', 'P1', 'begin', 'gastheer')",
        {"trainee_id": "007", "person_id": "P1", "wave": "begin", "function": "gastheer"}, "007/P1/begin/gastheer"),
    "consultations": (
        "INSERT INTO consultations (trainee_id, person_a, person_b, wave) VALUES ('007', 'P1', 'P2', 'begin')",
        {"trainee_id": "007", "person_a": "P1", "person_b": "P2", "wave": "begin"}, "007/P1/P2/begin"),
    "needs": (
        "INSERT INTO needs (trainee_id, wave, function) VALUES ('007', 'begin', 'vakexpert')",
        {"trainee_id": "007", "wave": "begin", "function": "vakexpert"}, "007/begin/vakexpert"),
}


def _stored(db) -> dict[str, pd.DataFrame]:
    return {table: db.query_sql("SELECT * FROM query_table($table) ORDER BY ALL", {"table": table}) for table in _TABLE_COLUMNS}


def _staged(table: str | None = None, key: dict[str, str] | None = None) -> dict[str, pa.Table]:
    """Every staged_<table> the touched-rows check reads, empty but for ``table`` (key columns suffice)."""
    return {name: pa.table({column: pa.array([key.get(column)] if name == table else [], pa.string())
                            for column in columns})
            for name, columns in _TABLE_COLUMNS.items()}


@pytest.fixture
def tiny_db(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    return empty_db


@pytest.mark.parametrize("table", sorted(_REPEATED))
@pytest.mark.parametrize("check", [db_module.FULL_CHECK, STAGED_CHECK], ids=["every row", "staged keys"])
def test_a_repeated_key_is_refused_and_nothing_is_written(tiny_db, table, check):
    statement, key, row_key = _REPEATED[table]
    before = _stored(tiny_db)
    with pytest.raises(IntegrityError) as refused:
        with tiny_db.transaction(check) as cursor:
            for name, frame in _staged(table, key).items():
                cursor.register(f"staged_{name}", frame)
            cursor.execute(statement)
    assert refused.value.violations.values.tolist() == [[table, row_key, ", ".join(UNINDEXED_KEYS[table]), "2"]]
    assert refused.value.repeated_keys.values.tolist() == refused.value.violations.values.tolist()
    for name, frame in _stored(tiny_db).items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_the_same_relationship_twice_in_one_transaction_is_refused(empty_db):
    cursor = empty_db.cursor()  # the rows it refers to, so that only the key is wrong
    cursor.execute("INSERT INTO schools (school_id, name) VALUES ('S1', 'Het Baken')")
    cursor.execute("INSERT INTO institutes (institute_id, name) VALUES ('I1', 'Hogeschool Noord')")
    cursor.execute("INSERT INTO trainees (trainee_id, name, school_id, institute_id, cohort)"
                   " VALUES ('T1', 'Anna', 'S1', 'I1', '2025-2026')")
    cursor.execute("INSERT INTO people (person_id, name, role) VALUES ('P1', 'Wim', 'werkplekbegeleider')")
    cursor.close()
    insert = ("INSERT INTO relationships (trainee_id, person_id, wave, formal, strength)"
              " VALUES ('T1', 'P1', 'begin', true, 'sterk')")
    with pytest.raises(IntegrityError) as refused:
        with empty_db.transaction() as write:
            write.execute(insert)
            write.execute(insert)
    assert refused.value.repeated_keys[["table_name", "row_key", "value"]].values.tolist() == [
        ["relationships", "T1/P1/begin", "2"]]
    assert empty_db.scalar("SELECT count(*) FROM relationships") == 0
    with empty_db.transaction() as write:  # once is fine
        write.execute(insert)
    assert empty_db.scalar("SELECT count(*) FROM relationships") == 1


def test_the_touched_rows_check_looks_for_repeats_of_staged_keys_only(tiny_db):
    """A repeated key the write did not stage is not its business (as with references)."""
    cursor = tiny_db.cursor()
    cursor.execute(_REPEATED["needs"][0])  # put there past every check
    cursor.close()
    with tiny_db.transaction(STAGED_CHECK) as write:
        for name, frame in _staged("needs", {"trainee_id": "T2", "wave": "begin", "function": "vakexpert"}).items():
            write.register(f"staged_{name}", frame)
        write.execute("INSERT INTO needs (trainee_id, wave, function) VALUES ('T2', 'begin', 'vakexpert')")
    with pytest.raises(IntegrityError) as refused:  # while the check of every table sees it
        with tiny_db.transaction():
            pass
    assert refused.value.repeated_keys["row_key"].tolist() == ["007/begin/vakexpert"]


def test_the_message_names_table_key_columns_and_count_in_dutch_and_english():
    violations = pd.DataFrame({
        "table_name": ["consultations", "relationships"],
        "row_key": ["007/P1/P2/begin", "007/P9/begin"],
        "column_name": ["trainee_id, person_a, person_b, wave", "person_id"],
        "value": ["3", "P9"]})
    error = IntegrityError(violations)
    assert error.repeated_keys["table_name"].tolist() == ["consultations"]
    assert error.message("nl") == str(error) == (
        "Niet opgeslagen: in tabel consultations zou de sleutel (trainee_id, person_a, person_b, wave)"
        " \"007/P1/P2/begin\" 3 keer voorkomen; elke sleutel mag maar één keer voorkomen."
        " Er is niets gewijzigd. Aantal andere problemen: 1.")
    assert error.message("en") == (
        "Not saved: in table consultations the key (trainee_id, person_a, person_b, wave)"
        " \"007/P1/P2/begin\" would occur 3 times; every key may occur only once."
        " Nothing was changed. Other problems found: 1.")
    reference = IntegrityError(violations.iloc[[1]].reset_index(drop=True))
    assert reference.repeated_keys.empty
    assert reference.message("nl").startswith(
        "Niet opgeslagen: in tabel relationships zou rij \"007/P9/begin\" in kolom person_id de waarde \"P9\" hebben")
    many = IntegrityError(pd.concat([violations.iloc[[1]]] * db_module.INTEGRITY_ROWS_SHOWN, ignore_index=True))
    assert many.message("nl").endswith("Aantal andere problemen: minstens 99.")


def test_the_checks_report_exactly_the_keys_db_py_knows():
    """db.py recognises a repeated key by its key columns; both checks must name them that way."""
    for name in (db_module.FULL_CHECK, STAGED_CHECK):
        text = db_module.check_sql(name)
        for table, columns in UNINDEXED_KEYS.items():
            assert f"'{table}'" in text and f"'{', '.join(columns)}'" in text, (name, table)


def test_a_merge_that_would_repeat_a_key_is_refused_with_the_message(tmp_path, tiny_db, monkeypatch, capsys):
    """The safety net under the import: were its anti-join lost, the check before commit stops the write."""
    before = _stored(tiny_db)
    path = tiny_db.path
    tiny_db.close()
    real = db_module.load_sql

    def without_anti_join(name: str) -> str:
        if name == "exchange/import/upsert_needs":
            return "INSERT INTO needs (trainee_id, wave, function, extra) SELECT trainee_id, wave, function, extra" \
                   " FROM staged_needs;"
        return real(name)

    monkeypatch.setattr(db_module, "load_sql", without_anti_join)
    expected = {
        "nl": "Niet opgeslagen: in tabel needs zou de sleutel (trainee_id, wave, function) \"007/begin/vakexpert\""
              " 2 keer voorkomen; elke sleutel mag maar één keer voorkomen. Er is niets gewijzigd.",
        "en": "Not saved: in table needs the key (trainee_id, wave, function) \"007/begin/vakexpert\""
              " would occur 2 times; every key may occur only once. Nothing was changed.",
    }
    for lang, message in expected.items():
        args = argparse.Namespace(path=str(write_tiny(tmp_path / "again")), db=str(path), replace=False,
                                  dry_run=False, lang=lang)
        assert command_import(args) == 2
        assert capsys.readouterr().err.splitlines()[-1] == message
    monkeypatch.setattr(db_module, "load_sql", real)
    with db_module.Database(path) as again:
        for name, frame in _stored(again).items():
            pd.testing.assert_frame_equal(frame, before[name])
