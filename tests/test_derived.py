"""The derived layer (issue 15): after every kind of write, the stored rows are
those a fresh computation gives, and the questions read them only while they
are current. The data version is a counter that only data writes bump."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import analysis
from dashboard.analysis import Filters, derived, suggestions, triage
from dashboard.core import domain
from dashboard.exchange import capture, norm_proposal
from dashboard.exchange.generator import generate
from dashboard.exchange.importer import import_dataset
from dashboard.privacy import audit, avg, users
from dashboard.store.db import Database, side_by_side
from import_fixtures import write_dataset


# The derived tables in one order, for comparing what is stored with a fresh computation.
STORED = ("SELECT * FROM derived_coverage ORDER BY trainee_id, wave, position",
          "SELECT * FROM derived_signals ORDER BY ALL")


def _read_stored(cursor) -> tuple[pd.DataFrame, pd.DataFrame]:
    coverage, signals = (cursor.execute(sql).df().reset_index(drop=True) for sql in STORED)
    return coverage, signals


def _stored(db: Database) -> tuple[pd.DataFrame, pd.DataFrame]:
    cursor = db.cursor()
    try:
        return _read_stored(cursor)
    finally:
        cursor.close()


def _fresh(db: Database) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The derived rows as a new computation gives them, in a transaction that is rolled back."""
    class Rollback(Exception):
        pass

    found: list = []
    try:
        with db.transaction(changes_data=False) as cursor:
            derived.refresh(cursor)
            found.extend(_read_stored(cursor))
            raise Rollback
    except Rollback:
        pass
    return found[0], found[1]


class _FromTheRules:
    """The handle with the derived layer reported stale: every question computes from the rules."""

    def __init__(self, db: Database):
        self._db = db

    def data_state(self) -> tuple[int, bool]:
        return self._db.data_state()[0], False

    def __getattr__(self, name: str):
        return getattr(self._db, name)


def assert_derived_equals_fresh(db: Database) -> None:
    assert db.data_state()[1], "derived layer stale after a write that refreshes it"
    stored_coverage, stored_signals = _stored(db)
    fresh_coverage, fresh_signals = _fresh(db)
    pd.testing.assert_frame_equal(stored_coverage, fresh_coverage)
    pd.testing.assert_frame_equal(stored_signals, fresh_signals)
    # and every question reads them as it would compute them
    rules = _FromTheRules(db)
    assert not analysis.uses_derived(rules)
    for wave in (None, *domain.WAVES):
        filters = Filters(wave=wave)
        pd.testing.assert_frame_equal(analysis.signals(db, filters).reset_index(drop=True),
                                      analysis.signals(rules, filters).reset_index(drop=True))
        pd.testing.assert_frame_equal(analysis.coverage(db, filters).reset_index(drop=True),
                                      analysis.coverage(rules, filters).reset_index(drop=True))
    pd.testing.assert_frame_equal(triage.triage(db), triage.triage(rules))
    # the Signalen page: the shown signals evaluated (or read), the previous wave's read from the layer
    stored_view, computed_view = triage.triage_view(db), triage.triage_view(rules)
    for part in ("triage", "patterns", "signals", "mentors", "trainees"):
        pd.testing.assert_frame_equal(stored_view[part], computed_view[part])
    pd.testing.assert_frame_equal(triage.patterns(db), triage.patterns(rules))
    assert triage.tier_counts(db) == triage.tier_counts(rules)


def assert_trainee_pages_equal_fresh(db: Database, trainee_ids) -> None:
    """One trainee's page (the constellation reads the trainee's copied derived rows, step 6's
    open functions among them) as the rules compute it, in every wave."""
    rules = _FromTheRules(db)
    for trainee_id in trainee_ids:
        for wave in (None, *domain.WAVES):
            stored, computed = analysis.trainee_detail(db, trainee_id, wave), analysis.trainee_detail(rules, trainee_id, wave)
            assert set(stored) == set(computed)
            for part in stored:
                pd.testing.assert_frame_equal(stored[part], computed[part])
        _, latest = analysis.trainee_view(db, trainee_id)
        _, latest_computed = analysis.trainee_view(rules, trainee_id)
        for part in latest:
            pd.testing.assert_frame_equal(latest[part], latest_computed[part])
        pd.testing.assert_frame_equal(suggestions.open_functions(db, trainee_id),
                                      suggestions.open_functions(rules, trainee_id))


@pytest.fixture(scope="module")
def dataset_folder(tmp_path_factory):
    return write_dataset(generate(24, seed=11), tmp_path_factory.mktemp("gen"))


def _imported(path, folder) -> Database:
    db = Database(path)
    assert import_dataset(db, folder).ok
    return db


@pytest.fixture
def db(tmp_path, dataset_folder):
    """A database with the generated set imported (the import makes the derived layer)."""
    imported = _imported(tmp_path / "a.duckdb", dataset_folder)
    yield imported
    imported.close()


# --- hand-built cases -------------------------------------------------------------------


def test_an_import_leaves_the_derived_layer_current_and_equal_to_a_fresh_computation(db):
    assert db.scalar("SELECT count(*) FROM derived_coverage") > 0
    assert analysis.uses_derived(db)
    assert_derived_equals_fresh(db)
    assert_trainee_pages_equal_fresh(db, analysis.trainees(db)["trainee_id"].head(6))


def test_only_data_writes_bump_the_version_and_the_audit_trail_or_users_do_not(db):
    version, fresh = db.data_state()
    audit.record(db, "a@x.nl", "beheerder", "view_constellation", "T1")
    users.add_user(db, "so@x.nl", "schoolopleider", schools=[db.scalar("SELECT min(school_id) FROM schools")])
    assert db.data_state() == (version, fresh)
    with db.transaction():
        pass  # a data write that does not refresh (near miss): the version moves, the layer goes stale
    assert db.data_state() == (version + 1, False)
    assert not analysis.uses_derived(db)
    assert derived.ensure(db) and db.data_state() == (version + 1, True)


def test_a_stale_layer_is_never_read(db):
    before = analysis.signals(db)
    with db.transaction() as cursor:  # poison the stored rows, then leave the layer stale
        cursor.execute("UPDATE derived_signals SET severity = 'low'")
    assert not analysis.uses_derived(db)
    pd.testing.assert_frame_equal(analysis.signals(db), before)
    with db.transaction(changes_data=False) as cursor:  # near miss: marked current, the poison is read
        cursor.execute("UPDATE data_state SET derived_version = version")
    assert set(analysis.signals(db).dropna(subset=["trainee_id"])["severity"]) == {"low"}


def test_a_read_only_handle_on_a_stale_layer_computes_without_writing(tmp_path, dataset_folder):
    path = tmp_path / "a.duckdb"
    db = _imported(path, dataset_folder)
    expected = analysis.signals(db)
    with db.transaction():
        pass
    db.close()
    reader = Database(path, read_only=True)
    try:
        assert not derived.ensure(reader)
        pd.testing.assert_frame_equal(analysis.signals(reader), expected)
    finally:
        reader.close()


def test_an_erasure_empties_the_layer_and_the_next_reader_computes_it(db):
    person = db.scalar("SELECT min(person_id) FROM relationships WHERE formal")
    name = db.scalar("SELECT name FROM people WHERE person_id = ?", [person])
    avg.erase_person(db, person)
    assert db.scalar("SELECT count(*) FROM derived_signals") == 0  # no name of the erased stays behind
    assert db.data_state()[1] is False
    assert derived.ensure(db)
    assert db.scalar("SELECT count(*) FROM derived_signals WHERE person_id = ? OR person_name = ?",
                     [person, name]) == 0
    assert_derived_equals_fresh(db)


def test_a_capture_save_refreshes_its_trainee_and_whoever_rates_the_people_it_stored(db):
    mentor, shared = db.query_sql(
        "SELECT person_id, min(trainee_id) FROM relationships WHERE formal GROUP BY person_id"
        " HAVING count(DISTINCT trainee_id) >= 2 ORDER BY person_id LIMIT 1").iloc[0]
    wave = db.scalar("SELECT max(wave) FROM relationships WHERE trainee_id = ? AND person_id = ?", [shared, mentor])
    form = capture.load_form(db, shared, wave)
    key = next(k for k, p in form.people.items() if p.person_id == mentor)
    no_klik = "SELECT count(*) FROM derived_signals WHERE trainee_id = ? AND wave = ? AND person_id = ? AND code = 'no_klik'"
    klik = "ja" if db.scalar(no_klik, [shared, wave, mentor]) else "nee"
    form.people[key] = dataclasses.replace(form.people[key], klik=klik)
    capture.save_wave(db, form)
    assert db.scalar(no_klik, [shared, wave, mentor]) == (1 if klik == "nee" else 0)
    assert_derived_equals_fresh(db)
    assert_trainee_pages_equal_fresh(db, [shared])


def test_a_save_computes_only_the_waves_in_which_its_trainee_has_relationships(db, monkeypatch):
    """A wave's rows come from trainees for whom it is the evaluated wave (a wave with a
    relationship), so a save of a trainee's latest wave before "eind" computes that wave only,
    not the empty waves after it; the near miss: a wave the save empties is cleared all the same."""
    trainee, wave = db.query_sql(
        "SELECT trainee_id, arg_max(wave, array_position(['begin', 'midden', 'eind'], wave)) AS latest"
        " FROM relationships GROUP BY trainee_id HAVING latest <> 'eind' ORDER BY trainee_id LIMIT 1").iloc[0]
    computed: list[str] = []
    run_on_rows = analysis._run_on_rows

    def counting(rows_db, rows, jobs):
        computed.extend(params["wave"] for _, params, _ in jobs)
        return run_on_rows(rows_db, rows, jobs)

    form = capture.load_form(db, trainee, wave)
    form.support = "deels"
    with monkeypatch.context() as patched:  # counting the save's computations only
        patched.setattr(analysis, "_run_on_rows", counting)
        capture.save_wave(db, form)
    assert computed == [wave]
    assert_derived_equals_fresh(db)
    form = capture.load_form(db, trainee, wave)
    form.people.clear()
    form.consultations.clear()
    form.actions.clear()
    computed.clear()
    with monkeypatch.context() as patched:
        patched.setattr(analysis, "_run_on_rows", counting)
        capture.save_wave(db, form)
    assert computed == []
    assert db.scalar("SELECT count(*) FROM derived_coverage WHERE trainee_id = ? AND wave = ?", [trainee, wave]) == 0
    assert_derived_equals_fresh(db)


def test_side_by_side_gives_results_in_order_also_nested():
    assert side_by_side(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]
    assert side_by_side(lambda: side_by_side(lambda: "a", lambda: "b"),
                        *[lambda i=i: side_by_side(lambda: i, lambda: i * 10) for i in range(6)]) == \
        [["a", "b"], *[[i, i * 10] for i in range(6)]]


# --- every kind of write, in any order ------------------------------------------------------

WRITES = ("capture", "norm", "erase", "purge", "import", "nothing")


def _write(db: Database, kind: str, pick: int, folder) -> None:
    if kind == "capture":
        trainees = db.query_sql("SELECT DISTINCT trainee_id, wave FROM relationships ORDER BY ALL")
        if trainees.empty:
            return
        trainee_id, wave = trainees.iloc[pick % len(trainees)]
        form = capture.load_form(db, trainee_id, wave)
        keys = sorted(form.people)
        if keys:
            person = form.people[keys[pick % len(keys)]]
            strengths = ("sterk", "zwak", "geen")
            form.people[keys[pick % len(keys)]] = dataclasses.replace(
                person, strength=strengths[pick % 3], klik=("ja", "twijfel", "nee")[pick % 3],
                name=person.name + " " + "abc"[pick % 3])
            if pick % 2 and len(keys) > 1:
                del form.people[keys[0]]
                form.consultations = [c for c in form.consultations if keys[0] not in c]
        form.needs = sorted(set(form.needs) | {analysis.functions(db)["code"].iloc[pick % 5]})
        try:
            capture.save_wave(db, form)
        except capture.CaptureRefused:
            pass  # a form the rules refuse writes nothing
    elif kind == "norm":
        current = analysis.load_norms(db)
        strength = ("sterk", "zwak")[pick % 2]
        proposal = dict(current)
        proposal[domain.DEFAULT_PROGRAMME] = dataclasses.replace(
            current[domain.DEFAULT_PROGRAMME],
            roles=tuple((role, strength) for role, _ in current[domain.DEFAULT_PROGRAMME].roles))
        norm_proposal.adopt(db, proposal, domain.DEFAULT_PROGRAMME, actor="a@x.nl", role="beheerder")
    elif kind == "erase":
        people = db.query_sql("SELECT person_id FROM people ORDER BY person_id")
        if len(people):
            avg.erase_person(db, people["person_id"].iloc[pick % len(people)])
    elif kind == "purge":
        avg.purge(db, dt.date(2026, 9, 1) if pick % 2 else dt.date(2000, 1, 1))
    elif kind == "import":
        assert import_dataset(db, folder).ok  # a merge of the generated set again


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(WRITES), st.integers(0, 1000)), min_size=1, max_size=4))
def test_after_any_sequence_of_writes_the_derived_rows_equal_a_fresh_computation(tmp_path_factory, dataset_folder,
                                                                                 writes):
    db = _imported(tmp_path_factory.mktemp("seq") / "a.duckdb", dataset_folder)
    try:
        for kind, pick in writes:
            _write(db, kind, pick, dataset_folder)
            derived.ensure(db)  # what the dashboard's first rerun after an erasure or purge does
            assert_derived_equals_fresh(db)
    finally:
        db.close()
