"""This session: who is looking, and the database handle they look through.

The lowest module of the web app: ``auth`` (the gate and the login pages),
``ui`` and every page sit above it. ``current_viewer()`` is what
``dashboard.web.ui`` scopes every question to; the mode names live in
``dashboard.privacy.access``, which ``serve`` shares.

* **Local mode** (no login configured): whoever reaches the loopback address is
  the ``beheerder`` of the file.
* **Server mode**: the login email of ``st.login`` is looked up in the
  ``users`` table (``dashboard.privacy.users``); its role and scope make the viewer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.privacy import access
from dashboard.privacy.access import (
    LOCAL_VIEWER, LOOPBACK_HOSTS, MODE_ENV_VAR, MODE_LOCAL, MODE_SERVER, AccessDenied, Viewer,
)
from dashboard.store.db import Database, default_db_path

logger = logging.getLogger("dashboard")

# Headers a reverse proxy adds: a local dashboard is not meant to be behind one.
_PROXY_HEADERS: tuple[str, ...] = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")

# Session state: the viewer found for a login email.
_VIEWER_KEY = "auth_viewer"

# Why a login got no access (the audit row's detail; never names).
DENIED_NO_EMAIL = "no_email"
DENIED_UNVERIFIED = "email_unverified"
DENIED_UNKNOWN = "unknown_email"


# --- the database ---------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def _open_database(path: str) -> Database:
    # One handle per file for the whole server: Database hands every query a
    # fresh cursor, so sessions on their own threads can share it.
    logger.info("opening database %s", path)
    return Database(path)


def shared_database() -> Database:
    """The server's one handle on ``dashboard.store.db.default_db_path()``, unscoped.

    Only for what is not a question about the data: the data fingerprint,
    imports by a beheerder and the audit trail. Questions use ``ui.database()``.
    """
    return _open_database(str(default_db_path().resolve()))


# --- the login of this session ------------------------------------------------


def mode() -> str:
    """``server`` when ``serve`` started the app with login configured, else ``local``."""
    return MODE_SERVER if os.environ.get(MODE_ENV_VAR, "").strip().lower() == MODE_SERVER else MODE_LOCAL


def _user() -> Mapping[str, Any]:
    """The identity claims of this session (``st.user``), as a plain mapping."""
    try:
        return st.user.to_dict()
    except Exception:  # no script run context (a unit test calling in bare mode)
        return {}


def is_logged_in() -> bool:
    return _user().get("is_logged_in") is True


def login_email() -> str | None:
    """The email claim of the login, stripped; None when there is none."""
    email = _user().get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    return email.strip()


def _email_unverified(claims: Mapping[str, Any]) -> bool:
    """The identity provider says the email is not verified (absent = trusted:
    SURFconext passes the institution's address without the claim)."""
    verified = claims.get("email_verified")
    return verified is False or (isinstance(verified, str) and verified.strip().lower() == "false")


def _lookup(email: str) -> Viewer | None:
    """The viewer for ``email`` from the users table, memoised for the session."""
    memo = st.session_state.get(_VIEWER_KEY)
    if memo is not None and memo[0] == email:
        return memo[1]
    found = access.viewer_for_email(shared_database(), email)
    st.session_state[_VIEWER_KEY] = (email, found)
    return found


def _resolve() -> tuple[Viewer | None, str | None]:
    """For a logged-in session: (the viewer, None), or (None, why there is no access)."""
    email = login_email()
    if email is None:
        return None, DENIED_NO_EMAIL
    if _email_unverified(_user()):
        return None, DENIED_UNVERIFIED
    viewer = _lookup(email)
    return (viewer, None) if viewer is not None else (None, DENIED_UNKNOWN)


def current_viewer() -> Viewer:
    """The viewer of this session.

    Local mode: ``LOCAL_VIEWER``. Server mode: the user of the login email;
    raises ``AccessDenied`` when nobody is logged in or the login has no access.
    """
    if mode() == MODE_LOCAL:
        return LOCAL_VIEWER
    if not is_logged_in():
        raise AccessDenied("not logged in")
    viewer, reason = _resolve()
    if viewer is None:
        raise AccessDenied(reason)
    return viewer


# --- where the request came from ---------------------------------------------


def _host_name(host_header: str) -> str:
    """``127.0.0.1:8501`` -> ``127.0.0.1``, ``[::1]:8501`` -> ``::1``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback_request(headers: Mapping[str, str]) -> bool:
    """Whether the browser reached this session on the machine itself.

    No headers at all is no HTTP request (AppTest); that is local too.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    if any(name in lowered for name in _PROXY_HEADERS):
        return False
    host = lowered.get("host")
    return host is None or _host_name(host) in LOOPBACK_HOSTS


def _request_headers() -> Mapping[str, str]:
    try:
        return dict(st.context.headers)
    except Exception:  # no session client (bare mode)
        return {}
