"""The audit trail: an append-only record of who did what with the data.

Each row says who (the user's email, or ``lokaal`` for the dashboard without
login, or ``cli`` for the command line), in which role, when (UTC), what (an
action code from ``ACTIONS``), about whom (``subject_id``, when the action
concerns one trainee or person) and a small JSON ``detail`` that never holds
names or free text.

Rows are only inserted (``record``). The two documented exceptions live in
``dashboard/privacy/avg.py``: ``purge`` deletes rows older than the audit
trail's own retention (``AUDIT_RETENTION_YEARS``) and ``person erase`` blanks
the erased id (and, for an explicitly erased user, their email) in earlier
rows. See docs/privacy.md.

The rows form a hash chain (``dashboard.core.audit_chain``): each new row
stores the hash of the row before it and of its own content, and
``audit verify`` (:func:`verify_chain`) says whether the chain is intact and
where it breaks. The two redactions re-seal the chain from the first row
they changed, and their own row records that they did.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import queue
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from dashboard.core import audit_chain
from dashboard.store.db import DamagedDatabaseError, Database, DatabaseError, load_sql
from dashboard.core.i18n import normalise_language, t
from dashboard.core.spreadsheet_safety import MACHINE, CsvDialect, frame_csv

ACTOR_LOCAL = "lokaal"  # the dashboard in local mode (no login configured)
ACTOR_CLI = "cli"  # the command line

# Every action the trail knows. Login and constellation views are recorded by
# the pages once login exists (a later step of issue 5).
ACTIONS: tuple[str, ...] = (
    "login",
    "login_denied",
    "view_constellation",
    "download",
    "export",
    "import",
    "import_failed",
    "user_add",
    "user_change",
    "user_remove",
    "person_export",
    "person_erase",
    "purge",
    # A refused attempt to open a trainee or a page (issue 16): subject_id the
    # trainee id asked for, detail the page and the reason.
    "access_denied",
    "norm_adopt",  # issue 14: a norm proposal adopted; detail keeps the previous norm
    "report",  # issue 14: a meeting report made (command line) or downloaded
    "capture",  # a trainee's wave saved on the capture page (dashboard/exchange/capture.py)
)

LOG_COLUMNS: tuple[str, ...] = ("id", "occurred_at", "actor", "role", "action", "subject_id", "detail")


def utc_now() -> dt.datetime:
    """The current time in UTC without a zone, as the audit table stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def record(
    target: Database | duckdb.DuckDBPyConnection,
    actor: str,
    role: str | None,
    action: str,
    subject_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
    *,
    occurred_at: dt.datetime | None = None,
) -> int:
    """Append one row to the audit trail and return its id.

    ``target`` is a ``Database`` (the row is written in a transaction of its
    own) or the cursor of a write transaction that is open (the row commits or
    rolls back with that transaction's work).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action!r}")
    if not actor or not actor.strip():
        raise ValueError("an audit row needs an actor")
    values = {
        "occurred_at": occurred_at or utc_now(),
        "actor": actor.strip(),
        "role": role,
        "action": action,
        "subject_id": subject_id,
        "detail": json.dumps(dict(detail), sort_keys=True, ensure_ascii=False) if detail else None,
    }
    if isinstance(target, Database):
        with target.transaction(("privacy/audit/integrity_violations",), changes_data=False) as cursor:  # an audit row refers to nothing
            return _append(cursor, values)
    return _append(target, values)


# --- views, recorded without waiting -------------------------------------------------
#
# A page view is audited (opening a constellation), but its rerun need not wait
# for the audit row's write transaction (issue 15): the row is handed to one
# writer thread, with the time of the view, and written in order. Whoever reads
# the trail (audit_log, verify_chain, the AVG export) waits for what is pending.

_pending: queue.Queue = queue.Queue()
_writer_lock = threading.Lock()
_writer: list[threading.Thread] = []
_log = logging.getLogger(__name__)


def _write_pending() -> None:
    while True:
        target, args, kwargs = _pending.get()
        try:
            record(target, *args, **kwargs)
        except Exception:  # a view's row must not take the writer down; the log says which
            _log.exception("audit row of a view not written: %s", args[2] if len(args) > 2 else args)
        finally:
            _pending.task_done()


def record_soon(db: Database, actor: str, role: str | None, action: str,
                subject_id: str | None = None, detail: Mapping[str, Any] | None = None) -> None:
    """:func:`record` of a view without waiting for the write: checked now,
    timed now, written by the audit writer thread in order."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action!r}")
    if not actor or not actor.strip():
        raise ValueError("an audit row needs an actor")
    with _writer_lock:
        if not _writer:
            thread = threading.Thread(target=_write_pending, name="audit-writer", daemon=True)
            thread.start()
            _writer.append(thread)
    _pending.put((db, (actor, role, action, subject_id, dict(detail) if detail else None),
                  {"occurred_at": utc_now()}))


def flush() -> None:
    """Wait until every row handed to :func:`record_soon` is written."""
    _pending.join()


def _append(cursor: duckdb.DuckDBPyConnection, values: dict[str, Any]) -> int:
    """Insert one row chained to the last one. Write transactions of one
    database are serialised (``Database.transaction``), so two rows cannot
    both follow the same row."""
    found = cursor.execute(load_sql("privacy/audit/last_hash")).fetchall()
    prev_hash = found[0][0] if found else None
    content = [values[c] for c in audit_chain.CONTENT_COLUMNS]
    ((row_id,),) = cursor.execute(load_sql("privacy/audit/record"), {
        **values, "prev_hash": prev_hash, "row_hash": audit_chain.row_hash(prev_hash, content)}).fetchall()
    return int(row_id)


# --- the chain ---------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    """What ``audit verify`` found: ``broken_id`` is the first row where the
    chain breaks (None: intact), ``problem`` one of ``PROBLEMS``."""

    rows: int
    broken_id: int | None = None
    problem: str | None = None
    previous_id: int | None = None
    last_id: int | None = None
    last_hash: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_id is None


# changed: the row's content no longer matches its hash (edited after it was written).
# link: the row does not follow the one before it (a row removed or inserted between, or the one before rewritten).
# unsealed: the row has no hash (added past the program).
# start: the first row follows a row that no purge removed (rows removed at the start).
PROBLEMS: tuple[str, ...] = ("changed", "link", "unsealed", "start")


def verify_chain(db: Database) -> ChainReport:
    """Recompute the chain over every audit row, oldest first."""
    flush()
    cursor = db.cursor()
    try:
        rows = cursor.execute(load_sql("store/audit_chain/rows"), {"from_id": 0}).fetchall()
        anchors = {a for (a,) in cursor.execute(load_sql("privacy/audit/anchors")).fetchall()}
    finally:
        cursor.close()
    n_content = len(audit_chain.ROW_COLUMNS)
    previous: tuple | None = None
    for row in rows:
        row_id, prev_hash, stored = int(row[0]), row[n_content], row[n_content + 1]

        def broken(problem: str) -> ChainReport:
            return ChainReport(len(rows), row_id, problem, None if previous is None else int(previous[0]))

        if stored is None:
            return broken("unsealed")
        if previous is None:
            if prev_hash is not None and prev_hash not in anchors:
                return broken("start")
        elif prev_hash != previous[n_content + 1]:
            return broken("link")
        if audit_chain.row_hash(prev_hash, row[1:n_content]) != stored:
            return broken("changed")
        previous = row
    if previous is None:
        return ChainReport(0)
    return ChainReport(len(rows), last_id=int(previous[0]), last_hash=previous[n_content + 1])


def format_chain_report(report: ChainReport, lang: str = "nl") -> str:
    if report.rows == 0:
        return t("audit.verify.empty", lang)
    if report.intact:
        return t("audit.verify.intact", lang, rows=report.rows, last_id=report.last_id, last_hash=report.last_hash)
    return t(f"audit.verify.{report.problem}", lang, id=report.broken_id, previous=report.previous_id,
             rows=report.rows)


def _as_timestamp(since: dt.date | dt.datetime | str | None) -> dt.datetime | None:
    if since is None:
        return None
    if isinstance(since, str):
        since = dt.date.fromisoformat(since)
    if isinstance(since, dt.datetime):
        return since
    return dt.datetime.combine(since, dt.time())


def audit_log(
    db: Database, since: dt.date | dt.datetime | str | None = None, action: str | None = None
) -> pd.DataFrame:
    """The audit trail, oldest first; ``since`` (a date counts from 00:00 UTC) and ``action`` filter."""
    flush()
    frame = db.query("privacy/audit/log", {"since": _as_timestamp(since), "action": action})
    return frame[list(LOG_COLUMNS)].reset_index(drop=True)


def _json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    records = []
    for row in frame.itertuples(index=False):
        records.append({
            "id": int(row.id),
            "occurred_at": pd.Timestamp(row.occurred_at).isoformat(),
            "actor": row.actor,
            "role": None if pd.isna(row.role) else row.role,
            "action": row.action,
            "subject_id": None if pd.isna(row.subject_id) else row.subject_id,
            "detail": json.loads(row.detail) if isinstance(row.detail, str) and row.detail else None,
        })
    return records


def format_log(frame: pd.DataFrame, output: str, lang: str = "nl", dialect: CsvDialect = MACHINE) -> str:
    """The trail as text: an aligned ``table``, ``csv`` (formulas neutralised; ``dialect``: the command
    line's by default, a page download passes the user's) or ``json``."""
    if output == "json":
        return json.dumps(_json_records(frame), ensure_ascii=False, indent=2)
    shown = frame.copy()
    shown["occurred_at"] = [pd.Timestamp(v).isoformat(sep=" ") for v in shown["occurred_at"]]
    shown = shown.astype("str").where(frame.notna(), "")
    if output == "csv":
        return frame_csv(shown, dialect)
    if shown.empty:
        return t("audit.empty", lang)
    return shown.to_string(index=False)


def open_database(path: str | None, lang: str) -> Database | None:
    """The database for a privacy command, or None after printing why it cannot be opened."""
    try:
        return Database(path or None)
    except DamagedDatabaseError as exc:
        print(exc.message(lang), file=sys.stderr)
        return None
    except DatabaseError as exc:
        key = "privacy.db_locked" if "lock" in str(exc).lower() else "privacy.db_error"
        print(t(key, lang, path=path or "", detail=str(exc)), file=sys.stderr)
        return None


def command_audit(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    if getattr(args, "audit_command", None) == "verify":
        return _command_verify(args, lang)
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since)
        except ValueError:
            print(t("privacy.bad_date", lang, option="--since", value=args.since), file=sys.stderr)
            return 2
    db = open_database(args.db, lang)
    if db is None:
        return 2
    try:
        frame = audit_log(db, since=since, action=args.action)
    finally:
        db.close()
    text = format_log(frame, args.format, lang)
    sys.stdout.write(text if args.format == "csv" else text + "\n")  # a CSV ends with its own line end
    return 0


def _command_verify(args: argparse.Namespace, lang: str) -> int:
    """``audit verify``: 0 when the chain is intact, 1 (with the first broken row) when not."""
    db = open_database(args.db, lang)
    if db is None:
        return 2
    try:
        report = verify_chain(db)
    finally:
        db.close()
    print(format_chain_report(report, lang), file=sys.stdout if report.intact else sys.stderr)
    return 0 if report.intact else 1
