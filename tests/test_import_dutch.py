"""Dutch names and values on import (data contract, version 2): a file written the way a
Dutch coordinator writes one imports to exactly what the English file gives."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import Workbook

from dashboard.exchange import aliases
from dashboard.exchange.exporter import export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import FILES, write_dataset
from dashboard.store.db import Database
from import_fixtures import tiny_partnership

# Dutch Excel's TRUE/FALSE, and labels instead of codes in a ", "-separated list.
_DUTCH_VALUES = {
    ("relationships", "formal"): {"ja": "WAAR", "nee": "ONWAAR"},
    ("relationships", "assesses"): {"ja": "Waar", "nee": "onwaar"},
    ("relationships", "functions"): {
        "gastheer;leermeester": "Gastheer, master",
        "emotionele_steun": "emotionele steun",
        "reflectie": "Reflectiepartner |",
    },
}
# A header as people type it: capitals, spaces for underscores.
_HEADER_STYLE = {"verwachte_sterkte": "Verwachte sterkte", "contactfrequentie": "Contactfrequentie",
                 "persoon_a": "Persoon-A", "studentnummer": "Studentnummer"}


def _dutch(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, pd.DataFrame]]:
    """Each table under its Dutch file name, with Dutch headers and Dutch-Excel values."""
    result = {}
    for name, table in tables.items():
        table = table.copy()
        for (file, column), mapping in _DUTCH_VALUES.items():
            if file == name and column in table:
                table[column] = table[column].map(lambda v, m=mapping: m.get(v, v))
        headers = {}
        for column in table.columns:
            dutch = aliases.DUTCH_COLUMN_OF.get(column, column)
            if name == "relationships" and column == "trainee_id":
                dutch = "studentnummer"
            headers[column] = _HEADER_STYLE.get(dutch, dutch)
        result[aliases.DUTCH_FILE_OF[name]] = (name, table.rename(columns=headers))
    return result


def _write_dutch_csv(tables: dict[str, pd.DataFrame], folder) -> None:
    folder.mkdir(parents=True)
    for stem, (_, table) in _dutch(tables).items():
        with open(folder / f"{stem.capitalize()}.csv", "w", encoding="cp1252", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(table.columns)
            writer.writerows(table.fillna("").values.tolist())


def _with_windows_text(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    tables = {name: table.copy() for name, table in tables.items()}
    tables["schools"].loc[0, "name"] = "Café Ôst"  # only Windows-1252 in the Dutch file
    return tables


def _imported(tmp_path, source) -> dict[str, pd.DataFrame]:
    db = Database(tmp_path / f"{source.name}.duckdb")
    try:
        result = import_dataset(db, source)
        assert result.ok, [issue.message() for issue in result.errors]
        return export_tables(db)
    finally:
        db.close()


def _assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    assert left.keys() == right.keys()
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_dtype=False)


def test_dutch_csv_files_import_to_exactly_what_the_english_files_give(tmp_path):
    tables = _with_windows_text(tiny_partnership())
    english = write_dataset(tables, tmp_path / "english")
    _write_dutch_csv(tables, tmp_path / "nederlands")
    assert (tmp_path / "nederlands" / "Relaties.csv").read_bytes().count(b";") > 10
    with pytest.raises(UnicodeDecodeError):
        (tmp_path / "nederlands" / "Scholen.csv").read_bytes().decode("utf-8")

    _assert_same(_imported(tmp_path, tmp_path / "nederlands"), _imported(tmp_path, english))


def test_dutch_workbook_sheets_and_columns_import_like_the_english_files(tmp_path):
    tables = tiny_partnership()
    english = write_dataset(tables, tmp_path / "english")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for stem, (_, table) in _dutch(tables).items():
        sheet = workbook.create_sheet(stem.replace("_", " ").upper())  # "NORM ROLLEN" = norm_rollen
        sheet.append(list(table.columns))
        for row in table.fillna("").values.tolist():
            sheet.append(row)
    workbook.save(tmp_path / "gegevens.xlsx")

    _assert_same(_imported(tmp_path, tmp_path / "gegevens.xlsx"), _imported(tmp_path, english))


def test_every_dutch_name_of_the_contract_resolves_to_its_english_column():
    for spec in FILES:
        for column in spec.columns:
            assert aliases.column_name(column, spec.columns) == column
        for dutch, english in aliases.DUTCH_COLUMNS.items():
            if english in spec.columns:
                for written in (dutch, dutch.upper(), dutch.replace("_", " "), dutch.replace("_", "-")):
                    assert aliases.column_name(written, spec.columns) == english
    assert aliases.file_name("Norm-Rollen", [s.name for s in FILES]) == "norm_roles"
    assert aliases.file_name("begeleiders", [s.name for s in FILES]) == "people"
    # valuations and actions answer to their Dutch names once their files exist
    assert aliases.file_name("Waarderingen", ["valuations"]) == "valuations"
    assert aliases.column_name("Steun", ["support", "note"]) == "support"
    assert aliases.column_name("actie", ["action_id"]) == "action_id"
    # a near miss: a Dutch name of another file's column is not this file's column
    assert aliases.column_name("functie", FILES[5].columns) == "functie"


def test_unknown_column_and_file_suggest_the_nearest_known_name(tmp_path, empty_db):
    folder = tmp_path / "data"
    write_dataset(tiny_partnership(), folder)
    text = (folder / "relationships.csv").read_text(encoding="utf-8")
    (folder / "relationships.csv").write_text(text.replace("strength", "sterkt", 1), encoding="utf-8")
    (folder / "schools.csv").rename(folder / "schoolen.csv")

    result = import_dataset(empty_db, folder)

    messages = [issue.message() for issue in result.errors]
    assert any('onbekende kolom "sterkt"' in m and 'Bedoelt u "sterkte"?' in m for m in messages), messages
    assert any('onbekend bestand "schoolen.csv"' in m and 'Bedoelt u "scholen.csv"?' in m for m in messages)
    assert any("Did you mean" in issue.message("en") for issue in result.errors)
    assert not result.written


def test_unknown_column_far_from_every_name_gets_no_suggestion(tmp_path, empty_db):
    folder = tmp_path / "data"
    write_dataset(tiny_partnership(), folder)
    text = (folder / "schools.csv").read_text(encoding="utf-8")
    (folder / "schools.csv").write_text(text.replace("sector", "qqqqqq", 1), encoding="utf-8")

    result = import_dataset(empty_db, folder)

    [issue] = result.errors
    assert issue.code == "unknown_column" and "Bedoelt" not in issue.message()


def test_a_column_given_in_english_and_in_dutch_is_an_error(tmp_path, empty_db):
    folder = tmp_path / "data"
    tables = tiny_partnership()
    tables["schools"]["naam"] = tables["schools"]["name"]
    write_dataset({name: t for name, t in tables.items()}, folder)
    text = (folder / "schools.csv").read_text(encoding="utf-8").splitlines()
    # write_dataset drops the unknown column; add it by hand
    lines = [text[0] + ",Naam"] + [line + ",x" for line in text[1:]]
    (folder / "schools.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = import_dataset(empty_db, folder)

    [issue] = result.errors
    assert issue.code == "column_twice" and issue.line == 1 and issue.column == "naam"
    assert '"naam" is dezelfde kolom als "name"' in issue.message()
    assert empty_db.table_counts()["schools"] == 0


def test_errors_name_the_column_as_the_file_wrote_it(tmp_path, empty_db):
    tables = tiny_partnership()
    tables["relationships"].loc[1, "strength"] = "heel sterk"
    _write_dutch_csv(tables, tmp_path / "nl")

    result = import_dataset(empty_db, tmp_path / "nl")

    [issue] = result.errors
    assert issue.file == "Relaties.csv" and issue.line == 3 and issue.column == "sterkte"
    assert issue.value == "heel sterk"


def test_labels_and_separators_in_function_lists_and_needs(tmp_path, empty_db):
    tables = tiny_partnership()
    tables["relationships"].loc[0, "functions"] = "Host | LEERMEESTER; rolmodel"
    tables["needs"] = pd.DataFrame({"trainee_id": ["007"], "wave": ["begin"], "function": ["Emotional support"]})
    result = import_dataset(empty_db, write_dataset(tables, tmp_path / "data"))

    assert result.ok, [i.message() for i in result.errors]
    functions = empty_db.query_sql("SELECT function FROM relationship_functions WHERE person_id = 'P1' "
                                   "ORDER BY function")["function"].tolist()
    assert functions == ["gastheer", "leermeester", "rolmodel"]
    assert empty_db.query_sql("SELECT function FROM needs")["function"].tolist() == ["emotionele_steun"]


def test_an_unknown_label_is_still_an_unknown_function(tmp_path, empty_db):
    tables = tiny_partnership()
    tables["relationships"].loc[0, "functions"] = "gastheer, bijna-leermeester"
    result = import_dataset(empty_db, write_dataset(tables, tmp_path / "data"))

    [issue] = result.errors
    assert issue.code == "unknown_function" and issue.value == "bijna-leermeester"


from hypothesis import given, strategies as st  # noqa: E402


@given(st.sampled_from(sorted(aliases.DUTCH_COLUMNS)), st.lists(st.sampled_from(["_", " ", "-", "  "]), min_size=4,
                                                                  max_size=4), st.booleans())
def test_any_spelling_of_a_dutch_column_resolves(dutch, separators, upper):
    """Case, spaces, - and _ alike: every spelling of a contract name is the same column."""
    parts = dutch.split("_")
    written = parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:]))
    written = written.upper() if upper else written.title()
    english = aliases.DUTCH_COLUMNS[dutch]
    assert aliases.column_name(f"  {written} ", (english,)) == english
