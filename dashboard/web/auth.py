"""Who is using the dashboard: local mode (no login) or server mode (OpenID Connect).

``gate()`` is what ``app.py`` asks before it draws anything with data; who the
viewer is (``current_viewer()``) is ``dashboard.web.session``'s to say.

* **Local mode** (no login configured) is the Quick start: ``serve`` listens on
  127.0.0.1 only and whoever can reach it is the ``beheerder`` of the file. As a
  second line of defence the gate also turns away a request that did not come
  to a loopback host name (a reverse proxy or a DNS-rebinding page in front of
  a local dashboard), because nobody logged in there.
* **Server mode** (``serve --auth FILE``) logs people in with OpenID Connect
  through Streamlit's ``st.login``. The login email is looked up in the
  ``users`` table (``dashboard.privacy.users``): its role and scope make the viewer. A
  login that is not in the table gets a polite "no access" page and no data.
  Logins and refused logins are recorded in the audit trail once per session.

``serve`` tells the app process which mode it is in through
``$CONSTELLATIEMONITOR_MODE``; it always sets it, so a value left in a shell
cannot switch a local dashboard into server mode or back.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard.privacy import audit
from dashboard.privacy.access import LOCAL_VIEWER, MODE_ENV_VAR, MODE_LOCAL, MODE_SERVER, Viewer
from dashboard.web import ui
from dashboard.web.session import (
    DENIED_NO_EMAIL, DENIED_UNVERIFIED, _request_headers, _resolve, _user, is_logged_in,
    is_loopback_request, login_email, mode,
)

logger = logging.getLogger("dashboard")

# Session state: the email whose login (or refused login) the audit trail
# already holds for this session.
_RECORDED_KEY = "auth_recorded"


def _record_once(action: str, actor: str, role: str | None, detail: Mapping[str, Any]) -> bool:
    """One audit row per session and login; True when this call wrote it.
    Raises when it cannot be written."""
    if st.session_state.get(_RECORDED_KEY) == (action, actor):
        return False
    audit.record(ui.shared_database(), actor, role, action, detail=detail)
    st.session_state[_RECORDED_KEY] = (action, actor)
    return True


def _language_switch() -> None:
    """The language switch, on the pages before any data."""
    ui.sync_from_url(None)
    ui.draw_sidebar(None)


def _login_page() -> None:
    _language_switch()
    st.title(ui.t("auth.login_title"))
    st.write(ui.t("auth.login_intro"))
    if st.button(ui.t("auth.login_button"), type="primary", icon=":material/login:", key="auth_login"):
        st.login()


def _logout_button(where: Any) -> None:
    if where.button(ui.t("auth.logout_button"), icon=":material/logout:", key="auth_logout"):
        st.logout()
        st.stop()  # the rest of this run would still be drawn for the viewer who just left


def _no_access_page(reason: str, email: str | None) -> None:
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
    _language_switch()
    st.error(ui.t("auth.local_refused"), icon=":material/block:")


def gate() -> Viewer | None:
    """Decide what this session may see, before any data is drawn.

    Returns the viewer, or None after drawing the page that says why there is
    nothing to see (login, no access, local mode reached from elsewhere); the
    caller then draws nothing else.
    """
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
