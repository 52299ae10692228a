"""Every selectbox and multiselect of the app has a placeholder from the
locales (polish of issue 12): without one, Streamlit shows its English
"Choose options" / "Choose an option" (or "No options to select") on a Dutch
page. Each page is opened as the person at the computer (beheerder) with the
parameters that draw the most choosers."""

from __future__ import annotations

import pytest

from dashboard import analysis
from dashboard.analysis import suggestions
from dashboard.core.locales import en, nl
from dashboard.privacy.access import CLI_VIEWER
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403

STREAMLIT_DEFAULTS = {"", " ", "Choose options", "Choose an option", "No options to select",
                      "Choose or add options", "Choose or add an option", "Add options", "Add an option"}
DUTCH = set(nl.TEXTS.values())


@pytest.fixture(scope="module")
def ids(sample_db_path) -> dict[str, str]:
    with Database(sample_db_path, read_only=True) as db:
        trainee = next(str(t) for t in analysis.trainees(db.scoped(CLI_VIEWER))["trainee_id"]
                       if not suggestions.candidates(db, str(t)).empty)
        mentor = str(db.scalar("SELECT person_id FROM relationships WHERE trainee_id = ? LIMIT 1", [trainee]))
    return {"trainee": trainee, "mentor": mentor}


def _choosers(app) -> list:
    assert not app.exception, [e.value for e in app.exception]
    return [*app.selectbox, *app.multiselect]


def _assert_dutch(app, page: str) -> None:
    choosers = _choosers(app)
    assert choosers, f"{page} draws no selectbox or multiselect"
    for chooser in choosers:
        assert chooser.placeholder not in STREAMLIT_DEFAULTS, (page, chooser.key, chooser.label)
        assert chooser.placeholder in DUTCH, (page, chooser.key, chooser.placeholder)


PAGES = {
    "overzicht": ("views/overzicht.py", {"school": "S04"}),
    "signalen": ("views/signalen.py", {}),
    "constellatie": ("views/constellatie.py", {}),
    "vergelijken": ("views/vergelijken.py", {}),
    "gegevens": ("views/gegevens.py", {}),
    "programma": ("views/programma.py", {}),
    "begeleider": ("views/begeleider.py", {"person": "{mentor}"}),
    "vastleggen (status)": ("views/vastleggen.py", {}),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_chooser_of_a_page_has_a_dutch_placeholder(run_app, sample_db_path, ids, page):
    path, query = PAGES[page]
    app = run_app(sample_db_path, path, **{k: v.format(**ids) for k, v in query.items()})
    _assert_dutch(app, page)


def test_the_capture_page_has_dutch_placeholders_in_every_step(run_app, sample_db_copy, ids):
    app = run_app(sample_db_copy, "views/vastleggen.py", trainee=ids["trainee"], wave="begin")
    [add_action] = [b for b in app.button if b.key == "cap_add_action"]
    add_action.click().run()  # draws an action's function and person choosers too
    _assert_dutch(app, "vastleggen")
    placeholders = {chooser.key: chooser.placeholder for chooser in _choosers(app)}
    assert placeholders["cap_overleg"] == "Kies wie met wie overlegt"
    assert placeholders["cap_needs"] == "Kies de functies die u nodig hebt"
    assert any(key.startswith("cap_functions_") and value == "Kies een of meer functies"
               for key, value in placeholders.items())
    assert any(key.startswith("cap_act_p_") and value == "Kies een persoon" for key, value in placeholders.items())


def test_in_english_the_capture_page_placeholders_are_english(run_app, sample_db_copy, ids):
    app = run_app(sample_db_copy, "views/vastleggen.py", trainee=ids["trainee"], wave="begin", lang="en")
    english = set(en.TEXTS.values())
    for chooser in _choosers(app):
        assert chooser.placeholder in english and chooser.placeholder not in STREAMLIT_DEFAULTS, chooser.key
    assert {c.key: c.placeholder for c in app.multiselect}["cap_needs"] == "Choose the functions you need"
