"""End-to-end harness: the real ``python -m dashboard serve`` in headless Debian Chromium.

* ``start_server(db_path, log_path)`` starts the server on a free port (or
  ``port=``, with ``extra_args=`` and ``env=`` if given) and waits for
  ``/_stcore/health``; ``stop_server`` ends it (its whole process group: the
  serve command starts Streamlit as a child).
* ``AppBrowser.visit(path, name)`` opens a URL, waits until the script has
  finished running, asserts no exception element and no console errors, and
  saves a screenshot to ``test-output/screenshots/<name>.png`` and
  ``docs/screenshots/<name>.png`` (the README shows those).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from dashboard.store.db import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIRS = (PROJECT_ROOT / "test-output" / "screenshots", PROJECT_ROOT / "docs" / "screenshots")
SERVER_START_TIMEOUT = 120  # seconds; the first start imports Streamlit, pandas and plotly
PAGE_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 1000}
_BASE_PATH_PROBE = re.compile(r"://[^/]+/[^?#]+/_stcore/(host-config|health)$")


def require_chromium() -> None:
    """Skip without Debian's chromium, except in CI (CI=true), where that is a failure."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for the browser tests"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerHandle:
    url: str
    db_path: Path
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(db_path: Path, log_path: Path, *, port: int | None = None, extra_args: Sequence[str] = (),
                 env: Mapping[str, str] | None = None) -> ServerHandle:
    """``serve --db db_path`` on ``port`` (default: a free one) with ``extra_args``
    and ``env`` added to this process's environment; waits for ``/_stcore/health``."""
    port = port or free_port()
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--db", str(db_path), "--port", str(port), *extra_args],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # one process group: serve and its Streamlit child
        cwd=PROJECT_ROOT,
        env={**os.environ, **env} if env else None,
    )
    log.close()
    handle = ServerHandle(f"http://127.0.0.1:{port}", db_path, log_path, process)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {process.returncode}:\n{handle.log()}")
        try:
            with urllib.request.urlopen(f"{handle.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return handle
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    stop_server(handle)
    raise RuntimeError(f"the server did not answer /_stcore/health within {SERVER_START_TIMEOUT} s:\n{handle.log()}")


def stop_server(handle: ServerHandle, timeout: float = 30) -> None:
    """End ``serve`` and wait until its whole process group (Streamlit, serve's
    child) has gone: Streamlit holds the database file until it exits."""
    group = handle.process.pid  # start_new_session: serve leads its own process group
    if handle.process.poll() is None:
        os.killpg(group, signal.SIGTERM)
        try:
            handle.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            handle.process.wait(timeout=20)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(group, signal.SIGKILL)


_ABORTED_ASSET = re.compile(r"^request failed: \S+/static/\S+ \(net::ERR_ABORTED\)$")


@dataclass
class AppBrowser:
    """One browser page on the running server, collecting console errors."""

    base_url: str
    page: object  # playwright.sync_api.Page
    console_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"page error: {error}"))
        # The console says only "failed to load resource"; name what failed.
        self.page.on("requestfailed", lambda request: self.console_errors.append(f"request failed: {request.url} ({request.failure})"))
        self.page.on("response", self._on_response)

    @staticmethod
    def _expected_probe(url: str) -> bool:
        """Opened on a page path such as /gegevens, Streamlit's frontend first asks
        /gegevens/_stcore/... in case the app is served under that prefix, gets a
        404 and then uses the root. Those probes are not errors of the app."""
        return bool(_BASE_PATH_PROBE.search(url))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and self._expected_probe(message.location.get("url", "")):
            return
        self.console_errors.append(message.text)

    def _on_response(self, response) -> None:
        if response.status >= 400 and not (response.status == 404 and self._expected_probe(response.url)):
            self.console_errors.append(f"HTTP {response.status}: {response.url}")

    def wait_for_app(self) -> None:
        """Until the script run has finished (Streamlit marks the app root)."""
        self.page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=PAGE_TIMEOUT_MS)
        self.page.wait_for_function(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return app && app.getAttribute('data-test-script-state') === 'notRunning';
            }""",
            timeout=PAGE_TIMEOUT_MS,
        )
        # Elements of the finished run can still be painting (charts, tables).
        self.page.wait_for_timeout(500)

    def check(self, name: str, show: str | None = None) -> None:
        """No exception element, no console errors; save the screenshot ``name``
        (scrolled to the last element matching the selector ``show``, if given:
        Streamlit scrolls inside the page, so a full-page shot shows no more)."""
        # Script chunks the previous page was still loading when the browser left
        # it (Chromium aborts them) are not errors of this page.
        self.console_errors[:] = [error for error in self.console_errors if not _ABORTED_ASSET.match(error)]
        exceptions = self.page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert self.console_errors == [], self.console_errors
        if show is not None:
            self.page.locator(show).last.scroll_into_view_if_needed()
        for folder in SCREENSHOT_DIRS:
            folder.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(folder / f"{name}.png"))

    def visit(self, path: str, name: str | None = None) -> None:
        """Open ``path`` (e.g. ``/signalen?school=S02``), wait, check, screenshot as ``name``."""
        self.console_errors.clear()
        self.page.goto(f"{self.base_url}{path}", wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
        self.wait_for_app()
        if name is not None:
            self.check(name)

    def text(self) -> str:
        return self.page.locator('[data-testid="stApp"]').inner_text()
