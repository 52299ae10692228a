"""The benchmark's direct-SQL floors (dashboard/tools/floors.py, queries/tools/bench/floor_*.sql)
answer the same question as the product: on a generated partnership, each floor returns the
rows the product function returns (as a multiset; the product's order is cosmetic). Were a
floor to answer less, its figure would flatter the product."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from dashboard import analysis
from dashboard.analysis import Filters, scenarios, suggestions, triage
from dashboard.exchange.generator import generate
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import write_dataset
from dashboard.store.db import Database
from dashboard.tools import bench, floors

N_TRAINEES = 150


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("floors")
    write_dataset(generate(N_TRAINEES, 2025), folder / "csv")
    with Database(folder / "floors.duckdb") as handle:
        assert import_dataset(handle, folder / "csv").ok
        yield handle


@pytest.fixture(scope="module")
def bound(db: Database) -> dict:
    return floors.inputs(db)


def _value(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, (list, tuple)):
        return tuple(sorted(value))
    return value


def product_rows(frame: pd.DataFrame, columns: list[str]) -> Counter:
    return Counter(tuple(_value(v) for v in row) for row in frame[columns].astype(object).itertuples(index=False))


def floor_rows(table, columns: list[str]) -> Counter:
    return Counter(tuple(_value(v) for v in row) for row in floors.rows(table, columns))


def assert_same(frame: pd.DataFrame, table, columns: list[str]) -> None:
    product, floor = product_rows(frame, columns), floor_rows(table, columns)
    assert sum(product.values()) > 0, "nothing to compare: the dataset is too small"
    assert product == floor, (list((product - floor).items())[:5], list((floor - product).items())[:5])


def test_the_stored_norms_let_informal_relationships_count(bound) -> None:
    # The floors bind one informal_counts for every programme: true for stored norms.
    assert bound["informal_counts"] is True


def test_coverage_by_school(db, bound) -> None:
    columns = ["school_id", "group_name", "function", "n_trainees", "n_sterk", "n_zwak", "n_geen", "share_sterk"]
    assert_same(analysis.coverage_by(db, "school"), floors.run(db, "coverage_by_school", bound), columns)


SIGNAL_FACTS = ["trainee_id", "person_id", "function", "code", "severity", "wave"]


def test_signals_of_everyone_without_the_sentence(db, bound) -> None:
    found = analysis.signals(db)
    assert set(found["code"]) >= {"weak_formal", "missing_formal", "no_consultation", "uncovered_need"}
    assert_same(found, floors.run(db, "signals", bound), SIGNAL_FACTS)


def test_signals_of_the_largest_school_and_of_one_trainee(db, bound) -> None:
    school, _ = bench.largest_school(db)
    assert_same(analysis.signals(db, Filters(school=school)), floors.run(db, "signals", bound, school=school),
                SIGNAL_FACTS)
    trainee = str(analysis.signals(db)["trainee_id"].dropna().iloc[0])
    assert_same(analysis.trainee_detail(db, trainee)["signals"], floors.run(db, "signals", bound, trainee=trainee),
                SIGNAL_FACTS)


def test_coverage_per_trainee_of_a_school_and_of_one_trainee(db, bound) -> None:
    # What the lean prototype pages draw.
    columns = ["trainee_id", "wave", "function", "level"]
    school, _ = bench.largest_school(db)
    assert_same(analysis.coverage(db, Filters(school=school)),
                floors.run(db, "coverage_trainees", bound, school=school), columns)
    trainee = str(analysis.trainees(db)["trainee_id"].iloc[0])
    assert_same(analysis.trainee_detail(db, trainee)["coverage"],
                floors.run(db, "coverage_trainees", bound, trainee=trainee), columns)


def test_measures_with_effective_size_and_constraint(db, bound) -> None:
    school, _ = bench.largest_school(db)
    columns = list(analysis.MEASURE_COLUMNS)
    assert_same(analysis.measures(db), floors.run(db, "measures", bound), columns)
    assert_same(analysis.measures(db, Filters(school=school)), floors.run(db, "measures", bound, school=school),
                columns)


TRIAGE_FACTS = ["trainee_id", "tier", "rank", "codes", "new_codes", "n_nu_reasons", "n_signals"]


def test_triage_tiers_and_ranks(db, bound) -> None:
    found = triage.triage(db)
    assert set(found["tier"]) == {"nu", "bespreken", "volgen"}
    assert found["new_codes"].map(len).gt(0).any()  # the previous wave's signals matter
    assert_same(found, floors.run(db, "triage", bound), TRIAGE_FACTS)
    school, _ = bench.largest_school(db)
    assert_same(triage.triage(db, Filters(school=school)), floors.run(db, "triage", bound, school=school),
                TRIAGE_FACTS)


def test_compare_all_schools(db, bound) -> None:
    found = analysis.compare(db, "school")
    assert_same(found, floors.run(db, "compare_by_school", bound), list(found.columns))


def test_suggest_for_trainees_with_open_functions(db, bound) -> None:
    found = analysis.signals(db)
    trainees = found[found["code"].isin(["uncovered_need", "no_klik", "missing_formal"])]["trainee_id"]
    columns = ["trainee_id", "function", "person_id", "rank", "n_strong", "load", "cap", "in_network"]
    compared = 0
    for trainee in trainees.dropna().unique()[:12]:
        product = suggestions.candidates(db, str(trainee))
        floor = floors.run(db, "suggest", bound, trainee=str(trainee))
        assert product_rows(product, columns) == floor_rows(floor, columns), trainee
        compared += len(product)
    assert compared > 0


def test_scenario_leave_for_the_busiest_people(db, bound) -> None:
    columns = ["trainee_id", "wave", "function", "level_before", "level_after", "tier_before", "tier_after",
               "new_codes"]
    busiest = analysis.signals(db)["person_id"].dropna().value_counts().index[:12]
    compared = 0
    for person in busiest:
        product = scenarios.leave(db, str(person))["changes"]
        floor = floors.run(db, "scenario", bound, leaving=str(person))
        assert product_rows(product, columns) == floor_rows(floor, columns), person
        compared += len(product)
    assert compared > 0


def test_the_refresh_floor_evaluates_each_wave_as_the_derived_layer_does(db, bound) -> None:
    # The derived refresh's floor: signals and coverage per wave (the wave a trainee has data in,
    # the data as it stood then). Near miss: the whole data (no upto_wave) differs in an early wave.
    from dashboard.core import domain

    for rank, wave in enumerate(domain.WAVES):
        assert_same(analysis.signals(db, Filters(wave=wave)), floors.run(db, "signals", bound, upto_wave=rank),
                    SIGNAL_FACTS)
        assert_same(analysis.coverage(db, Filters(wave=wave)),
                    floors.run(db, "coverage_trainees", bound, upto_wave=rank), ["trainee_id", "wave", "function", "level"])
    first = analysis.coverage(db, Filters(wave=domain.WAVES[0]))
    assert product_rows(first, ["trainee_id", "wave"]) != floor_rows(
        floors.run(db, "coverage_trainees", bound), ["trainee_id", "wave"])


def test_the_what_if_floor_triages_under_the_proposal(db) -> None:
    # bench's what-if floor: the triage floor bound to the proposal's norms gives the product's
    # tiers under that proposal; near miss: the stored norms give other tiers.
    proposal = bench.present_only_proposal(db)
    under_proposal = triage.triage(db, norm=proposal)
    assert_same(under_proposal, floors.run(db, "triage", floors.inputs_for_norms(db, proposal)), TRIAGE_FACTS)
    assert product_rows(under_proposal, TRIAGE_FACTS) != floor_rows(
        floors.run(db, "triage", floors.inputs(db)), TRIAGE_FACTS)
    institute, _ = bench.largest_group(db, "institute_id")
    assert_same(triage.triage(db, Filters(institute=institute), norm=proposal),
                floors.run(db, "triage", floors.inputs_for_norms(db, proposal), institute=institute), TRIAGE_FACTS)


def test_a_floor_binds_its_values(bound) -> None:
    # Near miss of a formatted value: the SQL names parameters only, never a school or a trainee.
    for name in floors.FLOORS:
        text = floors.sql(name)
        assert "$school" in text or name == "schools"  # _floor_open.sql: every floor but the school list
        assert "'S0" not in text and "'T0" not in text


def test_signals_from_the_rules_skip_the_derived_layer_and_answer_the_same(db, bound) -> None:
    # bench's "signals from the rules" (what signals cost before the derived layer): the
    # handle never reads the layer (near miss: the plain handle does), and the answer is the same.
    rules = bench.FromTheRules(db)
    assert analysis.uses_derived(db) and not analysis.uses_derived(rules)
    assert_same(analysis.signals(rules), floors.run(db, "signals", bound), SIGNAL_FACTS)


def test_constellation_of_one_trainee_on_their_latest_wave(db, bound) -> None:
    # What the lean constellation prototype draws: people, consultations, needs and ghost roles.
    compared = {"relationship": 0, "consultation": 0, "need": 0, "missing_role": 0}
    for trainee in analysis.trainees(db)["trainee_id"].astype(str).head(40):
        product = analysis.constellation(db, trainee)
        latest = product["waves"][-1]
        floor = floors.run(db, "constellation", bound, trainee=trainee).to_pylist()
        of_kind = {kind: [row for row in floor if row["kind"] == kind] for kind in compared}
        relationships = product["relationships"][product["relationships"]["wave"] == latest]
        assert sorted(relationships["person_id"]) == sorted(row["person_a"] for row in of_kind["relationship"])
        consultations = product["consultations"][product["consultations"]["wave"] == latest]
        assert (sorted(map(sorted, zip(consultations["person_a"], consultations["person_b"])))
                == sorted(sorted((row["person_a"], row["person_b"])) for row in of_kind["consultation"]))
        needs = product["needs"][product["needs"]["wave"] == latest]
        assert sorted(needs["function"]) == sorted(row["function"] for row in of_kind["need"])
        missing = product["missing_roles"][product["missing_roles"]["wave"] == latest]
        assert sorted(missing["role"]) == sorted(row["role"] for row in of_kind["missing_role"])
        for kind, rows in of_kind.items():
            compared[kind] += len(rows)
    assert all(compared.values()), compared  # every kind met at least once
