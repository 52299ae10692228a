"""``python -m dashboard serve``: prepare the database and start the dashboard.

The first start without a database builds one from ``sample_data/`` so that a
fresh clone shows a working dashboard at once. Streamlit runs in its own
process (``python -m streamlit run dashboard/app.py``); it finds the database
through ``$CONSTELLATIEMONITOR_DB``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from dashboard.db import DB_ENV_VAR, SAMPLE_DATA_DIR, Database, DatabaseError, default_db_path
from dashboard.i18n import t

APP_PATH = Path(__file__).resolve().parent / "app.py"
DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 8501
MAX_UPLOAD_MB = 50


class ServeError(Exception):
    """A problem the user can act on; the message is already in their language."""


@dataclass(frozen=True)
class PreparedDatabase:
    path: Path
    built_from_sample: bool
    trainees: int


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "being used by another process" in text


def _open(path: Path, lang: str) -> Database:
    try:
        return Database(path)
    except DatabaseError as exc:
        if _is_lock_error(exc):
            raise ServeError(t("serve.locked", lang, path=path)) from exc
        raise ServeError(t("serve.cannot_open", lang, path=path, reason=exc)) from exc


def prepare_database(path: Path | None = None, *, sample_dir: Path = SAMPLE_DATA_DIR, lang: str = "nl") -> PreparedDatabase:
    """Make sure the database exists; on first start build it from the sample data.

    A failed build removes the new file again, so the next start tries afresh
    instead of serving an empty database. The database is closed on return:
    the Streamlit process opens it itself.
    """
    path = (path or default_db_path()).resolve()
    if path.exists():
        db = _open(path, lang)
        try:
            return PreparedDatabase(path, False, db.table_counts()["trainees"])
        finally:
            db.close()

    from dashboard.importer import import_dataset  # the import is heavy; only the first start needs it

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


def streamlit_command(port: int = DEFAULT_PORT, address: str = DEFAULT_ADDRESS) -> list[str]:
    """The command line that starts the dashboard in its own process."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.headless", "true",
        "--server.address", address,
        "--server.port", str(port),
        "--server.enableXsrfProtection", "true",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        # A served dashboard does not reload when files change.
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--client.showErrorDetails", "none",
        "--client.toolbarMode", "minimal",
        "--global.developmentMode", "false",
    ]


def browse_address(address: str) -> str:
    """The host to type in a browser: 0.0.0.0 listens everywhere, but is no address to visit."""
    return "localhost" if address in ("0.0.0.0", "::", "") else address


def command_serve(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "nl")
    path = Path(args.db) if args.db else default_db_path()
    port = args.port if getattr(args, "port", None) is not None else DEFAULT_PORT
    address = getattr(args, "address", None) or DEFAULT_ADDRESS
    try:
        prepared = prepare_database(path, lang=lang)
    except ServeError as exc:
        print(exc, file=sys.stderr)
        return 1
    if prepared.built_from_sample:
        print(t("serve.built", lang, path=prepared.path, source=SAMPLE_DATA_DIR, trainees=prepared.trainees))
    else:
        print(t("serve.using", lang, path=prepared.path, trainees=prepared.trainees))
    print(t("serve.url", lang, url=f"http://{browse_address(address)}:{port}/"), flush=True)
    print(t("serve.stop", lang), flush=True)
    env = {**os.environ, DB_ENV_VAR: str(prepared.path)}
    process = subprocess.Popen(streamlit_command(port, address), env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl+C reaches Streamlit too (same process group); let it shut down cleanly.
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.terminate()
            return process.wait()
