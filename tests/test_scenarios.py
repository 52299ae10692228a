"""The scenario "a mentor leaves" on hand-built cases (a drop to zwak, to geen,
a new missing_formal, a tier that appears), nothing written, management
counts suppressed, and the invariant: removing a person never raises a
coverage level, and the in-memory answer is what deleting would give."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.analysis import coverage, scenarios
from dashboard.privacy.access import Viewer
from dashboard.store.db import Database
from tests.analysis_fixtures import base, healthy_trainee, random_datasets


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def rows_of(found: dict, trainee_id: str) -> pd.DataFrame:
    changes = found["changes"]
    return changes[changes["trainee_id"] == trainee_id].reset_index(drop=True)


def test_drop_to_zwak_to_geen_and_zwak_to_geen(db):
    data = base()
    people = healthy_trainee(data, "T1")
    wpb = people["werkplekbegeleider"]
    # wpb serves gastheer, leermeester, vakexpert, rolmodel; give P (a second, informal) ties:
    data.person("P", "collega", "Piet Pieters")
    data.rel("T1", "P", formal=False, strength="sterk", functions=["gastheer"])
    data.person("Q", "collega", "Quinten")
    data.rel("T1", "Q", formal=False, strength="zwak", functions=["gastheer"])
    data.write(db)
    # The wpb leaves: gastheer stays sterk (P); leermeester, vakexpert, rolmodel keep the others' cover.
    found = scenarios.leave(db, wpb)
    changes = rows_of(found, "T1")
    assert changes["function"].dropna().tolist() == []  # every function still strong through someone
    assert "missing_formal" in changes["new_codes"].iloc[0]
    # P and the wpb both gone is not the question; P alone leaves: nothing drops (wpb covers gastheer).
    assert scenarios.leave(db, "P")["changes"].empty


def test_levels_before_and_after(db):
    data = base()
    data.trainee("T1")
    data.person("W", "werkplekbegeleider", "Wim")
    data.person("S", "schoolopleider", "Sara")
    data.rel("T1", "W", functions=["leermeester", "rolmodel", "reflectie"])
    data.rel("T1", "S", strength="zwak", functions=["leermeester", "gastheer"])
    data.write(db)
    changes = scenarios.leave(db, "W")["changes"].set_index("function")
    assert changes.loc["leermeester", ["level_before", "level_after"]].tolist() == ["sterk", "zwak"]
    assert changes.loc["rolmodel", ["level_before", "level_after"]].tolist() == ["sterk", "geen"]
    assert "gastheer" not in changes.index  # S stays
    zwak = scenarios.leave(db, "S")["changes"].set_index("function")
    assert zwak.loc["gastheer", ["level_before", "level_after"]].tolist() == ["zwak", "geen"]
    assert "leermeester" not in zwak.index  # still sterk through W


def test_new_missing_formal_without_a_lost_function_and_a_tier_that_appears(db):
    data = base()
    people = healthy_trainee(data, "T1")
    data.write(db)
    slb = people["studieloopbaanbegeleider"]
    found = scenarios.leave(db, slb)["changes"]
    # every function the SLB served is served strongly by another mentor too
    assert found["function"].isna().all() and len(found) == 1
    row = found.iloc[0]
    assert "missing_formal" in row["new_codes"]
    assert row["tier_before"] is None or pd.isna(row["tier_before"])
    assert row["tier_after"] in ("bespreken", "nu", "volgen")


def test_candidates_for_each_lost_function_never_the_leaver(db):
    data = base()
    data.trainee("T1").trainee("T2")
    data.person("W", "werkplekbegeleider", "Wim").person("C", "collega", "Carla")
    data.rel("T1", "W", functions=["rolmodel"]).rel("T2", "W", functions=["rolmodel"])
    data.rel("T2", "C", formal=False, functions=["rolmodel"])
    data.write(db)
    for pid in ("W", "C"):
        db.query_sql("UPDATE people SET school_id = 'S1' WHERE person_id = ?", [pid])
    found = scenarios.leave(db, "W")
    t1 = rows_of(found, "T1").set_index("function")
    assert t1.loc["rolmodel", "candidates"] == ["C"]
    t2 = rows_of(found, "T2").set_index("function")
    assert "rolmodel" not in t2.index  # C still serves T2 strongly
    assert "W" not in set(found["candidates"]["person_id"])
    assert found["candidates"]["reason"].iloc[0] == "sterk als rolmodel voor 1 andere student; begeleidt er nu 1"


def test_nothing_is_written(db):
    data = base()
    people = healthy_trainee(data, "T1")
    data.write(db)
    before = db.table_counts()
    scenarios.leave(db, people["werkplekbegeleider"])
    assert db.table_counts() == before


def test_scope_and_management_counts_are_suppressed(db):
    data = base().school("S2")
    for i in range(3):
        healthy_trainee(data, f"T{i}", school="S1")
    data.write(db)
    wpb = "T0-wpb"
    outsider = db.scoped(Viewer(actor="t", role="schoolopleider", schools=("S2",)))
    assert scenarios.leave(outsider, wpb)["changes"].empty
    grouped = scenarios.leave_by_group(db, wpb, "school")
    assert grouped[["school_id", "n_trainees"]].values.tolist() == [["S1", 1]]
    management = db.scoped(Viewer(actor="t", role="management"))
    hidden = scenarios.leave_by_group(management, wpb, "school")
    assert bool(hidden["suppressed"].iloc[0]) and pd.isna(hidden["n_trainees"].iloc[0])
    with pytest.raises(Exception):
        scenarios.leave(management, wpb)


TRAINEES = {"T1": "S1", "T2": "S1", "T3": "S2"}
PEOPLE = {"P1": "werkplekbegeleider", "P2": "schoolopleider", "P3": "instituutsopleider",
          "P4": "collega", "P5": "studieloopbaanbegeleider"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=random_datasets(TRAINEES, PEOPLE, waves=(1, 3)), leaving=st.sampled_from(sorted(PEOPLE)))
def test_leaving_never_raises_a_level_and_equals_deleting(data, leaving):
    with Database.in_memory() as db:
        data.write(db)
        before = coverage(db)
        found = scenarios.leave(db, leaving)["changes"]
        waves = dict(zip(before["trainee_id"], before["wave"]))
        # the same removal, written to a database of its own
        with Database.in_memory() as deleted:
            data.rows["relationships"] = [r for r in data.rows["relationships"] if not (r[1] == leaving and waves.get(r[0]) == r[2])]
            data.rows["relationship_functions"] = [r for r in data.rows["relationship_functions"] if not (r[1] == leaving and waves.get(r[0]) == r[2])]
            data.rows["consultations"] = [r for r in data.rows["consultations"] if not (leaving in r[1:3] and waves.get(r[0]) == r[3])]
            data.write(deleted)
            after = coverage(deleted)
    rank = scenarios.LEVEL_RANK
    after_level = {(t, f): lvl for t, f, lvl, w in after[["trainee_id", "function", "level", "wave"]].itertuples(index=False)
                   if w == waves.get(t)}
    drops = set()
    for t, f, lvl in before[["trainee_id", "function", "level"]].itertuples(index=False):
        new = after_level.get((t, f), "geen")
        assert rank[new] <= rank[lvl]
        if rank[new] < rank[lvl]:
            drops.add((t, f, lvl, new))
    lost = found[found["function"].notna()]
    assert set(zip(lost["trainee_id"], lost["function"], lost["level_before"], lost["level_after"])) == drops


def test_losing_the_only_werkplekbegeleider_puts_the_trainee_on_nu(db):
    data = base()
    people = healthy_trainee(data, "T1")
    data.write(db)
    found = scenarios.leave(db, people["werkplekbegeleider"])["changes"]
    assert set(found["tier_after"]) == {"nu"}  # triage: no werkplekbegeleider contributes
    assert found["tier_before"].isna().all()  # a healthy trainee is not on the list


def test_management_counts_with_trainees_on_and_off_the_list_before(db):
    # T1 is healthy (not on the list) and shares its werkplekbegeleider with T2, who
    # has nobody else (on the list): tier_before holds a tier and an empty one.
    data = base()
    wpb = healthy_trainee(data, "T1")["werkplekbegeleider"]
    data.trainee("T2")
    data.rel("T2", wpb, functions=["gastheer", "leermeester"])
    data.write(db)
    changes = scenarios.leave(db, wpb)["changes"]
    per_trainee = changes.drop_duplicates("trainee_id").set_index("trainee_id")
    assert pd.isna(per_trainee.at["T1", "tier_before"]) and per_trainee.at["T1", "tier_after"] == "nu"
    assert per_trainee.at["T2", "tier_before"] in ("nu", "bespreken")
    grouped = scenarios.leave_by_group(db, wpb, "school")
    assert grouped[["school_id", "n_trainees", "n_tier_up"]].values.tolist() == [["S1", 2, 1]]
