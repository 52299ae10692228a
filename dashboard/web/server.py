"""``python -m dashboard serve``: prepare the database and start the dashboard.

The first start without a database builds one from ``sample_data/`` so that a
fresh clone shows a working dashboard at once. Streamlit runs in its own
process (``python -m streamlit run dashboard/web/app.py``); it finds the database
through ``$CONSTELLATIEMONITOR_DB`` and its mode through
``$CONSTELLATIEMONITOR_MODE`` (see ``dashboard.web.auth``).

Two modes:

* **local** (no login configured): listens on 127.0.0.1 only; any other
  ``--address`` is refused, because everyone who reaches it is beheerder.
* **server** (``--auth FILE``, or ``.streamlit/secrets.toml`` in the working
  folder with an ``[auth]`` section): OpenID Connect login through Streamlit.
  The ``[auth]`` section is checked before anything starts, and the file is
  handed to Streamlit as its only secrets file.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from dashboard.exchange.limits import MAX_UPLOAD_MB
from dashboard.privacy.access import LOOPBACK_HOSTS, MODE_ENV_VAR, MODE_LOCAL, MODE_SERVER
# Light on purpose: the launcher only waits for Streamlit (the database work is dashboard.web.prepare's).
from dashboard.store.paths import DB_ENV_VAR, SAMPLE_DATA_DIR, default_db_path
from dashboard.core.i18n import t

APP_PATH = Path(__file__).resolve().parent / "app.py"
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501

# Server mode: the secrets file Streamlit reads by default, relative to the working folder.
DEFAULT_SECRETS_FILE = Path(".streamlit") / "secrets.toml"
# What st.login needs in [auth] (one identity provider, the "default" one).
AUTH_KEYS: tuple[str, ...] = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
# The cookie secret signs the login cookie: at least 32 random characters (128+ bits).
MIN_COOKIE_SECRET = 32
CALLBACK_PATH = "/oauth2callback"


class ServeError(Exception):
    """A problem the user can act on; the message is already in their language."""


@dataclass(frozen=True)
class PreparedDatabase:
    path: Path
    built_from_sample: bool
    trainees: int
    users: int | None = None  # asked for server mode: how many may log in (None: unreadable)


def prepare_database(path: Path | None = None, *, sample_dir: Path = SAMPLE_DATA_DIR, lang: str = "nl",
                     count_users: bool = False) -> PreparedDatabase:
    """Make sure the database exists; on first start build it from the sample data
    (``dashboard.web.prepare``, in a process of its own that ends before Streamlit
    starts: the launcher then holds about 20 MB instead of 150). ``count_users``:
    also count who may log in. ``ServeError`` with the child's message when the
    database cannot be served."""
    path = (path or default_db_path()).resolve()
    command = [sys.executable, "-m", "dashboard.web.prepare", str(path), "--sample-dir", str(sample_dir),
               "--lang", lang, *(["--count-users"] if count_users else [])]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise ServeError(done.stderr.strip() or t("serve.cannot_open", lang, path=path, reason=done.returncode))
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return PreparedDatabase(Path(answer["path"]), answer["built_from_sample"], answer["trainees"], answer["users"])


# --- modes and login settings ------------------------------------------------------


@dataclass(frozen=True)
class AuthSettings:
    """The checked ``[auth]`` section of a secrets file (server mode)."""

    path: Path
    redirect_uri: str
    server_metadata_url: str

    @property
    def public_url(self) -> str:
        """Where users open the dashboard: the redirect URI without its callback path."""
        return self.redirect_uri[: -len(CALLBACK_PATH)] + "/"


def _read_toml(path: Path, lang: str) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ServeError(t("auth.serve_toml_invalid", lang, path=path, reason=exc)) from exc
    except OSError as exc:
        raise ServeError(t("auth.serve_file_unreadable", lang, path=path, reason=exc.strerror or exc)) from exc


def _is_loopback_url(parsed) -> bool:
    return (parsed.hostname or "").lower() in LOOPBACK_HOSTS


def _check_url(path: Path, key: str, value: str, lang: str, *, callback: bool) -> None:
    """An absolute http(s) URL; plain http only on this machine (the tests' identity provider)."""
    try:
        parsed = urlparse(value)
        parsed.port  # noqa: B018  (a bad port raises ValueError only when read)
    except ValueError:
        parsed = None
    bad_key = "auth.serve_bad_redirect" if callback else "auth.serve_bad_metadata_url"
    if (
        parsed is None
        or value != value.strip()
        or parsed.scheme not in ("http", "https")
        or not parsed.hostname
        or (callback and not parsed.path.endswith(CALLBACK_PATH))
        or (callback and (parsed.query or parsed.fragment))
    ):
        raise ServeError(t(bad_key, lang, path=path, value=value))
    if parsed.scheme == "http" and not _is_loopback_url(parsed):
        raise ServeError(t("auth.serve_needs_https", lang, path=path, key=key, value=value))


def read_auth_settings(path: Path, lang: str = "nl") -> AuthSettings:
    """Check the ``[auth]`` section of ``path``; a ``ServeError`` names what is wrong."""
    if not path.is_file():
        raise ServeError(t("auth.serve_file_missing", lang, path=path))
    section = _read_toml(path, lang).get("auth")
    if not isinstance(section, dict):
        raise ServeError(t("auth.serve_no_section", lang, path=path))
    missing = [key for key in AUTH_KEYS if key not in section or section[key] == ""]
    if missing:
        raise ServeError(t("auth.serve_missing_key", lang, path=path, keys=", ".join(missing),
                           required=", ".join(AUTH_KEYS)))
    for key in AUTH_KEYS:
        if not isinstance(section[key], str) or not section[key].strip():
            raise ServeError(t("auth.serve_not_text", lang, path=path, key=key))
    if len(section["cookie_secret"]) < MIN_COOKIE_SECRET:
        raise ServeError(t("auth.serve_short_secret", lang, path=path, length=len(section["cookie_secret"]),
                           minimum=MIN_COOKIE_SECRET))
    # Used as written (Streamlit does too): a stray space makes it a bad address.
    redirect_uri = section["redirect_uri"]
    metadata_url = section["server_metadata_url"]
    _check_url(path, "redirect_uri", redirect_uri, lang, callback=True)
    _check_url(path, "server_metadata_url", metadata_url, lang, callback=False)
    return AuthSettings(path.resolve(), redirect_uri, metadata_url)


def find_auth_file(option: str | None, folder: Path | None = None, lang: str = "nl") -> Path | None:
    """The secrets file that turns on server mode, or None for local mode.

    ``--auth FILE`` always does; without it, ``.streamlit/secrets.toml`` in the
    working folder does when it has an ``[auth]`` section.
    """
    if option:
        return Path(option)
    default = (folder or Path.cwd()) / DEFAULT_SECRETS_FILE
    if not default.is_file():
        return None
    return default if "auth" in _read_toml(default, lang) else None


def is_local_address(address: str) -> bool:
    return address.strip().strip("[]").lower() in LOOPBACK_HOSTS


def _authlib_installed() -> bool:
    from streamlit.auth_util import is_authlib_installed

    return is_authlib_installed()


def streamlit_command(port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS,
                      secrets_file: Path | None = None) -> list[str]:
    """The command line that starts the dashboard in its own process.

    ``secrets_file`` (server mode) becomes Streamlit's only secrets file, so a
    ``secrets.toml`` elsewhere (the home folder) cannot change the login.
    """
    secrets = ["--secrets.files", str(secrets_file)] if secrets_file is not None else []
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.headless", "true",
        "--server.address", address,
        "--server.port", str(port),
        "--server.enableXsrfProtection", "true",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        # A served dashboard does not reload when files change.
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--client.showErrorDetails", "none",
        "--client.toolbarMode", "minimal",
        # The tables' own "download as CSV" runs in the browser: it neither
        # neutralises formulas nor reaches the audit trail (docs/privacy.md).
        "--client.disableDataExport", "true",
        "--global.developmentMode", "false",
        # Streamlit's full garbage collection after every script run was a fifth
        # of a rerun's CPU (docs/performance.md); Python's own generational
        # collection still runs, and reference counting frees the rest.
        "--runner.postScriptGC", "false",
        *secrets,
    ]


def browse_address(address: str) -> str:
    """The host to type in a browser: 0.0.0.0 listens everywhere, but is no address to visit."""
    return "localhost" if address in ("0.0.0.0", "::", "") else address


def _choose_mode(args: argparse.Namespace, address: str, lang: str) -> AuthSettings | None:
    """The login settings (server mode) or None (local mode); ``ServeError`` when serve must not start."""
    auth_file = find_auth_file(getattr(args, "auth", None), lang=lang)
    if auth_file is None:
        if not is_local_address(address):
            raise ServeError(t("auth.serve_address_refused", lang, address=address))
        return None
    settings = read_auth_settings(auth_file, lang)
    if not _authlib_installed():
        raise ServeError(t("auth.serve_no_authlib", lang))
    return settings


def check_port_free(address: str, port: int, lang: str = "nl") -> None:
    """``ServeError`` (in Dutch) when ``address:port`` cannot be listened on.

    Checked before the URL is printed: Streamlit would only fail after it,
    in English. Binding (not connecting) is what Streamlit will do, so this
    also catches an address of another machine. SO_REUSEADDR as Tornado sets
    it, so a port in TIME_WAIT after a stop is not called taken.
    """
    host = address.strip().strip("[]") or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(t("serve.port_taken", lang, port=port, address=address)) from exc
            raise ServeError(t("serve.port_unusable", lang, port=port, address=address,
                               reason=exc.strerror or exc)) from exc


class _StopRequested(Exception):
    """SIGTERM or SIGINT reached ``serve``: stop the Streamlit child, then exit."""


# How long Streamlit gets to shut down after SIGTERM before it is killed.
CHILD_STOP_TIMEOUT = 10


def run_child(command: list[str], env: dict[str, str]) -> int:
    """Run the Streamlit process until it ends or ``serve`` is told to stop.

    SIGTERM (a service manager, ``kill``) and SIGINT (Ctrl+C) are passed on
    as SIGTERM, so the child closes its database handle and the port; a
    child that does not stop in time is killed. Without this, SIGTERM ended
    ``serve`` alone and left Streamlit running, holding the port and the
    database lock. A requested stop exits 0, as a service that stopped as
    asked.
    """
    def request_stop(signum, frame):
        raise _StopRequested(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    process = None
    try:
        process = subprocess.Popen(command, env=env)
        return process.wait()
    except (_StopRequested, KeyboardInterrupt):
        for sig in previous:  # a second signal must not interrupt the clean-up
            signal.signal(sig, signal.SIG_IGN)
        if process is None:
            return 0
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=CHILD_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def command_serve(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "nl")
    path = Path(args.db) if args.db else default_db_path()
    port = args.port if getattr(args, "port", None) is not None else DEFAULT_PORT
    address = getattr(args, "address", None) or DEFAULT_ADDRESS
    try:
        settings = _choose_mode(args, address, lang)
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        check_port_free(address, port, lang)
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        prepared = prepare_database(path, lang=lang, count_users=settings is not None)
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if prepared.built_from_sample:
        print(t("serve.built", lang, path=prepared.path, source=SAMPLE_DATA_DIR, trainees=prepared.trainees))
    else:
        print(t("serve.using", lang, path=prepared.path, trainees=prepared.trainees))
    if settings is None:
        print(t("auth.serve_local_mode", lang))
    else:
        users = prepared.users
        print(t("auth.serve_server_mode", lang, path=settings.path, provider=settings.server_metadata_url,
                users="?" if users is None else users))
        if users == 0:
            print(t("auth.serve_no_users", lang), file=sys.stderr)
        print(t("auth.serve_public_url", lang, url=settings.public_url))
    print(t("serve.url", lang, url=f"http://{browse_address(address)}:{port}/"), flush=True)
    print(t("serve.stop", lang), flush=True)
    env = {
        **os.environ,
        DB_ENV_VAR: str(prepared.path),
        # Always set: a value left in the shell must not decide the mode.
        MODE_ENV_VAR: MODE_LOCAL if settings is None else MODE_SERVER,
    }
    command = streamlit_command(port, address, None if settings is None else settings.path)
    return run_child(command, env)
