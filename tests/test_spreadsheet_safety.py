"""Formula neutralisation: downloads cannot run formulas, and the interchange round trip stays exact."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.store.db import Database
from dashboard.exchange.exporter import export_dataset, export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import FILES, write_dataset
from dashboard.core.spreadsheet_safety import (FORMULA_TRIGGERS, neutralise_formulas, neutralise_text,
                                          restore_formulas, restore_text)
from import_fixtures import tiny_partnership

HYPERLINK = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(("value", "safe"), [
    (HYPERLINK, "'" + HYPERLINK),
    ("-5", "'-5"),
    ("+31 6 12345678", "'+31 6 12345678"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("'=al beschermd", "''=al beschermd"),  # an apostrophe the user typed survives the round trip
    ("'t Hooft", "'t Hooft"),  # Dutch names with an apostrophe are left alone
    ("Anna-Maria", "Anna-Maria"),
    ("", ""),
])
def test_neutralise_text_hand_cases(value, safe):
    assert neutralise_text(value) == safe
    assert restore_text(safe) == value


@given(st.text())
def test_restore_undoes_neutralise_and_nothing_starts_with_a_trigger(value):
    safe = neutralise_text(value)
    assert restore_text(safe) == value
    assert not safe.startswith(FORMULA_TRIGGERS)


def test_frames_keep_dtypes_missing_values_and_non_text_columns():
    frame = pd.DataFrame({"name": pd.Series([HYPERLINK, None, "Bram"], dtype="str"), "n": [-1, 2, 3]})
    safe = neutralise_formulas(frame)
    assert safe["name"].tolist()[0] == "'" + HYPERLINK and pd.isna(safe["name"].tolist()[1])
    assert safe["n"].tolist() == [-1, 2, 3]  # numbers are not text cells
    assert safe.dtypes.equals(frame.dtypes)
    assert restore_formulas(safe).equals(frame)
    assert frame["name"].tolist()[0] == HYPERLINK  # the input is not changed


def _hostile_partnership() -> dict[str, pd.DataFrame]:
    tables = tiny_partnership()
    tables["trainees"].loc[0, "name"] = HYPERLINK
    tables["trainees"].loc[1, "name"] = "-5"
    tables["people"].loc[0, "name"] = "'t Hooft"
    tables["people"].loc[1, "name"] = "@Sara"
    tables["relationships"].loc[0, "contact_note"] = "+31 6 12345678"
    tables["schools"] = tables["schools"].assign(x_telefoon=["+31 50 1234567", "'=al beschermd"])
    return tables


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
def test_hostile_values_survive_export_import_export_identically(tmp_path, suffix):
    with Database(tmp_path / "a.duckdb") as first:
        assert import_dataset(first, write_dataset(_hostile_partnership(), tmp_path / "source")).ok
        one = export_dataset(first, tmp_path / f"one{suffix}")
    with Database(tmp_path / "b.duckdb") as second:
        assert import_dataset(second, one).ok
        # The stored values are the originals, not the protected forms.
        names = second.query_sql("SELECT name FROM trainees ORDER BY trainee_id")["name"].tolist()
        assert names == [HYPERLINK, "-5"]
        people = second.query_sql("SELECT name FROM people ORDER BY person_id")["name"].tolist()
        assert people[:2] == ["'t Hooft", "@Sara"]
        two = export_dataset(second, tmp_path / f"two{suffix}")
    if suffix:
        assert one.read_bytes() == two.read_bytes()
    else:
        names = [spec.file_name for spec in FILES]
        assert filecmp.cmpfiles(one, two, names, shallow=False)[1:] == ([], [])


def test_exported_files_hold_no_live_formula(tmp_path, empty_db):
    from openpyxl import load_workbook

    assert import_dataset(empty_db, write_dataset(_hostile_partnership(), tmp_path / "source")).ok
    tables = export_tables(empty_db)
    assert tables["trainees"]["name"].tolist() == ["'" + HYPERLINK, "'-5"]
    assert tables["relationships"]["contact_note"].tolist()[0] == "'+31 6 12345678"
    # A hand-made file's "'=..." means text "=..." (as in a spreadsheet), and leaves protected again.
    assert tables["schools"]["x_telefoon"].tolist() == ["'+31 50 1234567", "'=al beschermd"]
    book = load_workbook(export_dataset(empty_db, tmp_path / "out.xlsx"))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.value for c in cells if c.data_type == "f"] == []
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS)]
    text = (export_dataset(empty_db, tmp_path / "csv") / "trainees.csv").read_text(encoding="utf-8")
    assert "\n=" not in text and ",=" not in text and ',"=' not in text
