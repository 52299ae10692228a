"""The capture page in a real browser: a whole new wave through the UI, a refused value at its
field, two people saving the same wave, and a student who cannot open another trainee.

Its own server on a copy of the sample data (these tests write). Widgets are found by their key
(Streamlit gives each keyed element the class ``st-key-<key>``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from dashboard.privacy.users import add_user
from dashboard.store.db import Database
from tests.app_fixtures import sample_db_path  # noqa: F401  (a session fixture used below)
from tests.e2e.harness import PAGE_TIMEOUT_MS, VIEWPORT, AppBrowser, ServerHandle, free_port, start_server, stop_server
from tests.e2e.login_harness import (
    log_in, offline_provider_pages, oidc_provider, start_login_server, stop_login_server, write_secrets,
)

pytestmark = pytest.mark.e2e

# Sample trainees without an `eind` wave (sample_data/relationships.csv): each test its own.
FULL, BAD, SHARED = "T0004", "T0005", "T0006"
STUDENT, OTHER = "T0004", "T0002"
STUDENT_EMAIL = "jeroen@student.voorbeeld.nl"


@pytest.fixture(scope="module")
def capture_server(sample_db_path, tmp_path_factory) -> Iterator[ServerHandle]:  # noqa: F811
    folder = tmp_path_factory.mktemp("capture-server")
    shutil.copyfile(sample_db_path, folder / "capture.duckdb")
    handle = start_server(folder / "capture.duckdb", folder / "server.log")
    yield handle
    stop_server(handle)


@pytest.fixture
def new_browser(browser, capture_server):
    contexts = []

    def make() -> AppBrowser:
        context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
        contexts.append(context)
        return AppBrowser(capture_server.url, context.new_page())

    yield make
    for context in contexts:
        context.close()


def _widget(app: AppBrowser, key: str):
    return app.page.locator(f".st-key-{key}")


def _choose_radio(app: AppBrowser, key: str, label: str) -> None:
    # The options, not the widget's own label ("Sterkte" contains "sterk").
    _widget(app, key).locator('[role="radiogroup"] label').filter(has_text=re.compile(f"^{label}$")).first.click()
    app.wait_for_app()


def _type_into_multiselect(app: AppBrowser, key: str, text: str) -> None:
    field = _widget(app, key).locator("input")
    field.click()
    field.fill(text)
    app.page.keyboard.press("Enter")
    app.page.keyboard.press("Escape")
    app.wait_for_app()


def _click(app: AppBrowser, key: str) -> None:
    _widget(app, key).locator("button").first.click()
    app.wait_for_app()


def _save(app: AppBrowser) -> str:
    """Click Opslaan and wait for its outcome (the save reruns the page to show it at its fields)."""
    _click(app, "cap_save")
    app.page.locator('[data-testid="stAlert"]').filter(
        has_text=re.compile("Opgeslagen|Niet opgeslagen")).first.wait_for(timeout=PAGE_TIMEOUT_MS)
    app.wait_for_app()
    return app.text()


def _add_new_person(app: AppBrowser, name: str) -> None:
    app.page.get_by_text("Iemand anders toevoegen (naam en rol)").click()
    field = _widget(app, "cap_new_name").locator("input")
    field.fill(name)
    field.press("Enter")
    app.wait_for_app()
    role = _widget(app, "cap_new_role").locator("input")
    role.click()
    role.fill("collega")  # the dropdown filters as one types
    app.page.locator('[role="option"]').filter(has_text="collega").first.click(timeout=PAGE_TIMEOUT_MS)
    app.wait_for_app()
    _click(app, "cap_add_new")


def test_a_full_new_wave_is_captured_saved_and_drawn_on_the_constellation_page(new_browser):
    app = new_browser()
    app.visit(f"/vastleggen?trainee={FULL}&wave=eind")
    assert "begint met de constellatie van de fase midden" in app.text()
    _add_new_person(app, "Fleur Testpersoon")
    _type_into_multiselect(app, "cap_functions_nieuw1", "rolmodel")
    _choose_radio(app, "cap_strength_nieuw1", "sterk")
    # the drawing beside the form has grown by the new person
    assert app.page.locator('.st-key-capture_figure text').filter(has_text="Fleur Testpersoon").count()
    _type_into_multiselect(app, "cap_overleg", "Fleur")
    _choose_radio(app, "cap_support", "deels")
    _click(app, "cap_add_action")
    text = _save(app)
    assert "Opgeslagen (versie 1)" in text, text[-3000:]
    app.check("vastleggen-opgeslagen")

    later = new_browser()  # a fresh session: what is stored, not what the form held
    later.visit(f"/constellatie?trainee={FULL}&wave=eind")
    later.page.locator(".js-plotly-plot").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert later.page.locator(".js-plotly-plot text").filter(has_text="Fleur Testpersoon").count()
    later.check("constellatie-na-vastleggen")


def test_a_missing_strength_is_refused_at_its_field_and_nothing_is_written(new_browser):
    app = new_browser()
    app.visit(f"/vastleggen?trainee={BAD}&wave=eind")
    _add_new_person(app, "Zonder Sterkte")
    _save(app)
    expander = app.page.locator('[data-testid="stExpander"]').filter(has_text="Zonder Sterkte")
    assert "Sterkte" in expander.inner_text() and "ontbreekt" in expander.inner_text()
    assert "Niet opgeslagen" in app.text()
    app.check("vastleggen-geweigerd")
    again = new_browser()
    again.visit(f"/vastleggen?trainee={BAD}&wave=eind")
    text = again.text()
    assert "begint met de constellatie" in text and "Zonder Sterkte" not in text  # nothing was stored


def test_two_people_saving_the_same_wave_the_second_is_refused_and_can_reload(new_browser):
    first, second = new_browser(), new_browser()
    for app in (first, second):
        app.visit(f"/vastleggen?trainee={SHARED}&wave=eind")
    _choose_radio(first, "cap_support", "ja")
    assert "Opgeslagen (versie 1)" in _save(first)
    _choose_radio(second, "cap_support", "nee")
    text = _save(second)
    assert "Niet opgeslagen" in text and "lokaal" in text and "heeft deze fase op" in text
    second.check("vastleggen-conflict")
    _click(second, "cap_reload")
    # The reload reruns the page once more: wait until the refusal has gone.
    second.page.get_by_text("heeft deze fase op").wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)
    second.wait_for_app()
    assert "heeft deze fase op" not in second.text()
    assert "begint met de constellatie" not in second.text()  # the stored wave now, not a copy


@pytest.fixture(scope="module")
def step_six_case(sample_db_path) -> dict[str, str]:  # noqa: F811
    """A trainee and wave of the sample with step-6 candidates, and the reasons the page must show."""
    from dashboard import analysis
    from dashboard.analysis import suggestions
    from dashboard.privacy.access import CLI_VIEWER

    with Database(sample_db_path, read_only=True) as db:
        for trainee_id in analysis.trainees(db.scoped(CLI_VIEWER))["trainee_id"]:
            found = suggestions.candidates(db, str(trainee_id))
            if not found.empty:
                first = found.iloc[0]
                return {"trainee": str(trainee_id), "wave": str(first["wave"]), "function": str(first["function"]),
                        "reason": str(first["reason"]), "name": str(first["name"])}
    raise AssertionError("the sample has no trainee with a step-6 candidate")


@pytest.mark.parametrize("width", [390, 1366], ids=["telefoon", "breed"])
def test_step_six_reasons_are_readable_without_scrolling_sideways(browser, capture_server, step_six_case, width):
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 900}, locale="nl-NL")
    try:
        app = AppBrowser(capture_server.url, context.new_page())
        app.visit(f"/vastleggen?trainee={step_six_case['trainee']}&wave={step_six_case['wave']}")
        candidates = app.page.locator(f".st-key-cap_step6_{step_six_case['function']}")
        candidates.wait_for(timeout=PAGE_TIMEOUT_MS)
        candidates.scroll_into_view_if_needed()
        text = candidates.inner_text()
        assert step_six_case["name"] in text and step_six_case["reason"] in text
        # Nothing inside the list is wider than its box, and the list fits the window.
        overflowing = candidates.evaluate(
            """(list) => [list, ...list.querySelectorAll('*')]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
                .length""")
        assert overflowing == 0
        box = candidates.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        for line in candidates.locator('[data-testid="stMarkdownContainer"]').all():
            line_box = line.bounding_box()
            assert line_box is not None and line_box["x"] + line_box["width"] <= width
        assert app.page.evaluate("() => document.documentElement.scrollWidth") <= width
        app.check("vastleggen-stap6-telefoon" if width < 500 else "vastleggen-stap6")
    finally:
        context.close()


@pytest.fixture(scope="module")
def student_server(browser, sample_db_path, tmp_path_factory) -> Iterator[tuple[ServerHandle, str]]:  # noqa: F811
    folder = tmp_path_factory.mktemp("student-server")
    db_path = folder / "student.duckdb"
    shutil.copyfile(sample_db_path, db_path)
    with Database(db_path) as db:
        add_user(db, STUDENT_EMAIL, "student", trainees=[STUDENT])
    with oidc_provider() as provider_url:
        port = free_port()
        secrets = write_secrets(folder / "secrets.toml", f"http://127.0.0.1:{port}", provider_url)
        handle = start_login_server(db_path, secrets, port, folder / "server.log")
        try:
            yield handle, provider_url
        finally:
            stop_login_server(handle)


def test_a_student_sees_their_own_capture_page_and_cannot_open_another_trainee(browser, student_server):
    handle, provider_url = student_server
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        page = context.new_page()
        offline_provider_pages(page)
        app = AppBrowser(handle.url, page)
        log_in(app, STUDENT_EMAIL, provider_url)
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Vastleggen" in sidebar and "Constellatie" in sidebar
        assert "Signalen" not in sidebar and "Gegevens" not in sidebar and "Vergelijken" not in sidebar
        app.visit("/vastleggen")
        assert "Jeroen van Rijn" in app.text()
        for path in (f"/vastleggen?trainee={OTHER}", f"/constellatie?trainee={OTHER}"):
            app.visit(path)
            assert "Geen toegang" in app.text(), path
            assert "Martijn Bos" not in app.text(), path
        app.check("vastleggen-student-ander")
    finally:
        context.close()
