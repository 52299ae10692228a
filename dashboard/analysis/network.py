"""Ego-network measures that SQL cannot compute well: effective size and
Burt's constraint, exactly as networkx computes them.

The ego network of a trainee in a wave is unweighted and undirected: the
trainee, their alters (relationships rated sterk or zwak), an edge from the
trainee to every alter, and the consultations between alters.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Iterable, Sequence

import networkx as nx

# A node that cannot collide with any person id (those are strings).
EGO: tuple[str] = ("ego",)


def ego_graph(alters: Iterable[Hashable], ties: Iterable[Sequence[Hashable]]) -> nx.Graph:
    """The trainee's ego network; ties between non-alters are ignored."""
    graph = nx.Graph()
    graph.add_node(EGO)
    alter_set = set(alters)
    graph.add_edges_from((EGO, alter) for alter in alter_set)
    graph.add_edges_from((a, b) for a, b in ties if a in alter_set and b in alter_set and a != b)
    return graph


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def ego_measures(alters: Iterable[str], ties: Iterable[Sequence[str]]) -> tuple[float | None, float | None]:
    """(effective size, constraint) of the trainee in their ego network.

    Both are None without alters: networkx gives NaN for an isolated node,
    and "no network" is not a number. With one alter, networkx gives
    effective size 1.0 and constraint 1.0 (all of the trainee's network
    hangs on that one person).
    """
    ordered = sorted(set(alters))
    position = {alter: i for i, alter in enumerate(ordered)}
    shape = frozenset(
        (min(position[a], position[b]), max(position[a], position[b]))
        for a, b in ties
        if a in position and b in position and a != b
    )
    return _measures_of_shape(len(ordered), shape)


@functools.lru_cache(maxsize=65536)
def _measures_of_shape(n_alters: int, ties: frozenset[tuple[int, int]]) -> tuple[float | None, float | None]:
    # Ego networks are small and repeat the same few shapes across thousands of
    # trainees; networkx runs once per shape (alters numbered 0..n-1).
    if n_alters == 0:
        return None, None
    graph = ego_graph(range(n_alters), ties)
    effective_size = nx.effective_size(graph, nodes=[EGO])[EGO]
    constraint = nx.constraint(graph, nodes=[EGO])[EGO]
    return _finite(effective_size), _finite(constraint)
