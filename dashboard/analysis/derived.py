"""The derived layer (issue 15): per trainee and wave, coverage and the
trainee-level signal facts under the stored norms, kept in DuckDB tables
(``queries/store/schema/006_derived.sql``) so that a page reads a few rows
instead of evaluating the rules again on every rerun.

One definition of every rule: the rows are computed by the analysis's own
files (``_scope.sql``, ``_coverage.sql``, ``_signal_rows.sql``), once per
wave, and read back by ``derived/_coverage.sql`` and
``derived/_signal_rows.sql`` under the names those files define. What
depends on who is in view (the mentor-level signal, every count per group)
and what depends on the language (the sentences) is computed at read time.

When: every writer that changes the analysis's input calls :func:`refresh`
inside its own transaction (the import and a norm adoption: everything; a
capture save: its trainee and whoever rates the same people). A write that
cannot (an erasure or purge, in the privacy layer below this one) empties the
tables; :func:`ensure` then computes them anew before the next read. Until the
derived version equals the data version the analysis computes from the
stored rows, as before: the tables are never read stale.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import analysis
from dashboard.core import domain
from dashboard.store.db import Database, bind_used, execute_statements, load_sql, side_by_side

# Coverage and the trainee-level signal facts of one wave, in one statement.
ROW_PARTS = ("analysis/_chosen", "analysis/_scope", "analysis/_coverage", "analysis/_signal_rows",
             "analysis/derived/rows")


class _InTransaction:
    """A stand-in for an unscoped :class:`Database` whose every statement runs
    on one write transaction's cursor, so the refresh reads what the
    transaction wrote (the new rows, a just-adopted norm) before it commits."""

    viewer = None
    read_only = False
    restricted = False

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor

    def scoped(self, viewer: Any) -> _InTransaction:
        return self

    def bind(self, sql: str, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return bind_used(sql, {**(values or {}), **Database.scope_params(self)})

    def query(self, name: str, params: Mapping[str, Any] | None = None):
        sql = load_sql(name)
        return self._cursor.execute(sql, self.bind(sql, params)).df()

    def cursor(self) -> _BorrowedCursor:
        return _BorrowedCursor(self._cursor)


class _BorrowedCursor:
    """The transaction's cursor lent to one question: closing it unregisters
    what the question registered, and leaves the transaction open."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self._cursor = cursor
        self._registered: list[str] = []

    def register(self, name: str, table: Any) -> Any:
        self._registered.append(name)
        return self._cursor.register(name, table)

    def execute(self, sql: Any, params: Any = None) -> Any:
        return self._cursor.execute(sql, params)

    def sql(self, sql: str, params: Any = None) -> Any:
        return self._cursor.sql(sql, params=params)

    def close(self) -> None:
        for name in self._registered:
            self._cursor.unregister(name)
        self._registered.clear()


@contextmanager
def _registered(cursor: duckdb.DuckDBPyConnection, tables: Mapping[str, Any]) -> Iterator[None]:
    for name, table in tables.items():
        cursor.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            cursor.unregister(name)


def _jobs(db: Any, waves: Sequence[str]) -> list[analysis.Job]:
    """The rows of each wave (a wave is the `evaluated` wave of _scope.sql), under the stored norms."""
    tables = analysis._analysis_tables(db, None)
    return [(ROW_PARTS, analysis._filter_params(analysis.Filters(wave=wave)), tables) for wave in waves]


def _compute_all(db: _InTransaction, cursor: duckdb.DuckDBPyConnection) -> list[pa.Table]:
    found = []
    for parts, params, tables in _jobs(db, domain.WAVES):
        sql = "\n".join(load_sql(part) for part in (analysis._VISIBLE, *parts))
        with _registered(cursor, {name: t for name, t in tables.items() if name in analysis._names_in(sql)}):
            found.append(cursor.sql(sql, params=db.bind(sql, params)).to_arrow_table())
    return found


def _compute_some(db: _InTransaction, trainees: Sequence[str], waves: Sequence[str]) -> list[pa.Table]:
    """The same rows for a few trainees, from a copy of their rows (as the
    constellation page asks about one trainee): a statement over the national
    tables would scan them whole for each trainee's handful of rows. The
    waves side by side, each on a scratch cursor of its own."""
    rows = analysis._copied_rows(db, ("analysis/derived/_copy_trainees",), {"refresh_trainees": list(trainees)})
    # Only the waves in which they have relationships: a wave's rows are those of trainees for whom
    # it is the `evaluated` wave of _scope.sql, which needs a relationship in it; any other wave has
    # none (and is cleared all the same). A save of a trainee's latest wave computes one wave, not two.
    present = set(rows["relationships"].column("wave").to_pylist())
    waves = [wave for wave in waves if wave in present]
    if not waves:
        return []
    found = side_by_side(*(functools.partial(analysis._run_on_rows, db, rows, [job]) for job in _jobs(db, waves)))
    return [pa.Table.from_pandas(frame, preserve_index=False) for [frame] in found]


def _of_kind(tables: list[pa.Table], kind: str, name: str, cursor: duckdb.DuckDBPyConnection) -> pa.Table:
    """The rows of one kind as one table of the stored table's columns (a small
    copy's all-null column has no type of its own: it takes the stored one)."""
    schema = cursor.table(name).limit(0).to_arrow_table().schema
    parts = []
    for table in tables:
        rows = table.filter(pc.equal(table.column("kind"), kind))
        parts.append(pa.table({field.name: rows.column(field.name).cast(field.type) for field in schema}))
    return pa.concat_tables(parts) if parts else schema.empty_table()


def refresh(cursor: duckdb.DuckDBPyConnection, trainees: Sequence[str] | None = None,
            from_wave: str | None = None) -> None:
    """Recompute the derived rows inside the caller's write transaction:
    every trainee (None), or only ``trainees``, in every wave or from
    ``from_wave`` on (a wave's rows depend on earlier waves, never on later
    ones). A partial refresh leaves the tables current only if they were
    current before."""
    db = _InTransaction(cursor)
    if trainees is None:
        found = _compute_all(db, cursor)
        execute_statements(cursor, "analysis/derived/clear", {})
    else:
        trainees = sorted(set(trainees))
        waves = list(domain.WAVES[domain.WAVES.index(from_wave):] if from_wave else domain.WAVES)
        found = _compute_some(db, trainees, waves)
        execute_statements(cursor, "analysis/derived/clear_trainees", {"refresh_trainees": trainees, "waves": waves})
    fresh = {"fresh_coverage": _of_kind(found, "coverage", "derived_coverage", cursor),
             "fresh_signals": _of_kind(found, "signal", "derived_signals", cursor)}
    with _registered(cursor, fresh):
        execute_statements(cursor, "analysis/derived/insert", {})
    execute_statements(cursor, "analysis/derived/mark_fresh" if trainees is None
                       else "analysis/derived/mark_fresh_incremental", {})


def ensure(db: Database) -> bool:
    """Make the derived tables current when they are not (a new or upgraded
    database, after an erasure or purge) and the handle may write; returns
    whether they are current now. Cheap when they are: one row read."""
    if db.data_state()[1]:
        return True
    if db.read_only:
        return False
    unscoped = db.scoped(None)
    with unscoped.transaction(("store/derived/integrity_violations",), changes_data=False) as cursor:
        refresh(cursor)
    return True
