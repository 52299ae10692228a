"""Network measures: degenerate networks by hand, the rest against networkx."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.analysis import network
from dashboard.analysis import MEASURE_COLUMNS, Filters, measures
from dashboard.store.db import Database
from tests.analysis_fixtures import base, healthy_trainee


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def row_of(found, trainee_id="T1"):
    return found.set_index("trainee_id").loc[trainee_id]


def test_columns(db):
    data, _ = base(), None
    healthy_trainee(data, "T1")
    data.write(db)
    assert list(measures(db).columns) == list(MEASURE_COLUMNS)


def test_no_alters_gives_zero_counts_and_null_ratios(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").rel("T1", "W", strength="geen")  # shown, but no tie
    data.write(db)
    row = row_of(measures(db))
    assert (row["size"], row["n_formal"], row["n_informal"], row["n_strong"], row["n_roles"], row["n_sides"]) == (
        0, 0, 0, 0, 0, 0)
    for column in ("share_strong", "density", "effective_size", "constraint", "ei_index"):
        assert math.isnan(row[column]), column


def test_single_alter(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").rel("T1", "W", strength="zwak")
    data.write(db)
    row = row_of(measures(db))
    assert (row["size"], row["n_formal"], row["n_strong"], row["n_roles"], row["n_sides"]) == (1, 1, 0, 1, 1)
    assert row["share_strong"] == 0.0
    assert math.isnan(row["density"])  # a pair is needed for density
    assert row["effective_size"] == 1.0 and row["constraint"] == 1.0  # as networkx computes them
    assert math.isnan(row["ei_index"])


def test_no_consultations(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").rel("T1", "W")
    data.person("I", "instituutsopleider").rel("T1", "I", strength="zwak")
    data.person("C", "collega").rel("T1", "C", formal=False)
    data.write(db)
    row = row_of(measures(db))
    assert (row["size"], row["n_formal"], row["n_informal"], row["n_strong"]) == (3, 2, 1, 2)
    assert row["share_strong"] == pytest.approx(2 / 3)
    assert row["density"] == 0.0
    assert row["effective_size"] == 3.0
    assert row["constraint"] == pytest.approx(3 * (1 / 3) ** 2)
    assert math.isnan(row["ei_index"])  # no alter-alter ties: nothing crosses or stays
    assert (row["n_roles"], row["n_sides"]) == (3, 2)


def test_consultation_with_a_geen_mentor_is_not_a_tie_and_ei_index(db):
    data = base().trainee("T1")
    for pid, role, strength in (("W", "werkplekbegeleider", "sterk"), ("S", "schoolopleider", "sterk"),
                                ("I", "instituutsopleider", "zwak"), ("L", "studieloopbaanbegeleider", "geen"),
                                ("O", "overig", "zwak")):
        data.person(pid, role).rel("T1", pid, strength=strength)
    data.consult("T1", "W", "S").consult("T1", "S", "I").consult("T1", "W", "I").consult("T1", "I", "L")
    data.consult("T1", "O", "W")
    data.write(db)
    row = row_of(measures(db))
    assert row["size"] == 4
    assert row["density"] == pytest.approx(2 * 4 / (4 * 3))
    # school-school W-S internal; S-I, W-I external; O (side overig) does not count
    assert row["ei_index"] == pytest.approx((2 - 1) / 3)
    assert row["n_sides"] == 3


def test_two_waves_measured_separately(db):
    data = base().trainee("T1")
    data.person("W", "werkplekbegeleider").person("S", "schoolopleider")
    data.rel("T1", "W", "begin").rel("T1", "S", "begin").consult("T1", "W", "S", "begin")
    data.rel("T1", "W", "midden").rel("T1", "S", "midden", strength="geen")
    data.write(db)
    latest = row_of(measures(db))
    assert (latest["wave"], latest["size"]) == ("midden", 1)
    first = row_of(measures(db, Filters(wave="begin")))
    assert (first["wave"], first["size"], first["density"]) == ("begin", 2, 1.0)
    assert first["ei_index"] == -1.0


def test_filters_select_trainees(db):
    data = base().school("S2")
    healthy_trainee(data, "T1")
    healthy_trainee(data, "T2", school="S2")
    data.write(db)
    assert measures(db, Filters(school="S2"))["trainee_id"].tolist() == ["T2"]


# --- against networkx on generated ego networks -------------------------------------

PEOPLE = [f"P{i}" for i in range(7)]
ROLES = ["werkplekbegeleider", "schoolopleider", "instituutsopleider", "studieloopbaanbegeleider",
         "collega", "medestudent", "overig"]


@st.composite
def ego_networks(draw):
    chosen = draw(st.lists(st.sampled_from(PEOPLE), unique=True, max_size=7))
    strengths = {p: draw(st.sampled_from(["sterk", "zwak", "geen"])) for p in chosen}
    pairs = [(a, b) for i, a in enumerate(sorted(chosen)) for b in sorted(chosen)[i + 1:]]
    ties = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    return strengths, ties


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ego_networks())
def test_measures_match_networkx(network_case):
    strengths, ties = network_case
    db = Database.in_memory()
    try:
        data = base().trainee("T1")
        for i, person in enumerate(PEOPLE):
            data.person(person, ROLES[i])
        data.person("Z", "werkplekbegeleider").rel("T1", "Z", strength="geen")  # keeps T1 in scope
        for person, strength in strengths.items():
            data.rel("T1", person, strength=strength, formal=PEOPLE.index(person) < 4)
        for a, b in ties:
            data.consult("T1", a, b)
        data.write(db)
        row = row_of(measures(db))
    finally:
        db.close()

    alters = sorted(p for p, s in strengths.items() if s != "geen")
    graph = nx.Graph()
    graph.add_node("ego")
    graph.add_edges_from(("ego", a) for a in alters)
    graph.add_edges_from((a, b) for a, b in ties if a in alters and b in alters)
    n = len(alters)
    assert row["size"] == n
    assert row["n_strong"] == sum(strengths[a] == "sterk" for a in alters)
    t = graph.number_of_edges() - n
    if n >= 2:
        assert row["density"] == pytest.approx(nx.density(graph.subgraph(alters)))
        assert row["density"] == pytest.approx(2 * t / (n * (n - 1)))
    else:
        assert math.isnan(row["density"])
    if n == 0:
        assert math.isnan(row["effective_size"]) and math.isnan(row["constraint"])
    else:
        assert row["effective_size"] == pytest.approx(nx.effective_size(graph, nodes=["ego"])["ego"])
        assert row["constraint"] == pytest.approx(nx.constraint(graph, nodes=["ego"])["ego"])
        assert row["effective_size"] == pytest.approx(n - 2 * t / n)  # Borgatti's shortcut


def test_network_ego_measures_ignore_ties_to_non_alters():
    assert network.ego_measures(["a", "b"], [("a", "x")]) == network.ego_measures(["a", "b"], [])
    assert network.ego_measures([], []) == (None, None)
