"""The pages for each role (AppTest): a schoolopleider of one school cannot see
another school's trainee on any page or through a URL; management sees no
names; the audit trail records opened constellations and downloads.

The viewer is set by replacing ``dashboard.web.session.current_viewer``: what the
login decides is tested in test_auth.py; here it is what the pages do with it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import analysis
from dashboard.privacy import audit
from dashboard.web import session, ui
from dashboard.privacy.access import CLI_VIEWER, Viewer
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403


@pytest.fixture(scope="module")
def people(sample_db_path) -> pd.DataFrame:
    with Database(sample_db_path) as db:
        return analysis.trainees(db.scoped(CLI_VIEWER))


@pytest.fixture(scope="module")
def schools(people) -> tuple[str, str]:
    counts = people["school_id"].value_counts()
    return counts.index[0], counts.index[1]


def _clean(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_schoolopleider_gets_geen_toegang_for_another_schools_trainee(run_app, sample_db_path, people, schools, as_viewer):
    mine, other = schools
    as_viewer(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    theirs = people[people["school_id"] == other].iloc[0]
    app = _clean(run_app(sample_db_path, "views/constellatie.py", trainee=str(theirs["trainee_id"])))
    assert any("Geen toegang" in e.value for e in app.error)
    assert theirs["name"] not in page_text(app)


@pytest.mark.parametrize("page", ["views/overzicht.py", "views/signalen.py", "views/constellatie.py",
                                  "views/vergelijken.py", "views/gegevens.py"])
def test_no_page_shows_a_trainee_of_another_school_to_a_schoolopleider(run_app, sample_db_path, people, schools,
                                                                     as_viewer, page):
    mine, other = schools
    as_viewer(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    # Even with the other school in the URL: the filter is dropped, the scope stays.
    app = _clean(run_app(sample_db_path, page, school=other))
    text = page_text(app)
    own_names = set(people.loc[people["school_id"] == mine, "name"])
    for name in set(people.loc[people["school_id"] == other, "name"]) - own_names:
        assert name not in text, (page, name)
    if page == "views/signalen.py":  # the check can see names: their own trainees are listed
        assert any(name in text for name in own_names)
    school_box = [s for s in app.sidebar.selectbox if s.label == "School"][0]
    assert [o for o in school_box.options if o != "Alle"] == [dict(analysis.filter_options(
        Database(sample_db_path).scoped(CLI_VIEWER))["schools"])[mine]]


@pytest.mark.parametrize("page", ["views/overzicht.py", "views/signalen.py", "views/constellatie.py",
                                  "views/vergelijken.py", "views/gegevens.py"])
def test_management_sees_no_names_anywhere(run_app, sample_db_path, people, as_viewer, page):
    as_viewer(Viewer("m@bestuur.nl", "management"))
    trainee = str(people.iloc[0]["trainee_id"])
    app = _clean(run_app(sample_db_path, page, trainee=trainee))
    text = page_text(app)
    for name in people["name"]:
        assert name not in text, (page, name)
    if page in ("views/signalen.py", "views/constellatie.py"):
        assert any("alleen totalen" in w.value for w in app.warning)


def test_opening_a_constellation_is_recorded_once_per_view(run_app, sample_db_copy, people, schools, as_viewer):
    mine, _ = schools
    viewer = as_viewer(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    trainee = str(people[people["school_id"] == mine].iloc[0]["trainee_id"])
    app = _clean(run_app(sample_db_copy, "views/constellatie.py", trainee=trainee))
    app.run()  # a rerun of the same view is not a new view
    with Database(sample_db_copy) as db:
        rows = audit.audit_log(db, action="view_constellation")
    assert list(rows["subject_id"]) == [trainee]
    assert rows.iloc[0]["actor"] == viewer.actor and rows.iloc[0]["role"] == "schoolopleider"


def test_a_download_is_recorded_when_the_file_is_made(sample_db_copy, monkeypatch):
    who = Viewer("io@inst.nl", "instituutsopleider", institutes=("I1",))
    db = Database(sample_db_copy)
    monkeypatch.setattr(ui, "viewer", lambda: who)
    monkeypatch.setattr(ui, "shared_database", lambda: db)
    monkeypatch.setattr(ui, "filters", lambda: analysis.Filters(cohort="2025-2026"))
    try:
        make = ui.audited_download(lambda: b"data", "signalen.csv")
        assert audit.audit_log(db, action="download").empty  # nothing until the file is made
        assert make() == b"data"
        rows = audit.audit_log(db, action="download")
    finally:
        db.close()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["actor"], row["role"]) == ("io@inst.nl", "instituutsopleider")
    assert json.loads(row["detail"]) == {"what": "signalen.csv", "filters": {"cohort": "2025-2026"}}


def test_only_the_beheerder_gets_import_export_and_the_audit_trail(run_app, sample_db_path, schools, as_viewer):
    mine, _ = schools
    as_viewer(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    app = _clean(run_app(sample_db_path, "views/gegevens.py"))
    assert any("alleen voor de beheerder" in i.value for i in app.info)
    assert not app.get("file_uploader")
    assert "Auditlogboek" not in [h.value for h in app.header]

    as_viewer(CLI_VIEWER)
    app = _clean(run_app(sample_db_path, "views/gegevens.py"))
    assert app.get("file_uploader")
    assert "Auditlogboek" in [h.value for h in app.header]


def _refusals(path) -> list[tuple]:
    with Database(path) as db:
        log = audit.audit_log(db, action="access_denied")
    return [(r.actor, r.role, r.subject_id, json.loads(r.detail)) for r in log.itertuples(index=False)]


def test_a_refused_trainee_is_recorded_in_the_audit_trail(run_app, sample_db_copy, people, schools, as_viewer):
    """Issue 16: a refused attempt to open an out-of-scope trainee left no trace."""
    mine, other = schools
    as_viewer(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    theirs = str(people[people["school_id"] == other].iloc[0]["trainee_id"])
    ours = str(people[people["school_id"] == mine].iloc[0]["trainee_id"])
    app = _clean(run_app(sample_db_copy, "views/constellatie.py", trainee=theirs))
    app.run()  # a rerun of the same view is not a second attempt
    _clean(app)
    assert _refusals(sample_db_copy) == [
        ("so@school.nl", "schoolopleider", theirs, {"page": "constellatie", "reason": "out_of_scope_or_unknown"})]
    # Near miss: a trainee in scope is a view, not a refusal.
    _clean(run_app(sample_db_copy, "views/constellatie.py", trainee=ours))
    assert len(_refusals(sample_db_copy)) == 1


@pytest.mark.parametrize("page, reason, role", [
    ("signalen", "aggregates_only", "management"),
    ("constellatie", "aggregates_only", "management"),
    ("gegevens", "beheerder_only", "schoolopleider"),
])
def test_a_refused_page_is_recorded_in_the_audit_trail(run_app, sample_db_copy, schools, as_viewer, page, reason,
                                                        role):
    scope = {"schools": (schools[0],)} if role == "schoolopleider" else {}
    as_viewer(Viewer("x@partnerschap.nl", role, **scope))
    _clean(run_app(sample_db_copy, f"views/{page}.py"))
    assert _refusals(sample_db_copy) == [("x@partnerschap.nl", role, None, {"page": page, "reason": reason})]


@pytest.fixture
def download_data(monkeypatch) -> dict:
    """The data of every download button a page draws, by file name (a callable is made on a click)."""
    import streamlit

    made: dict = {}
    real = streamlit.download_button

    def capture(label, data, *args, **kwargs):
        made[kwargs.get("file_name")] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", capture)
    return made


def test_the_full_export_is_made_for_the_page_viewer_where_the_session_is_unknown(
        run_app, sample_db_copy, as_viewer, download_data, monkeypatch):
    """Issue 16: in server mode the deferred callable runs in a worker thread
    where nobody is logged in; the full export failed with AccessDenied."""
    from openpyxl import load_workbook
    import io
    import zipfile

    from dashboard.privacy.access import AccessDenied

    as_viewer(Viewer("beheer@partnerschap.nl", "beheerder"))
    _clean(run_app(sample_db_copy, "views/gegevens.py"))
    make_xlsx, make_zip = download_data["constellatiemonitor.xlsx"], download_data["constellatiemonitor-csv.zip"]

    def nobody():
        raise AccessDenied("not logged in")

    monkeypatch.setattr(session, "current_viewer", nobody)  # as in Streamlit's worker thread, server mode
    book = load_workbook(io.BytesIO(make_xlsx()), read_only=True)
    with Database(sample_db_copy) as db:
        n_trainees = db.table_counts()["trainees"]
    assert sum(1 for _ in book["trainees"].iter_rows()) == n_trainees + 1
    names = zipfile.ZipFile(io.BytesIO(make_zip())).namelist()
    assert any(name.endswith("trainees.csv") for name in names)
    with Database(sample_db_copy) as db:
        rows = audit.audit_log(db, action="download")
    assert set(rows["actor"]) == {"beheer@partnerschap.nl"} and len(rows) == 2
    assert set(rows["role"]) == {"beheerder"}
    # Near miss: the same callable outside the page state is refused, never made for someone else.
    with pytest.raises(AccessDenied):
        ui.viewer()
