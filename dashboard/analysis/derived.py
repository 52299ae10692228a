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

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from dashboard import analysis
from dashboard.core import domain
from dashboard.store.db import Database, bind_used, execute_statements, load_sql

_LIVE_COVERAGE = ("analysis/_chosen", "analysis/_scope", "analysis/_coverage")
COVERAGE_PARTS = (*_LIVE_COVERAGE, "analysis/derived/coverage_rows")
SIGNAL_PARTS = (*_LIVE_COVERAGE, "analysis/_signal_rows", "analysis/derived/signal_rows")


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


def _jobs(db: Any) -> list[analysis.Job]:
    """The coverage and signal rows of every wave (one statement each: a wave
    is the `evaluated` wave of _scope.sql), under the stored norms."""
    tables = analysis._analysis_tables(db, None)
    jobs: list[analysis.Job] = []
    for wave in domain.WAVES:
        params = analysis._filter_params(analysis.Filters(wave=wave))
        jobs.append((COVERAGE_PARTS, params, tables))
        jobs.append((SIGNAL_PARTS, params, tables))
    return jobs


def _compute_all(db: _InTransaction, cursor: duckdb.DuckDBPyConnection) -> tuple[list[pa.Table], list[pa.Table]]:
    coverage, signals = [], []
    for parts, params, tables in _jobs(db):
        sql = "\n".join(load_sql(part) for part in (analysis._VISIBLE, *parts))
        with _registered(cursor, {name: t for name, t in tables.items() if name in analysis._names_in(sql)}):
            found = cursor.sql(sql, params=db.bind(sql, params)).to_arrow_table()
        (coverage if "analysis/derived/coverage_rows" in parts else signals).append(found)
    return coverage, signals


def _compute_some(db: _InTransaction, trainees: Sequence[str]) -> tuple[list[pa.Table], list[pa.Table]]:
    """The same rows for a few trainees, from a copy of their rows (as the
    constellation page asks about one trainee): a statement over the national
    tables would scan them whole for each trainee's handful of rows."""
    rows = analysis._copied_rows(db, ("analysis/derived/_copy_trainees",), {"refresh_trainees": list(trainees)})
    jobs = _jobs(db)
    found = analysis._run_on_rows(db, rows, jobs)
    coverage = [pa.Table.from_pandas(f, preserve_index=False) for (parts, _, _), f in zip(jobs, found)
                if "analysis/derived/coverage_rows" in parts]
    signals = [pa.Table.from_pandas(f, preserve_index=False) for (parts, _, _), f in zip(jobs, found)
               if "analysis/derived/signal_rows" in parts]
    return coverage, signals


def _concat(tables: list[pa.Table], name: str, cursor: duckdb.DuckDBPyConnection) -> pa.Table:
    """The waves' rows as one table of the stored table's columns (a small
    copy's all-null column has no type of its own: it takes the stored one)."""
    schema = cursor.table(name).limit(0).to_arrow_table().schema
    return pa.concat_tables([t.select(schema.names).cast(schema) for t in tables])


def refresh(cursor: duckdb.DuckDBPyConnection, trainees: Sequence[str] | None = None) -> None:
    """Recompute the derived rows inside the caller's write transaction:
    every trainee (None), or only ``trainees`` (all their waves). A partial
    refresh leaves the tables current only if they were current before."""
    db = _InTransaction(cursor)
    if trainees is None:
        coverage, signals = _compute_all(db, cursor)
        execute_statements(cursor, "analysis/derived/clear", {})
    else:
        trainees = sorted(set(trainees))
        coverage, signals = _compute_some(db, trainees)
        execute_statements(cursor, "analysis/derived/clear_trainees", {"refresh_trainees": trainees})
    fresh = {"fresh_coverage": _concat(coverage, "derived_coverage", cursor),
             "fresh_signals": _concat(signals, "derived_signals", cursor)}
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
