"""The programme page (/programma, issue 14) and the comparison for a
coordinator (own group beside the partnership), with AppTest."""

from __future__ import annotations

import json
import re

import pytest

from dashboard import analysis
from dashboard.analysis import Filters, load_norms, what_if
from dashboard.exchange import norm_proposal
from dashboard.privacy import audit
from dashboard.privacy.access import Viewer
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403

PROGRAMME = "views/programma.py"
COMPARE = "views/vergelijken.py"
IO_PRESENT = "*:wpb.s,so.z,io.g,slb.z:io.so,so.wpb:1"
IO_PRESENT_ALL = IO_PRESENT + "!pabo:wpb.s,so.s,io.g,slb.z:io.so,so.wpb:1"  # also pabo, which has its own norm


def ok(app):
    assert not app.exception, [e.value for e in app.exception]
    return app


def frame_with(app, column):
    """The first table or dataframe with ``column``; st.table cells as shown (literal_table escapes markdown)."""
    frame = next(df.value for df in [*app.dataframe, *app.table] if column in df.value.columns)
    return frame.map(lambda v: re.sub(r"\\(.)", r"\1", v) if isinstance(v, str) else v)


def test_programme_page_shows_the_norm_in_words(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, PROGRAMME))
    assert app.title[0].value == "Programma-ontwerp"
    norms = frame_with(app, "Norm")
    assert any("werkplekbegeleider: sterk" in text and "informele relaties tellen mee" in text for text in norms["Norm"])
    assert any("Nog geen voorstel" in c.value for c in app.caption)
    assert app.get("download_button")


def test_proposal_in_the_url_side_by_side_as_the_analysis_says(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, PROGRAMME, voorstel=IO_PRESENT))
    tiers = frame_with(app, "Niveau").set_index("Niveau")
    with Database(sample_db_path) as db:
        current = load_norms(db)
        expected = what_if.compare_norms(db, Filters(), current, norm_proposal.checked(db, IO_PRESENT))
    wanted = expected["tiers"].set_index("tier")
    assert tiers.loc["Bespreken", "Huidig"] == str(wanted.loc["bespreken", "current"])
    assert tiers.loc["Bespreken", "Voorstel"] == str(wanted.loc["bespreken", "proposal"])
    signals = frame_with(app, "Signaal").set_index("Signaal")
    weak = expected["signals"].set_index("code").loc["weak_formal"]
    assert signals.loc["zwakke formele relatie", "Voorstel"] == str(weak["proposal"])
    assert signals.loc["zwakke formele relatie", "Anders"] == "●"


def test_editor_puts_the_proposal_in_the_url_and_stores_nothing(run_app, sample_db_copy):
    app = ok(run_app(sample_db_copy, PROGRAMME))
    with Database(sample_db_copy) as db:
        before = load_norms(db)
    app.selectbox(key="programme_target").set_value("*").run()
    app.selectbox(key="programme_role_*_instituutsopleider").set_value("geen")
    app.button(key="FormSubmitter:programme_editor_*-Bekijk het voorstel").click().run()
    ok(app)
    assert app.query_params["voorstel"] in ("*:wpb.s,so.z,io.g,slb.z:io.so,so.wpb:1", ["*:wpb.s,so.z,io.g,slb.z:io.so,so.wpb:1"])
    assert any("voorstel is actief" in i.value for i in app.info)
    with Database(sample_db_copy) as db:
        assert load_norms(db) == before
        assert audit.audit_log(db, action="norm_adopt").empty


def test_bad_proposal_is_refused_with_a_clear_message(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, PROGRAMME))
    app.selectbox(key="programme_target").set_value("pabo").run()
    app.selectbox(key="programme_add_a_pabo").set_value("collega")
    app.selectbox(key="programme_add_b_pabo").set_value("collega")
    app.button(key="FormSubmitter:programme_editor_pabo-Bekijk het voorstel").click().run()
    ok(app)
    assert any("geweigerd" in e.value for e in app.error)
    messages = frame_with(app, "Melding")["Melding"].tolist()
    assert any("norm_consultations.csv" in m and "zichzelf" in m for m in messages)
    assert "voorstel" not in app.query_params


def test_a_tampered_link_is_refused(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, PROGRAMME, voorstel="pabo:wpb.heel::1"))
    assert any("link is geweigerd" in e.value for e in app.error)
    assert any('"heel"' in m for m in frame_with(app, "Melding")["Melding"])


def test_beheerder_adopts_a_proposal(run_app, sample_db_copy):
    app = ok(run_app(sample_db_copy, PROGRAMME, voorstel=IO_PRESENT))
    app.selectbox(key="programme_adopt_which").set_value("*")
    app.button(key="programme_adopt").click().run()
    ok(app)
    assert any("is vastgesteld" in s.value for s in app.success)
    with Database(sample_db_copy) as db:
        assert dict(load_norms(db)["*"].roles)["instituutsopleider"] == "geen"
        log = audit.audit_log(db, action="norm_adopt")
    assert len(log) == 1
    assert ["instituutsopleider", "zwak"] in json.loads(log["detail"].iloc[0])["previous"]["roles"]


def test_management_sees_counts_and_no_adopt_no_names(run_app, sample_db_path, as_viewer):
    as_viewer(Viewer("mt@x.nl", "management"))
    app = ok(run_app(sample_db_path, PROGRAMME, voorstel=IO_PRESENT))
    assert frame_with(app, "Niveau") is not None
    assert not any(df.value.columns.tolist().count("Student") for df in app.dataframe)
    assert not [b for b in app.button if b.key == "programme_adopt"]


def test_coordinator_sees_own_trainees_change_tier(run_app, sample_db_path, as_viewer):
    with Database(sample_db_path) as db:
        current = load_norms(db)
        moved = what_if.compare_norms(db, Filters(), current, norm_proposal.checked(db, IO_PRESENT_ALL))["moved"]
        school = analysis.trainees(db, Filters()).set_index("trainee_id").loc[moved["trainee_id"].iloc[0], "school_id"]
    as_viewer(Viewer("so@x.nl", "schoolopleider", schools=(school,)))
    app = ok(run_app(sample_db_path, PROGRAMME, voorstel=IO_PRESENT_ALL))
    shown = frame_with(app, "Student")
    assert moved["name"].iloc[0] in shown["Student"].tolist()


def test_programme_page_in_english(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, PROGRAMME, lang="en", voorstel=IO_PRESENT))
    assert app.title[0].value == "Programme design"
    assert frame_with(app, "Tier") is not None


def test_coordinator_compares_own_group_with_the_partnership(run_app, sample_db_path, as_viewer):
    with Database(sample_db_path) as db:
        school = analysis.trainees(db, Filters())["school_id"].value_counts().index[0]
    as_viewer(Viewer("so@x.nl", "schoolopleider", schools=(school,)))
    app = ok(run_app(sample_db_path, COMPARE))
    assert not any("maar één groep" in i.value for i in app.info)
    sizes = frame_with(app, "Groep")
    assert sizes["Groep"].tolist() == ["Uw studenten", "Rest van het samenwerkingsverband"]
    assert int(sizes["Studenten"].iloc[0]) > 0 and int(sizes["Studenten"].iloc[1]) > int(sizes["Studenten"].iloc[0])


@pytest.mark.parametrize("lang, words", [("nl", "procentpunt vergeleken met informele relaties meegeteld"),
                                          ("en", "percentage points compared with informal relationships counted")])
def test_formal_only_delta_reads_right_and_keeps_each_programmes_norm(run_app, sample_db_path, lang, words):
    app = ok(run_app(sample_db_path, None, lang=lang))
    app.toggle(key="overview_formal_only").set_value(True).run()
    ok(app)
    delta = next(m.proto.delta for m in app.metric if m.proto.delta)
    assert delta.startswith("-") and delta.endswith(words) and "minder" not in delta and "less" not in delta
    with Database(sample_db_path) as db:
        norms = load_norms(db)
        formal = analysis.headline(db, Filters(), analysis.formal_only(norms))["share_all_strong"]
        counted = analysis.headline(db, Filters())["share_all_strong"]
    assert delta.split()[0] == f"{round((formal - counted) * 100):+d}"
