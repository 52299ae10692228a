"""Every signal rule on a hand-built case: where it fires, and a near miss where it must not."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.analysis import SIGNAL_COLUMNS, Filters, Norm, signals
from dashboard.store.db import Database
from tests.analysis_fixtures import Dataset, base, healthy_trainee, single


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def codes(found: pd.DataFrame) -> list[str]:
    return sorted(found["code"])


def only(found: pd.DataFrame, code: str) -> pd.DataFrame:
    return found[found["code"] == code].reset_index(drop=True)


def test_healthy_constellation_has_no_signals(db):
    data, _ = single("T1")
    data.write(db)
    found = signals(db)
    assert found.empty
    assert list(found.columns) == list(SIGNAL_COLUMNS)


# --- weak_formal ------------------------------------------------------------------


def test_weak_formal_fires_for_zwak_with_medium_severity_and_names_the_person(db):
    data = base()
    people = healthy_trainee(data, "T1", skip=["werkplekbegeleider"])
    data.person("P9", "werkplekbegeleider", "Joost Hendriks")
    data.rel("T1", "P9", strength="zwak", functions=["gastheer"])
    data.consult("T1", "P9", people["schoolopleider"])
    data.write(db)
    found = only(signals(db), "weak_formal")
    assert len(found) == 1
    row = found.iloc[0]
    assert (row.trainee_id, row.person_id, row.severity, row.wave) == ("T1", "P9", "medium", "begin")
    assert row.message == "Werkplekbegeleider Joost Hendriks: relatie ervaren als zwak (norm: sterk)."


def test_weak_formal_geen_weighs_high(db):
    data = base()
    healthy_trainee(data, "T1")
    data.person("P9", "schoolopleider", "Anna de Vries")
    data.rel("T1", "P9", strength="geen")
    data.write(db)
    found = only(signals(db), "weak_formal")
    assert found[["person_id", "severity"]].values.tolist() == [["P9", "high"]]
    assert found.at[0, "message"] == "Schoolopleider Anna de Vries: relatie draagt niet bij (ervaren als geen; norm: zwak)."  # norm v2


def test_weak_formal_near_misses_informal_and_unexpected_role_and_met_norm(db):
    data = base()
    healthy_trainee(data, "T1")
    data.person("C1", "collega").rel("T1", "C1", formal=False, strength="zwak")
    data.person("W2", "werkplekbegeleider").rel("T1", "W2", formal=False, strength="geen")
    data.person("L1", "leidinggevende").rel("T1", "L1", formal=True, strength="geen")  # role not in the norm
    healthy_trainee(data, "T2", skip=["werkplekbegeleider"])
    data.person("W3", "werkplekbegeleider").rel("T2", "W3", strength="zwak")
    data.write(db)
    assert only(signals(db), "weak_formal")["trainee_id"].tolist() == ["T2"]
    # a norm that expects only zwak of the werkplekbegeleider is met by zwak
    relaxed = Norm(roles=(("werkplekbegeleider", "zwak"),), consultations=())
    assert only(signals(db, norm=relaxed), "weak_formal").empty


# --- missing_formal -----------------------------------------------------------------


def test_missing_formal_fires_per_missing_role(db):
    data, _ = single("T1", skip=["studieloopbaanbegeleider", "instituutsopleider"])
    data.write(db)
    found = only(signals(db), "missing_formal")
    assert len(found) == 2
    assert set(found["severity"]) == {"high"}
    assert found["person_id"].isna().all()
    assert any("studieloopbaanbegeleider" in m for m in found["message"])
    assert any("instituutsopleider" in m for m in found["message"])


def test_missing_formal_near_miss_informal_holder_does_not_count_but_formal_geen_does(db):
    data, _ = single("T1", skip=["studieloopbaanbegeleider", "schoolopleider"])
    data.person("SLB", "studieloopbaanbegeleider").rel("T1", "SLB", formal=False)
    data.person("SO", "schoolopleider").rel("T1", "SO", formal=True, strength="geen")
    data.write(db)
    found = only(signals(db), "missing_formal")
    # an informal SLB is not the organised relationship; a formal SO rated geen is present (weak_formal instead)
    assert found["message"].str.contains("studieloopbaanbegeleider").tolist() == [True]


# --- no_consultation ------------------------------------------------------------------


def test_no_consultation_fires_when_both_roles_present_and_names_both(db):
    data = base()
    people = healthy_trainee(data, "T1")
    data.rows["consultations"] = [
        row for row in data.rows["consultations"] if people["werkplekbegeleider"] not in row[1:3]
    ]
    data.write(db)
    found = only(signals(db), "no_consultation")
    assert len(found) == 1
    row = found.iloc[0]
    assert row.severity == "medium"
    assert row.person_id == people["schoolopleider"]
    assert "Schoolopleider van T1" in row.message and "Werkplekbegeleider van T1" in row.message
    assert row.message.startswith("Geen overleg tussen schoolopleider")


def test_no_consultation_near_miss_role_absent_means_missing_formal_not_no_consultation(db):
    data, _ = single("T1", skip=["instituutsopleider"])
    data.write(db)
    found = signals(db)
    assert only(found, "no_consultation").empty
    assert len(only(found, "missing_formal")) == 1


def test_no_consultation_met_by_any_holder_of_the_role_and_in_the_evaluated_wave_only(db):
    data = base()
    people = healthy_trainee(data, "T1", "midden")
    data.rows["consultations"] = [r for r in data.rows["consultations"] if people["instituutsopleider"] not in r[1:3]]
    # consultation SO-IO exists in an earlier wave only: does not count for midden
    for role in ("schoolopleider", "instituutsopleider"):
        data.rel("T1", people[role], "begin")
    data.consult("T1", people["schoolopleider"], people["instituutsopleider"], "begin")
    data.write(db)
    assert len(only(signals(db), "no_consultation")) == 1
    assert only(signals(db, Filters(wave="begin")), "no_consultation").empty


# --- no_klik ---------------------------------------------------------------------------


def test_no_klik_fires_for_formal_nee_only(db):
    data = base()
    healthy_trainee(data, "T1")
    data.person("W2", "werkplekbegeleider", "Joost Hendriks").rel("T1", "W2", klik="nee")
    data.person("C1", "collega").rel("T1", "C1", formal=False, klik="nee")  # informal: near miss
    data.person("W3", "werkplekbegeleider").rel("T1", "W3", klik="twijfel")  # doubt: near miss
    data.person("W4", "werkplekbegeleider").rel("T1", "W4", klik=None)  # not asked: near miss
    data.write(db)
    found = only(signals(db), "no_klik")
    assert found[["person_id", "severity"]].values.tolist() == [["W2", "high"]]
    assert "Joost Hendriks" in found.at[0, "message"]


# --- negative_contribution ---------------------------------------------------------------


def test_negative_contribution_fires_for_any_relationship(db):
    data = base()
    healthy_trainee(data, "T1")
    data.person("C1", "collega", "Kees").rel("T1", "C1", formal=False, contribution="negatief")
    data.write(db)
    found = only(signals(db), "negative_contribution")
    assert found[["person_id", "severity"]].values.tolist() == [["C1", "high"]]
    assert found.at[0, "message"] == "Collega Kees: bijdrage ervaren als negatief."


def test_negative_contribution_near_miss_positive(db):
    data, _ = single("T1")
    data.person("C1", "collega").rel("T1", "C1", formal=False, contribution="positief", strength="zwak")
    data.write(db)
    assert only(signals(db), "negative_contribution").empty


# --- uncovered_need -----------------------------------------------------------------------


def test_uncovered_need_severity_by_coverage_level(db):
    data = base()
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider", "schoolopleider", "instituutsopleider"])
    # the WPB covers gastheer, leermeester, vakexpert, rolmodel strongly
    data.person("C1", "collega").rel("T1", "C1", formal=False, strength="zwak", functions=["emotionele_steun"])
    data.need("T1", "emotionele_steun").need("T1", "reflectie").need("T1", "gastheer")
    data.write(db)
    found = only(signals(db), "uncovered_need")
    assert found[["function", "severity"]].values.tolist() == [["reflectie", "high"], ["emotionele_steun", "medium"]]
    assert found["person_id"].isna().all()
    assert "reflectiepartner" in found.at[0, "message"]
    assert "emotional support" in only(signals(db, lang="en"), "uncovered_need").at[1, "message"]


def test_uncovered_need_near_miss_negative_strong_relationship_does_not_cover(db):
    data = base()
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider", "schoolopleider", "instituutsopleider"])
    data.person("C1", "collega").rel("T1", "C1", formal=False, strength="sterk", contribution="negatief",
                                      functions=["reflectie"])
    data.need("T1", "reflectie")
    data.write(db)
    assert only(signals(db), "uncovered_need")["function"].tolist() == ["reflectie"]


def test_uncovered_need_only_for_needs_of_the_evaluated_wave(db):
    data = base()
    healthy_trainee(data, "T1", "begin", skip=["studieloopbaanbegeleider", "schoolopleider", "instituutsopleider"])
    healthy_trainee(data, "T1", "midden", add_trainee=False)
    data.need("T1", "reflectie", "begin")
    data.write(db)
    assert only(signals(db), "uncovered_need").empty  # latest wave: midden, no need stated
    assert len(only(signals(db, Filters(wave="begin")), "uncovered_need")) == 1


# --- single_point_of_failure ------------------------------------------------------------------


def test_single_point_of_failure_fires_when_all_strong_coverage_hangs_on_one_person(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider", "Joost").rel("T1", "W", functions=["gastheer", "leermeester"])
    data.person("C", "collega").rel("T1", "C", formal=False, strength="zwak", functions=["reflectie"])
    data.write(db)
    found = only(signals(db), "single_point_of_failure")
    assert found[["person_id", "severity"]].values.tolist() == [["W", "low"]]
    assert found.at[0, "message"] == "Alle 2 sterk gedekte functies hangen aan één persoon: werkplekbegeleider Joost."


def test_single_point_of_failure_near_misses(db):
    data = base().trainee("T1").trainee("T2")
    # T1: one strongly covered function only
    data.person("W", "werkplekbegeleider").rel("T1", "W", functions=["gastheer"])
    # T2: two people share the strong coverage
    data.person("W2", "werkplekbegeleider").rel("T2", "W2", functions=["gastheer", "leermeester"])
    data.person("C2", "collega").rel("T2", "C2", formal=False, functions=["leermeester"])
    data.write(db)
    assert only(signals(db), "single_point_of_failure").empty


def test_single_point_of_failure_formal_only_norm_ignores_informal_helpers(db):
    data = base().trainee("T2")
    data.person("W2", "werkplekbegeleider").rel("T2", "W2", functions=["gastheer", "leermeester"])
    data.person("C2", "collega").rel("T2", "C2", formal=False, functions=["reflectie"])
    data.write(db)
    assert only(signals(db), "single_point_of_failure").empty
    formal_only = Norm(roles=(), consultations=(), informal_counts=False)
    assert only(signals(db, norm=formal_only), "single_point_of_failure")["person_id"].tolist() == ["W2"]


# --- declining ------------------------------------------------------------------------------


def test_declining_fires_against_any_earlier_stronger_wave(db):
    data = base()
    people = healthy_trainee(data, "T1", "begin")
    healthy_trainee(data, "T1", "midden", add_trainee=False)
    healthy_trainee(data, "T1", "eind", add_trainee=False)
    wpb = people["werkplekbegeleider"]
    data.rows["relationships"] = [
        (*row[:4], "zwak" if (row[1] == wpb and row[2] == "eind") else row[4], *row[5:])
        for row in data.rows["relationships"]
    ]
    data.write(db)
    found = only(signals(db), "declining")
    assert found[["person_id", "severity", "wave"]].values.tolist() == [[wpb, "medium", "eind"]]
    assert found.at[0, "message"] == (
        "Werkplekbegeleider Werkplekbegeleider van T1: relatie verzwakt, van sterk (fase midden) naar zwak."
    )
    # evaluated on midden nothing has declined yet
    assert only(signals(db, Filters(wave="midden")), "declining").empty


def test_declining_to_geen_is_high_and_first_wave_never_declines(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").rel("T1", "W", "begin", strength="zwak").rel("T1", "W", "midden", strength="geen")
    data.write(db)
    assert only(signals(db), "declining")["severity"].tolist() == ["high"]
    assert only(signals(db, Filters(wave="begin")), "declining").empty


def test_declining_near_miss_informal_or_stronger_now(db):
    data = base().trainee("T1")
    data.person("C", "collega").rel("T1", "C", "begin", formal=False).rel("T1", "C", "midden", formal=False, strength="zwak")
    data.person("W", "werkplekbegeleider").rel("T1", "W", "begin", strength="zwak").rel("T1", "W", "midden")
    data.write(db)
    assert only(signals(db), "declining").empty


# --- mentor_no_klik_repeated ------------------------------------------------------------------


def test_mentor_no_klik_repeated_needs_two_trainees_of_one_cohort(db):
    data = base()
    for trainee_id, cohort in (("T1", "2025-2026"), ("T2", "2025-2026"), ("T3", "2026-2027")):
        healthy_trainee(data, trainee_id, cohort=cohort)
    data.person("M", "werkplekbegeleider", "Joost Hendriks")
    for trainee_id in ("T1", "T2", "T3"):
        data.rel(trainee_id, "M", klik="nee")
    data.person("M2", "schoolopleider", "Anna")  # one trainee per cohort: near miss
    data.rel("T1", "M2", klik="nee").rel("T3", "M2", klik="nee")
    data.write(db)
    found = only(signals(db), "mentor_no_klik_repeated")
    assert len(found) == 1
    row = found.iloc[0]
    assert pd.isna(row.trainee_id) and row.person_id == "M" and row.severity == "medium"
    assert row.message == "Werkplekbegeleider Joost Hendriks: geen klik met 2 studenten in cohort 2025-2026."
    english = only(signals(db, lang="en"), "mentor_no_klik_repeated").at[0, "message"]
    assert english == "Workplace mentor Joost Hendriks: no klik with 2 trainees in cohort 2025-2026."


def test_mentor_no_klik_repeated_counts_only_trainees_in_scope(db):
    data = base().school("S2")
    healthy_trainee(data, "T1")
    healthy_trainee(data, "T2", school="S2")
    data.person("M", "werkplekbegeleider").rel("T1", "M", klik="nee").rel("T2", "M", klik="nee")
    data.write(db)
    assert len(only(signals(db), "mentor_no_klik_repeated")) == 1
    assert only(signals(db, Filters(school="S1")), "mentor_no_klik_repeated").empty


def test_one_mentors_signals_in_two_cohorts_come_out_in_cohort_order(db):
    """Same trainee (none), code, person and function: the cohort decides, so
    the list reads the same on every run."""
    data = base()
    for trainee_id, cohort in (("T1", "2026-2027"), ("T2", "2026-2027"), ("T3", "2025-2026"), ("T4", "2025-2026")):
        healthy_trainee(data, trainee_id, cohort=cohort)
    data.person("M", "werkplekbegeleider", "Joost Hendriks")
    for trainee_id in ("T1", "T2", "T3", "T4"):
        data.rel(trainee_id, "M", klik="nee")
    data.write(db)
    for _ in range(5):
        messages = only(signals(db), "mentor_no_klik_repeated")["message"].tolist()
        assert [m[-10:] for m in messages] == ["2025-2026.", "2026-2027."]


# --- evaluation wave and filters --------------------------------------------------------------


def test_signals_use_each_trainees_latest_wave_unless_a_wave_is_chosen(db):
    data = base()
    healthy_trainee(data, "T1", "begin", skip=["studieloopbaanbegeleider"])
    healthy_trainee(data, "T1", "midden", add_trainee=False)
    healthy_trainee(data, "T2", "begin")
    data.write(db)
    assert signals(db).empty
    found = signals(db, Filters(wave="begin"))
    assert found[["trainee_id", "code", "wave"]].values.tolist() == [["T1", "missing_formal", "begin"]]
    assert signals(db, Filters(wave="eind")).empty


def test_filters_narrow_trainees(db):
    data = base().school("S2").institute("I2")
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider"], programme="pabo")
    healthy_trainee(data, "T2", skip=["studieloopbaanbegeleider"], school="S2", institute="I2", cohort="2026-2027")
    data.write(db)
    assert set(signals(db)["trainee_id"]) == {"T1", "T2"}
    assert set(signals(db, Filters(school="S2"))["trainee_id"]) == {"T2"}
    assert set(signals(db, Filters(institute="I1"))["trainee_id"]) == {"T1"}
    assert set(signals(db, Filters(cohort="2026-2027"))["trainee_id"]) == {"T2"}
    assert set(signals(db, Filters(programme="pabo"))["trainee_id"]) == {"T1"}
    assert signals(db, Filters(school="nope")).empty


def test_signals_sorted_by_severity(db):
    data = base()
    healthy_trainee(data, "T1")
    data.person("X", "collega").rel("T1", "X", formal=False, contribution="negatief")
    data.person("W2", "werkplekbegeleider").rel("T1", "W2", strength="zwak")
    data.write(db)
    ranks = signals(db)["severity"].map({"high": 0, "medium": 1, "low": 2}).tolist()
    assert ranks == sorted(ranks)


def test_every_trainee_signal_traces_to_a_relationship_or_function(db):
    """person_id names a relationship of the trainee in that wave; function a taxonomy code."""
    data = base()
    people = healthy_trainee(data, "T1", "begin")
    healthy_trainee(data, "T1", "midden", add_trainee=False, skip=["studieloopbaanbegeleider"])
    data.person("W2", "werkplekbegeleider").rel("T1", "W2", "midden", strength="geen", klik="nee",
                                                 contribution="negatief")
    data.need("T1", "reflectie", "midden")
    data.write(db)
    found = signals(db)
    relations = {(r[0], r[1], r[2]) for r in data.rows["relationships"]}
    for row in found.itertuples():
        if isinstance(row.person_id, str):
            assert (row.trainee_id, row.person_id, row.wave) in relations
        if isinstance(row.function, str):
            assert row.function in {"gastheer", "leermeester", "vakexpert", "rolmodel", "emotionele_steun", "reflectie"}
    assert {"weak_formal", "no_klik", "negative_contribution", "missing_formal"} <= set(found["code"])


def test_empty_database_gives_empty_frames(db):
    Dataset().write(db)
    assert signals(db).empty


def test_names_with_braces_are_never_read_as_fields(db):
    data = base()
    healthy_trainee(data, "T1", cohort="{n} cohort")
    data.person("X", "werkplekbegeleider", "Jan {role} {person} de {Role}").rel("T1", "X", klik="nee")
    data.person("Y", "werkplekbegeleider", "Piet").rel("T1", "Y", strength="zwak")
    data.write(db)
    found = signals(db).set_index(["code", "person_id"])
    assert found.at[("no_klik", "X"), "message"] == (
        "Werkplekbegeleider Jan {role} {person} de {Role}: geen klik. Regel snel een andere of extra relatie.")
    assert found.at[("weak_formal", "Y"), "message"] == "Werkplekbegeleider Piet: relatie ervaren als zwak (norm: sterk)."
