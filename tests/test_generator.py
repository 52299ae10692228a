"""The generator: determinism, the shipped sample, integrity, shares, signals, CLI."""

from __future__ import annotations

import io
import os
import random
import re
import shlex
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import cli
from dashboard.store.db import SAMPLE_DATA_DIR
from dashboard.core.domain import DEFAULT_FUNCTIONS, DEFAULT_NORM_ROLES, FORMAL_ROLES, WAVE_RANK
from dashboard.exchange.generator import COHORT_NEW, COHORT_OLD, generate
from dashboard.exchange.interchange import FILES, write_dataset
from dashboard.core.locales import en, nl
from tests.generator_fixtures import integrity_violations, relationships_with_roles, signal_occurrences

SIGNALS = (
    "weak_formal", "missing_formal", "no_consultation", "no_klik", "negative_contribution",
    "uncovered_need", "single_point_of_failure", "declining", "mentor_no_klik_repeated",
)


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    return generate(240, 2025)


@pytest.fixture(scope="module")
def large() -> dict[str, pd.DataFrame]:
    return generate(2000, 7)


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


# --- shape of the output -----------------------------------------------------


def test_every_contract_file_with_all_its_columns_as_text(sample):
    assert list(sample) == [spec.name for spec in FILES]
    for spec in FILES:
        frame = sample[spec.name]
        assert tuple(frame.columns) == spec.columns, spec.name
        for column in frame.columns:
            assert all(isinstance(value, str) for value in frame[column]), (spec.name, column)


# Per trainee, then wave by wave (begin, midden, eind), as a reader goes through them.
ROW_ORDER: dict[str, tuple[str, ...]] = {
    "schools": ("school_id",),
    "institutes": ("institute_id",),
    "trainees": ("trainee_id",),
    "people": ("person_id",),
    "relationships": ("trainee_id", "wave", "person_id"),
    "consultations": ("trainee_id", "wave", "person_a", "person_b"),
    "needs": ("trainee_id", "wave", "function"),
    "norm_roles": ("programme", "role"),
    "norm_consultations": ("programme", "role_a", "role_b"),
}


def test_rows_are_in_a_stable_order(sample):
    position = {f.code: i for i, f in enumerate(DEFAULT_FUNCTIONS)}
    for name, order in ROW_ORDER.items():
        keys = sample[name][list(order)].copy()
        if "wave" in keys:
            keys["wave"] = keys["wave"].map(WAVE_RANK)
        if name == "needs":
            keys["function"] = keys["function"].map(position)
        assert keys.equals(keys.sort_values(list(order), kind="stable")), name
        assert not keys.duplicated().any(), name
    assert list(sample["functions"]["code"]) == [f.code for f in DEFAULT_FUNCTIONS]


def test_defaults_give_the_documented_sample_shape(sample):
    assert len(sample["trainees"]) == 240
    assert len(sample["schools"]) == 8
    assert len(sample["institutes"]) == 2
    assert set(sample["trainees"]["cohort"]) == {COHORT_OLD, COHORT_NEW}
    waves_by_cohort = (
        sample["relationships"].merge(sample["trainees"], on="trainee_id").groupby("cohort")["wave"]
        .agg(lambda waves: tuple(sorted(set(waves), key=WAVE_RANK.get)))
    )
    assert waves_by_cohort[COHORT_OLD] == ("begin", "midden", "eind")
    assert waves_by_cohort[COHORT_NEW] == ("begin", "midden")


@pytest.mark.parametrize(("n", "schools", "institutes"), [
    (1, 2, 1), (10, 2, 1), (60, 2, 1), (240, 8, 2), (400, 13, 3), (1000, 33, 8),
])
def test_schools_and_institutes_scale_with_the_number_of_trainees(n, schools, institutes):
    tables = generate(n, 1)
    assert len(tables["schools"]) == schools
    assert len(tables["institutes"]) == institutes


def test_ids_have_a_width_that_makes_them_sort():
    tables = generate(10_050, 3)
    trainee_ids = list(tables["trainees"]["trainee_id"])
    assert trainee_ids[0] == "T00001" and trainee_ids == sorted(trainee_ids)
    assert {len(i) for i in trainee_ids} == {6}
    for name, column, prefix in (("people", "person_id", "P"), ("schools", "school_id", "S"),
                                 ("institutes", "institute_id", "I")):
        ids = list(tables[name][column])
        assert ids == sorted(ids) and len({len(i) for i in ids}) == 1 and ids[0].startswith(prefix)
    small = generate(240, 3)
    assert small["trainees"]["trainee_id"].iloc[0] == "T0001"
    assert small["people"]["person_id"].iloc[0] == "P00001"
    assert small["schools"]["school_id"].iloc[0] == "S01"
    assert small["institutes"]["institute_id"].iloc[0] == "I1"


def test_sector_fits_programme_and_emails_are_fictitious(sample):
    trainees = sample["trainees"].merge(sample["schools"], on="school_id", suffixes=("", "_school"))
    sector_of = {"pabo": {"po"}, "tweedegraads": {"vo", "mbo"}, "eerstegraads": {"vo"},
                 "zij-instroom": {"vo", "mbo"}}
    for programme, sector in zip(trainees["programme"], trainees["sector"]):
        assert sector in sector_of[programme]
    assert set(sample["trainees"]["study_year"]) <= {"1", "2", "3", "4"}
    emails = [e for e in pd.concat([sample["trainees"]["email"], sample["people"]["email"]]) if e]
    assert emails and all(re.fullmatch(r"[a-z0-9.]+@([a-z0-9]+\.)?voorbeeld\.nl", e) for e in emails)
    assert len(set(emails)) == len(emails)
    names = " ".join(sample["people"]["name"])
    assert " van " in names and " de " in names  # tussenvoegsels


def test_norm_files_hold_defaults_and_a_pabo_variant(sample):
    roles = sample["norm_roles"]
    default = roles[roles["programme"] == "*"]
    assert sorted(default["role"]) == sorted(FORMAL_ROLES)
    # norm v2: the werkplekbegeleider sterk, the second-line roles zwak
    assert dict(zip(default["role"], default["expected_strength"])) == dict(DEFAULT_NORM_ROLES)
    assert dict(DEFAULT_NORM_ROLES)["werkplekbegeleider"] == "sterk"
    assert {s for r, s in DEFAULT_NORM_ROLES if r != "werkplekbegeleider"} == {"zwak"}
    pabo = dict(zip(*roles[roles["programme"] == "pabo"][["role", "expected_strength"]].T.values))
    assert pabo != dict(DEFAULT_NORM_ROLES)  # the per-programme path is exercised
    assert pabo["schoolopleider"] == "sterk"
    consultations = sample["norm_consultations"]
    assert set(consultations["programme"]) == {"*", "pabo"}
    assert (consultations["role_a"] < consultations["role_b"]).all()


# --- determinism ----------------------------------------------------------------


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    write_dataset(generate(120, 5), tmp_path / "a")
    write_dataset(generate(120, 5), tmp_path / "b")
    write_dataset(generate(120, 6), tmp_path / "c")
    first, second, other = (_folder_bytes(tmp_path / x) for x in "abc")
    assert first == second
    assert first["relationships.csv"] != other["relationships.csv"]
    assert first["trainees.csv"] != other["trainees.csv"]


def test_same_seed_gives_the_same_workbook_bytes(tmp_path):
    write_dataset(generate(60, 5), tmp_path / "a.xlsx")
    write_dataset(generate(60, 5), tmp_path / "b.xlsx")
    write_dataset(generate(60, 9), tmp_path / "c.xlsx")
    a, b, c = ((tmp_path / f"{x}.xlsx").read_bytes() for x in "abc")
    assert a == b
    assert a != c
    sheets = zipfile.ZipFile(io.BytesIO(a)).namelist()
    assert sum(name.startswith("xl/worksheets/sheet") for name in sheets) == len(FILES)


def test_output_does_not_depend_on_hash_seed_or_global_random(tmp_path):
    """Sets and str hashes vary per process; the global random state is not ours."""
    script = (
        "import hashlib, random, sys; from dashboard.exchange.generator import generate; "
        "random.seed(int(sys.argv[1])); tables = generate(90, 3); "
        "print(hashlib.sha256(repr([f.to_dict('list') for f in tables.values()]).encode()).hexdigest(), "
        "random.random())"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", script, hash_seed], capture_output=True, text=True,
                              env=env, check=True)
        outputs.append(done.stdout.split())
    assert outputs[0][0] == outputs[1][0]
    # The global random generator is left alone: its next value is what the seed gives.
    for hash_seed, (_, next_value) in zip((1, 2), outputs):
        random_state = random.Random(hash_seed)
        assert float(next_value) == random_state.random()


def test_sample_data_is_a_fresh_generation_byte_for_byte(tmp_path):
    readme = (SAMPLE_DATA_DIR / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`(python -m dashboard generate [^`]+)`", readme).group(1)
    argv = shlex.split(command)[3:]  # after "python -m dashboard"
    assert argv[1] == "sample_data"
    argv[1] = str(tmp_path / "fresh")
    assert cli.main(argv) == 0
    shipped = _folder_bytes(SAMPLE_DATA_DIR)
    assert set(shipped) == {spec.file_name for spec in FILES}
    assert shipped == _folder_bytes(tmp_path / "fresh")


# --- integrity -------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(min_value=1, max_value=90), seed=st.integers(min_value=0, max_value=2**32))
def test_any_small_dataset_meets_the_integrity_rules(n, seed):
    tables = generate(n, seed)
    assert integrity_violations(tables) == []
    assert len(tables["trainees"]) == n
    # Every trainee has data for at least the first wave.
    assert set(tables["relationships"]["trainee_id"]) == set(tables["trainees"]["trainee_id"])


def test_a_large_dataset_meets_the_integrity_rules(large):
    assert integrity_violations(large) == []


def test_the_integrity_check_catches_what_it_claims(sample):
    broken = dict(sample)
    cons = sample["consultations"].copy()
    cons.loc[0, ["person_a", "person_b"]] = [cons.loc[0, "person_b"], cons.loc[0, "person_a"]]
    broken["consultations"] = cons
    rel = sample["relationships"].copy()
    rel.loc[0, "functions"] = "toveren"
    broken["relationships"] = rel
    problems = integrity_violations(broken)
    assert any("person_a < person_b" in p for p in problems)
    assert any("unknown function codes" in p for p in problems)


def test_generate_rejects_no_trainees():
    with pytest.raises(ValueError):
        generate(0, 1)


# --- realistic shares (shared/domain.md) on 2,000 trainees ------------------------


def test_strength_distribution_per_role(large):
    rel = relationships_with_roles(large)
    formal = rel[rel["formal"] == "ja"]
    expected = {
        "werkplekbegeleider": (0.70, 0.25, 0.05),
        "schoolopleider": (0.50, 0.40, 0.10),
        "instituutsopleider": (0.35, 0.45, 0.20),
        "studieloopbaanbegeleider": (0.30, 0.45, 0.25),
    }
    for role, (sterk, zwak, geen) in expected.items():
        shares = formal.loc[formal["role"] == role, "strength"].value_counts(normalize=True)
        assert shares.get("sterk", 0) == pytest.approx(sterk, abs=0.04), role
        assert shares.get("zwak", 0) == pytest.approx(zwak, abs=0.04), role
        assert shares.get("geen", 0) == pytest.approx(geen, abs=0.03), role
    informal = rel[rel["formal"] == "nee"]["strength"].value_counts(normalize=True)
    assert informal.get("sterk", 0) == pytest.approx(0.60, abs=0.04)
    assert informal.get("geen", 0) == 0


def test_klik_and_contribution_shares(large):
    rel = relationships_with_roles(large)
    formal = rel[rel["formal"] == "ja"]
    klik = formal["klik"].value_counts(normalize=True)
    assert klik.get("nee", 0) == pytest.approx(0.05, abs=0.015)
    assert klik.get("twijfel", 0) == pytest.approx(0.15, abs=0.03)
    assert (formal["contribution"] == "negatief").mean() == pytest.approx(0.03, abs=0.01)
    assert (rel.loc[rel["formal"] == "nee", "contribution"] == "positief").all()
    # "A few mentors have it with several trainees": a few, not most.
    per_mentor = formal[formal["klik"] == "nee"].groupby("person_id")["trainee_id"].nunique()
    assert (per_mentor >= 3).sum() >= 5
    educators = formal[formal["role"].isin(["schoolopleider", "instituutsopleider", "studieloopbaanbegeleider"])]
    repeated = (educators[educators["klik"] == "nee"].groupby(["person_id", "cohort", "wave"])["trainee_id"]
                .nunique())
    repeated_people = repeated[repeated >= 2].reset_index()["person_id"].nunique()
    assert 0.05 < repeated_people / educators["person_id"].nunique() < 0.25


def test_formal_roles_per_trainee(large):
    rel = relationships_with_roles(large)
    per_wave = rel.groupby(["trainee_id", "wave"])
    wpb = rel[rel["role"] == "werkplekbegeleider"].groupby(["trainee_id", "wave"]).size()
    assert (wpb == 2).mean() == pytest.approx(0.10, abs=0.03)
    assert wpb.max() == 2
    formal = rel[rel["formal"] == "ja"]
    for role in ("schoolopleider", "instituutsopleider", "studieloopbaanbegeleider"):
        assert formal[formal["role"] == role].groupby(["trainee_id", "wave"]).size().max() == 1
    trainees = large["trainees"]["trainee_id"]
    roles_of = formal.groupby("trainee_id")["role"].agg(set)
    missing = sum(1 for t in trainees if not set(FORMAL_ROLES) <= roles_of.get(t, set()))
    assert missing / len(trainees) == pytest.approx(0.03, abs=0.01)
    assert per_wave.ngroups > len(trainees)


def test_informal_relationships(large):
    rel = relationships_with_roles(large)
    informal = rel[rel["formal"] == "nee"]
    counts = informal.groupby(["trainee_id", "wave"]).size()
    counts = counts.reindex(rel.groupby(["trainee_id", "wave"]).size().index, fill_value=0)
    assert counts.mean() == pytest.approx(1.5, abs=0.15)
    assert counts.min() == 0 and counts.max() <= 5  # 4, plus an informal second werkplekbegeleider
    roles = informal["role"].value_counts(normalize=True)
    assert roles.idxmax() == "collega" and roles["collega"] > 0.5
    # Informal relationships appear and disappear between waves.
    keys = {w: set(zip(informal.loc[informal["wave"] == w, "trainee_id"],
                       informal.loc[informal["wave"] == w, "person_id"])) for w in ("begin", "midden")}
    trainees_midden = set(rel.loc[rel["wave"] == "midden", "trainee_id"])
    begin = {k for k in keys["begin"] if k[0] in trainees_midden}
    assert begin - keys["midden"] and keys["midden"] - begin


def test_functions_per_relationship_are_plausible_for_the_role(large):
    rel = relationships_with_roles(large)
    contributing = rel[rel["strength"] != "geen"]
    counts = contributing["functions"].str.split(";").str.len()
    assert counts.min() == 1 and counts.max() == 4
    assert (rel.loc[rel["strength"] == "geen", "functions"] == "").all()
    seen: dict[str, Counter] = defaultdict(Counter)
    for role, functions in zip(contributing["role"], contributing["functions"]):
        seen[role].update(functions.split(";"))
    top = {role: {code for code, _ in counter.most_common(2)} for role, counter in seen.items()}
    assert top["werkplekbegeleider"] == {"gastheer", "leermeester"}
    assert top["studieloopbaanbegeleider"] == {"reflectie", "emotionele_steun"}
    assert top["instituutsopleider"] == {"reflectie", "vakexpert"}
    assert top["medestudent"] == {"emotionele_steun", "reflectie"}
    assert "leermeester" not in seen["studieloopbaanbegeleider"]


def test_consultation_shares(large):
    rel = relationships_with_roles(large)
    formal = rel[rel["formal"] == "ja"]
    present: dict[tuple[str, str], set[str]] = defaultdict(set)
    for trainee, wave, role in zip(formal["trainee_id"], formal["wave"], formal["role"]):
        present[(trainee, wave)].add(role)
    role_of = dict(zip(large["people"]["person_id"], large["people"]["role"]))
    formal_people = set(zip(formal["trainee_id"], formal["wave"], formal["person_id"]))
    held: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    cons = large["consultations"]
    for trainee, a, b, wave in zip(cons["trainee_id"], cons["person_a"], cons["person_b"], cons["wave"]):
        if (trainee, wave, a) in formal_people and (trainee, wave, b) in formal_people:
            held[(trainee, wave)].add(tuple(sorted((role_of[a], role_of[b]))))

    def share(role_a: str, role_b: str) -> float:
        keys = [k for k, roles in present.items() if role_a in roles and role_b in roles]
        return sum((role_a, role_b) in held[k] for k in keys) / len(keys)

    assert share("schoolopleider", "werkplekbegeleider") == pytest.approx(0.75, abs=0.04)
    assert share("instituutsopleider", "schoolopleider") == pytest.approx(0.60, abs=0.04)
    for pair in (("instituutsopleider", "werkplekbegeleider"), ("studieloopbaanbegeleider", "werkplekbegeleider"),
                 ("schoolopleider", "studieloopbaanbegeleider"), ("instituutsopleider", "studieloopbaanbegeleider")):
        assert share(*pair) == pytest.approx(0.30, abs=0.05), pair


def test_needs_shares(large):
    needs = large["needs"].groupby(["trainee_id", "wave"]).size()
    trainee_waves = large["relationships"].groupby(["trainee_id", "wave"]).ngroups
    assert len(needs) / trainee_waves == pytest.approx(0.5, abs=0.04)
    assert needs.min() == 1 and needs.max() == 3


def test_about_one_in_ten_formal_ties_weakens_per_wave(large):
    rel = relationships_with_roles(large)
    formal = rel[rel["formal"] == "ja"][["trainee_id", "person_id", "wave_rank", "strength_rank"]]
    following = formal.assign(wave_rank=formal["wave_rank"] - 1)
    pairs = formal.merge(following, on=["trainee_id", "person_id", "wave_rank"], suffixes=("", "_next"))
    weakened = (pairs["strength_rank_next"] < pairs["strength_rank"]).mean()
    assert weakened == pytest.approx(0.10, abs=0.02)


def test_mentor_loads(large):
    rel = relationships_with_roles(large)
    load = rel[rel["formal"] == "ja"].groupby(["role", "person_id"])["trainee_id"].nunique()
    assert load["werkplekbegeleider"].between(1, 3).all()
    for role in ("schoolopleider", "instituutsopleider"):
        assert load[role].between(10, 25).mean() > 0.95, role
    assert set(large["people"]["orientation"]) == {"", "technisch", "persoonlijk"}
    formal = rel[rel["formal"] == "ja"]
    assesses = formal.groupby("role")["assesses"].apply(lambda s: (s == "ja").mean())
    assert assesses["werkplekbegeleider"] > 0.5 and assesses["instituutsopleider"] > 0.5
    assert assesses["studieloopbaanbegeleider"] < 0.25


def test_contact_is_described(sample):
    rel = sample["relationships"]
    assert set(rel["contact_frequency"]) >= {"dagelijks", "wekelijks", "maandelijks", "zelden"}
    notes = rel.loc[rel["contact_note"] != "", "contact_note"]
    assert len(notes) / len(rel) > 0.6
    assert all("; " in note for note in notes)


def test_contact_note_fits_the_contact_frequency(large):
    rel = large["relationships"]
    for prefix, frequency in (("Dagelijks", "dagelijks"), ("Wekelijks", "wekelijks"), ("Maandelijks", "maandelijks")):
        notes = rel[rel["contact_note"].str.startswith(prefix)]
        assert len(notes) > 0 and (notes["contact_frequency"] == frequency).all(), prefix
    negative = rel[(rel["contribution"] == "negatief") & (rel["strength"] != "geen") & (rel["contact_note"] != "")]
    assert not negative["contact_note"].str.contains("open sfeer|prettige samenwerking|voelt vertrouwd").any()


def test_a_werkplekbegeleider_without_klik_is_often_replaced(large):
    rel = relationships_with_roles(large)
    wpb = rel[(rel["role"] == "werkplekbegeleider") & (rel["formal"] == "ja")]
    no_klik = wpb[wpb["klik"] == "nee"][["trainee_id", "person_id", "wave_rank"]]
    following = wpb.assign(wave_rank=wpb["wave_rank"] - 1)[["trainee_id", "person_id", "wave_rank"]]
    trainee_next_wave = rel.assign(wave_rank=rel["wave_rank"] - 1)[["trainee_id", "wave_rank"]].drop_duplicates()
    candidates = no_klik.merge(trainee_next_wave, on=["trainee_id", "wave_rank"])
    kept = candidates.merge(following, on=["trainee_id", "person_id", "wave_rank"])
    replaced = 1 - len(kept) / len(candidates)
    assert replaced == pytest.approx(0.5, abs=0.2)
    new_mentor = candidates.merge(following, on=["trainee_id", "wave_rank"], suffixes=("", "_next"))
    assert (new_mentor["person_id"] != new_mentor["person_id_next"]).any()


def test_latest_wave_differs_between_trainees(sample):
    latest = sample["relationships"].assign(rank=sample["relationships"]["wave"].map(WAVE_RANK))
    assert set(latest.groupby("trainee_id")["rank"].max()) == {1, 2}


# --- signals -----------------------------------------------------------------------


def test_every_signal_occurs_in_the_sample(sample):
    occurrences = signal_occurrences(sample)
    assert set(occurrences) == set(SIGNALS)
    for code in SIGNALS:
        assert occurrences[code] >= 1, code
    # Some trainees have exactly one strong positive relationship covering ≥2 functions.
    assert occurrences["single_point_of_failure"] >= 3


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rare_signals_occur_for_any_seed_of_a_small_partnership(seed):
    occurrences = signal_occurrences(generate(60, seed))
    for code in ("missing_formal", "single_point_of_failure", "mentor_no_klik_repeated"):
        assert occurrences[code] >= 1, code


def test_signal_checks_detect_a_hand_built_case():
    """The checker itself: one trainee, werkplekbegeleider only strong support."""
    tables = {
        "people": pd.DataFrame({"person_id": ["P1", "P2", "P3"], "role": ["werkplekbegeleider",
                                "schoolopleider", "instituutsopleider"]}),
        "trainees": pd.DataFrame({"trainee_id": ["T1"], "cohort": ["2025-2026"]}),
        "relationships": pd.DataFrame({
            "trainee_id": ["T1"] * 5, "person_id": ["P1", "P2", "P1", "P2", "P3"],
            "wave": ["begin", "begin", "midden", "midden", "midden"], "formal": ["ja"] * 5,
            "strength": ["sterk", "sterk", "sterk", "zwak", "geen"],
            "functions": ["gastheer", "reflectie", "gastheer;leermeester", "reflectie", ""],
            "klik": ["ja", "ja", "ja", "ja", "nee"],
            "contribution": ["positief"] * 4 + ["negatief"],
        }),
        "consultations": pd.DataFrame({"trainee_id": ["T1"], "person_a": ["P1"], "person_b": ["P2"],
                                       "wave": ["begin"]}),
        "needs": pd.DataFrame({"trainee_id": ["T1"], "wave": ["midden"], "function": ["vakexpert"]}),
    }
    occurrences = signal_occurrences(tables)
    assert occurrences == {
        "weak_formal": 1, "missing_formal": 1, "no_consultation": 1, "no_klik": 1,
        "negative_contribution": 1, "uncovered_need": 1, "single_point_of_failure": 1,
        "declining": 1, "mentor_no_klik_repeated": 0,
    }


# --- command line -------------------------------------------------------------------


def test_cli_writes_a_csv_folder_and_a_workbook(tmp_path, capsys):
    assert cli.main(["generate", str(tmp_path / "set"), "--trainees", "25", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "25 studenten" in out and str(tmp_path / "set") in out
    assert {p.name for p in (tmp_path / "set").iterdir()} == {spec.file_name for spec in FILES}
    trainees = pd.read_csv(tmp_path / "set" / "trainees.csv", dtype=str)
    assert len(trainees) == 25

    assert cli.main(["--lang", "en", "generate", str(tmp_path / "set.xlsx"), "--trainees", "25",
                     "--seed", "4"]) == 0
    assert "25 trainees" in capsys.readouterr().out
    workbook = pd.read_excel(tmp_path / "set.xlsx", sheet_name=None, dtype=str, keep_default_na=False)
    assert list(workbook) == [spec.name for spec in FILES]
    assert workbook["trainees"].equals(trainees.fillna(""))


def test_cli_rejects_a_bad_count_and_an_unwritable_target_in_dutch(tmp_path, capsys):
    assert cli.main(["generate", str(tmp_path / "x"), "--trainees", "0"]) != 0
    assert "moet minstens 1 zijn" in capsys.readouterr().err
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map", encoding="utf-8")
    assert cli.main(["generate", str(blocker), "--trainees", "5"]) == 1
    err = capsys.readouterr().err
    assert "Kan niet schrijven naar" in err and "Traceback" not in err


def test_generator_texts_exist_in_both_languages():
    keys_nl = {k for k in nl.TEXTS if k.startswith("generator.")}
    keys_en = {k for k in en.TEXTS if k.startswith("generator.")}
    assert keys_nl == keys_en == {"generator.done", "generator.invalid_trainees", "generator.write_failed"}


# --- import of the generated sample (dashboard/exchange/importer.py, another engineer) -------


def _table_counts(db) -> dict[str, int]:
    rows = db.query("store/table_counts")
    return dict(zip(rows["table_name"], rows["n"]))


def _expected_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    counts = {name: len(frame) for name, frame in tables.items()}
    counts["relationship_functions"] = sum(
        len(value.split(";")) for value in tables["relationships"]["functions"] if value
    )
    return counts


def test_the_sample_imports_without_errors(empty_db):
    importer = pytest.importorskip("dashboard.exchange.importer")
    if not hasattr(importer, "import_dataset"):
        pytest.skip("dashboard.exchange.importer.import_dataset not available yet")
    result = importer.import_dataset(empty_db, SAMPLE_DATA_DIR)
    assert [issue.code for issue in result.errors] == [] and result.written
    assert _table_counts(empty_db) == _expected_counts(generate(240, 2025))


def test_a_generated_workbook_imports_without_errors(empty_db, tmp_path):
    importer = pytest.importorskip("dashboard.exchange.importer")
    if not hasattr(importer, "import_dataset"):
        pytest.skip("dashboard.exchange.importer.import_dataset not available yet")
    tables = generate(70, 11)
    write_dataset(tables, tmp_path / "partnerschap.xlsx")
    result = importer.import_dataset(empty_db, tmp_path / "partnerschap.xlsx")
    assert [issue.code for issue in result.errors] == [] and result.written
    assert _table_counts(empty_db) == _expected_counts(tables)
