"""Entry script of the dashboard: ``streamlit run dashboard/web/app.py``
(started by ``python -m dashboard serve``).

Sets up the page, the navigation with its fixed URL paths (coordinators send
each other links), the shared sidebar (language and filters, kept in the URL)
and runs the chosen page inside an error boundary: a failing page shows a
short Dutch message, the traceback goes to the server log only.

Before any of that, ``auth.gate()`` decides who is looking (local mode, or a
login in server mode). A session without access gets the gate's page (login,
no access) and nothing else: no filters, no navigation, no data.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from dashboard.web import auth, ui
from dashboard.store.db import DatabaseError, default_db_path

logger = logging.getLogger("dashboard")
if not logger.handlers:
    # The server log (the terminal of `serve`) gets the tracebacks that the page never shows.
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"

# url path -> (locale key of the title, material icon); order is the menu's.
_PAGES: tuple[tuple[str, str, str], ...] = (
    ("", "nav.overview", ":material/dashboard:"),
    ("signalen", "nav.signals", ":material/notifications:"),
    ("constellatie", "nav.constellation", ":material/hub:"),
    ("begeleider", "nav.mentor", ":material/supervisor_account:"),
    ("vergelijken", "nav.compare", ":material/compare_arrows:"),
    ("programma", "nav.programme", ":material/tune:"),
    ("gegevens", "nav.data", ":material/database:"),
    ("vastleggen", "nav.capture", ":material/edit_note:"),
)
# A student sees their own constellation and capture page, nothing else.
_STUDENT_PAGES = ("constellatie", "vastleggen")


def _navigation(viewer) -> StreamlitPage:
    pages = []
    for path, title_key, icon in _PAGES:
        if viewer.is_student and path not in _STUDENT_PAGES:
            continue
        pages.append(
            st.Page(
                ui.PAGE_FILES[path],
                title=ui.t(title_key),
                icon=icon,
                # The default page is served at "/"; its url_path only has to be unique.
                url_path=path or "overzicht",
                default=path == (_STUDENT_PAGES[1] if viewer.is_student else ""),
            )
        )
    return st.navigation(pages, position="sidebar")


def _filter_options() -> ui.FilterOptions | None:
    """The filter choices, or None when there is no data to filter."""
    if not ui.has_data():
        return None
    return ui.filter_options()


def main() -> None:
    # A local icon: a ":material/..." or emoji favicon is fetched from a CDN,
    # which offline installations cannot reach and which tells a third party who visits.
    st.set_page_config(page_title="Constellatiemonitor", page_icon=str(FAVICON), layout="wide")
    try:
        viewer = auth.gate()
        if viewer is None:
            return  # the gate drew the login or no-access page
        options = _filter_options()
    except ScriptControlException:
        raise
    except DatabaseError:
        logger.exception("cannot open the database")
        ui.sync_from_url(None)
        st.error(ui.t("error.database", path=ui.escape_markdown(default_db_path())), icon=":material/error:")
        return
    except Exception:
        logger.exception("cannot prepare the sidebar")
        ui.sync_from_url(None)
        st.error(ui.t("error.page"), icon=":material/error:")
        return
    ui.sync_from_url(options)
    page = _navigation(viewer)
    ui.draw_sidebar(options)
    auth.draw_sidebar_status(viewer)
    ui.write_url()
    ui.draw_url_warnings()
    try:
        page.run()
    except ScriptControlException:
        raise  # st.rerun, st.stop and page switches are control flow, not failures
    except Exception:
        logger.exception("page %r failed", page.url_path)
        st.error(ui.t("error.page"), icon=":material/error:")


main()
