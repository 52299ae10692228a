"""The overview leads with the worklist (issue 17): "Nu handelen: N studenten" linked
to the list, the programme's patterns, tiles per tier, trainees without data;
plurals; both heatmaps dark = strong, with the legend saying so."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import analysis
from dashboard.analysis import Filters
from dashboard.analysis.triage import TIERS, patterns, tier_counts, triage
from dashboard.core.i18n import tn
from dashboard.privacy.access import Viewer
from dashboard.store.db import Database
from dashboard.web import charts, session
from tests.app_fixtures import *  # noqa: F403
from tests.test_hostile_names import markdown_text


@pytest.fixture(scope="module")
def sample(sample_db_path):
    with Database(sample_db_path) as db:
        school = analysis.filter_options(db)["schools"][1][0]
        return {
            "school": school,
            "triage": triage(db, Filters(school=school)),
            "triage_eind": triage(db, Filters(school=school, wave="eind")),
            "trainees_eind": analysis.trainees(db, Filters(school=school, wave="eind")),
            "patterns": patterns(db, Filters(school=school)),
        }


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_plurals_in_both_languages():
    assert [tn("triage.students", n, "nl") for n in (0, 1, 2)] == ["0 studenten", "1 student", "2 studenten"]
    assert [tn("triage.students", n, "en") for n in (0, 1, 2)] == ["0 trainees", "1 trainee", "2 trainees"]


def test_overview_leads_with_act_now_linked_to_the_list_then_patterns(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, school=sample["school"]))
    n_nu = int((sample["triage"]["tier"] == "nu").sum())
    assert app.subheader[0].value == f"Nu handelen: {tn('triage.students', n_nu, 'nl')}"
    links = [link for link in app.get("page_link") if "signalen" in link.proto.page]
    assert links and "Naar de lijst" in links[0].proto.label
    assert "tier=nu" in links[0].proto.query_string and f"school={sample['school']}" in links[0].proto.query_string
    found = sample["patterns"]
    shown = [t.value for t in app.table if "Bevinding" in t.value.columns]
    if found.empty:
        assert not shown
    else:
        assert [markdown_text(m)[0] for table in shown for m in table["Bevinding"]] == found["message"].tolist()


def test_tiles_count_per_tier(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, school=sample["school"]))
    values = metrics(app)
    counts = sample["triage"]["tier"].value_counts()
    assert [values[label] for label in ("Nu handelen", "Bespreken", "Volgen")] == [
        str(counts.get(t, 0)) for t in TIERS]
    assert values["Geen gegevens in deze fase"] == "0"


def test_trainees_without_data_in_the_wave_are_counted_and_listed(run_app, sample_db_path, sample):
    missing = sample["trainees_eind"][sample["trainees_eind"]["wave"].isna()]
    assert len(missing)
    app = ok(run_app(sample_db_path, school=sample["school"], wave="eind"))
    assert metrics(app)["Geen gegevens in deze fase"] == str(len(missing))
    assert any(e.label == f"Geen gegevens in deze fase: {len(missing)} studenten" for e in app.expander)
    listed = [d.value for d in app.dataframe if "Student" in d.value.columns and "Constellatie" in d.value.columns]
    assert sorted(listed[0]["Student"]) == sorted(missing["name"])


def test_management_gets_tier_counts_without_a_link_or_names(run_app, sample_db_path, monkeypatch):
    monkeypatch.setattr(session, "current_viewer", lambda: Viewer("m@bestuur.nl", "management"))
    app = ok(run_app(sample_db_path, school="S04"))
    with Database(sample_db_path) as db:
        expected = tier_counts(db.scoped(Viewer("m@bestuur.nl", "management")), Filters(school="S04"))
    values = metrics(app)
    for tier, label in zip(TIERS, ("Nu handelen", "Bespreken", "Volgen")):
        n = expected["tiers"][tier]
        assert values[label] == ("verborgen" if n is None else str(n))  # hidden tiles: issue 16
    assert not [link for link in app.get("page_link") if "signalen" in link.proto.page]


def test_tier_counts_suppress_small_counts_for_management(sample_db_path):
    with Database(sample_db_path) as db:
        viewer = Viewer("m@bestuur.nl", "management")
        full = tier_counts(db, Filters(school="S04"))
        shown = tier_counts(db.scoped(viewer), Filters(school="S04"))
        for tier in TIERS:
            n = full["tiers"][tier]
            # 13 nu, 15 bespreken, 0 volgen of 29: the 1 left is small, so nu is hidden with it (issue 16)
            assert shown["tiers"][tier] == (None if tier == "nu" else n)
        few = tier_counts(db.scoped(viewer), Filters(school="S04", programme="zij-instroom"))  # 2 trainees
        assert few["n_trainees"] is None and all(v is None for v in few["tiers"].values())


# --- one colour language ------------------------------------------------------------------


def _colour_at(scale, position: float) -> str:
    return [colour for at, colour in scale if at == position][-1]


def test_both_heatmaps_put_strong_at_the_dark_end_and_say_so():
    groups = pd.DataFrame({
        "school_id": ["S1", "S1"], "group_name": ["A", "A"], "function": ["gastheer", "leermeester"],
        "n_trainees": [2, 2], "n_sterk": [2, 0], "n_zwak": [0, 1], "n_geen": [0, 1], "share_sterk": [1.0, 0.0],
    })
    by_group = charts.coverage_heatmap(groups, "school_id", None, "nl").data[0]
    levels = pd.DataFrame({"trainee_id": ["T1", "T1"], "function": ["gastheer", "leermeester"],
                           "level": ["sterk", "geen"]})
    by_trainee = charts.trainee_level_heatmap(levels, pd.DataFrame({"trainee_id": ["T1"], "name": ["Ada"]}),
                                              None, "nl").data[0]
    strong, none = charts.LEVEL_COLOURS["sterk"], charts.LEVEL_COLOURS["geen"]
    group_scale = [tuple(step) for step in by_group.colorscale]
    trainee_scale = [tuple(step) for step in by_trainee.colorscale]
    assert _colour_at(group_scale, 1.0) == strong and _colour_at(group_scale, 0.0) == none  # share 100 % strong
    assert _colour_at(trainee_scale, 1.0) == strong and _colour_at(trainee_scale, 0.0) == none  # level sterk
    for heat in (by_group, by_trainee):
        assert "donker = sterk" in heat.colorbar.title.text
    english = charts.coverage_heatmap(groups, "school_id", None, "en").data[0]
    assert "dark = strong" in english.colorbar.title.text
    assert json.dumps(by_group.to_plotly_json(), default=str)  # still a valid figure


def _lead_facts(lead) -> tuple:
    tiers, found = lead
    return tiers, sorted(zip(found["group_id"], found["code"], found["role"], found["n_trainees"], found["message"]))


@pytest.mark.parametrize("wave", [None, "midden"])
def test_group_lead_is_tier_counts_and_patterns_of_the_same_trainees(sample_db_path, wave):
    # The overview of a school takes its tiles and patterns from the signals its group view
    # found; they must be what tier_counts and patterns answer for the same filters.
    from dashboard.analysis.triage import group_lead

    with Database(sample_db_path) as db:
        for school, _ in analysis.filter_options(db)["schools"]:
            filters = Filters(school=school, wave=wave)
            lead = group_lead(db, analysis.group_view(db, "school", filters), filters, lang="en")
            assert _lead_facts(lead) == _lead_facts((tier_counts(db, filters), patterns(db, filters, lang="en")))


def test_group_lead_with_a_what_if_norm_is_left_to_tier_counts(sample_db_path):
    # Near miss: under a norm that is not the stored one the derived layer's previous
    # wave does not apply, so the overview asks tier_counts and patterns instead.
    from dashboard.analysis.triage import group_lead

    with Database(sample_db_path) as db:
        school = analysis.filter_options(db)["schools"][0][0]
        formal_only = analysis.formal_only(analysis.load_norms(db))
        found = analysis.group_view(db, "school", Filters(school=school), formal_only)
        assert group_lead(db, found, Filters(school=school), formal_only) is None


def test_overview_of_a_school_asks_the_tiers_once(run_app, sample_db_path, sample, monkeypatch):
    # The tiles come from the school's group view: tier_counts and patterns are not asked again.
    def not_again(*args, **kwargs):
        raise AssertionError("asked again")

    monkeypatch.setattr("dashboard.analysis.triage.tier_counts", not_again)
    monkeypatch.setattr("dashboard.analysis.triage.patterns", not_again)
    app = ok(run_app(sample_db_path, school=sample["school"]))
    counts = sample["triage"]["tier"].value_counts()
    assert [metrics(app)[label] for label in ("Nu handelen", "Bespreken", "Volgen")] == [
        str(counts.get(t, 0)) for t in TIERS]
