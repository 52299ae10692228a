"""Who is using the dashboard: local mode (no login) or server mode (OpenID Connect).

``current_viewer()`` is what ``dashboard.ui`` scopes every question to, and
``gate()`` is what ``app.py`` asks before it draws anything with data.

* **Local mode** (no login configured) is the Quick start: ``serve`` listens on
  127.0.0.1 only and whoever can reach it is the ``beheerder`` of the file. As a
  second line of defence the gate also turns away a request that did not come
  to a loopback host name (a reverse proxy or a DNS-rebinding page in front of
  a local dashboard), because nobody logged in there.
* **Server mode** (``serve --auth FILE``) logs people in with OpenID Connect
  through Streamlit's ``st.login``. The login email is looked up in the
  ``users`` table (``dashboard.users``): its role and scope make the viewer. A
  login that is not in the table gets a polite "no access" page and no data.
  Logins and refused logins are recorded in the audit trail once per session.

``serve`` tells the app process which mode it is in through
``$CONSTELLATIEMONITOR_MODE``; it always sets it, so a value left in a shell
cannot switch a local dashboard into server mode or back.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.access import LOCAL_VIEWER, AccessDenied, Viewer

logger = logging.getLogger("dashboard")

MODE_LOCAL = "local"
MODE_SERVER = "server"
MODE_ENV_VAR = "CONSTELLATIEMONITOR_MODE"

# Host names a local-mode dashboard answers to: the machine itself.
LOOPBACK_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost", "::1"})
# Headers a reverse proxy adds: a local dashboard is not meant to be behind one.
_PROXY_HEADERS: tuple[str, ...] = ("x-forwarded-for", "x-forwarded-host", "forwarded", "x-real-ip")

# Session state: the viewer found for a login email, and the email whose
# login (or refused login) the audit trail already holds for this session.
_VIEWER_KEY = "auth_viewer"
_RECORDED_KEY = "auth_recorded"

# Why a login got no access (the audit row's detail; never names).
DENIED_NO_EMAIL = "no_email"
DENIED_UNVERIFIED = "email_unverified"
DENIED_UNKNOWN = "unknown_email"


def mode() -> str:
    """``server`` when ``serve`` started the app with login configured, else ``local``."""
    return MODE_SERVER if os.environ.get(MODE_ENV_VAR, "").strip().lower() == MODE_SERVER else MODE_LOCAL


# --- the login of this session ------------------------------------------------


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
    from dashboard import access, ui  # ui imports this module

    found = access.viewer_for_email(ui.shared_database(), email)
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


# --- the gate -------------------------------------------------------------------


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


def _record_once(action: str, actor: str, role: str | None, detail: Mapping[str, Any]) -> bool:
    """One audit row per session and login; True when this call wrote it.
    Raises when it cannot be written."""
    if st.session_state.get(_RECORDED_KEY) == (action, actor):
        return False
    from dashboard import audit, ui  # ui imports this module

    audit.record(ui.shared_database(), actor, role, action, detail=detail)
    st.session_state[_RECORDED_KEY] = (action, actor)
    return True


def _language_switch() -> None:
    """The language switch, on the pages before any data."""
    from dashboard import ui

    ui.sync_from_url(None)
    ui.draw_sidebar(None)


def _login_page() -> None:
    from dashboard import ui

    _language_switch()
    st.title(ui.t("auth.login_title"))
    st.write(ui.t("auth.login_intro"))
    if st.button(ui.t("auth.login_button"), type="primary", icon=":material/login:", key="auth_login"):
        st.login()


def _logout_button(where: Any) -> None:
    from dashboard import ui

    if where.button(ui.t("auth.logout_button"), icon=":material/logout:", key="auth_logout"):
        st.logout()
        st.stop()  # the rest of this run would still be drawn for the viewer who just left


def _no_access_page(reason: str, email: str | None) -> None:
    from dashboard import ui

    _language_switch()
    st.title(ui.t("auth.no_access_title"))
    if reason == DENIED_NO_EMAIL:
        st.write(ui.t("auth.no_email"))
    else:
        st.write(ui.t("auth.unverified" if reason == DENIED_UNVERIFIED else "auth.no_access_text"))
        # The address comes from the identity provider: plain text, never markdown.
        st.text(email or "")
    st.write(ui.t("auth.no_access_hint"))
    _logout_button(st)


def _refuse_remote_local_mode() -> None:
    from dashboard import ui

    _language_switch()
    st.error(ui.t("auth.local_refused"), icon=":material/block:")


def gate() -> Viewer | None:
    """Decide what this session may see, before any data is drawn.

    Returns the viewer, or None after drawing the page that says why there is
    nothing to see (login, no access, local mode reached from elsewhere); the
    caller then draws nothing else.
    """
    from dashboard import ui

    if mode() == MODE_LOCAL:
        if not is_loopback_request(_request_headers()):
            _refuse_remote_local_mode()
            return None
        return LOCAL_VIEWER
    if not is_logged_in():
        _login_page()
        return None
    email = login_email()
    viewer, reason = _resolve()
    if viewer is None:
        try:
            actor = (email or "").lower() or str(_user().get("sub") or "onbekend")
            if _record_once("login_denied", actor, None, {"reason": reason}) and reason == DENIED_NO_EMAIL:
                # For the administrator: Streamlit reads the claims of the ID token only.
                logger.warning("a login without an email claim in its ID token was refused; the identity provider "
                               "must put 'email' in the ID token (see docs/deployment.md, 'Inloggen / server mode')")
        except Exception:
            # The visitor sees no data either way; the server log keeps the failure.
            logger.exception("cannot record a refused login in the audit trail")
        _no_access_page(reason, email)
        return None
    try:
        _record_once("login", viewer.actor, viewer.role,
                     {"schools": list(viewer.schools), "institutes": list(viewer.institutes)})
    except Exception:
        # No unrecorded access to personal data: show nothing until the row is written.
        logger.exception("cannot record a login in the audit trail")
        _language_switch()
        st.error(ui.t("auth.audit_failed"), icon=":material/error:")
        _logout_button(st)
        return None
    return viewer


def draw_sidebar_status(viewer: Viewer) -> None:
    """Below the filters: the local-mode banner, or who is logged in with a logout button."""
    from dashboard import ui

    with st.sidebar:
        st.divider()
        if mode() == MODE_LOCAL:
            st.badge(ui.t("auth.local_badge"), icon=":material/computer:", color="blue")
            st.caption(ui.t("auth.local_banner"))
            return
        st.caption(ui.t("auth.signed_in"))
        # Plain text: markdown would turn the address into a mailto link.
        st.text(viewer.actor)
        st.caption(ui.t("auth.role_label", role=ui.t(f"auth.role.{viewer.role}")))
        if viewer.schools:
            st.caption(ui.t("auth.scope_schools", ids=ui.escape_markdown(", ".join(viewer.schools))))
        if viewer.institutes:
            st.caption(ui.t("auth.scope_institutes", ids=ui.escape_markdown(", ".join(viewer.institutes))))
        _logout_button(st)
