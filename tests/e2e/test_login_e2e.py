"""Server mode in a real browser: OpenID Connect login against a local provider.

One ``serve --auth`` for the module, on a copy of the sample data with three
logins: a schoolopleider of school A (S01), a management user and an email
that is not in the users table. Each test logs in in a fresh browser context
(its own cookies) through the provider's form, as a user would.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard.privacy import audit
from dashboard.store.db import SAMPLE_DATA_DIR, Database
from dashboard.privacy.users import add_user
from tests.app_fixtures import sample_db_path  # noqa: F401  (a session fixture used below)
from tests.e2e.harness import PAGE_TIMEOUT_MS, VIEWPORT, AppBrowser, ServerHandle, free_port
from tests.e2e.proxy import forwarding_proxy
from tests.e2e.login_harness import (
    check,
    log_in,
    offline_provider_pages,
    oidc_provider,
    start_login_server,
    stop_login_server,
    write_secrets,
)

pytestmark = pytest.mark.e2e

SCHOOL_A, SCHOOL_B = "S01", "S02"
OPLEIDER_A = "s.opleider@school-a.nl"
MANAGER = "directie@partnerschap.nl"
BEHEERDER = "beheer@partnerschap.nl"
STRANGER = "onbekend@elders.nl"


@dataclass
class LoginServer:
    handle: ServerHandle
    provider_url: str
    logged_in: set[str] = field(default_factory=set)  # emails that logged in during the module
    full_exports: int = 0  # full exports the beheerder downloaded

    def log_in(self, app: AppBrowser, email: str) -> None:
        log_in(app, email, self.provider_url)
        self.logged_in.add(email.lower())


@dataclass(frozen=True)
class Trainees:
    """From sample_data/trainees.csv: names per school, and ids of school B."""

    names: dict[str, set[str]]
    ids_b: tuple[str, ...]
    ids_a: tuple[str, ...]

    @property
    def all_names(self) -> set[str]:
        return set().union(*self.names.values())

    @property
    def only_b(self) -> set[str]:
        """Names of school B's trainees that no trainee of school A has (or contains)."""
        a = self.names[SCHOOL_A]
        return {name for name in self.names[SCHOOL_B] if not any(name in other for other in a)}


@pytest.fixture(scope="module")
def trainees() -> Trainees:
    with (SAMPLE_DATA_DIR / "trainees.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names: dict[str, set[str]] = {}
    for row in rows:
        names.setdefault(row["school_id"], set()).add(row["name"])
    ids = {school: tuple(r["trainee_id"] for r in rows if r["school_id"] == school) for school in (SCHOOL_A, SCHOOL_B)}
    return Trainees(names, ids[SCHOOL_B], ids[SCHOOL_A])


@pytest.fixture(scope="module")
def login_server(browser, sample_db_path, tmp_path_factory) -> Iterator[LoginServer]:  # noqa: F811
    folder = tmp_path_factory.mktemp("login-server")
    db_path = folder / "login.duckdb"
    shutil.copyfile(sample_db_path, db_path)
    with Database(db_path) as db:
        add_user(db, OPLEIDER_A, "schoolopleider", schools=[SCHOOL_A])
        add_user(db, MANAGER, "management")
        add_user(db, BEHEERDER, "beheerder")
    with oidc_provider() as provider_url:
        port = free_port()
        secrets = write_secrets(folder / "secrets.toml", f"http://127.0.0.1:{port}", provider_url)
        handle = start_login_server(db_path, secrets, port, folder / "server.log")
        try:
            yield LoginServer(handle, provider_url)
        finally:
            stop_login_server(handle)


@pytest.fixture
def visitor(browser, login_server) -> Iterator[AppBrowser]:
    """A fresh browser (no login cookie) on the login server."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    offline_provider_pages(page)
    yield AppBrowser(login_server.handle.url, page)
    context.close()


def _downloads(app: AppBrowser) -> str:
    """The text of every download on the current page (CSV as is, .xlsx cell by cell)."""
    from openpyxl import load_workbook

    texts = []
    buttons = app.page.locator('[data-testid="stDownloadButton"] button')
    # The buttons come after the tables: they can still be painting when the run has finished.
    buttons.first.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert buttons.count(), f"no download buttons on {app.page.url}"
    for index in range(buttons.count()):
        with app.page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
            buttons.nth(index).click()
        data = Path(download.value.path()).read_bytes()
        if zipfile.is_zipfile(io.BytesIO(data)):
            book = load_workbook(io.BytesIO(data), read_only=True)
            texts.extend(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
        else:
            texts.append(data.decode("utf-8-sig"))
        app.wait_for_app()
    return "\n".join(texts)


def _school_choices(app: AppBrowser) -> list[str]:
    """The options of the sidebar's School filter, as the dropdown lists them."""
    app.page.locator('[data-testid="stSidebar"] .st-key-ui_filter_school button[aria-label="Open"]').click()
    options = app.page.locator('[role="option"]')
    options.first.wait_for(timeout=PAGE_TIMEOUT_MS)
    choices = [options.nth(i).inner_text().strip() for i in range(options.count())]
    app.page.keyboard.press("Escape")
    return choices


def _shown(names: set[str], text: str) -> list[str]:
    return sorted(name for name in names if name in text)


def test_without_login_every_address_shows_the_login_page(visitor, trainees):
    for path in (f"/constellatie?trainee={trainees.ids_a[0]}", "/gegevens", "/"):
        visitor.visit(path)
        text = visitor.text()
        assert "Inloggen" in text and "persoonsgegevens" in text, path
        assert "Filters" not in text and "Signalen" not in text, path  # no navigation, no filters
        assert _shown(trainees.all_names, text) == [], path
    check(visitor, "inloggen")


def test_schoolopleider_sees_only_their_school(visitor, login_server, trainees):
    login_server.log_in(visitor, OPLEIDER_A.upper())  # the provider's case is not ours
    check(visitor, "ingelogd-schoolopleider")
    sidebar = visitor.page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Ingelogd als" in sidebar and OPLEIDER_A in sidebar and "Rol: schoolopleider" in sidebar
    assert _school_choices(visitor) == ["Alle", *_school_names(SCHOOL_A)]

    a_trainee, b_trainee = trainees.ids_a[0], trainees.ids_b[0]
    visitor.visit(f"/constellatie?trainee={a_trainee}")
    assert _shown(trainees.names[SCHOOL_A], visitor.text())  # the control: school A's trainee is there
    visitor.visit(f"/constellatie?trainee={b_trainee}")
    text = visitor.text()
    assert "Geen toegang" in text
    assert _shown(trainees.only_b, text) == []
    check(visitor, "constellatie-andere-school")
    visitor.visit(f"/?school={SCHOOL_B}")  # another school in the link: dropped, not widened
    assert "onbekende waarde" in visitor.text()
    for path in ("/", "/signalen", "/vergelijken"):
        visitor.visit(path)
        # Tables are drawn on a canvas; their downloads hold the same rows, as text.
        # (The comparison's downloads are group totals; its page text is checked.)
        downloads = "" if path == "/vergelijken" else _downloads(visitor)
        assert _shown(trainees.only_b, visitor.text() + "\n" + downloads) == [], path
        if path == "/signalen":
            assert _shown(trainees.names[SCHOOL_A], downloads)  # the control: the attention list has school A
    visitor.visit("/gegevens")
    assert "alleen voor de beheerder" in visitor.text()
    assert b_trainee not in visitor.text()


def _school_names(school_id: str) -> set[str]:
    with (SAMPLE_DATA_DIR / "schools.csv").open(encoding="utf-8") as handle:
        return {row["name"] for row in csv.DictReader(handle) if row["school_id"] == school_id}


def test_management_sees_no_names_anywhere(visitor, login_server, trainees):
    login_server.log_in(visitor, MANAGER)
    sidebar = visitor.page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Rol: management" in sidebar
    for path in ("/", "/vergelijken"):
        visitor.visit(path)
        text = visitor.text()
        assert "Studenten in beeld" in text or "Vergelijken" in text, path  # aggregates are shown
        assert _shown(trainees.all_names, text + "\n" + _downloads(visitor)) == [], path
        if path == "/":
            check(visitor, "overzicht-management")
    for path in ("/signalen", f"/constellatie?trainee={trainees.ids_a[0]}"):
        visitor.visit(path)
        text = visitor.text()
        assert "Geen toegang" in text or "alleen totalen" in text, path
        assert _shown(trainees.all_names, text) == [], path


def test_unknown_email_sees_no_access_and_no_data_until_logout(visitor, login_server, trainees):
    login_server.log_in(visitor, STRANGER)
    text = visitor.text()
    assert "Geen toegang" in text and STRANGER in text
    assert "Filters" not in text and _shown(trainees.all_names, text) == []
    check(visitor, "geen-toegang")
    visitor.visit(f"/constellatie?trainee={trainees.ids_a[0]}")  # a link does not get past the gate
    text = visitor.text()
    assert "Geen toegang" in text and _shown(trainees.all_names, text) == []

    visitor.page.get_by_role("button", name="Uitloggen").click()
    # The provider asks to confirm the end of its session, then sends the browser back.
    visitor.page.get_by_role("button", name="End session").click(timeout=PAGE_TIMEOUT_MS)
    visitor.page.wait_for_url(f"{visitor.base_url}/", timeout=PAGE_TIMEOUT_MS)
    visitor.wait_for_app()
    text = visitor.text()
    assert "Inloggen" in text and "Geen toegang" not in text and STRANGER not in text


def test_local_mode_shows_its_banner_and_no_data_behind_a_proxy(browser, e2e_server, trainees):
    """The local-mode server of the other browser tests: the banner, and a request that
    came through a reverse proxy (it adds X-Forwarded-For) gets no data."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    try:
        app = AppBrowser(e2e_server.url, context.new_page())
        app.visit("/")
        sidebar = app.page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Lokale modus: geen inlog; alleen bereikbaar op deze computer (127.0.0.1)" in sidebar
        with forwarding_proxy(e2e_server.url, free_port()) as proxied:
            behind = AppBrowser(proxied, context.new_page())
            behind.visit(f"/constellatie?trainee={trainees.ids_a[0]}")
            text = behind.text()
        assert "lokale modus" in text and "Filters" not in text
        assert _shown(trainees.all_names, text) == []
    finally:
        context.close()


def _download(app: AppBrowser, label: str) -> bytes:
    button = app.page.locator('[data-testid="stDownloadButton"] button', has_text=label)
    button.wait_for(timeout=PAGE_TIMEOUT_MS)
    with app.page.expect_download(timeout=PAGE_TIMEOUT_MS) as download:
        button.click()
    data = Path(download.value.path()).read_bytes()
    app.wait_for_app()
    return data


def test_a_logged_in_beheerder_downloads_the_full_export(visitor, login_server, trainees):
    """Issue 16: "Alle gegevens (.xlsx)" and "(zip met CSV-bestanden)" delivered
    nothing in server mode (the deferred callable did not know the viewer)."""
    from openpyxl import load_workbook

    login_server.log_in(visitor, BEHEERDER)
    visitor.visit("/gegevens", "login-beheerder-gegevens")
    book = load_workbook(io.BytesIO(_download(visitor, "Alle gegevens (.xlsx)")), read_only=True)
    names = {row[1] for row in book["trainees"].iter_rows(min_row=2, values_only=True)}
    assert names == trainees.all_names
    archive = zipfile.ZipFile(io.BytesIO(_download(visitor, "Alle gegevens (zip met CSV-bestanden)")))
    trainees_csv = next(n for n in archive.namelist() if n.endswith("trainees.csv"))
    rows = list(csv.DictReader(io.StringIO(archive.read(trainees_csv).decode("utf-8-sig"))))
    assert {row["name"] for row in rows} == trainees.all_names
    login_server.full_exports += 2
    assert "not logged in" not in login_server.handle.log()
    assert "Error executing deferred callable" not in login_server.handle.log()


def test_schoolopleider_worklist_shows_tier_sections(visitor, login_server, trainees):
    """Issue 17: a schoolopleider's Signalen page is a worklist, Nu handelen first, then Bespreken
    and Volgen, each with its count; only their own school's trainees; at 1366 px nothing scrolls sideways."""
    visitor.page.set_viewport_size({"width": 1366, "height": 2400})
    login_server.log_in(visitor, OPLEIDER_A)
    visitor.visit("/signalen")
    visitor.page.locator('[data-testid="stTable"]').first.wait_for(timeout=PAGE_TIMEOUT_MS)
    headings = [h.strip() for h in visitor.page.locator('[data-testid="stHeading"]').all_inner_texts()]
    tiers = [h for h in headings if h.startswith(("Nu handelen ·", "Bespreken ·", "Volgen ·"))]
    assert [h.split(" ·")[0] for h in tiers] == ["Nu handelen", "Bespreken", "Volgen"], headings
    assert all(h.endswith(("student", "studenten")) for h in tiers), tiers
    text = visitor.text()
    assert _shown(trainees.names[SCHOOL_A], text) and _shown(trainees.only_b, text) == []
    # The reasons wrap inside the page: the main block is no wider than the window.
    overflow = visitor.page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]'); return m.scrollWidth - m.clientWidth; }")
    assert overflow <= 0, overflow
    check(visitor, "signalen-schoolopleider-werklijst")


def test_audit_trail_holds_the_logins(visitor, login_server):
    """Last in the module: it stops the server to read the database (DuckDB allows one process).
    Run alone, it logs in itself as whoever the tests before it did not."""
    for email in (OPLEIDER_A, MANAGER, BEHEERDER, STRANGER):
        if email not in login_server.logged_in:
            visitor.page.context.clear_cookies()
            login_server.log_in(visitor, email)
    stop_login_server(login_server.handle)
    with Database(login_server.handle.db_path) as db:
        logins = audit.audit_log(db, action="login")
        denied = audit.audit_log(db, action="login_denied")
    assert set(logins["actor"]) == {OPLEIDER_A, MANAGER, BEHEERDER}
    assert dict(zip(logins["actor"], logins["role"])) == {
        OPLEIDER_A: "schoolopleider", MANAGER: "management", BEHEERDER: "beheerder"}
    if login_server.full_exports:  # the downloads of the beheerder's test, with their audit rows
        with Database(login_server.handle.db_path) as db:
            downloads = audit.audit_log(db, action="download")
        by_beheerder = downloads[downloads["actor"] == BEHEERDER]
        assert len(by_beheerder) == login_server.full_exports and set(by_beheerder["role"]) == {"beheerder"}
    assert set(denied["actor"]) == {STRANGER}
    assert {json.loads(detail)["reason"] for detail in denied["detail"]} == {"unknown_email"}
    assert logins["subject_id"].isna().all() and denied["subject_id"].isna().all()
