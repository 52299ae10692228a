"""No silent decoding (issue 16): a file whose bytes are not valid in the encoding chosen for it
is refused with the line where they go wrong, and an invisible character inside an id or code is
an error naming line and column. Near misses: a file wholly in Windows-1252, or wholly UTF-8,
imports with its accents right; an invisible character in a name is no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.exchange.importer import import_dataset
from dashboard.store.db import Database
from import_fixtures import write_tiny


def _import(folder: Path, tmp_path: Path):
    with Database(tmp_path / "db.duckdb") as db:
        result = import_dataset(db, folder)
        names = db.query_sql("SELECT trainee_id, name FROM trainees ORDER BY trainee_id") if result.ok else None
    return result, names


def _rewrite_line(path: Path, number: int, old: bytes, new: bytes) -> None:
    lines = path.read_bytes().split(b"\n")
    assert old in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new)
    path.write_bytes(b"\n".join(lines))


def test_a_file_mixing_utf8_and_windows_1252_is_refused_at_the_line_of_the_bad_bytes(tmp_path):
    folder = write_tiny(tmp_path / "mixed")
    trainees = folder / "trainees.csv"
    _rewrite_line(trainees, 2, b"Anna", "Anné".encode("utf-8"))
    _rewrite_line(trainees, 3, b"Bram Jansen", "Zoë Willems".encode("cp1252"))
    result, _ = _import(folder, tmp_path)
    [issue] = [e for e in result.errors if e.code == "bad_encoding"]
    assert (issue.file, issue.line) == ("trainees.csv", 3)
    assert "UTF-8" in issue.message() and "0xEB" in issue.message()
    assert not result.written


def test_a_bom_then_windows_1252_is_refused(tmp_path):
    folder = write_tiny(tmp_path / "bom")
    trainees = folder / "trainees.csv"
    trainees.write_bytes(b"\xef\xbb\xbf" + trainees.read_bytes())
    _rewrite_line(trainees, 3, b"Bram", "Brâm".encode("cp1252"))
    result, _ = _import(folder, tmp_path)
    assert [(e.file, e.line) for e in result.errors if e.code == "bad_encoding"] == [("trainees.csv", 3)]


def test_a_windows_1252_file_imports_with_its_accents(tmp_path):
    folder = write_tiny(tmp_path / "cp1252")
    trainees = folder / "trainees.csv"
    _rewrite_line(trainees, 3, b"Bram Jansen", "Zoë Willems".encode("cp1252"))
    result, names = _import(folder, tmp_path)
    assert result.ok, [str(e) for e in result.errors]
    assert "Zoë Willems" in names["name"].tolist()


def test_a_byte_undefined_in_windows_1252_is_refused(tmp_path):
    folder = write_tiny(tmp_path / "undefined")
    _rewrite_line(folder / "trainees.csv", 3, b"Bram", b"Br\x81m")
    result, _ = _import(folder, tmp_path)
    [issue] = [e for e in result.errors if e.code == "bad_encoding"]
    assert issue.line == 3 and "Windows-1252" in issue.message() and "0x81" in issue.message()


@pytest.mark.parametrize("char", ["\ufeff", "\u200b", "\u00a0", "\u200e", "\x07"])
def test_an_invisible_character_inside_an_id_names_line_and_column(tmp_path, char):
    folder = write_tiny(tmp_path / "invisible")
    people = folder / "people.csv"
    _rewrite_line(people, 3, "P2,".encode(), f"P{char}2,".encode("utf-8"))
    result, _ = _import(folder, tmp_path)
    found = [e for e in result.errors if e.code == "invisible_character"]
    assert [(e.file, e.line, e.column) for e in found] == [("people.csv", 3, "person_id")]
    assert f"U+{ord(char):04X}" in found[0].message()


def test_a_bom_in_the_middle_of_a_file_is_an_error_not_a_second_id(tmp_path):
    """Two files pasted together: the second one's BOM lands before an id."""
    folder = write_tiny(tmp_path / "pasted")
    trainees = folder / "trainees.csv"
    _rewrite_line(trainees, 3, b"T2,", b"\xef\xbb\xbfT2,")
    result, _ = _import(folder, tmp_path)
    assert [(e.line, e.column) for e in result.errors if e.code == "invisible_character"] == [(3, "trainee_id")]
    assert not result.written


def test_an_invisible_character_in_a_code_column_is_an_error(tmp_path):
    folder = write_tiny(tmp_path / "code")
    _rewrite_line(folder / "relationships.csv", 2, b"begin", "begin\u200b".encode("utf-8"))
    result, _ = _import(folder, tmp_path)
    assert ("relationships.csv", 2, "wave") in [(e.file, e.line, e.column) for e in result.errors
                                               if e.code == "invisible_character"]


def test_an_invisible_character_in_a_name_is_no_error(tmp_path):
    folder = write_tiny(tmp_path / "name")
    _rewrite_line(folder / "trainees.csv", 3, b"Bram Jansen", "Bram\u00a0Jansen\u200b".encode("utf-8"))
    result, names = _import(folder, tmp_path)
    assert result.ok, [str(e) for e in result.errors]
