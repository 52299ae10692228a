"""Invariants of the analysis on generated datasets (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.core import domain
from dashboard.analysis import coverage, measures, signals
from dashboard.store.db import Database
from tests.analysis_fixtures import ALL_FUNCTIONS, Dataset, random_datasets

TRAINEES = ("T1", "T2", "T3")
PEOPLE = {
    "W1": "werkplekbegeleider", "W2": "werkplekbegeleider", "S1": "schoolopleider", "I1": "instituutsopleider",
    "L1": "studieloopbaanbegeleider", "C1": "collega", "M1": "medestudent",
}
RANK = domain.STRENGTH_RANK
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def datasets() -> st.SearchStrategy[Dataset]:
    """Three trainees at one school sharing their mentors, in two cohorts, with one or two waves each."""
    return random_datasets(dict.fromkeys(TRAINEES, "S1"), PEOPLE, cohorts=("2025-2026", "2026-2027"), waves=(1, 2),
                           max_related=5)


def results(data: Dataset) -> tuple:
    db = data.write(Database.in_memory())
    try:
        found = signals(db)
        return (
            coverage(db).sort_values(["trainee_id", "function"]).reset_index(drop=True),
            found.sort_values(list(found.columns)).reset_index(drop=True),
            measures(db).sort_values("trainee_id").reset_index(drop=True),
        )
    finally:
        db.close()


@SETTINGS
@given(datasets(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(data, rnd):
    shuffled = Dataset(rows={table: rnd.sample(rows, len(rows)) for table, rows in data.rows.items()})
    for first, second in zip(results(data), results(shuffled)):
        assert first.equals(second)


@SETTINGS
@given(datasets(), st.sampled_from(TRAINEES), st.lists(st.sampled_from(ALL_FUNCTIONS), unique=True, min_size=1),
       st.booleans())
def test_adding_a_strong_positive_relationship_never_lowers_coverage(data, trainee, functions, formal):
    db = data.write(Database.in_memory())
    try:
        before = coverage(db)
    finally:
        db.close()
    waves = set(before.loc[before["trainee_id"] == trainee, "wave"])
    if not waves:
        return
    wave = waves.pop()
    data.person("NEW", "collega")
    data.rel(trainee, "NEW", wave, formal=formal, strength="sterk", functions=functions)
    db = data.write(Database.in_memory())
    try:
        after = coverage(db)
    finally:
        db.close()
    merged = before.merge(after, on=["trainee_id", "function"], suffixes=("_before", "_after"))
    assert len(merged) == len(before)
    for column in ("level", "level_formal", "level_informal"):
        assert (merged[f"{column}_after"].map(RANK) >= merged[f"{column}_before"].map(RANK)).all()
    added = merged[(merged["trainee_id"] == trainee) & merged["function"].isin(functions)]
    assert (added["level_after"] == "sterk").all()


@SETTINGS
@given(datasets(), st.data())
def test_removing_a_consultation_never_removes_a_no_consultation_signal(data, draw):
    consultations = data.rows["consultations"]
    if not consultations:
        return
    removed = draw.draw(st.sampled_from(consultations))

    def no_consultation(rows: Dataset) -> set:
        db = rows.write(Database.in_memory())
        try:
            found = signals(db)
        finally:
            db.close()
        found = found[found["code"] == "no_consultation"]
        return set(zip(found["trainee_id"], found["person_id"], found["message"]))

    before = no_consultation(data)
    fewer = Dataset(rows={**data.rows, "consultations": [c for c in consultations if c != removed]})
    assert before <= no_consultation(fewer)


@SETTINGS
@given(datasets())
def test_every_coverage_cell_traces_to_the_relationships_that_cause_it(data):
    """Coverage recomputed from the constellation's relationships (an independent oracle)."""
    from dashboard.analysis import constellation

    db = data.write(Database.in_memory())
    try:
        found = coverage(db)
        for trainee_id, cells in found.groupby("trainee_id"):
            relationships = constellation(db, trainee_id)["relationships"]
            wave = cells["wave"].iloc[0]
            current = relationships[(relationships["wave"] == wave)
                                    & (relationships["contribution"] == "positief")]
            for cell in cells.itertuples():
                serving = [(bool(formal), strength) for formal, strength, functions in
                           zip(current["formal"], current["strength"], current["functions"])
                           if cell.function in functions]

                def best(strengths) -> str:
                    return domain.STRENGTHS[max((RANK[s] for s in strengths), default=0)]

                assert cell.level == best(s for _, s in serving)
                assert cell.level_formal == best(s for formal, s in serving if formal)
                assert cell.level_informal == best(s for formal, s in serving if not formal)
    finally:
        db.close()
