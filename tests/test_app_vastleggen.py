"""The capture page (AppTest): the six steps for one trainee, the save, scope and the status section."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from dashboard import analysis
from dashboard.privacy.access import CLI_VIEWER, Viewer
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403

PAGE = "views/vastleggen.py"


@pytest.fixture(scope="module")
def people(sample_db_path) -> pd.DataFrame:
    with Database(sample_db_path) as db:
        return analysis.trainees(db.scoped(CLI_VIEWER))


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


def test_a_rerun_while_editing_reads_the_trainee_once_per_data_version(run_app, sample_db_copy, people):
    """One changed field reruns the page on what it read before (cached per data version and
    viewer): no capture question runs again. The near miss: after someone else saves, the next
    rerun reads afresh (a person that save added is offered)."""
    from dashboard.exchange import capture
    from dashboard.store.db import load_sql
    from dashboard.tools.bench import recording_sql

    trainee = people.iloc[3]
    trainee_id = str(trainee["trainee_id"])
    app = _clean(run_app(sample_db_copy, PAGE, trainee=trainee_id, wave="eind"))
    questions = [load_sql(name).strip() for name in ("exchange/capture/trainee", "exchange/capture/waves",
                                                     "exchange/capture/candidate_people",
                                                     "exchange/capture/previous_actions")]

    def asked(log) -> list[str]:
        # a statement runs as text or as a parsed DuckDB Statement (analysis._parsed): its .query
        texts = [s.sql if isinstance(s.sql, str) else s.sql.query for s in log]
        return [q for q in questions if any(q in text for text in texts)]

    [support] = [r for r in app.radio if r.key == "cap_support"]
    with recording_sql() as log:
        support.set_value("nee").run()
    _clean(app)
    assert asked(log) == []
    [pick] = [s for s in app.selectbox if s.key == "cap_pick"]
    assert not any(option.startswith("Nieuwe Collega") for option in pick.options)
    with Database(sample_db_copy) as db:  # someone else saves the trainee's first wave, with a new person
        waves = capture.captured_waves(db, trainee_id)
        form = capture.load_form(db, trainee_id, waves[0])
        form.people["nieuw1"] = capture.PersonRow(None, "Nieuwe Collega", "collega", strength="zwak")
        capture.save_wave(db, form)
    [support] = [r for r in app.radio if r.key == "cap_support"]
    with recording_sql() as log:
        support.set_value("ja").run()
    _clean(app)
    assert asked(log) == questions
    [pick] = [s for s in app.selectbox if s.key == "cap_pick"]
    assert any(option.startswith("Nieuwe Collega") for option in pick.options)


@pytest.fixture(scope="module")
def step_six_case(sample_db_path) -> dict:
    """A trainee with an open function and a candidate for it outside their network (sample data)."""
    from dashboard.analysis import suggestions

    with Database(sample_db_path) as db:
        for trainee_id in analysis.trainees(db.scoped(CLI_VIEWER))["trainee_id"]:
            found = suggestions.candidates(db, str(trainee_id))
            outside = found[~found["in_network"]]
            if not outside.empty:
                return {"trainee": str(trainee_id), "candidate": outside.iloc[0]}
    raise AssertionError("the sample has no trainee with a step-6 candidate")


def _unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def _step_six_lines(app, function: str) -> list[tuple[str, str]]:
    """(head, reason) of each candidate line in step 6's list for ``function``."""
    out = []
    for block in app.get("flex_container"):
        if block.proto.id.endswith(f"-cap_step6_{function}"):  # the container's key ends its id
            for element in block.markdown:
                head, reason = _unescaped(element.value).split("  \n", 1)
                out.append((head.replace("**", ""), reason))
    return out


def test_step_six_shows_candidates_with_their_reason_and_agrees_an_action(run_app, sample_db_copy, step_six_case):
    candidate = step_six_case["candidate"]
    function, wave = str(candidate["function"]), str(candidate["wave"])
    app = _clean(run_app(sample_db_copy, PAGE, trainee=step_six_case["trainee"], wave=wave))
    # A stacked list (no table: its reason column scrolled sideways on a phone): per candidate
    # "rank. name · role" and below it the reason, as escaped (plain) text.
    lines = _step_six_lines(app, function)
    assert lines, "step 6 shows no candidates"
    [line] = [line for line in lines if line[0].split(". ", 1)[1].startswith(f"{candidate['name']} · ")]
    assert line[1].startswith(candidate["reason"])
    assert all(reason.startswith("sterk als ") for _, reason in lines)
    assert not any("waarom" in d.value.columns for d in app.dataframe)
    # The stored wave, unchanged: no note that the candidates lag behind the form.
    assert not any("laatst opgeslagen stand" in c.value for c in app.caption)

    [pick] = [s for s in app.selectbox if s.key == f"cap_step6_pick_{function}"]
    pick.set_value(candidate["person_id"]).run()
    [agree] = [b for b in app.button if b.key == f"cap_step6_agree_{function}"]
    agree.click().run()
    _clean(app)
    assert any("laatst opgeslagen stand" in c.value for c in app.caption)  # the form differs from the stored wave
    [person] = [s for s in app.selectbox if s.key.startswith("cap_act_p_") and s.value == candidate["person_id"]]
    [save] = [b for b in app.button if b.key == "cap_save"]
    save.click().run()
    _clean(app)
    assert any("Opgeslagen" in s.value for s in app.success)
    with Database(sample_db_copy) as db:  # a candidate without a relationship may be an action's person
        assert db.scalar("SELECT count(*) FROM actions WHERE trainee_id = ? AND wave = ? AND function = ? "
                         "AND person_id = ?", [step_six_case["trainee"], wave, function,
                                               str(candidate["person_id"])]) == 1
