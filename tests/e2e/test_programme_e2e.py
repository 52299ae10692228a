"""The programme page in a real browser (issue 14): edit the norm, see the
side by side change, the proposal in the URL; screenshots at 1366 px."""

from __future__ import annotations

import pytest

from tests.e2e.harness import AppBrowser

pytestmark = pytest.mark.e2e

WIDTH = {"width": 1366, "height": 900}


@pytest.fixture
def programme_browser(browser, e2e_server):
    context = browser.new_context(viewport=WIDTH, locale="nl-NL")
    page = context.new_page()
    yield AppBrowser(e2e_server.url, page)
    context.close()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    options = page.locator('[role="option"]').filter(has_text=option)
    if not options.first.is_visible():  # the first click can land while the run repaints
        box.click()
    options.first.click()


def test_edit_the_norm_and_see_the_side_by_side_change(programme_browser):
    app = programme_browser
    app.visit("/programma")
    text = app.text()
    assert "Programma-ontwerp" in text and "De huidige norm per opleiding" in text
    assert "Huidige norm en voorstel naast elkaar" not in text
    app.check("programma")
    page = app.page
    app.wait_for_app()
    choose(page, "instituutsopleider", "geen")
    page.get_by_role("button", name="Bekijk het voorstel").click()
    page.get_by_text("Huidige norm en voorstel naast elkaar").wait_for(timeout=60_000)
    app.wait_for_app()
    assert "voorstel=" in page.url and "io.g" in page.url
    tiers = page.locator('[data-testid="stTable"]').filter(has_text="Niet op de lijst").first
    rows = tiers.inner_text()
    assert "Bespreken" in rows and "●" in rows  # a tier changed, and is marked
    signals = page.locator('[data-testid="stTable"]').filter(has_text="zwakke formele relatie").first.inner_text()
    assert "zwakke formele relatie" in signals
    app.check("programma-voorstel", show='[data-testid="stTable"]:has-text("Per groep"), [data-testid="stTable"]:has-text("Op de lijst (huidig)")')
    # "stuur de link": the same URL shows the same proposal in a fresh visit
    link = page.url.removeprefix(app.base_url)
    app.visit(link)
    page.get_by_text("Huidige norm en voorstel naast elkaar").wait_for(timeout=60_000)
    assert page.locator('[data-testid="stTable"]').filter(has_text="Niet op de lijst").first.inner_text() == rows


def test_themes_section_and_report_download(programme_browser):
    app = programme_browser
    app.visit("/programma")
    page = app.page
    page.get_by_text("Gespreksthema's").first.scroll_into_view_if_needed()
    page.get_by_role("tab", name="Vormgeving").click()
    page.get_by_text("Studenten per begeleider (mediaan en maximum)").first.wait_for(timeout=30_000)
    app.wait_for_app()  # the run after the tab click paints skeletons first
    page.locator('[data-testid="stTable"]').filter(has_text="werkplekbegeleider").first.wait_for(timeout=30_000)
    app.check("programma-thema", show='[data-testid="stTabs"]')
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Verslag downloaden (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
