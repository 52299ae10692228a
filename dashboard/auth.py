"""Who is using the dashboard: local mode (no login) or server mode (OpenID Connect).

``current_viewer()`` is what ``dashboard.ui`` scopes every question to.
Local mode (no login configured) is the Quick start: ``serve`` listens on
127.0.0.1 only and everyone who can reach it is the ``beheerder`` of the file.
"""

from __future__ import annotations

from dashboard.access import LOCAL_VIEWER, Viewer

MODE_LOCAL = "local"
MODE_SERVER = "server"


def mode() -> str:
    """``local`` until server mode (login) is configured."""
    return MODE_LOCAL


def current_viewer() -> Viewer:
    """The viewer of this session."""
    return LOCAL_VIEWER
