"""The questions the pages ask: vocabulary, filter options, trainee lists,
one trainee's constellation, the attention-list summary and group comparison."""

from __future__ import annotations

import math

import pytest

from dashboard.analysis import (
    TRAINEE_SIGNAL_CODES,
    Filters,
    Norm,
    compare,
    constellation,
    coverage,
    filter_options,
    functions,
    measures,
    signals,
    trainee_detail,
    trainee_signals_summary,
    trainees,
)
from dashboard.analysis import suggestions
from dashboard.store.db import Database
from tests.analysis_fixtures import ALL_FUNCTIONS, Dataset, base, healthy_trainee
from tests.app_fixtures import sample_db_path  # noqa: F401  (a fixture)


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def test_functions_defaults_and_table(db):
    found = functions(db)  # empty table: shipped defaults
    assert list(found.columns) == ["code", "label_nl", "label_en", "group", "description"]
    assert found["code"].tolist() == list(ALL_FUNCTIONS)
    data = Dataset()
    data.rows["functions"] = [("z", "Zet", "Zed", "career", None, 0), ("a", "Aa", "Ah", "psychosocial", "x", 1)]
    data.write(db)
    assert functions(db)["code"].tolist() == ["z", "a"]


def test_filter_options(db):
    data = base().school("S0", "Aa-school").institute("I2", "Hogeschool B")
    data.trainee("T1", programme="pabo", cohort="2026-2027").trainee("T2", school="S0")
    data.person("W", "werkplekbegeleider").rel("T1", "W", "eind").rel("T2", "W", "begin")
    data.write(db)
    options = filter_options(db)
    assert options["schools"] == [("S0", "Aa-school"), ("S1", "School S1")]
    assert options["institutes"] == [("I2", "Hogeschool B"), ("I1", "Instituut I1")]
    assert options["cohorts"] == ["2025-2026", "2026-2027"]
    assert options["programmes"] == ["pabo"]
    assert options["waves"] == ["begin", "eind"]


def test_trainees_lists_everyone_matching_with_evaluated_wave(db):
    data = base().school("S2", "Tweede School")
    data.trainee("T1", name="Bram").trainee("T2", name="Anna", school="S2").trainee("T3", name="Cas")
    data.person("W", "werkplekbegeleider").rel("T1", "W", "begin").rel("T1", "W", "eind").rel("T2", "W", "midden")
    data.write(db)
    found = trainees(db)
    assert list(found.columns) == ["trainee_id", "name", "school_id", "school_name", "institute_id",
                                   "institute_name", "cohort", "programme", "wave", "waves"]
    assert found["name"].tolist() == ["Anna", "Bram", "Cas"]
    by_id = found.set_index("trainee_id")
    assert by_id.at["T1", "wave"] == "eind" and by_id.at["T1", "waves"] == ["begin", "eind"]
    assert by_id.at["T2", "school_name"] == "Tweede School"
    assert by_id.at["T3", "waves"] == [] and not isinstance(by_id.at["T3", "wave"], str)
    chosen = trainees(db, Filters(wave="begin")).set_index("trainee_id")
    assert chosen.at["T1", "wave"] == "begin" and not isinstance(chosen.at["T2", "wave"], str)
    assert trainees(db, Filters(school="S2"))["trainee_id"].tolist() == ["T2"]


def test_constellation_of_unknown_trainee_is_none(db):
    assert constellation(db, "nobody") is None


def test_constellation_contents(db):
    data = base()
    people = healthy_trainee(data, "T1", "begin")
    healthy_trainee(data, "T1", "midden", add_trainee=False, skip=["studieloopbaanbegeleider"])
    data.person("C", "collega", "Kees <script>").rel("T1", "C", "midden", formal=False, strength="zwak",
                                                     functions=["reflectie", "gastheer"])
    data.need("T1", "reflectie", "midden").need("T1", "gastheer", "midden")
    data.write(db)
    found = constellation(db, "T1")
    assert found["trainee"]["trainee_id"] == "T1" and found["trainee"]["school_name"] == "School S1"
    assert found["waves"] == ["begin", "midden"]
    rel = found["relationships"]
    for column in ("wave", "person_id", "name", "role", "side", "line", "formal", "strength", "contribution",
                   "klik", "assesses", "functions", "contact_frequency", "contact_note"):
        assert column in rel.columns
    kees = rel[rel["person_id"] == "C"].iloc[0]
    assert kees["functions"] == ["gastheer", "reflectie"]  # taxonomy order
    assert kees["name"] == "Kees <script>" and kees["side"] == "school" and not kees["formal"]
    assert len(rel[rel["wave"] == "begin"]) == 4
    assert set(found["consultations"].columns) == {"wave", "person_a", "person_b", "frequency"}
    assert len(found["consultations"]) == 4
    assert found["needs"].values.tolist() == [["midden", "gastheer"], ["midden", "reflectie"]]
    assert found["missing_roles"].values.tolist() == [["midden", "studieloopbaanbegeleider"]]
    assert people["werkplekbegeleider"] in set(rel["person_id"])


def test_constellation_missing_roles_follow_the_norm(db):
    data = base()
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider"], programme="pabo")
    data.norm_role("pabo", "werkplekbegeleider", "sterk").norm_role("pabo", "leidinggevende", "zwak")
    data.write(db)
    assert constellation(db, "T1")["missing_roles"]["role"].tolist() == ["leidinggevende"]
    norm = Norm(roles=(("studieloopbaanbegeleider", "sterk"),), consultations=())
    assert constellation(db, "T1", norm)["missing_roles"]["role"].tolist() == ["studieloopbaanbegeleider"]


def test_trainee_signals_summary(db):
    data = base()
    healthy_trainee(data, "T1")
    data.rows["trainees"][0] = ("T1", "Zoë", "S1", "I1", "2025-2026", None)
    healthy_trainee(data, "T2", skip=["studieloopbaanbegeleider"])  # high
    healthy_trainee(data, "T3")
    data.person("W", "werkplekbegeleider").rel("T1", "W", strength="zwak").rel("T3", "W", strength="zwak")
    healthy_trainee(data, "T4")  # no signals
    data.write(db)
    found = trainee_signals_summary(db, Filters())
    assert list(found.columns) == ["trainee_id", "name", "school_name", "wave", "max_severity", "n_signals",
                                   "codes", "messages"]
    assert found["trainee_id"].tolist() == ["T2", "T3", "T1"]  # high first, then by name (Student T3 < Zoë)
    assert found["max_severity"].tolist() == ["high", "medium", "medium"]
    t1 = found.set_index("trainee_id").loc["T1"]
    assert t1["codes"] == ["weak_formal"] and t1["n_signals"] == 1 and len(t1["messages"]) == 1
    assert trainee_signals_summary(db, Filters(school="nope")).empty


def test_compare_by_school(db):
    data = base().school("S2", "Tweede")
    healthy_trainee(data, "T1")  # all functions strong, no signals
    healthy_trainee(data, "T2", skip=["werkplekbegeleider", "studieloopbaanbegeleider"])
    data.person("W", "werkplekbegeleider").rel("T2", "W", strength="zwak", klik="nee", assesses=True)
    data.person("C", "collega").rel("T2", "C", formal=False, functions=["rolmodel"])
    healthy_trainee(data, "T3", school="S2")
    data.write(db)
    found = compare(db, "school").set_index("school_id")
    for code in TRAINEE_SIGNAL_CODES:
        assert f"rate_{code}" in found.columns
    s1 = found.loc["S1"]
    assert s1["group_name"] == "School S1" and s1["n_trainees"] == 2
    assert s1["share_all_functions_strong"] == pytest.approx(1.0)  # the colleague fills rolmodel for T2
    assert s1["rate_weak_formal"] == pytest.approx(0.5)
    assert s1["rate_missing_formal"] == pytest.approx(0.5)
    assert s1["rate_no_klik"] == pytest.approx(0.5)
    assert s1["rate_declining"] == 0.0
    # T2's strong functions: gastheer, reflectie, emotionele_steun (SO), vakexpert, leermeester, reflectie (IO),
    # rolmodel (collega only) -> 1 of 6+6 strong cells covered only informally
    assert s1["share_coverage_informal"] == pytest.approx(1 / 12)
    # formal ties: T1 4 (ja, sterk), T2 SO, IO (ja, sterk) + W (nee, zwak, assesses) = 7
    assert s1["klik_ja"] == pytest.approx(6 / 7) and s1["klik_nee"] == pytest.approx(1 / 7)
    assert s1["klik_twijfel"] == 0.0 and s1["klik_onbekend"] == 0.0
    assert s1["formal_sterk"] == pytest.approx(6 / 7) and s1["formal_zwak"] == pytest.approx(1 / 7)
    assert s1["share_guide_assesses"] == pytest.approx(1 / 7)
    s2 = found.loc["S2"]
    assert s2["n_trainees"] == 1 and s2["share_all_functions_strong"] == 1.0 and s2["rate_weak_formal"] == 0.0


def test_compare_formal_only_norm_and_other_groupings(db):
    data = base()
    healthy_trainee(data, "T1", skip=["studieloopbaanbegeleider", "schoolopleider", "instituutsopleider"])
    data.person("C", "collega").rel("T1", "C", formal=False, functions=["reflectie"])
    data.write(db)
    assert compare(db, "cohort").at[0, "share_coverage_informal"] == pytest.approx(1 / 5)
    formal_only = Norm(roles=(), consultations=(), informal_counts=False)
    row = compare(db, "programme", norm=formal_only).iloc[0]
    assert row["share_coverage_informal"] == 0.0
    assert math.isnan(row["klik_nee"]) is False
    with pytest.raises(ValueError):
        compare(db, "trainee")


def test_compare_empty(db):
    Dataset().write(db)
    assert compare(db, "school").empty


def test_trainee_detail_is_the_trainee_s_rows_of_the_group_questions(db):
    data = base()
    healthy_trainee(data, "T1", "begin")
    healthy_trainee(data, "T1", "eind", add_trainee=False)
    healthy_trainee(data, "T2", skip=["studieloopbaanbegeleider"])
    data.person("W", "werkplekbegeleider").rel("T1", "W", "begin", strength="sterk").rel("T1", "W", "eind", strength="zwak")
    data.write(db)
    for wave in (None, "begin", "eind"):
        found = trainee_detail(db, "T1", wave)
        assert set(found) == {"coverage", "signals", "measures", "open"}
        for name, question in (("coverage", coverage), ("signals", signals), ("measures", measures)):
            everyone = question(db, Filters(wave=wave))
            expected = everyone[everyone["trainee_id"] == "T1"].reset_index(drop=True)
            assert not expected.empty or (name, wave) == ("signals", "begin")
            assert found[name].astype(object).equals(expected.astype(object)), (name, wave)
        # step 6's open functions, on the copy, are the ones the engine finds on the stored tables
        expected_open = suggestions.open_functions(db, "T1", wave)
        assert found["open"].astype(object).equals(expected_open.astype(object)), wave
    assert "declining" in set(trainee_detail(db, "T1")["signals"]["code"])
    assert set(trainee_detail(db, "T2")["signals"]["trainee_id"]) == {"T2"}
    unknown = trainee_detail(db, "nobody")
    assert all(frame.empty for frame in unknown.values())


def test_trainee_detail_matches_the_school_view_on_sample_data(sample_db_path):
    with Database(sample_db_path) as sample:
        people = trainees(sample)
        opened = 0
        for row in people.iloc[:: max(1, len(people) // 12)].itertuples(index=False):
            found = trainee_detail(sample, row.trainee_id)
            group = Filters(school=row.school_id)
            for name, question in (("coverage", coverage), ("signals", signals), ("measures", measures)):
                everyone = question(sample, group)
                expected = everyone[everyone["trainee_id"] == row.trainee_id].reset_index(drop=True)
                assert found[name].astype(object).equals(expected.astype(object)), (name, row.trainee_id)
            expected_open = suggestions.open_functions(sample, row.trainee_id)
            assert found["open"].astype(object).equals(expected_open.astype(object)), row.trainee_id
            opened += not found["open"].empty
        assert opened  # the comparison saw open functions, not only empty frames
