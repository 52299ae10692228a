"""Command-line reports: ``flags``, ``coverage``, ``measures``, ``attention`` and ``patterns``.

Each opens the database read-only, asks ``dashboard.analysis`` one question
and prints the answer as a readable table (default), CSV or JSON (one record
per row). Problems with the database file end in a short message in the
user's language and exit code 2, never a traceback.

``--norm FOLDER`` (flags, coverage, attention, patterns) reads
``norm_roles.csv`` / ``norm_consultations.csv`` in memory with the import's own
validation (``dashboard.exchange.importer.read_norm``); it is never stored.

``coverage --by GROUP`` is an aggregate export: small groups are suppressed
by default (``dashboard.privacy.suppression``; ``--min-group K``, 1 turns it off).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

import duckdb
import pandas as pd

from dashboard import analysis
from dashboard.analysis import triage
from dashboard.exchange.importer import read_norm
from dashboard.privacy import suppression
from dashboard.store.db import DamagedDatabaseError, Database, DatabaseError, default_db_path
from dashboard.core.i18n import t
from dashboard.core.spreadsheet_safety import MACHINE, frame_csv

EXIT_DB_PROBLEM = 2

COVERAGE_TRAINEE_COLUMNS = ("trainee_id", "wave", "function", "level", "level_formal", "level_informal")
COVERAGE_GROUP_COLUMNS = ("function", "n_trainees", "n_sterk", "n_zwak", "n_geen", "share_sterk")
EXIT_USAGE = 2
EXIT_BAD_NORM = 1

# The field names of attention and patterns are a contract (issue 17).
ATTENTION_COLUMNS = ("trainee_id", "name", "school_id", "wave", "tier", "rank", "codes", "new_codes", "messages")
PATTERN_COLUMNS = ("group_by", "group_id", "code", "role", "n_trainees", "n_in_group", "share", "message")


def _filters(args: argparse.Namespace) -> analysis.Filters:
    return analysis.Filters(
        school=getattr(args, "school", None),
        institute=getattr(args, "institute", None),
        cohort=getattr(args, "cohort", None),
        programme=getattr(args, "programme", None),
        wave=getattr(args, "wave", None),
    )


def _open(args: argparse.Namespace) -> Database | None:
    """The database read-only, or None after telling the user why not."""
    lang = getattr(args, "lang", "nl")
    path = Path(args.db) if getattr(args, "db", None) else default_db_path()
    if not path.is_file():
        print(t("report.db_missing", lang, path=path), file=sys.stderr)
        return None
    try:
        return Database(path, read_only=True)
    except DamagedDatabaseError as exc:
        print(exc.message(lang), file=sys.stderr)
        return None
    except (DatabaseError, duckdb.Error) as exc:
        print(t("report.db_error", lang, path=path, reason=exc), file=sys.stderr)
        return None


def _plain(value: object) -> object:
    """A cell as JSON/CSV wants it: lists stay lists, missing is None."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def write_frame(frame: pd.DataFrame, output_format: str, lang: str, out: TextIO) -> None:
    """Print ``frame`` as table, csv or json (a JSON array, one record per line)."""
    records = [{column: _plain(value) for column, value in row.items()} for row in frame.to_dict("records")]
    if output_format == "json":
        lines = [json.dumps(record, ensure_ascii=False) for record in records]
        out.write("[\n" + ",\n".join(lines) + ("\n" if lines else "") + "]\n")
        return
    if output_format == "csv":
        flat = pd.DataFrame(
            [{k: ";".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()} for r in records],
            columns=list(frame.columns),
        )
        # Redirected into a .csv and opened in a spreadsheet: no cell may run as a formula.
        out.write(frame_csv(flat, MACHINE))
        return
    if frame.empty:
        out.write(t("report.no_rows", lang) + "\n")
        return
    shown = frame.copy().astype(object)
    for column in shown.columns:
        shown[column] = [
            "-" if _plain(v) is None else (f"{v:.3f}" if isinstance(v, float) else str(v)) for v in shown[column]
        ]
    out.write(shown.to_string(index=False) + "\n")


class _BadNorm(Exception):
    """--norm named a folder whose norm files do not pass the import's checks (already reported)."""


def _norm(args: argparse.Namespace) -> analysis.Norm | None:
    """The in-memory norm of ``--norm FOLDER`` (None without it: the stored norms).
    Errors are printed as an import prints them; raises _BadNorm then."""
    folder = getattr(args, "norm", None)
    if not folder:
        return None
    lang = getattr(args, "lang", "nl")
    found = read_norm(folder)
    if found.errors:
        print(t("report.norm_invalid", lang, path=folder), file=sys.stderr)
        for issue in found.errors:
            print(issue.message(lang), file=sys.stderr)
        raise _BadNorm(folder)
    if found.ignored_programmes:
        print(t("report.norm_ignored", lang, path=folder, programmes=", ".join(found.ignored_programmes)),
              file=sys.stderr)
    return found.norm


def _report(args: argparse.Namespace, ask) -> int:
    try:
        norm = _norm(args)
    except _BadNorm:
        return EXIT_BAD_NORM
    args.loaded_norm = norm
    db = _open(args)
    if db is None:
        return EXIT_DB_PROBLEM
    try:
        frame = ask(db)
    finally:
        db.close()
    write_frame(frame, getattr(args, "format", "table"), getattr(args, "lang", "nl"), sys.stdout)
    return 0


def command_flags(args: argparse.Namespace) -> int:
    """Signals: trainee_id, person_id, function, code, severity, wave, message."""
    return _report(args, lambda db: analysis.signals(
        db, _filters(args), norm=args.loaded_norm, lang=getattr(args, "lang", "nl")))


def min_group(raw: object) -> int | None:
    """``--min-group``: a whole number of at least 1; None when it is not one
    (no value: the configured k, ``access.min_group_size()``)."""
    if raw is None:
        return suppression.effective_k()
    try:
        k = int(str(raw).strip())
    except ValueError:
        return None
    return k if k >= 1 else None


def command_coverage(args: argparse.Namespace) -> int:
    """Coverage per trainee (default) or per group (--by school|institute|cohort|programme).

    Per group it is an aggregate: groups below ``--min-group`` (default the
    configured k) are suppressed, a suppressed figure reads "< k" (or
    "verborgen" for the second group of the complementary rule), and a
    ``suppressed`` column says which rows are hidden.
    """
    by = getattr(args, "by", "trainee") or "trainee"
    lang = getattr(args, "lang", "nl")
    k = min_group(getattr(args, "min_group", None))
    if k is None:
        print(t("suppression.bad_min_group", lang, value=getattr(args, "min_group", None)), file=sys.stderr)
        return EXIT_USAGE

    def ask(db: Database) -> pd.DataFrame:
        if by == "trainee":
            return analysis.coverage(db, _filters(args), norm=args.loaded_norm)[list(COVERAGE_TRAINEE_COLUMNS)]
        id_column = analysis.GROUP_COLUMNS[by]
        found = analysis.coverage_by(db, by, _filters(args), norm=args.loaded_norm)[[id_column, *COVERAGE_GROUP_COLUMNS]]
        return suppression.export_frame(suppression.suppress_groups(found, id_column, k), lang)

    return _report(args, ask)


def command_measures(args: argparse.Namespace) -> int:
    """Measures: trainee_id, wave and the network measures."""
    return _report(args, lambda db: analysis.measures(db, _filters(args)))


def command_attention(args: argparse.Namespace) -> int:
    """The attention list in rank order: trainee_id, name, school_id, wave, tier,
    rank (1 = first, over the whole list), codes, new_codes, messages.
    ``--tier`` and ``--new`` narrow it (ranks stay those of the whole list)."""
    return _report(args, lambda db: triage.triage(
        db, _filters(args), norm=args.loaded_norm, lang=getattr(args, "lang", "nl"),
        tier=getattr(args, "tier", None), new_only=bool(getattr(args, "new", False)),
    )[list(ATTENTION_COLUMNS)])


def command_patterns(args: argparse.Namespace) -> int:
    """The programme's patterns: group_by, group_id, code, role, n_trainees, n_in_group, share, message."""
    return _report(args, lambda db: triage.patterns(
        db, _filters(args), norm=args.loaded_norm, lang=getattr(args, "lang", "nl"))[list(PATTERN_COLUMNS)])
