"""The four analysis pages in a real browser against the real server."""

from __future__ import annotations

import pytest

from dashboard import analysis
from dashboard.store.db import Database
from dashboard.core.i18n import t

pytestmark = pytest.mark.e2e

PAGE_ERROR = t("error.page", "nl")


@pytest.fixture(scope="module")
def sample(sample_db_path):
    with Database(sample_db_path) as db:
        trainees = analysis.trainees(db)
        return {
            "trainee": trainees[trainees["waves"].map(len) > 1].iloc[0],
            "schools": analysis.filter_options(db)["schools"],
        }


def charts(app_browser) -> int:
    return app_browser.page.locator(".js-plotly-plot").count()


def no_page_error(app_browser) -> str:
    text = app_browser.text()
    assert PAGE_ERROR not in text
    return text


def test_overview_page(app_browser, sample):
    school_id, school_name = sample["schools"][0]
    app_browser.visit("/")
    app_browser.page.locator(".js-plotly-plot .heatmaplayer").first.wait_for(timeout=30_000)
    assert charts(app_browser) == 1  # functions x schools; no school chosen yet
    app_browser.check("overzicht")
    app_browser.visit(f"/?school={school_id}")
    app_browser.page.locator(".js-plotly-plot .heatmaplayer").first.wait_for(timeout=30_000)
    text = no_page_error(app_browser)
    for label in ("Overzicht", "Studenten in beeld", "Alle functies sterk gedekt", "Dekking van begeleidingsfuncties",
                  "Alleen formele relaties tellen", "Groeperen per", "gastheer", "leermeester"):
        assert label in text, label
    assert charts(app_browser) == 2  # functions x the school in view, its trainees x functions
    assert school_name in app_browser.page.locator(".js-plotly-plot").first.inner_text()
    app_browser.check("overzicht-school")


def test_signals_page(app_browser):
    app_browser.visit("/signalen")
    app_browser.page.locator('[data-testid="stTable"]').first.wait_for(timeout=30_000)
    # The filters sit between the patterns and the list: once a fresh CI machine read the page's
    # text with every part but the "Alleen nieuw" toggle drawn (the run had ended); wait for it.
    app_browser.page.get_by_text("Alleen nieuw", exact=True).first.wait_for(timeout=30_000)
    text = no_page_error(app_browser)
    for label in ("Signalen", "Nu handelen", "Bespreken", "Alleen nieuw", "Alleen studenten met signaal",
                  "Download als CSV", "Download als Excel", "Signalen over begeleiders"):
        assert label in text, label
    app_browser.check("signalen")


def test_constellation_page(app_browser, sample):
    trainee = sample["trainee"]
    app_browser.visit(f"/constellatie?trainee={trainee['trainee_id']}")
    app_browser.page.locator(".js-plotly-plot .scatterlayer").first.wait_for(timeout=30_000)
    text = no_page_error(app_browser)
    for label in (trainee["name"], "Fase", "Dekking van functies", "Netwerkmaten", "Fasen naast elkaar"):
        assert label in text, label
    assert charts(app_browser) == 2  # the chosen wave, and the waves side by side
    # The trainee's name is drawn in the network itself.
    assert trainee["name"] in app_browser.page.locator(".js-plotly-plot").first.inner_text()
    app_browser.check("constellatie")


def test_constellation_with_unknown_trainee_offers_a_picker(app_browser):
    app_browser.visit("/constellatie?trainee=BESTAAT_NIET")
    text = no_page_error(app_browser)
    assert "bestaat niet in deze gegevens" in text
    assert charts(app_browser) == 0
    app_browser.check("constellatie-onbekend")


def test_compare_page(app_browser):
    app_browser.visit("/vergelijken")
    app_browser.page.locator(".js-plotly-plot .barlayer").first.wait_for(timeout=30_000)
    text = no_page_error(app_browser)
    for label in ("Vergelijken", "Vergelijk per", "Dekking", "Klik in formele relaties",
                  "Sterkte van formele relaties", "Begeleiden en beoordelen"):
        assert label in text, label
    assert charts(app_browser) == 5
    app_browser.check("vergelijken")


def test_signals_in_english(app_browser):
    app_browser.visit("/signalen?lang=en")
    app_browser.page.locator('[data-testid="stTable"]').first.wait_for(timeout=30_000)
    text = no_page_error(app_browser)
    assert "Signals about mentors" in text and "Download as Excel" in text
    assert "Signalen over begeleiders" not in text
    app_browser.check("signalen-en")
