"""Export: canonical values, x_ columns, byte-identical round trips, the template."""

from __future__ import annotations

import filecmp
import io
import zipfile

import pytest

from dashboard.cli import main
from dashboard.store.db import Database
from dashboard.exchange.exporter import export_bytes, export_dataset, export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import FILES, write_dataset
from dashboard.exchange import aliases
from import_fixtures import (TEMPLATE_DIR, TEMPLATE_XLSX, frame, template_tables, tiny_partnership, write_dutch,
                             write_tiny)


def _rich_partnership() -> dict:
    """The tiny partnership with English aliases, x_ columns and an own function taxonomy."""
    tables = tiny_partnership()
    tables["schools"] = tables["schools"].assign(x_brin=["00AB", ""], x_regio=["Noord", "Oost"])
    tables["relationships"] = tables["relationships"].assign(x_bron=["enquête"] * 5)
    tables["relationships"].loc[0, ["strength", "formal", "functions"]] = ["Strong", "yes", "leermeester ;GASTHEER"]
    tables["people"].loc[1, "role"] = "school_teacher_educator"
    tables["functions"] = frame([
        {"code": "vakexpert", "label_nl": "vakexpert", "label_en": "subject expert", "group": "career",
         "description": ""},
        {"code": "leermeester", "label_nl": "leermeester", "label_en": "master", "group": "career",
         "description": "lessen"},
        {"code": "gastheer", "label_nl": "gastheer", "label_en": "host", "group": "career", "description": ""},
        {"code": "reflectie", "label_nl": "reflectiepartner", "label_en": "reflection partner",
         "group": "psychosocial", "description": ""},
        {"code": "emotionele_steun", "label_nl": "emotionele steun", "label_en": "emotional support",
         "group": "psychosocial", "description": ""},
    ])
    return tables


@pytest.mark.parametrize("suffix", ["", ".xlsx"])
def test_round_trip_export_import_export_is_identical(tmp_path, suffix):
    with Database(tmp_path / "a.duckdb") as first:
        result = import_dataset(first, write_dataset(_rich_partnership(), tmp_path / f"source{suffix}"))
        assert result.ok, [i.message() for i in result.errors]
        one = export_dataset(first, tmp_path / f"one{suffix}")
    with Database(tmp_path / "b.duckdb") as second:
        assert import_dataset(second, one).ok
        two = export_dataset(second, tmp_path / f"two{suffix}")
    if suffix:
        assert one.read_bytes() == two.read_bytes()
    else:
        names = [spec.file_name for spec in FILES]
        assert sorted(p.name for p in one.iterdir()) == sorted(names)
        match, mismatch, errors = filecmp.cmpfiles(one, two, names, shallow=False)
        assert (mismatch, errors) == ([], [])


def test_export_writes_canonical_values_x_columns_and_taxonomy_order(tmp_path, empty_db):
    assert import_dataset(empty_db, write_dataset(_rich_partnership(), tmp_path / "source")).ok
    tables = export_tables(empty_db)
    relationships = tables["relationships"]
    first = relationships[relationships["person_id"] == "P1"].iloc[0]
    assert (first["strength"], first["formal"], first["functions"], first["x_bron"]) == (
        "sterk", "ja", "leermeester;gastheer", "enquête")  # the file's taxonomy order, not alphabetical
    p3 = relationships[relationships["person_id"] == "P3"].iloc[0]
    assert (p3["functions"], p3["klik"], p3["assesses"], p3["contribution"]) == ("", "", "", "positief")
    assert tables["people"].set_index("person_id").loc["P2", "role"] == "schoolopleider"
    assert list(tables["schools"].columns) == ["school_id", "name", "sector", "x_brin", "x_regio"]
    assert tables["schools"]["x_brin"].tolist() == ["00AB", ""]
    assert tables["functions"]["code"].tolist()[:3] == ["vakexpert", "leermeester", "gastheer"]
    assert tables["trainees"]["trainee_id"].tolist() == ["007", "T2"]
    assert tables["consultations"][["person_a", "person_b"]].values.tolist() == [["P1", "P2"]]
    # every file is exported, the defaulted norms too
    assert list(tables) == [spec.name for spec in FILES]
    assert len(tables["norm_roles"]) == 4


def test_export_bytes_zip_and_xlsx_are_reproducible_and_importable(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "source")).ok
    zipped = export_bytes(empty_db, "zip")
    assert zipped == export_bytes(empty_db, "zip")
    names = zipfile.ZipFile(io.BytesIO(zipped)).namelist()
    assert names == [f"constellatiemonitor/{spec.file_name}" for spec in FILES]
    workbook = export_bytes(empty_db, "xlsx")
    assert workbook == export_bytes(empty_db, "xlsx")
    for name, data in (("upload.zip", zipped), ("upload.xlsx", workbook)):
        (tmp_path / name).write_bytes(data)
        with Database(tmp_path / f"{name}.duckdb") as fresh:
            assert import_dataset(fresh, tmp_path / name).ok
            assert fresh.table_counts() == empty_db.table_counts()


def test_cli_export(tmp_path, capsys):
    db_file = tmp_path / "cli.duckdb"
    assert main(["import", str(write_tiny(tmp_path / "source")), "--db", str(db_file)]) == 0
    capsys.readouterr()
    assert main(["export", str(tmp_path / "out.xlsx"), "--db", str(db_file)]) == 0
    out = capsys.readouterr().out
    assert "Export geschreven naar" in out and "relationships.csv: 5 regels" in out
    assert (tmp_path / "out.xlsx").stat().st_size > 0


def test_template_is_in_sync_with_the_contract_and_imports_cleanly(tmp_path, empty_db):
    # The template shows the Dutch names (contract v2); it imports to what the English files give.
    fresh = write_dutch(template_tables(), tmp_path / "template")
    names = sorted(path.name for path in fresh.iterdir())
    assert names == sorted(path.name for path in TEMPLATE_DIR.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(TEMPLATE_DIR, fresh, names, shallow=False)
    assert (mismatch, errors) == ([], []), "regenerate with: python tests/import_fixtures.py"
    assert TEMPLATE_XLSX.read_bytes() == write_dutch(template_tables(), tmp_path / "t.xlsx").read_bytes()
    for spec in FILES:
        header = (TEMPLATE_DIR / f"{aliases.DUTCH_FILE_OF[spec.name]}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [aliases.DUTCH_COLUMN_OF.get(c, c) for c in spec.columns]
    result = import_dataset(empty_db, TEMPLATE_DIR)
    assert result.ok and result.defaults == ()
    english = export_tables(empty_db)
    with Database(tmp_path / "x.duckdb") as other:
        assert import_dataset(other, TEMPLATE_XLSX).ok
        assert {n: f.values.tolist() for n, f in export_tables(other).items()} == {
            n: f.values.tolist() for n, f in english.items()}
    with Database(tmp_path / "e.duckdb") as other:  # and the English files give the same
        assert import_dataset(other, write_dataset(template_tables(), tmp_path / "english")).ok
        assert {n: f.values.tolist() for n, f in export_tables(other).items()} == {
            n: f.values.tolist() for n, f in english.items()}


def test_exporting_the_imported_sample_gives_back_the_sample_files(tmp_path):
    """The generator and the export write the same canonical order, so the
    shipped sample is its own export: a coordinator can diff an export
    against the file set they imported."""
    from dashboard.store.db import SAMPLE_DATA_DIR

    db = Database(tmp_path / "sample.duckdb")
    assert import_dataset(db, SAMPLE_DATA_DIR).ok
    out = export_dataset(db, tmp_path / "export")
    for spec in FILES:
        assert (out / spec.file_name).read_bytes() == (SAMPLE_DATA_DIR / spec.file_name).read_bytes(), spec.name
