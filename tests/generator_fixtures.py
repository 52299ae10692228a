"""Checks on generated frames, written straight on the interchange tables
(independent of dashboard.analysis, so a generator test never depends on the
judgement it is meant to feed)."""

from __future__ import annotations

import pandas as pd

from dashboard.core.domain import DEFAULT_NORM_CONSULTATIONS, FORMAL_ROLES, STRENGTH_RANK, WAVE_RANK

Tables = dict[str, pd.DataFrame]


def relationships_with_roles(tables: Tables) -> pd.DataFrame:
    people = tables["people"][["person_id", "role"]]
    rel = tables["relationships"].merge(people, on="person_id", how="left")
    rel = rel.merge(tables["trainees"][["trainee_id", "cohort"]], on="trainee_id", how="left")
    rel["wave_rank"] = rel["wave"].map(WAVE_RANK)
    rel["strength_rank"] = rel["strength"].map(STRENGTH_RANK)
    return rel


def latest_wave(tables: Tables) -> pd.DataFrame:
    """Relationships of each trainee's latest wave (with role and cohort)."""
    rel = relationships_with_roles(tables)
    latest = rel.groupby("trainee_id")["wave_rank"].transform("max")
    return rel[rel["wave_rank"] == latest]


def integrity_violations(tables: Tables) -> list[str]:
    """The contract's integrity rules; an empty list means the dataset is valid."""
    problems: list[str] = []
    schools = set(tables["schools"]["school_id"])
    institutes = set(tables["institutes"]["institute_id"])
    trainees = tables["trainees"]
    people = tables["people"]
    functions = set(tables["functions"]["code"])
    rel = tables["relationships"]
    cons = tables["consultations"]
    needs = tables["needs"]

    for name, frame, key in (
        ("schools", tables["schools"], ["school_id"]),
        ("institutes", tables["institutes"], ["institute_id"]),
        ("trainees", trainees, ["trainee_id"]),
        ("people", people, ["person_id"]),
        ("relationships", rel, ["trainee_id", "person_id", "wave"]),
        ("consultations", cons, ["trainee_id", "person_a", "person_b", "wave"]),
        ("needs", needs, ["trainee_id", "wave", "function"]),
        ("functions", tables["functions"], ["code"]),
        ("norm_roles", tables["norm_roles"], ["programme", "role"]),
        ("norm_consultations", tables["norm_consultations"], ["programme", "role_a", "role_b"]),
    ):
        if frame.duplicated(key).any():
            problems.append(f"{name}: duplicate key {key}")
    if not set(trainees["school_id"]) <= schools:
        problems.append("trainees.school_id unresolved")
    if not set(trainees["institute_id"]) <= institutes:
        problems.append("trainees.institute_id unresolved")
    if not set(people["school_id"]) - {""} <= schools:
        problems.append("people.school_id unresolved")
    if not set(people["institute_id"]) - {""} <= institutes:
        problems.append("people.institute_id unresolved")
    if not set(rel["trainee_id"]) <= set(trainees["trainee_id"]):
        problems.append("relationships.trainee_id unresolved")
    if not set(rel["person_id"]) <= set(people["person_id"]):
        problems.append("relationships.person_id unresolved")
    if (rel["trainee_id"] == rel["person_id"]).any():
        problems.append("self-relationship")
    used = {code for value in rel["functions"] if value for code in value.split(";")}
    if not used <= functions:
        problems.append(f"unknown function codes {sorted(used - functions)}")
    if not set(needs["function"]) <= functions:
        problems.append("needs.function unknown")
    if not set(needs["trainee_id"]) <= set(trainees["trainee_id"]):
        problems.append("needs.trainee_id unresolved")
    if (cons["person_a"] >= cons["person_b"]).any():
        problems.append("consultation not stored with person_a < person_b")
    present = set(zip(rel["trainee_id"], rel["person_id"], rel["wave"]))
    for trainee, a, b, wave in zip(cons["trainee_id"], cons["person_a"], cons["person_b"], cons["wave"]):
        if (trainee, a, wave) not in present or (trainee, b, wave) not in present:
            problems.append(f"consultation {trainee}/{a}/{b}/{wave} without both relationships")
            break
    for column, allowed in (
        ("formal", {"ja", "nee"}), ("assesses", {"ja", "nee"}), ("strength", {"sterk", "zwak", "geen"}),
        ("klik", {"ja", "twijfel", "nee", ""}), ("contribution", {"positief", "negatief"}),
        ("contact_frequency", {"dagelijks", "wekelijks", "maandelijks", "zelden", ""}),
        ("wave", {"begin", "midden", "eind"}),
    ):
        if not set(rel[column]) <= allowed:
            problems.append(f"relationships.{column} outside {sorted(allowed)}")
    return problems


def signal_occurrences(tables: Tables) -> dict[str, int]:
    """How many trainees (or mentors) meet each signal's condition, on the
    latest wave of each trainee under the default norm (programme `*`)."""
    latest = latest_wave(tables)
    formal = latest[latest["formal"] == "ja"]
    counts: dict[str, int] = {}

    counts["weak_formal"] = formal.loc[formal["strength"] != "sterk", "trainee_id"].nunique()

    present_roles = set(zip(formal["trainee_id"], formal["role"]))
    trainee_ids = latest["trainee_id"].unique()
    counts["missing_formal"] = sum(
        1 for trainee in trainee_ids if any((trainee, role) not in present_roles for role in FORMAL_ROLES)
    )

    cons = tables["consultations"]
    role_of = dict(zip(tables["people"]["person_id"], tables["people"]["role"]))
    latest_wave_of = dict(zip(latest["trainee_id"], latest["wave"]))
    consulted_pairs = set()
    for trainee, a, b, wave in zip(cons["trainee_id"], cons["person_a"], cons["person_b"], cons["wave"]):
        if latest_wave_of.get(trainee) == wave:
            consulted_pairs.add((trainee, *sorted((role_of[a], role_of[b]))))
    counts["no_consultation"] = len({
        trainee for trainee in trainee_ids for role_a, role_b in DEFAULT_NORM_CONSULTATIONS
        if (trainee, role_a) in present_roles and (trainee, role_b) in present_roles
        and (trainee, role_a, role_b) not in consulted_pairs
    })

    counts["no_klik"] = formal.loc[formal["klik"] == "nee", "trainee_id"].nunique()
    counts["negative_contribution"] = latest.loc[latest["contribution"] == "negatief", "trainee_id"].nunique()

    strong = latest[(latest["strength"] == "sterk") & (latest["contribution"] == "positief")
                    & (latest["functions"] != "")]
    covered: dict[str, set[str]] = {}
    supporters: dict[str, set[str]] = {}
    for trainee, person, functions in zip(strong["trainee_id"], strong["person_id"], strong["functions"]):
        covered.setdefault(trainee, set()).update(functions.split(";"))
        supporters.setdefault(trainee, set()).add(person)
    needs = tables["needs"]
    counts["uncovered_need"] = len({
        trainee for trainee, wave, function in zip(needs["trainee_id"], needs["wave"], needs["function"])
        if latest_wave_of.get(trainee) == wave and function not in covered.get(trainee, set())
    })
    counts["single_point_of_failure"] = sum(
        1 for trainee, functions in covered.items() if len(functions) >= 2 and len(supporters[trainee]) == 1
    )

    rel = relationships_with_roles(tables)
    formal_all = rel[rel["formal"] == "ja"]
    latest_rank = rel.groupby("trainee_id")["wave_rank"].max()
    formal_all = formal_all.assign(latest_rank=formal_all["trainee_id"].map(latest_rank))
    now = formal_all[formal_all["wave_rank"] == formal_all["latest_rank"]]
    before = formal_all[formal_all["wave_rank"] < formal_all["latest_rank"]]
    best_before = before.groupby(["trainee_id", "person_id"])["strength_rank"].max().rename("best_before")
    joined = now.join(best_before, on=["trainee_id", "person_id"], how="inner")
    counts["declining"] = joined.loc[joined["strength_rank"] < joined["best_before"], "trainee_id"].nunique()

    no_klik_all = formal_all[formal_all["klik"] == "nee"]
    per_mentor = no_klik_all.groupby(["person_id", "cohort", "wave"])["trainee_id"].nunique()
    counts["mentor_no_klik_repeated"] = per_mentor[per_mentor >= 2].reset_index()["person_id"].nunique()
    return counts
