"""The benchmark's direct-SQL floors: for each analysis question ``bench`` times, the most
direct DuckDB SQL for the same answer, one statement, written for speed and independent of
the product's SQL (``queries/tools/bench/floor_*.sql``; tests/test_bench_floors.py checks
that each returns the product's rows). The lean prototype pages
(``dashboard/tools/prototypes/``) read their content through these too.

The inputs (the norms, the taxonomy, the roles' sides) are read once per database and bound
as parameters (:func:`inputs`); every value is a bound parameter, never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from dashboard.core import domain
from dashboard.store.db import Database, bind_used, load_sql

_OPEN = "tools/bench/_floor_open"
_SIGNAL_ROWS = "tools/bench/_floor_signal_rows"
# floor name -> the SQL files it is made of, in order (one statement).
FLOORS: dict[str, tuple[str, ...]] = {
    "coverage_by_school": (_OPEN, "tools/bench/floor_coverage_by_school"),
    "signals": (_OPEN, "tools/bench/floor_signals", _SIGNAL_ROWS, "tools/bench/floor_signals_select"),
    "triage": (_OPEN, "tools/bench/floor_triage", _SIGNAL_ROWS, "tools/bench/floor_triage_select"),
    "measures": (_OPEN, "tools/bench/floor_measures"),
    "compare_by_school": (_OPEN, "tools/bench/floor_signals", _SIGNAL_ROWS, "tools/bench/floor_compare_by_school"),
    "suggest": (_OPEN, "tools/bench/floor_signals", _SIGNAL_ROWS, "tools/bench/floor_suggest"),
    "coverage_trainees": (_OPEN, "tools/bench/floor_coverage_trainees"),
    "constellation": (_OPEN, "tools/bench/floor_constellation"),
    "schools": ("tools/bench/floor_schools",),
    "scenario": (_OPEN, "tools/bench/floor_scenario", _SIGNAL_ROWS, "tools/bench/floor_scenario_select"),
}
STRENGTH_RANK = {"geen": 0, "zwak": 1, "sterk": 2}


def sql(name: str) -> str:
    return "\n".join(load_sql(part) for part in FLOORS[name])


def inputs(db: Database) -> dict[str, Any]:
    """The bound inputs every floor may use: the stored norms (programme -> roles, pairs), the
    taxonomy in its order, the roles' sides. What a question reads besides the data."""
    from dashboard import analysis

    return inputs_for_norms(db, analysis.load_norms(db))


def inputs_for_norms(db: Database, norms: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`inputs` under ``norms`` (programme -> Norm, with "*" for the rest) instead of the
    stored ones: the what-if's proposal."""
    from dashboard import analysis

    roles = [(programme, role, STRENGTH_RANK[strength])
             for programme, norm in norms.items() for role, strength in norm.roles]
    pairs = [(programme, min(a, b), max(a, b)) for programme, norm in norms.items() for a, b in norm.consultations]
    return {
        "norm_programmes": sorted(norms),
        "norm_role_programme": [r[0] for r in roles], "norm_role_role": [r[1] for r in roles],
        "norm_role_rank": [r[2] for r in roles],
        "norm_pair_programme": [p[0] for p in pairs], "norm_pair_a": [p[1] for p in pairs],
        "norm_pair_b": [p[2] for p in pairs],
        # Stored norms always let informal relationships count (analysis.load_norms).
        "informal_counts": all(norm.informal_counts for norm in norms.values()),
        "functions": [str(code) for code in analysis.functions(db)["code"]],
        "role_codes": [r.code for r in domain.ROLES], "role_sides": [r.side for r in domain.ROLES],
        "school": None, "institute": None, "trainee": None, "leaving": None, "upto_wave": None,
        **_caps(),
    }


def _caps() -> dict[str, Any]:
    from dashboard.analysis import suggestions

    caps = {**suggestions.DEFAULT_LOAD_CAPS}
    default_cap = int(caps.pop("*", suggestions.DEFAULT_CAP))
    return {"cap_roles": list(caps), "cap_values": [int(v) for v in caps.values()], "default_cap": default_cap}


def run(db: Database, name: str, bound: Mapping[str, Any], **values: Any) -> pa.Table:
    """The floor ``name`` on a bare cursor of ``db``, every row fetched as Arrow."""
    text = sql(name)
    cur = db.cursor()
    try:
        return cur.sql(text, params=bind_used(text, {**bound, **values})).to_arrow_table()
    finally:
        cur.close()


def runner(db: Database, name: str, bound: Mapping[str, Any], **values: Any) -> Any:
    """A function of no arguments that runs the floor (statement and parameters prepared once)."""
    text = sql(name)
    params = bind_used(text, {**bound, **values})

    def go() -> pa.Table:
        cur = db.cursor()
        try:
            return cur.sql(text, params=params).to_arrow_table()
        finally:
            cur.close()

    return go


def rows(table: pa.Table, columns: Sequence[str]) -> list[tuple]:
    """The table's rows as tuples of ``columns`` (for order-insensitive comparison)."""
    data = table.select(list(columns)).to_pylist()
    return [tuple(tuple(v) if isinstance(v, list) else v for v in (row[c] for c in columns)) for row in data]
