"""The data page (/gegevens): what is loaded, upload with preview and confirmation, downloads."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

import dashboard.exchange.importer
from dashboard.web import ui
from dashboard.store.db import Database, DatabaseError, IntegrityError
from tests.app_fixtures import *  # noqa: F403
from tests.app_fixtures import SMALL_DATASET, make_zip

DATA_PAGE = "views/gegevens.py"

BROKEN = {
    **SMALL_DATASET,
    "relationships.csv": (
        "trainee_id,person_id,wave,formal,strength,functions\n"
        "ZT1,ZP1,begin,misschien,sterk,gastheer\n"
        "ZT1,ZP9,begin,ja,heel sterk,gastheer\n"
    ),
}


def _counts(db_path) -> dict[str, int]:
    with Database(db_path) as db:
        return db.table_counts()


def _loaded_table(app) -> dict[str, int]:
    frame = app.table[0].value
    return dict(zip(frame.iloc[:, 0], frame.iloc[:, 1]))


def _upload(app, name: str, data: bytes, mime: str = "application/zip"):
    app.file_uploader[0].set_value((name, data, mime)).run()
    assert not app.exception
    return app


def _button(app, label: str):
    return next(b for b in app.button if b.label == label)


def test_counts_cohorts_waves_and_last_import_are_shown(run_app, sample_db_path):
    app = run_app(sample_db_path, page=DATA_PAGE)
    assert not app.exception and not app.error
    counts = _counts(sample_db_path)
    loaded = _loaded_table(app)
    assert loaded["studenten"] == counts["trainees"]
    assert loaded["relaties"] == counts["relationships"]
    assert loaded["overleg"] == counts["consultations"]
    cohorts = app.table[1].value
    assert list(cohorts.columns) == ["Cohort", "Studenten"]
    assert cohorts["Studenten"].sum() == counts["trainees"]
    waves = app.table[2].value
    assert waves["Fase"].iloc[0] == "begin (afstemming)"
    assert any("Laatste import" in c.value and "sample\\_data" in c.value for c in app.caption)
    labels = [b.label for b in app.get("download_button")]
    assert "Alle gegevens (.xlsx)" in labels and "Alle gegevens (zip met CSV-bestanden)" in labels


def test_empty_database_page_says_what_to_do(run_app, empty_db_path):
    app = run_app(empty_db_path, page=DATA_PAGE)
    assert not app.exception
    assert any("Nog geen gegevens" in info.value for info in app.info)
    assert app.file_uploader  # importing is exactly what to do


def test_broken_upload_shows_every_error_and_writes_nothing(run_app, sample_db_copy):
    before = _counts(sample_db_copy)
    app = run_app(sample_db_copy, page=DATA_PAGE)
    _upload(app, "kapot.zip", make_zip(BROKEN))
    assert "3 fout(en)" in app.error[0].value and "niets opgeslagen" in app.error[0].value
    # The page escapes Markdown in the table's cells (values come from the upload).
    errors = app.table[-1].value.map(lambda v: v.replace("\\", "") if isinstance(v, str) else v)
    assert list(errors.columns) == ["bestand", "regel", "kolom", "waarde", "melding"]
    assert errors[["regel", "kolom", "waarde"]].values.tolist() == [
        [2, "formal", "misschien"],
        [3, "person_id", "ZP9"],
        [3, "strength", "heel sterk"],
    ]
    assert set(errors["bestand"]) == {"relationships.csv"}
    assert not [b for b in app.button if b.label == "Importeren"]
    assert _counts(sample_db_copy) == before


def test_upload_that_is_no_dataset_gets_a_dutch_message(run_app, sample_db_copy):
    app = run_app(sample_db_copy, page=DATA_PAGE)
    _upload(app, "gegevens.zip", b"dit is geen zip")
    assert [e.value.replace("\\", "") for e in app.error] == ["gegevens.zip is geen geldig zip-bestand."]


def test_valid_upload_previews_then_merges_after_confirmation(run_app, sample_db_copy):
    before = _counts(sample_db_copy)
    app = run_app(sample_db_copy, page=DATA_PAGE)
    _upload(app, "zuid.zip", make_zip(SMALL_DATASET, folder="zuid/"))
    preview = app.table[-1].value
    assert list(preview.columns) == ["Bestand", "Rijen", "Nieuw", "Bijgewerkt"]
    rows = {r[0]: r[1:] for r in preview.values.tolist()}
    assert rows["trainees.csv"] == [2, 2, 0]
    assert rows["relationships.csv"] == [4, 4, 0]
    assert _counts(sample_db_copy) == before  # the preview wrote nothing

    _button(app, "Importeren").click().run()
    assert not app.exception
    assert any("Import van zuid\\.zip gelukt" in s.value for s in app.success)  # markdown-escaped name
    after = _counts(sample_db_copy)
    assert after["trainees"] == before["trainees"] + 2
    assert after["relationships"] == before["relationships"] + 4
    assert _loaded_table(app)["studenten"] == after["trainees"]  # the page shows the new data
    school = next(s for s in app.sidebar.selectbox if s.label == "School")
    assert "Zonnewijzer College" in school.options  # and so do the filters


def test_replace_needs_an_explicit_extra_confirmation(run_app, sample_db_copy):
    app = run_app(sample_db_copy, page=DATA_PAGE)
    _upload(app, "zuid.zip", make_zip(SMALL_DATASET))
    app.radio(key="data_import_mode").set_value("replace").run()
    assert any("verwijdert alle gegevens" in w.value for w in app.warning)
    assert _button(app, "Importeren").disabled
    app.checkbox(key="data_confirm_replace").check().run()
    assert not _button(app, "Importeren").disabled
    _button(app, "Importeren").click().run()
    assert not app.exception
    counts = _counts(sample_db_copy)
    assert counts["trainees"] == 2 and counts["schools"] == 1
    assert any("Laatste import" in c.value and "vervangen" in c.value for c in app.caption)


def test_workbook_upload_is_accepted(run_app, sample_db_copy):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, text in SMALL_DATASET.items():
        sheet = workbook.create_sheet(name.removesuffix(".csv"))
        for line in text.strip().splitlines():
            sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    app = run_app(sample_db_copy, page=DATA_PAGE)
    _upload(app, "zuid.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert not app.error
    assert any("in orde" in s.value for s in app.success)


def test_upload_errors_in_english_on_request(run_app, sample_db_copy):
    app = run_app(sample_db_copy, page=DATA_PAGE, lang="en")
    _upload(app, "broken.zip", make_zip(BROKEN))
    assert "3 error(s)" in app.error[0].value
    assert list(app.table[-1].value.columns)[:2] != ["bestand", "regel"]


# --- the upload helpers without a browser ------------------------------------------


def test_stage_upload_keeps_only_the_base_name(tmp_path):
    staged = ui.stage_upload("../../elders/gegevens.xlsx", b"xlsx bytes", tmp_path)
    assert staged == tmp_path / "gegevens.xlsx"
    assert staged.read_bytes() == b"xlsx bytes"


@pytest.mark.parametrize("name", ["gegevens.csv", "gegevens", "gegevens.xlsx.exe"])
def test_stage_upload_refuses_other_types(tmp_path, name):
    with pytest.raises(ui.UploadError, match="geen .zip, .xlsx of .graphml"):
        ui.stage_upload(name, b"x", tmp_path)


def test_stage_upload_refuses_a_zip_that_unpacks_too_big(tmp_path, monkeypatch):
    monkeypatch.setattr(ui, "MAX_UNPACKED_BYTES", 100)
    with pytest.raises(ui.UploadError, match="te veel of te grote"):
        ui.stage_upload("groot.zip", make_zip({"schools.csv": "x" * 1000}), tmp_path)


def test_run_upload_dry_run_and_errors(tmp_path):
    with Database(tmp_path / "db.duckdb") as db:
        broken = ui.run_upload(db, "kapot.zip", make_zip(BROKEN), replace=False, dry_run=False)
        assert not broken.ok and not broken.written and len(broken.errors) == 3
        assert db.is_empty()
        dry = ui.run_upload(db, "zuid.zip", make_zip(SMALL_DATASET), replace=False, dry_run=True)
        assert dry.ok and not dry.written and db.is_empty()
        done = ui.run_upload(db, "zuid.zip", make_zip(SMALL_DATASET), replace=False, dry_run=False)
        assert done.ok and done.written and db.table_counts()["trainees"] == 2


def _import_with_a_refused_write(run_app, db_path, monkeypatch, error: Exception):
    """Upload a valid dataset (its preview passes) and confirm, with the write raising ``error``."""

    def refused_write(*args, **kwargs):
        raise error

    app = run_app(db_path, page=DATA_PAGE)
    _upload(app, "zuid.zip", make_zip(SMALL_DATASET))
    monkeypatch.setattr(dashboard.exchange.importer, "_write", refused_write)
    _button(app, "Importeren").click().run()
    assert not app.exception
    return app


def test_a_failing_write_shows_the_dutch_message_and_changes_nothing(run_app, sample_db_copy, monkeypatch):
    before = _counts(sample_db_copy)
    app = _import_with_a_refused_write(run_app, sample_db_copy, monkeypatch, DatabaseError("disk full"))
    assert [e.value for e in app.error] == [ui.i18n.t("data.import.failed")]
    assert "disk full" not in " ".join(e.value for e in app.error)
    assert _counts(sample_db_copy) == before


def test_a_write_refused_for_a_repeated_key_shows_which_key_and_changes_nothing(run_app, sample_db_copy, monkeypatch):
    violations = pd.DataFrame({"table_name": ["relationships"], "row_key": ["ZT1/ZP1/begin"],
                               "column_name": ["trainee_id, person_id, wave"], "value": ["2"]})
    before = _counts(sample_db_copy)
    # As db.transaction() refuses when its check before commit finds the key twice.
    app = _import_with_a_refused_write(run_app, sample_db_copy, monkeypatch, IntegrityError(violations))
    shown = [e.value for e in app.error]
    assert shown == [ui.escape_markdown(IntegrityError(violations).message("nl"))]  # escaped like other texts
    assert shown[0].replace("\\", "") == (
        "Niet opgeslagen: in tabel relationships zou de sleutel (trainee_id, person_id, wave) \"ZT1/ZP1/begin\""
        " 2 keer voorkomen; elke sleutel mag maar één keer voorkomen. Er is niets gewijzigd.")
    assert "Traceback" not in shown[0]
    assert _counts(sample_db_copy) == before


def test_a_network_canvas_export_uploaded_as_zip_previews_and_merges(run_app, tmp_path):
    """The upload recognises a Network Canvas export by its file names (issue 18)."""
    from dashboard.exchange.importer import import_dataset
    from import_fixtures import write_tiny
    from netcanvas_fixtures import sample_interview, write_csv

    db_path = tmp_path / "nc.duckdb"
    with Database(db_path) as db:
        assert import_dataset(db, write_tiny(tmp_path / "tiny")).ok
    folder = write_csv(sample_interview(), tmp_path / "export")
    raw = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(raw, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    app = run_app(db_path, page=DATA_PAGE)
    _upload(app, "networkCanvasExport.zip", raw.getvalue())
    rows = {r[0]: r[1:] for r in app.table[-1].value.values.tolist()}
    assert rows["relationships.csv"] == [3, 3, 0] and rows["people.csv"] == [1, 1, 0]

    _button(app, "Importeren").click().run()
    assert not app.exception
    assert _counts(db_path)["relationships"] == 5 + 3


def test_run_upload_reports_its_steps(tmp_path):
    seen = []
    with Database(tmp_path / "s.duckdb") as db:
        done = ui.run_upload(db, "zuid.zip", make_zip(SMALL_DATASET), replace=False, dry_run=False,
                             steps=lambda stage, **values: seen.append((stage, values)))
    assert done.ok
    assert [stage for stage, _ in seen] == ["reading", "read", "checking", "writing", "done"]
    assert seen[1][1]["files"] == len(SMALL_DATASET) and seen[3][1]["rows"] > 0
