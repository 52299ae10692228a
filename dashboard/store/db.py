"""The one module that owns the database.

* Where the database lives (``default_db_path``).
* Opening it, and creating or upgrading its schema from the versioned files in
  ``queries/store/schema/`` (one transaction for all pending versions).
* Loading SQL statements from ``queries/`` by name.
* Running them: every query gets a fresh cursor, because a DuckDB connection
  must not be shared across threads and Streamlit runs each session on its own
  thread. Values are always bound as parameters.
* Write transactions that check integrity before they commit: references,
  the rules that compare two columns, and the keys that are not PRIMARY KEYs.
* Scope: a handle made with ``Database.scoped(viewer)`` binds that viewer's
  scope (``dashboard.privacy.access``) into every statement it runs, and refuses a
  statement on personal data that does not apply it.
"""

from __future__ import annotations

import copy
import functools
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard.core import audit_chain
from dashboard.core.i18n import DEFAULT_LANGUAGE, t
from dashboard.store.paths import (  # noqa: F401 (named here too: the rest of the code imports them from db)
    DB_ENV_VAR, PROJECT_ROOT, QUERIES_DIR, SAMPLE_DATA_DIR, default_db_path,
)

SCHEMA_DIR = QUERIES_DIR / "store" / "schema"

# Tables that hold the partnership's data, in the order a load writes them.
DATA_TABLES: tuple[str, ...] = (
    "functions",
    "schools",
    "institutes",
    "trainees",
    "people",
    "relationships",
    "relationship_functions",
    "consultations",
    "needs",
    "valuations",
    "actions",
    "norm_roles",
    "norm_consultations",
)

# Statements that read these tables return personal data: for a restricted
# viewer they must apply the scope (use $scope_all and its companions).
PERSONAL_TABLES: tuple[str, ...] = (
    "trainees", "people", "relationships", "relationship_functions", "consultations", "needs",
    "valuations", "actions",
)
_READS_PERSONAL = re.compile(r"\b(?:FROM|JOIN)\s+(?:%s)\b" % "|".join(PERSONAL_TABLES), re.IGNORECASE)
SCOPE_PARAMETER = "$scope_all"

_SCHEMA_FILE = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

# The keys of the four large tables are not PRIMARY KEYs (their indexes cost
# most of an import: queries/store/schema/003_unindexed_keys.sql). The integrity
# checks report a key stored more than once as a row whose column_name is the
# key's columns joined by ", " and whose value is the number of rows.
UNINDEXED_KEYS: dict[str, tuple[str, ...]] = {
    "relationships": ("trainee_id", "person_id", "wave"),
    "relationship_functions": ("trainee_id", "person_id", "wave", "function"),
    "consultations": ("trainee_id", "person_a", "person_b", "wave"),
    "needs": ("trainee_id", "wave", "function"),
    # schema/005_valuations_actions.sql
    "valuations": ("trainee_id", "wave"),
    "actions": ("trainee_id", "wave", "action_id"),
}
# The integrity checks return at most this many rows (their LIMIT).
INTEGRITY_ROWS_SHOWN = 100
# A write transaction's integrity check: an opening that names the rows to
# check, then the rules (queries/store/integrity_rules.sql, one definition).
# A writer that knows which rows it touched names its own opening (the
# import's STAGED_CHECK) before INTEGRITY_RULES.
INTEGRITY_RULES = "store/integrity_rules"
FULL_CHECK: tuple[str, ...] = ("store/integrity_violations", INTEGRITY_RULES)  # every row


def check_sql(check: Sequence[str]) -> str:
    """The statement of an integrity check: its files in order (see FULL_CHECK)."""
    return "\n".join(load_sql(part) for part in check)


class DatabaseError(Exception):
    """A problem with the database file that the user can act on."""


class DamagedDatabaseError(DatabaseError):
    """The file is not a database of this program, or it is damaged
    (truncated, zeroed, overwritten): which file, what is wrong, what to do."""

    def __init__(self, path: os.PathLike[str] | str, detail: object):
        self.path = Path(path)
        self.detail = str(detail).rstrip(".! ")
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        key = "db.damaged.foreign" if _FOREIGN_FILE in self.detail.lower() else "db.damaged.broken"
        return t(key, lang, path=self.path, detail=self.detail)


class WriteFailedError(DatabaseError):
    """Writing failed halfway (a full disk, a file-size limit, a damaged file):
    the transaction was rolled back, so the database is as it was."""

    def __init__(self, path: os.PathLike[str] | str, detail: object):
        self.path = Path(path)
        self.detail = str(detail).rstrip(".! ")
        super().__init__(self.message(DEFAULT_LANGUAGE))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t("db.write_failed", lang, path=self.path, detail=self.detail)


# What DuckDB says about a file that is not (or no longer) a sound database.
_FOREIGN_FILE = "not a valid duckdb database file"
_DAMAGE_MARKERS: tuple[str, ...] = (
    _FOREIGN_FILE, "could not read enough bytes", "corrupt database file", "checksum",
    "failed to load metadata", "database file with version number", "serialization error",
    "invalid block", "database has been invalidated",
)


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error says the database file is damaged or foreign."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error) and any(marker in text for marker in _DAMAGE_MARKERS)


def failure_message(exc: BaseException, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """A message for people about a database failure, or None if ``exc`` is no such failure
    (then it is a programming error, and stays a traceback)."""
    if isinstance(exc, (DamagedDatabaseError, WriteFailedError, IntegrityError)):
        return exc.message(lang)
    if isinstance(exc, DatabaseError):
        return t("db.error", lang, detail=exc)
    if is_damage(exc):
        path = re.search(r'"([^"]+)"', str(exc))
        return DamagedDatabaseError(path.group(1) if path else "?", exc).message(lang)
    return None


class ScopeError(PermissionError):
    """A statement on personal data that does not apply the viewer's scope.

    A programming error, never a user's: it stops the question instead of
    answering it for everyone.
    """


class IntegrityError(DatabaseError):
    """A write would leave a broken reference, a broken two-column rule or a
    repeated key; nothing was written. ``violations`` holds the rows of the
    integrity check (table_name, row_key, column_name, value)."""

    def __init__(self, violations: pd.DataFrame):
        self.violations = violations
        super().__init__(self.message(DEFAULT_LANGUAGE))

    @property
    def repeated_keys(self) -> pd.DataFrame:
        """The violations that are a key stored more than once (see ``UNINDEXED_KEYS``)."""
        return self.violations[[_is_repeated_key(row) for _, row in self.violations.iterrows()]]

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """What was refused, for people: the first violation, and how many more."""
        first = self.violations.iloc[0]
        if _is_repeated_key(first):
            text = t("db.integrity.repeated_key", lang, table=first["table_name"], columns=first["column_name"],
                     key=first["row_key"], count=first["value"])
        else:
            text = t("db.integrity.broken_rule", lang, table=first["table_name"], key=first["row_key"],
                     column=first["column_name"], value=first["value"])
        others = len(self.violations) - 1
        if others >= INTEGRITY_ROWS_SHOWN - 1:  # the check stopped counting
            text += " " + t("db.integrity.more_at_least", lang, count=others)
        elif others:
            text += " " + t("db.integrity.more", lang, count=others)
        return text


def _is_repeated_key(violation: pd.Series) -> bool:
    """Whether a row of the integrity check is a key stored more than once."""
    columns = UNINDEXED_KEYS.get(violation["table_name"])
    return columns is not None and violation["column_name"] == ", ".join(columns)


@functools.cache
def load_sql(name: str) -> str:
    """The text of ``queries/<name>.sql``; ``name`` may contain a sub-folder."""
    path = (QUERIES_DIR / f"{name}.sql").resolve()
    if QUERIES_DIR.resolve() not in path.parents:
        raise ValueError(f"query name outside queries/: {name!r}")
    return path.read_text(encoding="utf-8")


_NAMED_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def bind_used(sql: str, values: Mapping[str, Any] | None) -> dict[str, Any]:
    """The named parameters (``$name``) that ``sql`` uses, from ``values``.

    DuckDB rejects parameters a statement does not name, and a question's
    filters are one set of values for statements that each use a few.
    """
    used = set(_NAMED_PARAMETER.findall(sql))
    return {name: value for name, value in (values or {}).items() if name in used}


def execute_statements(cursor: duckdb.DuckDBPyConnection, name: str, values: Mapping[str, Any]) -> None:
    """Run every statement of ``queries/<name>.sql`` in order, each with the named
    parameters it uses (DuckDB binds parameters for one statement at a time).
    Statements end with ``;`` at the end of a line; comments are lines starting with ``--``.
    """
    lines = [line for line in load_sql(name).splitlines() if not line.lstrip().startswith("--")]
    for statement in re.split(r";[ \t]*$", "\n".join(lines), flags=re.MULTILINE):
        if statement.strip():
            cursor.execute(statement, bind_used(statement, values))


def schema_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every file in queries/schema, in order."""
    found = []
    for path in sorted(SCHEMA_DIR.iterdir()):
        match = _SCHEMA_FILE.match(path.name)
        if match:
            found.append((int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"schema files must be numbered 001, 002, ... without gaps: {versions}")
    return found


LATEST_SCHEMA_VERSION = len(schema_migrations())


def version_named(name: str) -> int:
    """The schema version of the file ``NNN_<name>.sql``: code and tests name a
    version by what it does, so renumbering the files changes nothing else."""
    for version, file_name, _ in schema_migrations():
        if file_name[4:-4] == name:
            return version
    raise LookupError(f"no schema file named {name!r}")


# The version that made the audit trail a hash chain (queries/store/schema/*_audit_chain.sql).
AUDIT_CHAIN_VERSION = version_named("audit_chain")


def rechain_audit(cursor: duckdb.DuckDBPyConnection, from_id: int = 0) -> int:
    """(Re)compute the hash chain of the audit rows from ``from_id`` on, in the
    caller's transaction; returns how many rows were sealed.

    Used by the upgrade to the chained schema (every existing row) and after
    the two documented redactions of the trail (erasure, purge), which change
    rows on purpose and record that they did. The chain continues from the row
    before ``from_id``; with none (the first row, or the first left by a
    purge) from the first row's own stored ``prev_hash``.
    """
    rows = cursor.execute(load_sql("store/audit_chain/rows"), {"from_id": from_id}).fetchall()
    if not rows:
        return 0
    before = cursor.execute(load_sql("store/audit_chain/prev_hash"), {"from_id": from_id}).fetchall()
    start = before[0][0] if before else rows[0][len(audit_chain.ROW_COLUMNS)]
    sealed = pd.DataFrame(
        audit_chain.chain(rows, start),
        columns=["id", "prev_hash", "row_hash"],
    )
    cursor.register("audit_chain_sealed", sealed)
    try:
        cursor.execute(load_sql("store/audit_chain/seal"))
    finally:
        cursor.unregister("audit_chain_sealed")
    return len(sealed)


# Python steps that belong to a schema file (by its name without the number),
# run right after it in the upgrade's transaction.
POST_MIGRATION_STEPS: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] = {
    "audit_chain": rechain_audit,
}


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the database; 0 for an empty database."""
    if not con.execute(load_sql("store/meta/has_schema_version")).fetchone()[0]:
        return 0
    return con.execute(load_sql("store/meta/schema_version")).fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to the latest version in one transaction; returns the version."""
    current = schema_version(con)
    if current > LATEST_SCHEMA_VERSION:
        raise DatabaseError(
            f"database schema version {current} is newer than this program ({LATEST_SCHEMA_VERSION})"
        )
    pending = [m for m in schema_migrations() if m[0] > current]
    if not pending:
        return current
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(load_sql("store/meta/create_schema_version"))
        for version, file_name, sql in pending:
            con.execute(sql)
            step = POST_MIGRATION_STEPS.get(file_name[4:-4])
            if step is not None:
                step(con)
            con.execute(load_sql("store/meta/record_schema_version"), {"version": version, "file": file_name})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return LATEST_SCHEMA_VERSION


# --- the query threads ------------------------------------------------------------
#
# Independent questions run side by side (DuckDB releases the GIL while it
# works). One pool for the process, made once: a pool per call cost a thread
# start and join on every rerun (issue 15). A job already on a pool thread runs
# its own jobs in line, so no pool thread ever waits for another (no deadlock
# when every thread is busy).

QUERY_THREADS = 4
_pool_lock = threading.Lock()
_pool: list[ThreadPoolExecutor] = []
_on_pool_thread = threading.local()


def _query_pool() -> ThreadPoolExecutor:
    with _pool_lock:
        if not _pool:
            _pool.append(ThreadPoolExecutor(max_workers=QUERY_THREADS, thread_name_prefix="query",
                                            initializer=lambda: setattr(_on_pool_thread, "active", True)))
        return _pool[0]


def side_by_side(*jobs: Callable[[], Any]) -> list[Any]:
    """Each job's result, in order: the first on the caller's thread, the
    others on the query threads at the same time."""
    if len(jobs) < 2 or getattr(_on_pool_thread, "active", False):
        return [job() for job in jobs]
    pool = _query_pool()
    others = [pool.submit(job) for job in jobs[1:]]
    try:
        first = jobs[0]()
    finally:
        found = [other.result() for other in others]
    return [first, *found]


# DuckDB errors that mean the write could not be done, not that a statement is wrong.
_WRITE_FAILURES: tuple[type[BaseException], ...] = (
    duckdb.IOException, duckdb.TransactionException, duckdb.FatalException, duckdb.OutOfMemoryException,
    duckdb.InternalException,
)


class Database:
    """A DuckDB database file with the current schema.

    The object may be shared between threads: it keeps one connection and hands
    every query its own cursor. Write transactions are serialised with a lock.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else default_db_path()
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            if is_damage(exc):
                raise DamagedDatabaseError(self.path, exc) from exc
            raise DatabaseError(f"cannot open {self.path}: {exc}") from exc
        try:
            if read_only:
                if schema_version(self._con) != LATEST_SCHEMA_VERSION:
                    raise DatabaseError(f"{self.path} has an older schema; open it once for writing to upgrade")
            else:
                migrate(self._con)
        except duckdb.Error as exc:
            self._con.close()
            if is_damage(exc):
                raise DamagedDatabaseError(self.path, exc) from exc
            raise
        self._write_lock = threading.Lock()
        self.viewer = None  # None: unrestricted (the command line, imports, tests)
        # Values that depend on the data alone, for everyone (the analysis keeps its vocabulary
        # here), keyed by (data version, name): see :meth:`per_version`. Shared by scoped handles.
        self._per_version: dict[tuple[int, str], Any] = {}
        self._per_version_lock = threading.Lock()

    def scoped(self, viewer: Any) -> Database:
        """A handle on the same connection that answers every question for
        ``viewer`` (a ``dashboard.privacy.access.Viewer``). Do not close it: the
        connection belongs to the handle it was made from."""
        view = copy.copy(self)
        view.viewer = viewer
        return view

    @property
    def restricted(self) -> bool:
        """Whether the viewer sees only part of the trainees."""
        return self.viewer is not None and not self.viewer.sees_all_trainees

    def scope_params(self) -> dict[str, Any]:
        """``scope_all`` and the scope lists (schools, institutes, trainees, persons) for this handle's viewer."""
        if self.viewer is None:
            return {"scope_all": True, "scope_schools": [], "scope_institutes": [], "scope_trainees": [],
                    "scope_persons": []}
        return self.viewer.scope_params()

    def bind(self, sql: str, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The named parameters ``sql`` uses from ``values``, with this
        handle's scope. Raises ``ScopeError`` when a restricted viewer's
        statement reads personal data without applying the scope."""
        if self.restricted and SCOPE_PARAMETER not in sql and _READS_PERSONAL.search(sql):
            raise ScopeError("a statement on personal data does not apply the viewer's scope")
        return bind_used(sql, {**(values or {}), **self.scope_params()})

    @classmethod
    def in_memory(cls) -> Database:
        return cls(":memory:")

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A fresh cursor: a connection of its own for one thread's work."""
        return self._con.cursor()

    # -- reading ----------------------------------------------------------

    def query(self, name: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run the named statement from ``queries/`` with bound parameters."""
        return self.query_sql(load_sql(name), params)

    def query_sql(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a statement text (a constant, never built from values) with bound parameters."""
        bound: Sequence[Any] | Mapping[str, Any]
        if params is None or isinstance(params, Mapping):
            bound = self.bind(sql, params)
        else:
            bound = params
        cur = self.cursor()
        try:
            return cur.execute(sql, bound).df()
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        cur = self.cursor()
        try:
            row = cur.execute(sql, params or []).fetchone()
            return None if row is None else row[0]
        finally:
            cur.close()

    def table_counts(self) -> dict[str, int]:
        counts = self.query("store/table_counts")
        return dict(zip(counts["table_name"], counts["n"].astype(int)))

    def data_state(self) -> tuple[int, bool]:
        """(data version, whether the derived tables are current): one row, read per rerun."""
        cur = self.cursor()
        try:
            version, fresh = cur.execute(load_sql("store/meta/data_state")).fetchone()
        finally:
            cur.close()
        return int(version), bool(fresh)

    def per_version(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per data version (:meth:`data_state`): for values that
        depend on the stored data alone and are the same for every viewer, such as
        the norms and the taxonomy that every question binds. The version is read
        before computing, so a value is never filed under a newer version than the
        data it was computed from. Callers must not change what they get."""
        version = self.data_state()[0]
        key = (version, name)
        with self._per_version_lock:
            if key in self._per_version:
                return self._per_version[key]
        value = compute()
        with self._per_version_lock:
            if any(v != version for v, _ in self._per_version):
                self._per_version.clear()  # an older version's values are never read again
            self._per_version[key] = value
        return value

    def is_empty(self) -> bool:
        return self.scalar(load_sql("store/meta/trainee_count")) == 0

    # -- writing ----------------------------------------------------------

    @contextmanager
    def transaction(
        self, integrity: Sequence[str] = FULL_CHECK, *, changes_data: bool = True
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write transaction on its own cursor.

        ``changes_data`` (all but the audit trail's and the users' writes):
        the transaction bumps the data version (:meth:`data_state`), which
        keys the dashboard's caches and leaves the derived tables stale until
        the writer refreshes them in the same transaction
        (``dashboard/analysis/derived.py``).

        Commits only when the block finishes and the integrity check finds
        nothing (no broken reference or two-column rule, no repeated key);
        otherwise rolls back, so the database is exactly as it was.
        ``integrity`` names the check's files (:func:`check_sql`, run on the
        block's cursor, so it sees what the block registered there); a writer
        that knows which rows it touched may check only those (the import
        does: ``dashboard.exchange.importer.STAGED_CHECK``), and one whose rows refer to nothing may name
        a check without rows (the audit trail).
        """
        if self.read_only:
            raise DatabaseError(f"{self.path} is open read-only")
        with self._write_lock:
            cur = self.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                if changes_data:
                    cur.execute(load_sql("store/meta/bump_data_version"))
                yield cur
                violations = cur.execute(check_sql(integrity)).df()
                if len(violations):
                    raise IntegrityError(violations)
                cur.execute("COMMIT")
            except BaseException as exc:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass  # DuckDB already ended it: a failed COMMIT (full disk, file-size limit) rolls back itself
                if isinstance(exc, _WRITE_FAILURES):
                    raise WriteFailedError(self.path, exc) from exc
                raise
            finally:
                cur.close()
