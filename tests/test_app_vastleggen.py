"""The capture page (AppTest): the six steps for one trainee, the save, scope and the status section."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import analysis
from dashboard.privacy.access import CLI_VIEWER, Viewer
from dashboard.store.db import Database
from dashboard.web import session
from tests.app_fixtures import *  # noqa: F403

PAGE = "views/vastleggen.py"


@pytest.fixture(scope="module")
def people(sample_db_path) -> pd.DataFrame:
    with Database(sample_db_path) as db:
        return analysis.trainees(db.scoped(CLI_VIEWER))


@pytest.fixture
def as_viewer(monkeypatch):
    def use(viewer: Viewer) -> Viewer:
        monkeypatch.setattr(session, "current_viewer", lambda: viewer)
        return viewer

    return use


def _clean(app):
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_wave_is_captured_and_saved_through_the_page(run_app, sample_db_copy, people):
    trainee = people.iloc[0]
    app = _clean(run_app(sample_db_copy, PAGE, trainee=str(trainee["trainee_id"]), wave="eind"))
    text = page_text(app)
    assert trainee["name"] in text and "Bedoelt" not in text
    [save] = [b for b in app.button if b.key == "cap_save"]
    save.click().run()
    _clean(app)
    assert any("Opgeslagen" in s.value for s in app.success)
    with Database(sample_db_copy) as db:
        assert db.scalar("SELECT revision FROM wave_revisions WHERE trainee_id = ? AND wave = 'eind'",
                         [str(trainee["trainee_id"])]) == 1


def test_a_student_cannot_open_another_trainee(run_app, sample_db_path, people, as_viewer):
    own, other = people.iloc[0], people.iloc[1]
    as_viewer(Viewer("s@student.nl", "student", trainees=(str(own["trainee_id"]),)))
    app = _clean(run_app(sample_db_path, PAGE, trainee=str(other["trainee_id"])))
    assert any("Geen toegang" in e.value for e in app.error)
    assert other["name"] not in page_text(app)
    app = _clean(run_app(sample_db_path, PAGE))  # without a trainee: their own
    assert own["name"] in page_text(app)


def test_management_never_captures(run_app, sample_db_path, people, as_viewer):
    as_viewer(Viewer("m@x.nl", "management"))
    app = _clean(run_app(sample_db_path, PAGE, trainee=str(people.iloc[0]["trainee_id"])))
    assert people.iloc[0]["name"] not in page_text(app)


def test_the_status_section_lists_who_has_not_filled_in(run_app, sample_db_path):
    app = _clean(run_app(sample_db_path, PAGE))
    text = page_text(app)
    assert "nog niet ingevuld" in text or "ingevuld" in text
    assert "/vastleggen?trainee=" in text


def test_a_change_is_flagged_as_unsaved_until_saved(run_app, sample_db_copy, people):
    trainee = people.iloc[2]
    app = _clean(run_app(sample_db_copy, PAGE, trainee=str(trainee["trainee_id"]), wave="eind"))
    assert not any("nog niet zijn opgeslagen" in w.value for w in app.warning)
    [support] = [r for r in app.radio if r.key == "cap_support"]
    support.set_value("nee").run()
    _clean(app)
    assert any("nog niet zijn opgeslagen" in w.value for w in app.warning)
    with Database(sample_db_copy) as db:  # nothing stored yet
        assert db.scalar("SELECT count(*) FROM wave_revisions") == 0
    [save] = [b for b in app.button if b.key == "cap_save"]
    save.click().run()
    _clean(app)
    assert not any("nog niet zijn opgeslagen" in w.value for w in app.warning)
