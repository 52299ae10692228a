"""What ``serve`` does with the database before Streamlit starts, in a
short-lived process of its own: ``python -m dashboard.web.prepare``.

Checking the file, bringing the derived layer up to date, building the
database from the sample on a first start and counting the users need DuckDB,
pandas and the analysis (about 130 MB). ``serve``'s launcher only waits for
Streamlit afterwards, so it leaves this work to a child and stays small
(``dashboard.web.server.prepare_database``). The child prints its answer as
one line of JSON; a problem the user can act on goes to stderr, already in
their language, with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.analysis import derived
from dashboard.core.i18n import t
from dashboard.store.db import DamagedDatabaseError, Database, DatabaseError
from dashboard.store.file_check import check_complete
from dashboard.web.server import PreparedDatabase, ServeError


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "being used by another process" in text


def _open(path: Path, lang: str) -> Database:
    try:
        return Database(path)
    except DamagedDatabaseError as exc:
        raise ServeError(exc.message(lang)) from exc
    except DatabaseError as exc:
        if _is_lock_error(exc):
            raise ServeError(t("serve.locked", lang, path=path)) from exc
        raise ServeError(t("serve.cannot_open", lang, path=path, reason=exc)) from exc


def prepare_database(path: Path, sample_dir: Path, lang: str = "nl") -> PreparedDatabase:
    """Make sure the database at ``path`` (absolute) exists; on first start build it from
    ``sample_dir``.

    A failed build removes the new file again, so the next start tries afresh
    instead of serving an empty database. The database is closed on return:
    the Streamlit process opens it itself.
    """
    if path.exists():
        try:
            # Cut off after an intact header, a file opens and its pages fail later: refuse now.
            check_complete(path, lang)
        except DamagedDatabaseError as exc:
            raise ServeError(exc.message(lang)) from exc
        db = _open(path, lang)
        try:
            derived.ensure(db)  # an upgraded or erased-from file: the derived layer before the first page
            return PreparedDatabase(path, False, db.table_counts()["trainees"])
        finally:
            db.close()

    from dashboard.exchange.importer import import_dataset  # the import is heavy; only the first start needs it

    db = _open(path, lang)
    try:
        result = import_dataset(db, sample_dir)
        trainees = db.table_counts()["trainees"]
    except BaseException:
        db.close()
        _remove_database(path)
        raise
    db.close()
    if not result.ok:
        _remove_database(path)
        details = "\n".join(f"  - {error.message(lang)}" for error in list(result.errors)[:20])
        raise ServeError(t("serve.sample_failed", lang, source=sample_dir) + "\n" + details)
    return PreparedDatabase(path, True, trainees)


def _remove_database(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def count_users(path: Path) -> int | None:
    """How many users may log in (server mode); None when the database cannot be read."""
    from dashboard.privacy.users import list_users  # pandas and the audit module: only server mode needs them

    try:
        with Database(path) as db:
            return len(list_users(db))
    except DatabaseError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.web.prepare")
    parser.add_argument("path", type=Path)
    parser.add_argument("--sample-dir", type=Path, required=True)
    parser.add_argument("--lang", default="nl")
    parser.add_argument("--count-users", action="store_true")
    args = parser.parse_args(argv)
    try:
        prepared = prepare_database(args.path, args.sample_dir, args.lang)
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 1
    users = count_users(prepared.path) if args.count_users else None
    print(json.dumps({"path": str(prepared.path), "built_from_sample": prepared.built_from_sample,
                      "trainees": prepared.trainees, "users": users}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
