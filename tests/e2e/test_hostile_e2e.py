"""Hostile names in a real browser (issue 5, "Hardening"): every page of the real
server on the hostile dataset shows ``<img src=x onerror=alert(1)>``,
``=HYPERLINK("http://x","y")``, ``**bold**``, ``[link](http://x)``... as text;
no image, link, bold text or formula is made of them and no script runs.

One server for the module, one browser page for all visits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.e2e.harness import VIEWPORT, AppBrowser, ServerHandle, start_server, stop_server
from tests.hostile_fixtures import (BOLD, FORMULA, HOSTILE_COHORT, HOSTILE_SOURCE, HOSTILE_TRAINEE, LINK, MAIL_BAIT,
                                    MDLINK_BAIT, TAG, URL_BAIT, WWW_BAIT, XSS, build_hostile_db)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    folder = tmp_path_factory.mktemp("e2e-hostile")
    handle = start_server(build_hostile_db(folder / "hostile.duckdb"), folder / "server.log")
    yield handle
    stop_server(handle)


@pytest.fixture(scope="module")
def visitor(browser, hostile_server: ServerHandle) -> Iterator[tuple[AppBrowser, list[str]]]:
    """One page on the hostile server, and every dialog (alert, confirm...) any script opened."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield AppBrowser(hostile_server.url, page), dialogs
    context.close()


def visit(visitor, path: str, ready: str) -> object:
    """Open ``path``, wait for the element ``ready``, and check that nothing was
    made of the names: no image, no link to http://x, no bold "bold", no TeX, no
    dialog, no exception, no console error."""
    app, dialogs = visitor
    app.visit(path)
    page = app.page
    page.locator(ready).first.wait_for(timeout=30_000)
    page.wait_for_timeout(300)  # figures finish drawing
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("[onerror]").count() == 0
    assert page.locator('a[href^="http://x"]').count() == 0
    assert data_links(page) == []
    assert page.locator("strong, b, em").filter(has_text=re.compile(r"^(bold|x|link)$")).count() == 0
    assert page.locator(".katex").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert dialogs == []
    assert app.console_errors == [], app.console_errors
    return page


def data_links(page) -> list[str]:
    """Every link (<a>) whose text or address comes from the link bait in the data (issue 16)."""
    links = page.locator("a").evaluate_all("els => els.map(a => (a.textContent || '') + ' -> ' + (a.href || ''))")
    return [link for link in links if "evil" in link.lower()]


def shows(page, literal: str) -> None:
    """``literal`` is on the page as text (the invisible word joiners that stop
    automatic links left out of what is compared)."""
    if page.get_by_text(literal, exact=False).count() > 0:
        return
    text = page.locator("body").inner_text().replace("\u2060", "")
    assert literal in text, f"{literal!r} is not on the page as text"


def test_overview(visitor):
    page = visit(visitor, "/?school=HS1", ".js-plotly-plot .heatmaplayer")
    for name in (XSS, FORMULA, BOLD, LINK):  # the school (sidebar, heatmap) and its trainees (heatmap)
        shows(page, name)
    trainee_axis = page.locator(".js-plotly-plot").nth(1).inner_text()
    assert all(name in trainee_axis for name in (XSS, FORMULA, BOLD, LINK))


def test_signals_without_the_tables_own_csv_download(visitor):
    page = visit(visitor, "/signalen?school=HS1", '[data-testid="stTable"]')
    for name in (XSS, FORMULA, BOLD, LINK):
        shows(page, name)
    # The worklist's tables are st.table (no toolbar). A grid elsewhere: its toolbar would write an
    # unprotected, unaudited CSV; `serve` switches that off.
    page = visit(visitor, "/vergelijken", '[data-testid="stDataFrame"]')
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.wait_for_timeout(300)
    assert page.locator('[data-testid="stElementToolbar"]').count() > 0  # the toolbar itself is there
    assert page.get_by_label("Download as CSV").count() == 0


def test_constellation_and_its_hover(visitor):
    page = visit(visitor, f"/constellatie?trainee={HOSTILE_TRAINEE}", ".js-plotly-plot .scatterlayer")
    heading = page.locator('[data-testid="stHeading"]').filter(has_text=XSS)
    assert heading.count() > 0 and heading.first.is_visible()
    for name in (XSS, FORMULA, TAG, BOLD, HOSTILE_COHORT):
        shows(page, name)
    figure = page.locator(".js-plotly-plot").first
    for name in (XSS, FORMULA, TAG, BOLD):  # node labels drawn as text
        assert name in figure.inner_text()
    # Hover each person until the mentor with the hostile contact note is under the pointer.
    hover_texts = []
    points = figure.locator(".scatterlayer .trace .points path.point")
    for i in range(points.count()):
        points.nth(i).hover(force=True)
        page.wait_for_timeout(200)
        hover_texts.append(figure.locator(".hoverlayer").text_content() or "")
        if FORMULA in hover_texts[-1] and XSS in hover_texts[-1]:
            break
    assert any(FORMULA in text and XSS in text and BOLD in text for text in hover_texts), hover_texts
    assert page.locator('img[src="x"]').count() == 0
    app, dialogs = visitor
    assert dialogs == [] and app.console_errors == []


def test_compare(visitor):
    page = visit(visitor, f"/vergelijken?cohort={quote(HOSTILE_COHORT)}", ".js-plotly-plot .barlayer")
    for name in (XSS, FORMULA):  # the two schools: chips, legends, tables
        shows(page, name)
    assert XSS in page.locator(".js-plotly-plot").first.inner_text()


def test_data_page(visitor):
    page = visit(visitor, "/gegevens", '[data-testid="stTable"]')
    cohorts = page.locator('[data-testid="stTable"]').filter(has_text="Cohort")
    cohort_text = cohorts.inner_text().replace("\u2060", "")  # the joiners that stop automatic links
    assert XSS in cohort_text and HOSTILE_COHORT in cohort_text
    shows(page, f"uit {HOSTILE_SOURCE}")  # the folder of the last import


@pytest.mark.parametrize("path, ready", [
    ("/constellatie?trainee=HT9", ".js-plotly-plot .scatterlayer"),
    ("/?school=HS2", ".js-plotly-plot .heatmaplayer"),
    ("/signalen?school=HS2", '[data-testid="stTable"]'),  # the worklist's tables
], ids=["constellation", "overview", "signals"])
def test_link_bait_is_text_nobody_can_click(visitor, path, ready):
    """Issue 16: names and notes holding a URL, a www. host, an e-mail address
    or a Markdown link rendered as clickable links. ``visit`` fails on any <a>
    whose text or href comes from them; the page still shows them as text."""
    page = visit(visitor, path, ready)
    if path.startswith("/constellatie"):
        for text in (WWW_BAIT, MAIL_BAIT, URL_BAIT):  # heading, signals (Markdown), picture
            shows(page, text)
        headings = page.locator('[data-testid="stHeading"]').filter(has_text="evil")
        assert headings.count() == 1 and WWW_BAIT in headings.first.inner_text().replace("\u2060", "")
    # The product's own links are still links (the navigation, at least).
    assert page.locator("a").count() > 0
    assert MDLINK_BAIT  # the Markdown link is a note: in the grid and the hover, never an <a>
