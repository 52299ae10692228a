"""The app shell and the data page in a real browser against the real server."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from dashboard import analysis
from dashboard.store.db import Database
from dashboard.web.ui import TEMPLATE_PATH
from tests.app_fixtures import SMALL_DATASET, make_zip
from tests.e2e.harness import PAGE_TIMEOUT_MS, VIEWPORT, AppBrowser, start_server, stop_server

pytestmark = pytest.mark.e2e


def _first_school(sample_db_path) -> tuple[str, str]:
    with Database(sample_db_path) as db:
        school_id, name = analysis.filter_options(db)["schools"][0]
    return str(school_id), str(name)


def _loaded_table_text(app_browser) -> str:
    return app_browser.page.locator('[data-testid="stTable"]').first.inner_text()


def test_overview_opens_in_dutch_with_filters_from_the_link(app_browser, sample_db_path):
    school_id, school_name = _first_school(sample_db_path)
    app_browser.visit(f"/?school={school_id}", name="link-met-filter")
    text = app_browser.text()
    for label in ("Overzicht", "Signalen", "Constellatie", "Vergelijken", "Gegevens", "Filters", "Instituut", "Fase"):
        assert label in text, label
    assert school_name in text  # the chosen school, by name, in the sidebar filter
    assert f"school={school_id}" in app_browser.page.url  # the link still reproduces the view


def test_data_page_shows_what_is_loaded(app_browser):
    app_browser.visit("/gegevens", name="gegevens")
    text = app_browser.text()
    for label in ("Wat is geladen", "Gegevens importeren", "Downloaden", "Samenvoegen", "Alle gegevens (.xlsx)"):
        assert label in text, label
    assert ("Sjabloon (.xlsx)" in text) == TEMPLATE_PATH.is_file()
    assert "studenten" in _loaded_table_text(app_browser)


def test_english_on_request(app_browser):
    app_browser.visit("/gegevens?lang=en", name="gegevens-en")
    text = app_browser.text()
    assert "What is loaded" in text and "Import data" in text
    assert "Wat is geladen" not in text


def test_unknown_filter_value_gives_a_warning_not_an_error(app_browser):
    app_browser.visit("/?school=BESTAAT_NIET")
    assert "onbekende waarde" in app_browser.text()
    app_browser.check("onbekende-filterwaarde")
    assert "school=" not in app_browser.page.url


def test_uploading_a_broken_zip_shows_all_errors_and_writes_nothing(app_browser):
    app_browser.visit("/gegevens")
    before = _loaded_table_text(app_browser)
    broken = dict(SMALL_DATASET)
    broken["relationships.csv"] = (
        "trainee_id,person_id,wave,formal,strength,functions\n"
        "ZT1,ZP1,begin,misschien,sterk,gastheer\n"
        "ZT1,ZP9,begin,ja,heel sterk,gastheer\n"
    )
    app_browser.page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "kapot.zip", "mimeType": "application/zip", "buffer": make_zip(broken)}]
    )
    app_browser.page.get_by_text(re.compile(r"fout\(en\)")).wait_for(timeout=60_000)
    app_browser.wait_for_app()
    text = app_browser.text()
    assert "er is niets opgeslagen" in text
    errors = app_browser.page.locator('[data-testid="stTable"]').last.inner_text()
    assert "relationships.csv" in errors and "misschien" in errors and "heel sterk" in errors and "ZP9" in errors
    assert app_browser.page.get_by_role("button", name="Importeren").count() == 0
    app_browser.check("gegevens-upload-fouten", show='[data-testid="stTable"]')

    app_browser.visit("/gegevens")
    assert _loaded_table_text(app_browser) == before


def test_the_first_request_after_a_start_gets_the_whole_app(browser, sample_db_path, tmp_path):
    """A link to a page as the very first request of a fresh server still runs
    the shell (sidebar, filters, error boundary), not the bare page file."""
    db_path = tmp_path / "fresh.duckdb"
    shutil.copyfile(sample_db_path, db_path)
    handle = start_server(db_path, tmp_path / "server.log")
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        app = AppBrowser(handle.url, context.new_page())
        app.visit("/gegevens?lang=en")
        # Waited for, not read once: on a fresh server the first run can still be
        # painting (or be followed by the run the URL sync asks for) when the app idles.
        shown = app.page.locator('[data-testid="stApp"]')
        expect(shown).to_contain_text("What is loaded", timeout=PAGE_TIMEOUT_MS)
        sidebar = app.page.get_by_test_id("stSidebarUserContent")  # the sidebar of app.py
        expect(sidebar).to_contain_text("Filters", timeout=PAGE_TIMEOUT_MS)
        expect(sidebar).to_contain_text("Institute", timeout=PAGE_TIMEOUT_MS)
        app.check("eerste-verzoek")
    finally:
        context.close()
        stop_server(handle)
