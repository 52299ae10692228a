"""The app shell (dashboard/web/app.py, dashboard/web/ui.py) in Streamlit's AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.web import ui
from dashboard import analysis
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403


def _school_ids(db_path) -> list[str]:
    with Database(db_path) as db:
        return [school_id for school_id, _ in analysis.filter_options(db)["schools"]]


def _sidebar_select(app: AppTest, label: str):
    matches = [s for s in app.sidebar.selectbox if s.label == label]
    assert matches, f"no sidebar selectbox {label!r}; have {[s.label for s in app.sidebar.selectbox]}"
    return matches[0]


def _texts(app: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(app, kind)]
    return "\n".join(str(p) for p in parts)


def test_shell_on_sample_data_shows_dutch_navigation_and_filters(run_app, sample_db_path):
    app = run_app(sample_db_path)
    assert not app.exception
    assert not app.error
    labels = [s.label for s in app.sidebar.selectbox]
    assert labels == ["School", "Instituut", "Cohort", "Opleiding", "Fase"]
    school = _sidebar_select(app, "School")
    assert school.value is None  # "Alle"
    assert len(school.options) == 1 + len(_school_ids(sample_db_path))
    assert app.sidebar.radio[0].value == "nl"


def test_empty_database_shows_what_to_do(run_app, empty_db_path):
    app = run_app(empty_db_path)
    assert not app.exception
    assert any("Nog geen gegevens" in info.value for info in app.info)
    assert not app.sidebar.selectbox  # nothing to filter yet


def test_filters_are_read_from_the_url(run_app, sample_db_path):
    school_id = _school_ids(sample_db_path)[-1]
    app = run_app(sample_db_path, school=school_id, wave="begin")
    assert not app.exception
    assert app.session_state["ui_filter_school"] == school_id
    assert app.session_state["ui_filter_wave"] == "begin"
    assert app.query_params["school"] == school_id
    assert app.query_params["wave"] == "begin"
    assert not app.warning


def test_choosing_a_filter_puts_it_in_the_url(run_app, sample_db_path):
    school_id = _school_ids(sample_db_path)[0]
    app = run_app(sample_db_path)
    _sidebar_select(app, "School").set_value(school_id).run()
    assert not app.exception
    assert app.query_params.get("school") == school_id
    _sidebar_select(app, "School").set_value(None).run()
    assert "school" not in app.query_params


def test_unknown_filter_value_in_url_is_ignored_with_a_dutch_warning(run_app, sample_db_path):
    app = run_app(sample_db_path, school="GEEN_SCHOOL", cohort="1999-2000")
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "onbekende waarde" in warnings
    assert "GEEN\\_SCHOOL" in warnings  # shown, escaped as markdown
    assert app.session_state["ui_filter_school"] is None
    assert "school" not in app.query_params
    app.run()  # the warning is for the link that was opened, not for every rerun
    assert not app.warning


def test_lang_en_in_url_shows_english(run_app, sample_db_path):
    app = run_app(sample_db_path, lang="en")
    assert not app.exception
    assert [s.label for s in app.sidebar.selectbox] == ["School", "Institute", "Cohort", "Programme", "Wave"]
    assert app.sidebar.radio[0].value == "en"
    assert app.query_params["lang"] == "en"


def test_language_switch_changes_texts_and_url(run_app, empty_db_path):
    app = run_app(empty_db_path)
    assert any("Nog geen gegevens" in info.value for info in app.info)
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert any("No data yet" in info.value for info in app.info)
    assert app.query_params["lang"] == "en"
    app.sidebar.radio[0].set_value("nl").run()
    assert "lang" not in app.query_params  # Dutch is the default: no parameter


def test_filters_survive_a_page_switch(run_app, sample_db_path):
    school_id = _school_ids(sample_db_path)[0]
    app = run_app(sample_db_path, school=school_id)
    app.switch_page("views/gegevens.py").run()
    assert not app.exception
    assert _sidebar_select(app, "School").value == school_id
    assert app.query_params.get("school") == school_id


def test_a_failing_page_shows_the_dutch_error_and_no_traceback(run_app, sample_db_path, monkeypatch):
    def broken(self):
        raise RuntimeError("kapot")

    app = run_app(sample_db_path)
    monkeypatch.setattr(Database, "table_counts", broken)  # used by the data page only
    app.switch_page("views/gegevens.py").run()
    assert not app.exception
    assert [e.value for e in app.error] == [ui.i18n.t("error.page")]
    assert "kapot" not in _texts(app)
    assert app.sidebar.selectbox  # the shell is still there


def test_page_url_keeps_filters_and_language():
    script = """
import streamlit as st
from dashboard.web import ui
options = ui.FilterOptions({"school": (("S2", "School 2"),), "institute": (), "cohort": (("2025-2026", "2025-2026"),),
                            "programme": (), "wave": ()})
ui.sync_from_url(options)
ui.write_url()
st.text(ui.page_url("constellatie", trainee="T0001"))
st.text(ui.page_url("overzicht"))
st.text(ui.page_url("gegevens", note="a&b c"))
"""
    app = AppTest.from_string(script, default_timeout=30)
    app.query_params.update({"school": "S2", "lang": "en", "other": "x"})
    app.run()
    assert not app.exception
    assert [t.value for t in app.text] == [
        "/constellatie?trainee=T0001&school=S2&lang=en",
        "/?school=S2&lang=en",
        "/gegevens?note=a%26b+c&school=S2&lang=en",
    ]
    assert app.query_params["other"] == "x"  # parameters of a page are left alone


def test_page_url_rejects_an_unknown_page():
    with pytest.raises(ValueError, match="unknown page"):
        ui.page_url("nergens")


def test_escape_markdown_makes_names_inert():
    # A WORD JOINER between "http:" and "//" keeps Markdown from linking the address (issue 16).
    assert ui.escape_markdown("[klik](http://x) *vet* <b>") == "\\[klik\\]\\(http\\:\u2060//x\\) \\*vet\\* \\<b\\>"


def test_a_database_in_use_elsewhere_gives_a_dutch_message(run_app, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "in-gebruik.duckdb"
    Database(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        app = run_app(path)
        assert not app.exception
        assert len(app.error) == 1 and "kan niet worden geopend" in app.error[0].value
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
