"""Fixtures for the browser tests: one real server per session, one browser.

* ``e2e_server``: ``python -m dashboard serve`` on a copy of the sample
  database, on a free port (``ServerHandle``: ``url``, ``db_path``, ``log()``).
* ``browser``: headless Debian Chromium (session).
* ``app_browser``: a fresh browser page on the server (``AppBrowser``:
  ``visit(path, name)``, ``check(name)``, ``text()``, ``page``).

Every test in this folder is marked ``e2e``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app_fixtures import sample_db_path  # noqa: F401  (a session fixture used below)
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, AppBrowser, ServerHandle, require_chromium, start_server, stop_server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def e2e_server(sample_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:  # noqa: F811
    folder = tmp_path_factory.mktemp("e2e-server")
    db_path = folder / "e2e.duckdb"
    shutil.copyfile(sample_db_path, db_path)
    handle = start_server(db_path, folder / "server.log")
    yield handle
    stop_server(handle)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def app_browser(browser, e2e_server: ServerHandle) -> Iterator[AppBrowser]:
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    page = context.new_page()
    yield AppBrowser(e2e_server.url, page)
    context.close()
