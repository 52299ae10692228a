"""The Signalen page as a worklist (issue 17), in Streamlit's AppTest on the sample data:
tier sections with counts in the domain's order, the reasons visible, the
"nieuw" mark, the filters in the URL, patterns once, trainees without data,
an empty selection, mentor signals linked to their trainees, the downloads."""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import analysis
from dashboard.analysis import Filters
from dashboard.analysis.triage import TIERS, patterns, triage
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403
from tests.test_hostile_names import markdown_text

SIGNALS = "views/signalen.py"
TIER_LABELS = {"nu": "Nu handelen", "bespreken": "Bespreken", "volgen": "Volgen"}


@pytest.fixture(scope="module")
def sample(sample_db_path):
    with Database(sample_db_path) as db:
        school = analysis.filter_options(db)["schools"][0][0]
        return {
            "school": school,
            "triage": triage(db, Filters(school=school)),
            "triage_eind": triage(db, Filters(school=school, wave="eind")),
            "trainees_eind": analysis.trainees(db, Filters(school=school, wave="eind")),
            "patterns": patterns(db, Filters(school=school)),
            "trainees": analysis.trainees(db),
        }


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def tier_headings(app: AppTest) -> list[str]:
    return [s.value for s in app.subheader if s.value.split(" · ")[0] in TIER_LABELS.values()]


def tier_tables(app: AppTest) -> list:
    """The tables of the tier sections (they have a "Waarom" column)."""
    return [t.value for t in app.table if "Waarom" in t.value.columns]


def plain(cell: str) -> str:
    return markdown_text(cell)[0]


def test_sections_per_tier_nu_first_with_counts_and_rank_order(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, SIGNALS, school=sample["school"]))
    expected = sample["triage"]
    counts = expected["tier"].value_counts().to_dict()
    assert tier_headings(app) == [
        f"{TIER_LABELS[t]} · {counts.get(t, 0)} student{'' if counts.get(t, 0) == 1 else 'en'}" for t in TIERS]
    tables = tier_tables(app)
    shown_tiers = [t for t in TIERS if counts.get(t, 0)]
    assert len(tables) == len(shown_tiers)
    for tier, table in zip(shown_tiers, tables):
        rows = expected[expected["tier"] == tier]
        assert [plain(n) for n in table["Student"]] == rows["name"].tolist()
        assert [int(r) for r in table["Nr."]] == rows["rank"].tolist()
        assert "School" not in table.columns  # one school in view
        # the first reason is on the row itself, in plain Dutch (the reasons for `nu` come first)
        for reasons, messages in zip(table["Waarom"], rows["messages"]):
            assert plain(reasons).startswith(messages[0])
        for link, trainee_id in zip(table["Constellatie"], rows["trainee_id"]):
            assert link.endswith(f"(/constellatie?trainee={trainee_id}&school={sample['school']})")
    first = tables[0]
    new_marks = [plain(v) for v in first["Nieuw"]]
    rows = expected[expected["tier"] == shown_tiers[0]]
    assert new_marks == ["nieuw" if len(codes) else "" for codes in rows["new_codes"]]


def test_the_filters_come_from_the_url_and_go_back_into_it(run_app, sample_db_path, sample):
    expected = sample["triage"]
    app = ok(run_app(sample_db_path, SIGNALS, school=sample["school"], tier="nu", nieuw="ja"))
    assert app.radio(key="tier").value == "nu" and app.toggle(key="nieuw").value is True
    assert tier_headings(app)[0].startswith("Nu handelen")
    assert len(tier_headings(app)) == 1
    wanted = expected[(expected["tier"] == "nu") & (expected["new_codes"].map(len) > 0)]
    shown = tier_tables(app)
    assert ([plain(n) for n in shown[0]["Student"]] if shown else []) == wanted["name"].tolist()
    # changing the widgets writes the URL, like the sidebar filters
    app.radio(key="tier").set_value("bespreken").run()
    app.toggle(key="nieuw").set_value(False).run()
    app.multiselect(key="signaal").set_value(["weak_formal"]).run()
    ok(app)
    assert app.query_params["tier"] == ["bespreken"] or app.query_params["tier"] == "bespreken"
    assert "nieuw" not in app.query_params
    wanted = expected[(expected["tier"] == "bespreken") & expected["codes"].map(lambda c: "weak_formal" in c)]
    shown = tier_tables(app)
    assert ([plain(n) for n in shown[0]["Student"]] if shown else []) == wanted["name"].tolist()
    # an unknown tier or signal in the URL is dropped
    app = ok(run_app(sample_db_path, SIGNALS, school=sample["school"], tier="later", signaal="geen_code"))
    assert app.radio(key="tier").value == "alle" and app.multiselect(key="signaal").value == []


def test_patterns_once_above_the_list_linking_to_the_comparison(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, SIGNALS, school=sample["school"]))
    found = sample["patterns"]
    headings = [s.value for s in app.subheader]
    if found.empty:
        assert "Patronen in het programma" not in headings
        return
    assert headings.index("Patronen in het programma") < headings.index(tier_headings(app)[0])
    tables = [t.value for t in app.table if "Bevinding" in t.value.columns]  # the first three, then the rest
    assert [plain(m) for table in tables for m in table["Bevinding"]] == found["message"].tolist()
    assert len(tables[0]) == min(3, len(found))
    links = [link for table in tables for link in table["Vergelijken"]]
    assert all(f"/vergelijken?compare_by={by}" in link for link, by in zip(links, found["group_by"]))


def test_trainees_without_data_in_the_wave_are_counted_and_listed(run_app, sample_db_path, sample):
    missing = sample["trainees_eind"][sample["trainees_eind"]["wave"].isna()]
    assert len(missing)  # the sample has trainees without an eind wave
    app = ok(run_app(sample_db_path, SIGNALS, school=sample["school"], wave="eind"))
    warning = [w.value for w in app.warning if "Geen gegevens in deze fase" in w.value]
    assert warning and f"{len(missing)} studenten zonder relaties" in warning[0]
    listed = [d.value for d in app.dataframe if "Student" in d.value.columns][0]
    assert sorted(listed["Student"]) == sorted(missing["name"])


def test_a_filter_that_matches_nobody_says_so(run_app, sample_db_path, sample):
    people = sample["trainees"]
    pairs = set(zip(people["school_id"], people["programme"]))
    empty = sorted((s, p) for s in set(people["school_id"]) for p in set(people["programme"].dropna())
                   if (s, p) not in pairs)
    assert empty  # the sample's pabo schools have no other programme
    school, programme = empty[0]
    app = ok(run_app(sample_db_path, SIGNALS, school=school, programme=programme))
    assert any("de filters passen op niemand" in i.value for i in app.info)
    assert not any("Geen signalen" in s.value for s in app.success)
    assert tier_headings(app) == []


def test_english_plurals_and_labels(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, SIGNALS, school=sample["school"], lang="en"))
    headings = [s.value for s in app.subheader]
    assert any(h.startswith("Act now · ") and h.endswith("trainees") or h.endswith(" 1 trainee") for h in headings)
    assert "Signals about mentors" in headings


def test_mentor_signals_name_the_mentor_and_link_to_the_trainees_concerned(run_app, sample_db_path, sample):
    with Database(sample_db_path) as db:
        found = analysis.signals(db)
    mentor = found[found["code"] == "mentor_no_klik_repeated"]
    assert len(mentor)
    app = ok(run_app(sample_db_path, SIGNALS))
    table = [t.value for t in app.table if "Signaal" in t.value.columns][0]
    messages = [plain(m) for m in table["Signaal"]]
    assert set(messages) == set(mentor["message"])
    links = [link for link in table["Constellatie"] if link]
    assert links and all("(/constellatie?trainee=" in link for link in links)
    # each linked trainee has a klik `nee` with that mentor
    klik = found[found["code"] == "no_klik"]
    for message, name in zip(messages, table["Student"]):
        person = mentor[mentor["message"] == message]["person_id"].iloc[0]
        names = sample["trainees"].set_index("trainee_id")["name"]
        assert plain(name) in set(klik[klik["person_id"] == person]["trainee_id"].map(names))


def test_downloads_carry_tier_rank_and_new_signals(run_app, sample_db_path, sample, monkeypatch):
    from dashboard.web import ui

    made = {}
    real = ui.audited_download

    def keep(make, what, subject_id=None):
        made[what] = make
        return real(make, what, subject_id)

    monkeypatch.setattr(ui, "audited_download", keep)
    ok(run_app(sample_db_path, SIGNALS, school=sample["school"]))
    rows = list(csv.DictReader(io.StringIO(made["signalen.csv"]().decode("utf-8-sig"), newline=""), delimiter=";"))
    expected = sample["triage"]
    assert [int(r["Nr."]) for r in rows] == expected["rank"].tolist()
    assert [r["Niveau"] for r in rows] == expected["tier"].map(TIER_LABELS).tolist()
    assert "Nieuwe signalen" in rows[0]
