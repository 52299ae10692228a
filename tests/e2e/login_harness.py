"""Login in the browser tests: a local OpenID Connect provider and ``serve --auth``.

* ``oidc_provider()``: the ``oidc-provider-mock`` package (a Flask app) on a
  free port of 127.0.0.1, in a thread of the test process. Its login form
  takes the ``sub`` you type and gives it to the dashboard as the ``email``
  claim as well, so a test logs in as any email address it likes.
* ``write_secrets(...)``: the ``[auth]`` section that points the dashboard at it.
* ``start_login_server(...)``: ``python -m dashboard serve --auth FILE``
  (server mode) through ``harness.start_server``;
  ``stop_login_server`` ends it and waits until the database file is free.
* ``log_in(app, email)``: the whole flow in the browser: the dashboard's
  login button, the provider's form, the callback, back in the dashboard.
* ``check(app, name)``: ``AppBrowser.check`` that ignores script chunks the
  browser aborted when it left the previous page.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.harness import PAGE_TIMEOUT_MS, AppBrowser, ServerHandle, start_server, stop_server

# The provider's pages link a stylesheet on a CDN; tests run offline.
_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/")


@contextmanager
def oidc_provider() -> Iterator[str]:
    """A running OpenID Connect provider; yields its base URL (``http://127.0.0.1:PORT``)."""
    import werkzeug.serving
    from oidc_provider_mock import app as provider_app

    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(require_nonce=True), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def write_secrets(path: Path, dashboard_url: str, provider_url: str) -> Path:
    """A secrets file as an administrator writes it (docs/deployment.md), for the test provider."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{dashboard_url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "constellatiemonitor-test"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def start_login_server(db_path: Path, secrets_path: Path, port: int, log_path: Path) -> ServerHandle:
    """``serve --auth`` on ``port`` (the redirect URI in the secrets names it)."""
    return start_server(db_path, log_path, port=port, extra_args=("--auth", str(secrets_path)))


def stop_login_server(handle: ServerHandle) -> None:
    """``harness.stop_server``: it waits until the database file is free (the audit test reads it)."""
    stop_server(handle)


def offline_provider_pages(page) -> None:
    """Answer the provider pages' CDN stylesheet with nothing instead of going online."""
    page.route(_CDN, lambda route: route.fulfill(status=200, content_type="text/css", body=""))


def check(app: AppBrowser, name: str) -> None:
    """``app.check(name)`` (kept as a name of its own for the login tests)."""
    app.check(name)


def log_in(app: AppBrowser, email: str, provider_url: str) -> None:
    """Log in as ``email`` from the dashboard's login page, and wait until the dashboard is back."""
    page = app.page
    app.visit("/")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{provider_url}/oauth2/authorize*", timeout=PAGE_TIMEOUT_MS)
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app.base_url}/", timeout=PAGE_TIMEOUT_MS)
    app.wait_for_app()
    # The provider's own page asked for a favicon it does not have; that 404 is not the dashboard's.
    app.console_errors[:] = [error for error in app.console_errors if not error.endswith(f"{provider_url}/favicon.ico")]
