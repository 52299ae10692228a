"""Step 6 (who could fill the gap): every candidate rule on a hand-built case
with its near miss, the ranking and its ties, the reason sentence, and the
open functions (shared/domain.md, "Step 6: who could fill the gap")."""

from __future__ import annotations

import pytest

from dashboard.analysis import suggestions
from dashboard.store.db import Database
from tests.analysis_fixtures import Dataset, base


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def place(db: Database, person_id: str, school: str | None = None, institute: str | None = None) -> None:
    # Test code may hold SQL for fixtures; Dataset.person leaves school and institute empty.
    db.query_sql("UPDATE people SET school_id = ?, institute_id = ? WHERE person_id = ?", [school, institute, person_id])


def trainee_with_need(data: Dataset, trainee_id: str = "T1", need: str = "rolmodel", school: str = "S1") -> None:
    """A trainee with all four formal mentors (no missing_formal), klik ja, and
    a need for ``need`` that nobody covers strongly."""
    data.trainee(trainee_id, school=school)
    for role, functions in (("werkplekbegeleider", ["gastheer", "leermeester"]), ("schoolopleider", []),
                            ("instituutsopleider", []), ("studieloopbaanbegeleider", [])):
        pid = f"{trainee_id}-{role[:3]}"
        data.person(pid, role)
        data.rel(trainee_id, pid, strength="sterk" if role == "werkplekbegeleider" else "zwak", functions=functions)
    data.need(trainee_id, need)


def other(data: Dataset, trainee_id: str, school: str = "S1") -> Dataset:
    return data.trainee(trainee_id, school=school)


def world() -> tuple[Dataset, dict[str, tuple[str | None, str | None]]]:
    """T1 needs rolmodel. Around them, people who do or do not qualify."""
    data = base().school("S2")
    trainee_with_need(data)
    for tid, school in (("T2", "S1"), ("T3", "S1"), ("T4", "S2"), ("T5", "S1"), ("T6", "S1")):
        other(data, tid, school)
    placed: dict[str, tuple[str | None, str | None]] = {}

    def person(pid, role, name, school=None, institute=None):
        data.person(pid, role, name)
        placed[pid] = (school, institute)

    person("C1", "collega", "Anna Aalders", school="S1")            # qualifies: strong rolmodel for T2, T3
    data.rel("T2", "C1", formal=False, functions=["rolmodel"]).rel("T3", "C1", formal=False, functions=["rolmodel"])
    person("C2", "collega", "Bart Bos", school="S2")                # other school
    data.rel("T4", "C2", formal=False, functions=["rolmodel"])
    person("C3", "collega", "Cor Claes", school="S1")               # klik nee elsewhere
    data.rel("T2", "C3", formal=False, functions=["rolmodel"]).rel("T3", "C3", formal=False, klik="nee")
    person("C4", "collega", "Dirk Dam", school="S1")                # negative elsewhere
    data.rel("T2", "C4", formal=False, functions=["rolmodel"]).rel("T3", "C4", formal=False, contribution="negatief")
    person("W1", "werkplekbegeleider", "Eva Eerden", school="S1")   # load 3 = cap
    for tid in ("T2", "T3", "T5"):
        data.rel(tid, "W1", functions=["rolmodel"])
    person("W2", "werkplekbegeleider", "Fien Faber", school="S1")   # load 2 < cap
    data.rel("T2", "W2", functions=["rolmodel"]).rel("T6", "W2", functions=["rolmodel"])
    person("C5", "collega", "Gijs Groen", school="S2")              # other school, but in T1's network
    data.rel("T1", "C5", formal=False, strength="zwak").rel("T4", "C5", formal=False, functions=["rolmodel"])
    person("M1", "medestudent", "Hana Hoek", institute="I1")        # institute side, trainee's institute
    data.rel("T5", "M1", formal=False, functions=["rolmodel"])
    person("Z1", "collega", "Ivo Ides", school="S1")                # only weak for rolmodel
    data.rel("T2", "Z1", formal=False, strength="zwak", functions=["rolmodel"])
    person("L1", "collega", "Jan Jansen", school="S1")              # strong, but for another function
    data.rel("T2", "L1", formal=False, functions=["vakexpert"])
    return data, placed


def write(db, data, placed):
    data.write(db)
    for pid, (school, institute) in placed.items():
        place(db, pid, school, institute)


def test_open_function_is_the_uncovered_need(db):
    data, placed = world()
    write(db, data, placed)
    found = suggestions.open_functions(db, "T1")
    assert found[["function", "level"]].values.tolist() == [["rolmodel", "geen"]]
    assert found["reasons"].tolist() == [["uncovered_need"]]


def test_candidates_follow_every_rule_and_its_near_miss(db):
    data, placed = world()
    write(db, data, placed)
    found = suggestions.candidates(db, "T1")
    assert set(found["function"]) == {"rolmodel"}
    people = found["person_id"].tolist()
    # C1, W2 (2 other trainees each), then C5, M1 (1 each); within a tie: lowest load, then name.
    assert people == ["C1", "W2", "M1", "C5"]
    assert found["rank"].tolist() == [1, 2, 3, 4]
    for near_miss in ("C2", "C3", "C4", "W1", "Z1", "L1"):
        assert near_miss not in people
    row = found.set_index("person_id").loc["C5"]
    assert bool(row["in_network"]) and int(row["load"]) == 2 and int(row["n_strong"]) == 1


def test_in_the_network_is_what_lets_another_schools_colleague_in(db):
    data, placed = world()
    data.rows["relationships"] = [r for r in data.rows["relationships"] if (r[0], r[1]) != ("T1", "C5")]
    write(db, data, placed)
    assert "C5" not in suggestions.candidates(db, "T1")["person_id"].tolist()


def test_load_cap_is_configurable(db):
    data, placed = world()
    write(db, data, placed)
    raised = suggestions.candidates(db, "T1", caps={"werkplekbegeleider": 4})
    assert "W1" in raised["person_id"].tolist()
    lowered = suggestions.candidates(db, "T1", caps={"werkplekbegeleider": 2, "*": 1})
    # W2 guides 2 (= cap 2), collega's C1 guides 2 (> cap 1): only nobody-at-cap remain
    assert lowered.empty


def test_ranking_tie_on_count_and_load_goes_by_name(db):
    data = base()
    trainee_with_need(data)
    other(data, "T2")
    other(data, "T3")
    data.person("B", "collega", "Zora Zwart").person("A", "collega", "Anke Alst")
    data.rel("T2", "B", formal=False, functions=["rolmodel"]).rel("T3", "A", formal=False, functions=["rolmodel"])
    data.write(db)
    place(db, "A", "S1")
    place(db, "B", "S1")
    found = suggestions.candidates(db, "T1")
    assert found["person_id"].tolist() == ["A", "B"]


def test_reason_sentence_in_both_languages_with_plurals(db):
    data, placed = world()
    write(db, data, placed)
    nl = suggestions.candidates(db, "T1").set_index("person_id")["reason"]
    assert nl["C1"] == "sterk als rolmodel voor 2 andere studenten; begeleidt er nu 2"
    assert nl["M1"] == "sterk als rolmodel voor 1 andere student; begeleidt er nu 1"
    en = suggestions.candidates(db, "T1", lang="en").set_index("person_id")["reason"]
    assert en["C1"] == "strong as role model for 2 other trainees; currently guides 2"


def test_reason_names_no_other_trainee(db):
    data, placed = world()
    write(db, data, placed)
    found = suggestions.candidates(db, "T1")
    text = " ".join(found["reason"]) + " ".join(found.astype(str).values.ravel())
    for tid in ("T2", "T3", "T4", "T5", "T6", "Student T2"):
        assert tid not in text


def test_no_klik_opens_the_functions_of_that_mentor_without_other_strong_cover(db):
    data = base()
    trainee_with_need(data, need="gastheer")  # gastheer strongly covered by the wpb
    data.rows["needs"].clear()
    data.rows["relationships"] = [r[:5] + ("nee",) + r[6:] if r[1] == "T1-wer" else r for r in data.rows["relationships"]]
    data.person("K", "collega")
    data.rel("T1", "K", formal=False, functions=["gastheer"])  # gastheer still strong through K: not open
    data.write(db)
    found = suggestions.open_functions(db, "T1")
    assert found["function"].tolist() == ["leermeester"]
    assert found["reasons"].tolist() == [["no_klik"]]


def test_negative_contribution_opens_its_functions(db):
    data = base()
    trainee_with_need(data)
    data.rows["needs"].clear()
    data.person("N", "collega")
    data.rel("T1", "N", formal=False, contribution="negatief", functions=["reflectie"])
    data.write(db)
    found = suggestions.open_functions(db, "T1")
    assert found[["function", "reasons"]].values.tolist() == [["reflectie", ["negative_contribution"]]]


def test_missing_mentor_opens_functions_without_strong_cover(db):
    data = base()
    trainee_with_need(data)
    data.rows["needs"].clear()
    data.rows["relationships"] = [r for r in data.rows["relationships"] if r[1] != "T1-stu"]
    data.write(db)
    found = suggestions.open_functions(db, "T1")
    assert set(found["function"]) == {"vakexpert", "rolmodel", "emotionele_steun", "reflectie"}
    assert all(r == ["missing_formal"] for r in found["reasons"])


def test_healthy_trainee_has_no_open_function(db):
    data = base()
    trainee_with_need(data, need="leermeester")  # covered strongly by the wpb
    data.write(db)
    assert suggestions.open_functions(db, "T1").empty
    assert suggestions.candidates(db, "T1").empty


def test_scope_outside_finds_nothing(db):
    from dashboard.privacy.access import Viewer

    data, placed = world()
    write(db, data, placed)
    outsider = db.scoped(Viewer(actor="test", role="schoolopleider", schools=("S2",)))
    assert suggestions.open_functions(outsider, "T1").empty
    assert suggestions.candidates(outsider, "T1").empty
