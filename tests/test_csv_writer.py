"""One neutralisation and one CSV writer for every text that leaves the product (issue 16), and
downloads that open right in the user's Excel (issue 18): a lone CR, a `;` or a formula after
leading whitespace cannot start a cell in any CSV the product writes, and hostile values survive
the export and import through CSV and through a workbook byte for byte."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.spreadsheet_safety import (
    DOWNLOAD, INTERCHANGE, MACHINE, frame_csv, neutralise_formulas, neutralise_text, restore_text, workbook_text, xlsx_text,
)
from dashboard.exchange.exporter import export_dataset, export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.privacy import audit
from dashboard.store.db import PROJECT_ROOT, Database
from dashboard.web import loaders
from import_fixtures import tiny_partnership, write_tiny
from dashboard.exchange.interchange import write_dataset

# Each would run as a formula, split a row, or start a cell with '=' in some reader.
HOSTILE_VALUES = (
    "Jan\r=1+1", "Jan;=1+1", "Jan,=1+1", 'Zoë "de" Vries', "a\nb\r\nc\rd", "'=1", "''+2", "@SUM(A1)",
    "-3", "x_x000D_y", "_x005F_", "\u200b=SUM(1)", "Jan\t=1", "Anna\u00a0de Vries", "a\x01b",
)
TRIGGER = re.compile(r"^[\s\x00-\x1f]*[=+\-@]")
NUMBER = re.compile(r"^-?\d+([.,]\d+)?(e-?\d+)?$")


def _cells(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _assert_safe(text: str, delimiter: str = ",") -> None:
    """Read as a spreadsheet reads it (RFC 4180, the file's separator; CR, LF and CRLF all end a
    line outside quotes): every row as wide as the header, and no cell starts with a formula trigger."""
    rows = _cells(text, delimiter)
    assert rows and all(len(row) == len(rows[0]) for row in rows), rows
    for row in rows:
        for cell in row:
            assert not TRIGGER.match(cell) or NUMBER.match(cell), (delimiter, cell)  # -1.0 is a number


@pytest.mark.parametrize("value", [" =1+1", "\n=1", "\x00@x", "\u200b+1", " \t-1", "\r", "\t"])
def test_a_trigger_after_leading_whitespace_or_control_characters_is_neutralised(value):
    assert neutralise_text(value) == "'" + value and restore_text(neutralise_text(value)) == value


@pytest.mark.parametrize("value", ["Jan =1", "'t Hooft", "a-b", "e@mail.nl", " x"])
def test_a_near_miss_is_left_alone(value):
    assert neutralise_text(value) == value and restore_text(value) == value


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("'=+-@ \t\r\n\u200ba;,\"x_0D")), max_size=8))
def test_neutralisation_is_reversed_exactly(value):
    assert restore_text(neutralise_text(value)) == value
    assert workbook_text(xlsx_text(value)) == value


@pytest.mark.parametrize("dialect", [INTERCHANGE, MACHINE, DOWNLOAD["nl"], DOWNLOAD["en"]])
def test_the_writer_quotes_every_separator_quote_cr_and_lf(dialect):
    frame = pd.DataFrame({"name": list(HOSTILE_VALUES)})
    text = frame_csv(frame, dialect).removeprefix("\ufeff")
    _assert_safe(text, dialect.delimiter)
    read = [row[0] for row in _cells(text, dialect.delimiter)[1:]]
    assert [restore_text(v) for v in read] == list(HOSTILE_VALUES)


def _db_with_hostile_names(folder: Path) -> Path:
    tables = tiny_partnership()
    people = tables["people"]
    values = list(HOSTILE_VALUES)
    people = pd.concat([people] * (len(values) // len(people) + 1), ignore_index=True).iloc[:len(values)].copy()
    people["person_id"] = [f"H{i}" for i in range(len(values))]
    people["name"] = values
    tables["people"] = pd.concat([tiny_partnership()["people"], people], ignore_index=True)
    tables["trainees"].loc[0, "name"] = "Jan\r=1+1"
    tables["relationships"].loc[0, "contact_note"] = "a;=1\r\nb"
    path = folder / "hostile.duckdb"
    with Database(path) as db:
        # Written as an export writes them (neutralised), so the import stores the values themselves.
        safe = {name: neutralise_formulas(frame) for name, frame in tables.items()}
        result = import_dataset(db, write_tiny(folder / "in", **safe))
        assert result.ok, [str(e) for e in result.errors]
    return path


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_hostile_values_survive_export_and_import_byte_for_byte(tmp_path, kind):
    first_db = _db_with_hostile_names(tmp_path)
    with Database(first_db) as db:
        stored = db.query_sql("SELECT name FROM people WHERE person_id LIKE 'H%' ORDER BY person_id")
        assert sorted(stored["name"]) == sorted(HOSTILE_VALUES)
        first = export_dataset(db, tmp_path / ("one.xlsx" if kind == "xlsx" else "one"))
        tables_before = export_tables(db)
    if kind == "csv":
        _assert_safe((first / "people.csv").read_bytes().decode("utf-8"))
    with Database(tmp_path / "second.duckdb") as db:
        assert import_dataset(db, first).ok
        assert sorted(db.query_sql("SELECT name FROM people WHERE person_id LIKE 'H%'")["name"]) == \
            sorted(HOSTILE_VALUES)
        second = export_dataset(db, tmp_path / ("two.xlsx" if kind == "xlsx" else "two"))
        tables_after = export_tables(db)
    assert all(tables_before[name].equals(tables_after[name]) for name in tables_before)
    if kind == "csv":
        assert _folder_bytes(first) == _folder_bytes(second)
    else:
        assert first.read_bytes() == second.read_bytes()


def test_the_command_line_csvs_are_safe(tmp_path):
    db_file = _db_with_hostile_names(tmp_path)
    with Database(db_file) as db:
        audit.record(db, "Jan\r=1+1;@x", None, "login_denied", subject_id="Jan;=1+1")
        audit.record(db, "cli", "beheerder", "user_add", subject_id="a\r=1")
    for command in (["flags"], ["measures"], ["coverage"], ["audit"], ["users", "list"]):
        result = subprocess.run([sys.executable, "-m", "dashboard", *command, "--format", "csv", "--db",
                                 str(db_file)], cwd=PROJECT_ROOT, capture_output=True, timeout=120)
        assert result.returncode == 0, result.stderr
        raw = result.stdout.decode("utf-8")  # bytes: text mode would turn a lone CR into a LF
        _assert_safe(raw)
        if command == ["audit"]:
            # newline="" on the reader: the writer's quotes keep the lone CR inside its cell.
            rows = _cells(raw, ",")
            assert any("Jan\r=1+1;@x" in row for row in rows) and all(len(r) == len(rows[0]) for r in rows)


def test_audit_csv_of_a_refused_login_is_safe():
    frame = pd.DataFrame({"id": [1], "occurred_at": [pd.Timestamp("2026-12-01")], "actor": ["x\r=1+1"],
                          "role": [None], "action": ["login_denied"], "subject_id": ["Jan;=2"],
                          "detail": [json.dumps({"email": "a\r=1"})]})
    for dialect in (MACHINE, DOWNLOAD["nl"]):
        _assert_safe(audit.format_log(frame, "csv", dialect=dialect).removeprefix("\ufeff"), dialect.delimiter)


# --- downloads that open right in the user's Excel -------------------------------------------------

NUMBERS = pd.DataFrame({
    "school": ["Het Baken", "De Linde; Noord", "=1+1"],
    "n_trainees": [12, 7, 30],
    "share_sterk": [0.5, 0.125, 1.0],
    "mean": [2.75, float("nan"), -1.5],
})


def test_a_dutch_download_uses_semicolons_a_decimal_comma_and_a_bom():
    data = loaders.csv_bytes(NUMBERS, "nl")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "school;n_trainees;share_sterk;mean"
    assert "12;0,5;2,75" in text and "0,125" in text and "0.5" not in text


def test_an_english_download_uses_commas_and_a_point():
    text = loaders.csv_bytes(NUMBERS, "en").decode("utf-8-sig")
    assert text.splitlines()[0] == "school,n_trainees,share_sterk,mean"
    assert "12,0.5,2.75" in text and "0,5" not in text


@pytest.mark.parametrize("lang, sep, decimal", [("nl", ";", ","), ("en", ",", ".")])
def test_a_download_read_as_excel_reads_it_gives_the_values_of_the_workbook(lang, sep, decimal):
    from_csv = pd.read_csv(io.BytesIO(loaders.csv_bytes(NUMBERS, lang)), sep=sep, decimal=decimal,
                           encoding="utf-8-sig")
    workbook = loaders.xlsx_bytes(NUMBERS, "Overzicht")
    from_xlsx = pd.read_excel(io.BytesIO(workbook))
    pd.testing.assert_frame_equal(from_csv, from_xlsx)
    assert from_xlsx["school"].tolist() == ["Het Baken", "De Linde; Noord", "'=1+1"]
    # Numbers stay numbers in the workbook: Excel can sum them.
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    assert [sheet.cell(row=2, column=c).data_type for c in (2, 3, 4)] == ["n", "n", "n"]


def test_a_dutch_export_file_re_imports(tmp_path):
    """An interchange file saved by a Dutch Excel (`;`, BOM) imports as the `,` one does."""
    folder = write_tiny(tmp_path / "tiny")
    for path in folder.iterdir():
        frame = pd.read_csv(path, dtype="str", keep_default_na=False)
        path.write_bytes(frame_csv(frame, DOWNLOAD["nl"]).encode("utf-8"))
    with Database(tmp_path / "nl.duckdb") as db:
        result = import_dataset(db, folder)
        assert result.ok, [str(e) for e in result.errors]
        counts = db.table_counts()
    with Database(tmp_path / "plain.duckdb") as db:
        assert import_dataset(db, write_tiny(tmp_path / "plain")).ok
        assert db.table_counts() == counts
