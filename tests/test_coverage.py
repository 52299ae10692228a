"""Coverage per trainee x function and per group; norms from the DB and in memory."""

from __future__ import annotations

import pytest

from dashboard.core import domain
from dashboard.analysis import Filters, Norm, coverage, coverage_by, load_norms, signals
from dashboard.store.db import Database
from tests.analysis_fixtures import ALL_FUNCTIONS, Dataset, base, healthy_trainee


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def levels(found, trainee_id="T1", column="level") -> dict[str, str]:
    rows = found[found["trainee_id"] == trainee_id]
    return dict(zip(rows["function"], rows[column]))


def test_one_row_per_trainee_and_function_in_taxonomy_order(db):
    data = base().trainee("T1").trainee("T2")
    data.person("W", "werkplekbegeleider").rel("T1", "W").rel("T2", "W")
    data.write(db)
    found = coverage(db)
    assert list(found.columns) == ["trainee_id", "wave", "function", "level", "level_formal", "level_informal"]
    assert found["function"].tolist() == list(ALL_FUNCTIONS) * 2
    assert set(found["level"]) == {"geen"}


def test_level_is_best_positive_contributing_relationship(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").rel("T1", "W", strength="zwak", functions=["gastheer", "leermeester"])
    data.person("S", "schoolopleider").rel("T1", "S", strength="sterk", functions=["leermeester"])
    data.person("N", "instituutsopleider").rel("T1", "N", strength="sterk", contribution="negatief",
                                               functions=["vakexpert"])
    data.person("G", "studieloopbaanbegeleider").rel("T1", "G", strength="geen", functions=["reflectie"])
    data.person("C", "collega").rel("T1", "C", formal=False, strength="sterk", functions=["emotionele_steun"])
    data.write(db)
    found = coverage(db)
    assert levels(found) == {
        "gastheer": "zwak",
        "leermeester": "sterk",
        "vakexpert": "geen",  # negative contribution does not cover
        "rolmodel": "geen",
        "emotionele_steun": "sterk",
        "reflectie": "geen",  # geen is not a contributing relationship
    }
    assert levels(found, column="level_formal")["emotionele_steun"] == "geen"
    assert levels(found, column="level_informal")["emotionele_steun"] == "sterk"
    assert levels(found, column="level_informal")["leermeester"] == "geen"


def test_formal_only_norm_leaves_informal_out_of_overall_level_but_reports_the_split(db):
    data = base().trainee("T1")
    data.person("C", "collega").rel("T1", "C", formal=False, strength="sterk", functions=["reflectie"])
    data.person("W", "werkplekbegeleider").rel("T1", "W", strength="zwak", functions=["reflectie"])
    data.write(db)
    formal_only = Norm(roles=domain.DEFAULT_NORM_ROLES, consultations=(), informal_counts=False)
    assert levels(coverage(db))["reflectie"] == "sterk"
    found = coverage(db, norm=formal_only)
    assert levels(found)["reflectie"] == "zwak"
    assert levels(found, column="level_informal")["reflectie"] == "sterk"


def test_coverage_evaluates_latest_wave_or_chosen_wave(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").rel("T1", "W", "begin", functions=["gastheer"])
    data.rel("T1", "W", "midden", strength="zwak", functions=["gastheer"])
    data.write(db)
    assert set(coverage(db)["wave"]) == {"midden"}
    assert levels(coverage(db))["gastheer"] == "zwak"
    assert levels(coverage(db, Filters(wave="begin")))["gastheer"] == "sterk"
    assert coverage(db, Filters(wave="eind")).empty


def test_trainee_without_relationships_is_not_in_scope(db):
    data = base().trainee("T1").trainee("T2")
    data.person("W", "werkplekbegeleider").rel("T1", "W")
    data.write(db)
    assert set(coverage(db)["trainee_id"]) == {"T1"}


def test_default_taxonomy_when_functions_table_is_empty(db):
    data = base().trainee("T1")
    data.with_functions = False
    data.person("W", "werkplekbegeleider").rel("T1", "W")
    data.write(db)
    assert coverage(db)["function"].tolist() == list(ALL_FUNCTIONS)


def test_custom_taxonomy_order_and_codes(db):
    data = base().trainee("T1")
    data.rows["functions"] = [("b_func", "B", "B", "career", None, 0), ("a_func", "A", "A", "career", None, 1)]
    data.person("W", "werkplekbegeleider").rel("T1", "W", functions=["a_func"])
    data.write(db)
    found = coverage(db)
    assert found["function"].tolist() == ["b_func", "a_func"]
    assert found["level"].tolist() == ["geen", "sterk"]


# --- per group ----------------------------------------------------------------------


def test_coverage_by_school_counts_levels_and_share(db):
    data = base().school("S2", "Het Lyceum")
    data.rows["schools"][0] = ("S1", "Basisschool De Klim")
    data.trainee("T1").trainee("T2").trainee("T3", school="S2")
    data.person("W", "werkplekbegeleider").rel("T1", "W", functions=["gastheer"])
    data.rel("T2", "W", strength="zwak", functions=["gastheer"])
    data.rel("T3", "W", functions=["gastheer"])
    data.write(db)
    found = coverage_by(db, "school")
    assert list(found.columns) == [
        "school_id", "group_name", "function", "n_trainees", "n_sterk", "n_zwak", "n_geen", "share_sterk",
    ]
    gastheer = found[found["function"] == "gastheer"].set_index("school_id")
    assert gastheer.loc["S1", ["n_trainees", "n_sterk", "n_zwak", "n_geen"]].tolist() == [2, 1, 1, 0]
    assert gastheer.loc["S1", "share_sterk"] == pytest.approx(0.5)
    assert gastheer.loc["S1", "group_name"] == "Basisschool De Klim"
    assert gastheer.loc["S2", "share_sterk"] == pytest.approx(1.0)
    assert len(found) == 2 * len(ALL_FUNCTIONS)


@pytest.mark.parametrize(
    ("by", "column", "expected"),
    [("institute", "institute_id", {"I1", "I2"}), ("cohort", "cohort", {"2025-2026", "2026-2027"}),
     ("programme", "programme", {"pabo", None})],
)
def test_coverage_by_other_groups(db, by, column, expected):
    data = base().institute("I2").trainee("T1", programme="pabo").trainee("T2", institute="I2", cohort="2026-2027")
    data.person("W", "werkplekbegeleider").rel("T1", "W").rel("T2", "W")
    data.write(db)
    found = coverage_by(db, by)
    assert {None if not isinstance(v, str) else v for v in found[column]} == expected
    assert found.groupby(column, dropna=False)["n_trainees"].first().tolist() == [1, 1]


def test_coverage_by_rejects_unknown_group(db):
    with pytest.raises(ValueError):
        coverage_by(db, "name; DROP TABLE trainees")


# --- norms ------------------------------------------------------------------------------


def test_load_norms_defaults_when_tables_empty(db):
    norms = load_norms(db)
    assert set(norms) == {"*"}
    assert norms["*"].roles == domain.DEFAULT_NORM_ROLES
    assert norms["*"].consultations == domain.DEFAULT_NORM_CONSULTATIONS
    assert norms["*"].informal_counts is True


def test_load_norms_programme_rows_and_per_table_fallback(db):
    data = base()
    data.norm_role("*", "werkplekbegeleider", "zwak")
    data.norm_role("pabo", "werkplekbegeleider", "sterk").norm_role("pabo", "schoolopleider", "zwak")
    data.norm_consultation("tweedegraads", "werkplekbegeleider", "instituutsopleider")
    data.write(db)
    norms = load_norms(db)
    assert set(norms) == {"*", "pabo", "tweedegraads"}
    assert norms["*"].roles == (("werkplekbegeleider", "zwak"),)
    assert norms["*"].consultations == domain.DEFAULT_NORM_CONSULTATIONS  # table has no '*' rows
    assert set(norms["pabo"].roles) == {("werkplekbegeleider", "sterk"), ("schoolopleider", "zwak")}
    assert norms["pabo"].consultations == domain.DEFAULT_NORM_CONSULTATIONS
    assert norms["tweedegraads"].roles == (("werkplekbegeleider", "zwak"),)  # falls back to '*'
    assert norms["tweedegraads"].consultations == (("instituutsopleider", "werkplekbegeleider"),)


def test_programme_norm_applies_to_its_trainees_and_star_to_the_rest(db):
    data = base()
    data.norm_role("*", "werkplekbegeleider", "sterk")
    data.norm_role("pabo", "werkplekbegeleider", "zwak")
    for trainee_id, programme in (("T1", "pabo"), ("T2", "tweedegraads"), ("T3", None)):
        data.trainee(trainee_id, programme=programme)
        data.person(f"W{trainee_id}", "werkplekbegeleider").rel(trainee_id, f"W{trainee_id}", strength="zwak")
    data.write(db)
    found = signals(db)
    weak = found[found["code"] == "weak_formal"]
    assert sorted(weak["trainee_id"]) == ["T2", "T3"]
    # DB norms have no required consultation among roles that exist here; no missing_formal beyond the norm roles
    assert set(found["code"]) == {"weak_formal"}


def test_in_memory_norm_equals_the_same_norm_in_the_database(db):
    data = base()
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider"], programme="pabo")
    healthy_trainee(data, "T2", programme="tweedegraads")
    data.person("W", "werkplekbegeleider").rel("T2", "W", strength="zwak")
    data.rows["consultations"] = data.rows["consultations"][1:]
    data.write(db)
    norm = Norm(roles=(("werkplekbegeleider", "sterk"), ("schoolopleider", "zwak")),
                consultations=(("instituutsopleider", "schoolopleider"),))
    in_memory = signals(db, norm=norm)
    other = Database.in_memory()
    try:
        data.norm_role("*", "werkplekbegeleider", "sterk").norm_role("*", "schoolopleider", "zwak")
        data.norm_consultation("*", "schoolopleider", "instituutsopleider")
        data.write(other)
        from_db = signals(other)
        assert in_memory.equals(from_db)
        assert not in_memory.equals(signals(db))  # the default norm says otherwise
    finally:
        other.close()


def test_in_memory_norm_overrides_programme_norms_for_every_trainee(db):
    data = base()
    data.norm_role("pabo", "schoolopleider", "sterk")
    data.trainee("T1", programme="pabo")
    data.person("W", "werkplekbegeleider").rel("T1", "W")
    data.write(db)
    assert set(signals(db)["code"]) == {"missing_formal"}
    assert signals(db, norm=Norm(roles=(("werkplekbegeleider", "sterk"),), consultations=())).empty


def test_empty_norm_raises_no_norm_signals(db):
    data = base()
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider", "werkplekbegeleider"])
    data.write(db)
    assert signals(db, norm=Norm(roles=(), consultations=())).empty


def test_empty_database(db):
    Dataset().write(db)
    assert coverage(db).empty
    assert coverage_by(db, "cohort").empty


def test_in_memory_norm_pairs_may_be_given_in_either_order(db):
    data = base()
    people = healthy_trainee(data, "T1")
    data.rows["consultations"] = [r for r in data.rows["consultations"] if people["instituutsopleider"] not in r[1:3]]
    data.write(db)
    forward = Norm(roles=(), consultations=(("instituutsopleider", "schoolopleider"),))
    backward = Norm(roles=(), consultations=(("schoolopleider", "instituutsopleider"),))
    assert signals(db, norm=forward)["code"].tolist() == ["no_consultation"]
    assert signals(db, norm=forward).equals(signals(db, norm=backward))
