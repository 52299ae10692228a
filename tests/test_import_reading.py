"""The import's two CSV readers agree, and the integrity check of a merge looks at what it touched.

Arrow's CSV reader is the fast path; the csv module reads what Arrow refuses
(rows wider or narrower than the header). Whatever Arrow accepts must come out
exactly as the csv module reads it: same header, cells, spreadsheet lines and
messages.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.exchange.importer import STAGED_CHECK
from dashboard.store.db import FULL_CHECK, IntegrityError, check_sql
from dashboard.exchange.importer import (
    _TABLE_COLUMNS,
    _decode,
    _detect_separator,
    _parse_csv,
    _read_csv_text,
    _table_from_columns,
    import_dataset,
)
from dashboard.exchange.interchange import FILE_BY_NAME
from import_fixtures import write_tiny

_SPEC = FILE_BY_NAME["institutes"]
_CELL = st.text(alphabet=['a', 'é', ' ', '\t', ',', ';', '"', "'", '=', '\n', '\r', '0'], max_size=6)


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def _csv_text(draw: st.DrawFn) -> str:
    """A header of known, extra, unknown and empty names, then rows of any width, cells quoted or raw."""
    separator = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(st.lists(st.sampled_from(["institute_id", "name", " Name ", "x_note", "", "other"]),
                           min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(_CELL, max_size=5), max_size=6))
    lines = [separator.join(header)]
    for row in rows:
        lines.append(separator.join(_quoted(cell) if draw(st.booleans()) else cell for cell in row))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending]))


def _outcome(table, issues) -> tuple:
    if table is None:
        return None, issues
    data = {name: table.data[name].tolist() for name in table.data.columns}
    return (table.columns, data, table.lines.tolist()), issues


@settings(max_examples=400, deadline=None)
@given(text=_csv_text())
def test_fast_reader_reads_what_it_accepts_as_the_csv_module_does(text):
    decoded, utf8 = _decode(text.encode("utf-8"))
    if not decoded or decoded.isspace():
        return
    separator = _detect_separator(decoded)
    columns = _parse_csv(utf8, separator)
    if columns is None:
        return  # refused: the csv module reads it
    fast_issues, slow_issues = [], []
    fast = _table_from_columns(_SPEC, "institutes.csv", columns, 1, fast_issues)
    slow = _read_csv_text(_SPEC, "institutes.csv", decoded, separator, slow_issues)
    assert _outcome(fast, fast_issues) == _outcome(slow, slow_issues)


def test_fast_reader_takes_ordinary_files_as_text_and_refuses_ragged_ones():
    columns = _parse_csv(b'institute_id,name\n007,"Hogeschool, Noord"\n0.50,1e3\n', ",")
    assert [column.to_pylist() for column in columns] == [
        ["institute_id", "007", "0.50"], ["name", "Hogeschool, Noord", "1e3"]]
    assert _parse_csv(b"institute_id,name\nI1,Noord,extra\n", ",") is None
    assert _parse_csv(b"institute_id,name\nI1\n", ",") is None


@pytest.mark.parametrize("schools", [
    "school_id,name,sector\nS1,Het Baken,vo\n\nS2,De Linde,xx\n",  # a blank line: Arrow reads it
    "school_id,name,sector\nS1,Het Baken\n\nS2,De Linde,xx\n",  # a short row: the csv module reads it
    "school_id;name;sector\r\nS1;Het Baken;vo\r\n;;\r\nS2;De Linde;xx\r\n",  # an empty row, Excel style
])
def test_blank_rows_keep_their_line_numbers(tmp_path, empty_db, schools):
    folder = write_tiny(tmp_path / "data")
    (folder / "schools.csv").write_text(schools, encoding="utf-8", newline="")
    result = import_dataset(empty_db, folder)
    assert [(issue.file, issue.line, issue.column, issue.value) for issue in result.errors] == [
        ("schools.csv", 4, "sector", "xx")]


def _stored(db, table: str):
    """Every row of ``table``, in a fixed order (the table name bound, not formatted in)."""
    return db.query_sql("SELECT * FROM query_table($table) ORDER BY ALL", {"table": table})


def test_importing_the_same_data_again_updates_and_changes_nothing(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    first = import_dataset(empty_db, folder)
    before = {table: _stored(empty_db, table) for table in _TABLE_COLUMNS}
    again = import_dataset(empty_db, folder)
    assert first.ok and again.ok
    assert set(again.inserted) == set(first.inserted) - {"functions.csv", "norm_roles.csv",
                                                         "norm_consultations.csv"}  # defaults only the first time
    assert again.inserted == {name: 0 for name in again.inserted}
    assert again.updated == {name: first.inserted[name] for name in again.inserted}
    for table, frame in before.items():
        pd.testing.assert_frame_equal(_stored(empty_db, table), frame)


def _staged(**rows: list[dict[str, str]]) -> dict[str, pa.Table]:
    """Every staged_<table> the touched-rows check reads; the given ones with rows (key columns suffice)."""
    tables = {}
    for table, columns in _TABLE_COLUMNS.items():
        given = rows.get(table, [])
        tables[table] = pa.table({column: pa.array([row.get(column) for row in given], pa.string())
                                  for column in columns})
    return tables


def _write_trainee(db, trainee_id: str, school_id: str, check: tuple[str, ...], staged: dict[str, pa.Table]) -> None:
    with db.transaction(check) as cursor:
        for table, frame in staged.items():
            cursor.register(f"staged_{table}", frame)
        cursor.execute("INSERT INTO trainees (trainee_id, name, school_id, institute_id, cohort) "
                       "VALUES (?, 'Naam', ?, 'I1', '2025-2026')", [trainee_id, school_id])


def test_touched_rows_check_looks_only_at_staged_keys(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    # A broken row the import did not write (put there past every check):
    cursor = empty_db.cursor()
    cursor.execute("INSERT INTO trainees (trainee_id, name, school_id, institute_id, cohort) "
                   "VALUES ('OLD', 'Oud', 'S9', 'I1', '2025-2026')")
    cursor.close()
    touched = STAGED_CHECK
    # A merge that writes a sound row commits: the old broken row is not its business ...
    _write_trainee(empty_db, "NEW", "S1", touched, _staged(trainees=[{"trainee_id": "NEW"}]))
    # ... while the plain check of every table refuses any write while that row exists,
    with pytest.raises(IntegrityError):
        _write_trainee(empty_db, "NEW2", "S1", FULL_CHECK, _staged(trainees=[{"trainee_id": "NEW2"}]))
    # and a row the merge wrote is checked.
    with pytest.raises(IntegrityError) as refused:
        _write_trainee(empty_db, "BAD", "S8", touched, _staged(trainees=[{"trainee_id": "BAD"}]))
    assert refused.value.violations[["row_key", "value"]].values.tolist() == [["BAD", "S8"]]
    assert empty_db.scalar("SELECT count(*) FROM trainees WHERE trainee_id IN ('NEW2', 'BAD')") == 0
    assert empty_db.scalar("SELECT count(*) FROM trainees WHERE trainee_id = 'NEW'") == 1


def test_touched_rows_check_covers_every_rule(tmp_path, empty_db):
    """Each kind of broken row the import could write is found when its key is staged."""
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    cursor = empty_db.cursor()
    cursor.execute("BEGIN TRANSACTION")
    statements = [
        "UPDATE trainees SET institute_id = 'I9' WHERE trainee_id = 'T2'",
        "UPDATE people SET school_id = 'S9' WHERE person_id = 'P1'",
        "UPDATE people SET institute_id = 'I9' WHERE person_id = 'P3'",
        "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength) VALUES ('T9', 'P9', 'eind', true, 'sterk')",
        "INSERT INTO relationships (trainee_id, person_id, wave, formal, strength) VALUES ('T2', 'T2', 'eind', true, 'sterk')",
        "INSERT INTO relationship_functions VALUES ('007', 'P4', 'midden', 'onbekend')",
        "INSERT INTO consultations (trainee_id, person_a, person_b, wave) VALUES ('007', 'P4', 'P1', 'eind')",
        "INSERT INTO norm_consultations (programme, role_a, role_b) VALUES ('x', 'overig', 'collega')",
        "INSERT INTO needs (trainee_id, wave, function) VALUES ('T9', 'eind', 'nergens')",
    ]
    for statement in statements:
        cursor.execute(statement)
    for table, frame in _staged(
            trainees=[{"trainee_id": "T2"}],
            people=[{"person_id": "P1"}, {"person_id": "P3"}],
            relationships=[{"trainee_id": "T9", "person_id": "P9", "wave": "eind"},
                           {"trainee_id": "T2", "person_id": "T2", "wave": "eind"}],
            relationship_functions=[{"trainee_id": "007", "person_id": "P4", "wave": "midden",
                                     "function": "onbekend"}],
            consultations=[{"trainee_id": "007", "person_a": "P4", "person_b": "P1", "wave": "eind"}],
            norm_consultations=[{"programme": "x", "role_a": "overig", "role_b": "collega"}],
            needs=[{"trainee_id": "T9", "wave": "eind", "function": "nergens"}]).items():
        cursor.register(f"staged_{table}", frame)
    touched = cursor.execute(check_sql(STAGED_CHECK)).df()
    every = cursor.execute(check_sql(FULL_CHECK)).df()
    cursor.execute("ROLLBACK")
    cursor.close()
    pd.testing.assert_frame_equal(touched, every)
    assert set(zip(touched["table_name"], touched["column_name"])) == {
        ("trainees", "institute_id"), ("people", "school_id"), ("people", "institute_id"),
        ("relationships", "trainee_id"), ("relationships", "person_id"),
        ("relationship_functions", "trainee_id"), ("relationship_functions", "function"),
        ("consultations", "person_a"), ("consultations", "person_b"), ("norm_consultations", "role_b"),
        ("needs", "trainee_id"), ("needs", "function")}


@pytest.mark.parametrize("statement, staged, column", [
    # the relationship exists, but of another trainee (007, P1, begin)
    ("INSERT INTO relationship_functions VALUES ('T2', 'P1', 'begin', 'gastheer')",
     {"relationship_functions": [{"trainee_id": "T2", "person_id": "P1", "wave": "begin", "function": "gastheer"}]},
     "trainee_id"),
    # the relationship exists, but in another wave (007, P2, begin)
    ("INSERT INTO relationship_functions VALUES ('007', 'P2', 'midden', 'reflectie')",
     {"relationship_functions": [{"trainee_id": "007", "person_id": "P2", "wave": "midden", "function": "reflectie"}]},
     "trainee_id"),
    # an overleg pair of T2 whose first person is only 007's
    ("INSERT INTO consultations (trainee_id, person_a, person_b, wave) VALUES ('T2', 'P1', 'P2', 'begin')",
     {"consultations": [{"trainee_id": "T2", "person_a": "P1", "person_b": "P2", "wave": "begin"}]},
     "person_a"),
], ids=["other trainee", "other wave", "overleg of another trainee's person"])
def test_touched_rows_check_refuses_a_reference_to_a_near_miss_relationship(tmp_path, empty_db, statement, staged,
                                                                           column):
    """The touched-rows check looks relationships up only among the checked rows' own trainees
    (queries/exchange/import/integrity_violations.sql): a row whose relationship exists only for
    another trainee or in another wave is still refused, as by the check of every row; its sound
    twin commits."""
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    for check in (STAGED_CHECK, FULL_CHECK):
        with pytest.raises(IntegrityError) as refused:
            with empty_db.transaction(check) as cursor:
                for table, frame in _staged(**staged).items():
                    cursor.register(f"staged_{table}", frame)
                cursor.execute(statement)
        assert refused.value.violations["column_name"].tolist() == [column]
    assert empty_db.scalar("SELECT count(*) FROM relationship_functions WHERE trainee_id = 'T2'") == 1
    assert empty_db.scalar("SELECT count(*) FROM consultations WHERE trainee_id = 'T2'") == 0
    sound = {"trainee_id": "T2", "person_id": "P2", "wave": "begin", "function": "reflectie"}
    with empty_db.transaction(STAGED_CHECK) as cursor:
        for table, frame in _staged(relationship_functions=[sound]).items():
            cursor.register(f"staged_{table}", frame)
        cursor.execute("INSERT INTO relationship_functions VALUES ('T2', 'P2', 'begin', 'reflectie')")
    assert empty_db.scalar("SELECT count(*) FROM relationship_functions WHERE trainee_id = 'T2'") == 2
