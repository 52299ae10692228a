"""From the attention list to a mentor, and the scenario "als deze begeleider
vertrekt", in a real browser (1366 px); screenshots of the mentor page and of
a nine-person constellation."""

from __future__ import annotations

import pytest

from dashboard.store.db import Database
from tests.e2e.harness import AppBrowser

pytestmark = pytest.mark.e2e

WIDTH = {"width": 1366, "height": 1000}


@pytest.fixture
def wide_browser(browser, e2e_server):
    context = browser.new_context(viewport=WIDTH, locale="nl-NL")
    page = context.new_page()
    yield AppBrowser(e2e_server.url, page)
    context.close()


@pytest.fixture(scope="module")
def nine(sample_db_path):
    with Database(sample_db_path, read_only=True) as db:
        found = db.query_sql(
            "SELECT trainee_id FROM relationships WHERE wave = 'eind' GROUP BY trainee_id HAVING count(*) = 9 "
            "ORDER BY trainee_id LIMIT 1")
    return found["trainee_id"].iloc[0]


def test_open_a_mentor_from_the_attention_list_and_run_the_scenario(wide_browser):
    wide_browser.visit("/signalen")
    link = wide_browser.page.get_by_role("link", name="Begeleider").filter(has_text="openen").first
    link.wait_for(timeout=30_000)
    href = link.get_attribute("href")
    assert "/begeleider?person=" in href
    # Streamlit opens a table's links in a new tab; follow the link in this one.
    wide_browser.visit(href[href.index("/begeleider"):])
    text = wide_browser.text()
    for label in ("Studenten die deze begeleider begeleidt", "Signalen over deze begeleider", "Als deze begeleider vertrekt"):
        assert label in text, label
    wide_browser.check("begeleider-boven")
    wide_browser.page.get_by_role("button", name="Scenario doorrekenen").click()
    wide_browser.page.get_by_text("niets veranderd of opgeslagen").wait_for(timeout=30_000)
    wide_browser.wait_for_app()
    assert "geraakt" in wide_browser.text()
    wide_browser.check("begeleider", show='[data-testid="stDataFrame"]')
    assert "Waarom deze kandidaten" in wide_browser.text()


def test_nine_person_constellation_screenshot(wide_browser, nine):
    wide_browser.visit(f"/constellatie?trainee={nine}")
    wide_browser.page.locator(".js-plotly-plot .scatterlayer").first.wait_for(timeout=30_000)
    wide_browser.page.wait_for_timeout(500)
    assert "Wie kan helpen?" in wide_browser.text()
    wide_browser.check("constellatie-negen")
