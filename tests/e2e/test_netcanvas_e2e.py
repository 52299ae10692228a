"""A Network Canvas export uploaded on the data page, in a real browser (issue 18)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests.e2e.harness import AppBrowser

pytestmark = pytest.mark.e2e


def _zip_of(folder) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"networkCanvasExport/{path.name}")
    return raw.getvalue()


def _upload(app_browser: AppBrowser, data: bytes) -> None:
    app_browser.page.set_viewport_size({"width": 1366, "height": 900})
    app_browser.visit("/gegevens")
    app_browser.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "networkCanvasExport.zip", "mimeType": "application/zip", "buffer": data}])
    # The preview's verdict: in order, or the number of errors.
    app_browser.page.get_by_text(re.compile(r"Dit wordt er geïmporteerd|fout\(en\)")).first.wait_for(timeout=60_000)
    app_browser.wait_for_app()


def test_an_export_of_the_shipped_protocol_previews_its_rows(app_browser, tmp_path):
    from netcanvas_fixtures import sample_interview, write_csv

    interview = sample_interview(wave="eind")
    interview.trainee = "T0001"
    for person, person_id in zip(interview.people, ("P00001", "P00002", "")):
        person["person_id"] = person_id
    _upload(app_browser, _zip_of(write_csv(interview, tmp_path / "export")))

    preview = app_browser.page.locator('[data-testid="stTable"]').last.inner_text()
    assert "relationships.csv" in preview and "people.csv" in preview
    assert app_browser.page.get_by_role("button", name="Importeren").count() == 1
    app_browser.check("gegevens-networkcanvas", show='[data-testid="stTable"]')


def test_errors_of_an_export_name_the_network_canvas_file(app_browser, tmp_path):
    from netcanvas_fixtures import sample_interview, write_csv

    interview = sample_interview()
    interview.trainee = "T9999"
    _upload(app_browser, _zip_of(write_csv(interview, tmp_path / "export")))

    errors = app_browser.page.locator('[data-testid="stTable"]').last.inner_text()
    assert "_ego.csv" in errors and "T9999" in errors and "_attributeList_Person.csv" in errors
    assert app_browser.page.get_by_role("button", name="Importeren").count() == 0
    app_browser.check("gegevens-networkcanvas-fouten", show='[data-testid="stTable"]')
