"""The scenario "a mentor leaves" while the derived layer is current: the
situation before is read as stored and the previous waves' signals too
(dashboard/analysis/scenarios.py), and the answer is the one the rules give
on the stored rows (the same norms passed in memory, which never read the
layer). A stale layer is never read."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import analysis
from dashboard.analysis import Filters, derived, scenarios
from dashboard.core import domain
from dashboard.exchange.generator import generate
from dashboard.exchange.importer import import_dataset
from dashboard.store.db import Database
from import_fixtures import write_dataset
from tests.analysis_fixtures import base


def _live(db: Database, person_id: str, filters: Filters = Filters()) -> dict[str, pd.DataFrame]:
    """The scenario computed from the stored rows: the stored norms as an in-memory mapping."""
    return scenarios.leave(db, person_id, filters, norm=analysis.load_norms(db))


def assert_same_answer(found: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    for key in ("changes", "candidates"):
        pd.testing.assert_frame_equal(found[key], expected[key])


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = write_dataset(generate(60, seed=5), tmp_path_factory.mktemp("gen"))
    db = Database(tmp_path_factory.mktemp("db") / "a.duckdb")
    assert import_dataset(db, folder).ok  # the import makes the derived layer
    yield db
    db.close()


def _mentors(db: Database, n: int = 3) -> list[str]:
    """The persons with the most trainees, and those with a no_klik or a negative tie (the heavy cases)."""
    busiest = db.query_sql(
        "SELECT person_id FROM relationships GROUP BY person_id ORDER BY count(DISTINCT trainee_id) DESC,"
        " person_id LIMIT ?", [n])["person_id"].tolist()
    troubled = db.query_sql(
        "SELECT DISTINCT person_id FROM relationships WHERE klik = 'nee' OR contribution = 'negatief'"
        " ORDER BY person_id LIMIT ?", [n])["person_id"].tolist()
    return list(dict.fromkeys(busiest + troubled))


def test_the_scenario_from_the_derived_layer_equals_the_rules_on_the_stored_rows(imported):
    assert analysis.uses_derived(imported)
    mentors = _mentors(imported)
    assert len(mentors) >= 4
    changed = 0
    for person_id in mentors:
        for wave in (None, "midden", "begin"):  # a previous wave or two, one, none
            found = scenarios.leave(imported, person_id, Filters(wave=wave))
            assert_same_answer(found, _live(imported, person_id, Filters(wave=wave)))
            changed += len(found["changes"])
    assert changed > 0  # the mentors chosen do change something
    school = imported.scalar("SELECT min(school_id) FROM trainees")
    assert_same_answer(scenarios.leave(imported, mentors[0], Filters(school=school)),
                       _live(imported, mentors[0], Filters(school=school)))


@pytest.fixture
def hand_built():
    db = Database.in_memory()
    yield db
    db.close()


def test_a_wave_that_held_only_the_leaver_reads_the_earlier_waves_as_stored(hand_built):
    data = base()
    data.trainee("T1")
    data.person("W", "werkplekbegeleider", "Wim")
    data.person("S", "schoolopleider", "Sara")
    data.rel("T1", "W", wave="begin", klik="nee", functions=["gastheer", "rolmodel"])
    data.rel("T1", "S", wave="begin", strength="zwak", functions=["reflectie"])
    data.rel("T1", "W", wave="midden", functions=["gastheer", "rolmodel"])
    data.trainee("T2")
    data.rel("T2", "W", wave="begin", strength="zwak", functions=["gastheer"])
    data.rel("T2", "S", wave="begin", functions=["gastheer", "reflectie"])
    data.rel("T2", "S", wave="midden", strength="zwak", functions=["reflectie"])
    data.rel("T2", "W", wave="midden", klik="nee", functions=["gastheer"])
    data.write(hand_built)
    assert derived.ensure(hand_built) and analysis.uses_derived(hand_built)
    for person_id in ("W", "S"):
        for wave in (None, *domain.WAVES):
            assert_same_answer(scenarios.leave(hand_built, person_id, Filters(wave=wave)),
                               _live(hand_built, person_id, Filters(wave=wave)))
    found = scenarios.leave(hand_built, "W")["changes"]
    assert set(found["trainee_id"]) == {"T1", "T2"}


def test_the_stored_rows_are_read_while_current_and_a_stale_layer_is_not(imported, tmp_path):
    path = tmp_path / "b.duckdb"
    cursor = imported.cursor()
    try:
        cursor.execute("CHECKPOINT")
    finally:
        cursor.close()
    path.write_bytes(imported.path.read_bytes())
    db = Database(path)
    try:
        person_id = _mentors(db)[0]
        expected = scenarios.leave(db, person_id)
        assert expected["changes"]["tier_before"].notna().any()
        with db.transaction() as cur:  # poison the stored signals, then leave the layer stale
            cur.execute("DELETE FROM derived_signals")
        assert not analysis.uses_derived(db)
        assert_same_answer(scenarios.leave(db, person_id), expected)
        with db.transaction(changes_data=False) as cur:  # near miss: marked current, the poison is read
            cur.execute("UPDATE data_state SET derived_version = version")
        poisoned = scenarios.leave(db, person_id)["changes"]
        assert poisoned["tier_before"].isna().all()  # no stored signal before: nobody was on the list
    finally:
        db.close()
