"""AppTest of the mentor page (`/begeleider?person=ID`) and of the step-6
section "Wie kan helpen?" on the constellation page (sample data)."""

from __future__ import annotations

import re

import pytest

from dashboard.analysis import signals, suggestions
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403

MENTOR = "views/begeleider.py"
CONSTELLATION = "views/constellatie.py"


def ok(app):
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


@pytest.fixture(scope="module")
def facts(sample_db_path):
    with Database(sample_db_path, read_only=True) as db:
        found = signals(db)
        mentor = found[found["trainee_id"].isna()]["person_id"].iloc[0]
        trainee = next(t for t in sorted(set(found["trainee_id"].dropna()))
                       if not suggestions.candidates(db, t).empty)
        first = suggestions.candidates(db, trainee).iloc[0]
    return {"mentor": mentor, "trainee": trainee, "candidate": first}


def test_mentor_page_shows_trainees_functions_signals_and_runs_the_scenario(run_app, sample_db_path, facts):
    app = ok(run_app(sample_db_path, MENTOR, person=facts["mentor"]))
    assert app.title[0].value == "Begeleider"
    headers = [s.value for s in app.subheader]
    assert {"Studenten die deze begeleider begeleidt", "Signalen over deze begeleider",
            "Als deze begeleider vertrekt"} <= set(headers)
    trainees = next(d.value for d in app.dataframe if "klik" in d.value.columns and "sterkte" in d.value.columns)
    assert len(trainees) >= 2 and set(trainees["klik"]) & {"nee"}
    assert any("Begeleidt nu" in m.value for m in app.markdown) or any("Begeleidt nu" in w.value for w in app.warning)
    assert any("Herhaald geen klik" in m.value or "geen klik" in m.value for m in app.markdown)
    assert not [d for d in app.dataframe if "wie kan helpen" in d.value.columns]  # not before it is asked
    app.button(key="mentor_scenario_run").click().run()
    ok(app)
    table = next(d.value for d in app.dataframe if "wie kan helpen" in d.value.columns)
    assert len(table) >= 1
    assert table["dekking voor → na"].str.contains("→").any()
    assert any("Er is niets veranderd" in c.value or "niets veranderd" in c.value for c in app.caption)


def test_mentor_page_without_person_unknown_and_hostile_id(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, MENTOR))
    assert "Open een begeleider" in app.info[0].value
    app = ok(run_app(sample_db_path, MENTOR, person="GEEN-BEGELEIDER"))
    assert "bestaat niet" in app.warning[0].value
    app = ok(run_app(sample_db_path, MENTOR, person="<img src=x onerror=alert(1)>"))
    assert "<img" not in app.warning[0].value.replace("\\<", "")


def test_constellation_has_step_six_with_candidates_and_reasons(run_app, sample_db_path, facts):
    app = ok(run_app(sample_db_path, CONSTELLATION, trainee=facts["trainee"]))
    assert "Wie kan helpen?" in [s.value for s in app.subheader]
    first = facts["candidate"]
    # each candidate a line of its own: "1. name · role · [begeleider](link)" above the reason
    lines = [re.sub(r"\\(.)", r"\1", element.value)
             for block in app.get("flex_container") if re.search(r"-step6_[a-z_]+$", block.proto.id)
             for element in block.markdown]
    assert lines and any(first["name"] in line for line in lines)
    for line in lines:
        head, reason = line.split("  \n", 1)
        assert reason.startswith("sterk als ")
        assert re.search(r"\[begeleider\]\(/begeleider\?person=[^)]+\)$", head), head
    # mentor names in the relationships table (folded: opened first) link to the mentor page
    app.session_state["constellation_table_open"] = True
    ok(app.run())
    relationships = next(d.value for d in app.dataframe if "Naam" in d.value.columns and "begeleider" in d.value.columns)
    assert relationships["begeleider"].str.startswith("/begeleider?person=").all()
