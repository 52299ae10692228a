"""AVG rights: inzage (export), verwijderen (erase) and the bewaartermijn (purge).

Decisions (docs/privacy.md explains them to users):

* An id is looked up both as a trainee and as a person: the same natural
  person may be in both tables (a medestudent who is also a trainee). Their
  email addresses link them to a user account.
* The export holds every row about the id in every table. Third parties appear
  by id (and a person by role), never by name.
* Ids are pseudonyms of natural people (often a student number), so they are
  personal data themselves. The audit row of an erasure therefore keeps no id,
  no hash (a hash of a short number is easily reversed) and no name: only which
  kind of record it was and how many rows went. Its audit id is the reference
  to file with the request. Earlier audit rows keep what was done and when, but
  the erased id is blanked in them.
* A user account is never erased with a person, even when the person's
  e-mail address is the account's (an import sets a person's e-mail; issue
  16 saw an account and its audit history go with an imported person).
  ``person erase --user`` erases the accounts with the person's addresses
  explicitly: the account goes and the address becomes ``gewist`` in the
  audit rows it wrote.
* Retention: a cohort label of the form ``YYYY-YYYY`` (two consecutive years,
  the Dutch school year) ends on 31 July of the second year. By default a
  cohort is purged ``RETENTION_YEARS`` years after that. Labels of any other
  form are never purged automatically; the purge names them so that a
  beheerder can decide.
* The audit trail has a retention of its own (``AUDIT_RETENTION_YEARS``,
  counted from today, whatever ``--before`` says for the cohorts): the
  accountability the AVG asks for outlives the data it is about.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.privacy import audit
from dashboard.store.db import Database, IntegrityError, execute_statements, load_sql, rechain_audit
from dashboard.core.i18n import normalise_language, t
from dashboard.core.spreadsheet_safety import neutralise_formulas, xlsx_text

RETENTION_YEARS = 2
# Audit rows are kept this long (at least a year; docs/privacy.md), also when
# `purge --before` removes cohorts earlier.
AUDIT_RETENTION_YEARS = 2
SCHOOL_YEAR_END = (7, 31)  # month, day: the Dutch school year ends on 31 July

# Export sections, in the order of the JSON object and the workbook's sheets.
SECTIONS: tuple[str, ...] = (
    "trainee",
    "person",
    "relationships",
    "relationship_functions",
    "consultations",
    "needs",
    "valuations",
    "actions",
    "users",
    "user_scopes",
    "audit_log",
)
_COHORT = re.compile(r"^(\d{4})-(\d{4})$")


class SubjectNotFound(LookupError):
    def __init__(self, subject_id: str):
        self.subject_id = subject_id
        super().__init__(subject_id)


# --- inzage ------------------------------------------------------------------


def _params(sql: str, values: dict[str, Any]) -> dict[str, Any]:
    """Exactly the named parameters a statement uses (DuckDB rejects extra ones)."""
    return {name: values[name] for name in dict.fromkeys(re.findall(r"\$([a-z_]+)", sql))}


def _run(cursor, name: str, values: dict[str, Any]) -> pd.DataFrame:
    sql = load_sql(name)
    return cursor.execute(sql, _params(sql, values)).df()


def _collect(cursor, subject_id: str) -> dict[str, pd.DataFrame]:
    emails = _run(cursor, "privacy/avg/emails", {"id": subject_id})["email"].tolist()
    values = {"id": subject_id, "emails": emails}
    return {section: _run(cursor, f"privacy/avg/{section}", values) for section in SECTIONS}


def person_data(db: Database, subject_id: str) -> dict[str, pd.DataFrame]:
    """Every row about ``subject_id`` per section; raises ``SubjectNotFound``."""
    audit.flush()  # the subject's views still being written belong in it
    cursor = db.cursor()
    try:
        sections = _collect(cursor, subject_id)
    finally:
        cursor.close()
    if sections["trainee"].empty and sections["person"].empty:
        raise SubjectNotFound(subject_id)
    return sections


def _json_value(value: Any) -> Any:
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{column: _json_value(value) for column, value in zip(frame.columns, row)}
            for row in frame.itertuples(index=False, name=None)]


def export_json(subject_id: str, sections: dict[str, pd.DataFrame]) -> str:
    document = {"subject_id": subject_id, **{name: _records(sections[name]) for name in SECTIONS}}
    return json.dumps(document, ensure_ascii=False, indent=2)


def export_xlsx(sections: dict[str, pd.DataFrame]) -> bytes:
    """One sheet per section; every cell text, formulas neutralised."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name in SECTIONS:
        sheet = workbook.create_sheet(name)
        records = _records(sections[name])
        texts = pd.DataFrame(
            [["" if v is None else (v if isinstance(v, str) else json.dumps(v)) for v in r.values()] for r in records],
            columns=list(sections[name].columns), dtype="str",
        )
        sheet.append(list(sections[name].columns))
        for row in neutralise_formulas(texts).itertuples(index=False, name=None):
            sheet.append([xlsx_text(cell) for cell in row])  # a control character would not fit XML
    raw = io.BytesIO()
    workbook.save(raw)
    return raw.getvalue()


def export_person(db: Database, subject_id: str, out: str | Path | None = None, *,
                  actor: str = audit.ACTOR_CLI, role: str | None = "beheerder") -> str | Path:
    """Everything about ``subject_id`` as JSON text, or written to ``out`` (.json or .xlsx). Audited."""
    sections = person_data(db, subject_id)
    output = "json"
    if out is not None:
        out = Path(out)
        output = "xlsx" if out.suffix.lower() == ".xlsx" else "json"
        out.parent.mkdir(parents=True, exist_ok=True)
        if output == "xlsx":
            out.write_bytes(export_xlsx(sections))
        else:
            out.write_text(export_json(subject_id, sections) + "\n", encoding="utf-8")
    audit.record(db, actor, role, "person_export", subject_id=subject_id,
                 detail={"format": output, "rows": {name: len(sections[name]) for name in SECTIONS}})
    return out if out is not None else export_json(subject_id, sections)


# --- verwijderen ---------------------------------------------------------------


@dataclass
class Erasure:
    audit_id: int  # the reference to file with the request
    rows: dict[str, int] = field(default_factory=dict)


def linked_users(db: Database, subject_id: str) -> list[str]:
    """The user accounts with one of ``subject_id``'s e-mail addresses (kept by a plain erasure)."""
    cursor = db.cursor()
    try:
        emails = _run(cursor, "privacy/avg/emails", {"id": subject_id})["email"].tolist()
        return _run(cursor, "privacy/avg/user_emails", {"emails": emails})["email"].tolist()
    finally:
        cursor.close()


def erase_person(db: Database, subject_id: str, *, actor: str = audit.ACTOR_CLI,
                 role: str | None = "beheerder", erase_users: bool = False) -> Erasure:
    """Remove ``subject_id`` everywhere in one transaction; raises ``SubjectNotFound``.

    User accounts stay unless ``erase_users``: then the accounts with the
    person's e-mail addresses go too, and their address in the audit trail.
    """
    audit.flush()  # the subject's views still being written are erased too (before the write lock)
    with db.transaction() as cursor:
        sections = _collect(cursor, subject_id)
        if sections["trainee"].empty and sections["person"].empty:
            raise SubjectNotFound(subject_id)
        emails = _run(cursor, "privacy/avg/emails", {"id": subject_id})["email"].tolist()
        users = _run(cursor, "privacy/avg/user_emails", {"emails": emails})["email"].tolist() if erase_users else []
        redacted = _run(cursor, "privacy/avg/redacted_from", {"id": subject_id, "emails": users}).iloc[0]
        execute_statements(cursor, "privacy/avg/erase", {"id": subject_id})
        execute_statements(cursor, "store/derived/clear", {})  # they name the erased too
        if users:
            execute_statements(cursor, "privacy/avg/erase_user", {"emails": users})
        blanked = int(redacted["n"])
        if blanked:  # the redaction changed rows on purpose: seal them again, from the first one
            rechain_audit(cursor, int(redacted["first_id"]))
        counted = [name for name in SECTIONS if name != "audit_log" and (users or name not in ("users", "user_scopes"))]
        rows = {name: len(sections[name]) for name in counted}
        kinds = [kind for kind in ("trainee", "person") if len(sections[kind])] + (["user"] if users else [])
        audit_id = audit.record(cursor, actor, role, "person_erase", detail={
            "kind": kinds, "rows": rows, "audit_rows_blanked": blanked, "audit_chain_resealed": bool(blanked)})
    return Erasure(audit_id, rows)


# --- bewaartermijn ---------------------------------------------------------------


def cohort_end(label: str) -> dt.date | None:
    """31 July of the second year for ``YYYY-YYYY`` (consecutive years); None for other labels."""
    match = _COHORT.match(label.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        return None
    return dt.date(int(match.group(2)), *SCHOOL_YEAR_END)


def _years_back(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February becomes 28 February
        return today.replace(year=today.year - years, day=28)


def default_cutoff(today: dt.date | None = None) -> dt.date:
    """Today minus ``RETENTION_YEARS`` years (29 February becomes 28 February)."""
    return _years_back(today or dt.date.today(), RETENTION_YEARS)


def audit_cutoff(before: dt.date, today: dt.date | None = None) -> dt.date:
    """Audit rows from before this day go in a purge: today minus
    ``AUDIT_RETENTION_YEARS``, or ``before`` when that is earlier."""
    return min(before, _years_back(today or dt.date.today(), AUDIT_RETENTION_YEARS))


@dataclass
class PurgePlan:
    before: dt.date
    cohorts: list[str]  # ended before the cut-off: purged
    unrecognised: list[str]  # labels not of the form YYYY-YYYY: never purged automatically
    rows: dict[str, int]
    audit_before: dt.date | None = None  # audit rows from before this day go (audit_cutoff)


def _plan(cursor, before: dt.date) -> PurgePlan:
    cohorts = _run(cursor, "privacy/avg/cohorts", {})["cohort"].tolist()
    expired = [c for c in cohorts if (end := cohort_end(c)) is not None and end < before]
    unrecognised = [c for c in cohorts if cohort_end(c) is None]
    audit_before = audit_cutoff(before)
    counts = _run(cursor, "privacy/avg/purge_counts", {"cohorts": expired, "audit_before": _midnight(audit_before)})
    return PurgePlan(before, expired, unrecognised, dict(zip(counts["table_name"], counts["n"].astype(int))),
                     audit_before)


def plan_purge(db: Database, before: dt.date) -> PurgePlan:
    """What ``purge(db, before)`` would remove now."""
    cursor = db.cursor()
    try:
        return _plan(cursor, before)
    finally:
        cursor.close()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def purge(db: Database, before: dt.date, *, actor: str = audit.ACTOR_CLI,
          role: str | None = "beheerder") -> tuple[PurgePlan, int]:
    """Remove the cohorts that ended before ``before`` and older audit rows, in one transaction.

    Returns the plan carried out and the id of its audit row.
    """
    with db.transaction() as cursor:
        plan = _plan(cursor, before)
        values = {"cohorts": plan.cohorts, "audit_before": _midnight(plan.audit_before)}
        execute_statements(cursor, "privacy/avg/purge", values)
        execute_statements(cursor, "store/derived/clear", {})  # they hold the purged cohorts' facts
        anchor = cursor.execute(load_sql("privacy/avg/purge_anchor")).fetchall()
        # Removed rows and blanked ids: the rest of the chain is sealed again,
        # starting from the hash of the last row removed (kept in this row).
        rechain_audit(cursor, 0)
        audit_id = audit.record(cursor, actor, role, "purge", detail={
            "before": before.isoformat(), "audit_before": plan.audit_before.isoformat(), "cohorts": plan.cohorts,
            "rows": plan.rows, "audit_anchor": anchor[0][0] if anchor else None})
    return plan, audit_id


# --- command line ------------------------------------------------------------


def _confirmed(yes: bool, lang: str, ask: Callable[[str], str] | None = None) -> bool:
    """--yes, or a "ja"/"yes" typed at a terminal; without a terminal, no."""
    if yes:
        return True
    if not sys.stdin.isatty():
        print(t("avg.needs_yes", lang), file=sys.stderr)
        return False
    return (ask or input)(t("avg.confirm", lang)).strip().lower() in ("ja", "j", "yes", "y")


def command_person(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    db = audit.open_database(args.db, lang)
    if db is None:
        return 2
    try:
        if args.person_command == "export":
            return _person_export(db, args, lang)
        return _person_erase(db, args, lang)
    except SubjectNotFound as exc:
        print(t("avg.not_found", lang, id=exc.subject_id), file=sys.stderr)
        return 1
    except IntegrityError as exc:  # the write was refused and rolled back: nothing was erased
        print(exc.message(lang), file=sys.stderr)
        return 2
    finally:
        db.close()


def _person_export(db: Database, args: argparse.Namespace, lang: str) -> int:
    out = args.out
    if out is not None and Path(out).suffix.lower() not in (".json", ".xlsx"):
        print(t("avg.bad_out", lang, path=out), file=sys.stderr)
        return 2
    try:
        result = export_person(db, args.id, out)
    except OSError as exc:
        print(t("avg.write_error", lang, path=out, detail=str(exc)), file=sys.stderr)
        return 2
    if out is None:
        print(result)
    else:
        print(t("avg.exported", lang, id=args.id, path=result))
    return 0


def _person_erase(db: Database, args: argparse.Namespace, lang: str) -> int:
    sections = person_data(db, args.id)
    erase_users = bool(getattr(args, "user", False))
    print(t("avg.erase_plan", lang, id=args.id))
    for name in SECTIONS:
        if name in ("users", "user_scopes") and not erase_users:
            continue
        if name != "audit_log" and len(sections[name]):
            print(t("avg.rows", lang, table=name, rows=len(sections[name])))
    if not erase_users:
        for email in linked_users(db, args.id):
            print(t("avg.user_kept", lang, email=email))
    if not _confirmed(args.yes, lang):
        print(t("avg.cancelled", lang))
        return 1
    erasure = erase_person(db, args.id, erase_users=erase_users)
    print(t("avg.erased", lang, id=args.id, audit_id=erasure.audit_id))
    return 0


def command_purge(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    today = dt.date.today()
    before = default_cutoff(today)
    if args.before:
        try:
            before = dt.date.fromisoformat(args.before)
        except ValueError:
            print(t("privacy.bad_date", lang, option="--before", value=args.before), file=sys.stderr)
            return 2
        if before > today:
            print(t("avg.before_future", lang, date=before.isoformat()), file=sys.stderr)
            return 2
    db = audit.open_database(args.db, lang)
    if db is None:
        return 2
    try:
        plan = plan_purge(db, before)
        if args.before:
            print(t("avg.purge_plan_before", lang, date=before.isoformat()))
        else:
            print(t("avg.purge_plan", lang, date=before.isoformat(), years=RETENTION_YEARS))
        print(t("avg.purge_audit_plan", lang, date=plan.audit_before.isoformat(), years=AUDIT_RETENTION_YEARS))
        print(t("avg.purge_cohorts", lang, cohorts=", ".join(plan.cohorts) or "-"))
        for label in plan.unrecognised:
            print(t("avg.purge_unrecognised", lang, cohort=label))
        for table, rows in plan.rows.items():
            if rows:
                print(t("avg.rows", lang, table=table, rows=rows))
        if not any(plan.rows.values()):
            print(t("avg.purge_nothing", lang))
            return 0
        if not _confirmed(args.yes, lang):
            print(t("avg.cancelled", lang))
            return 1
        _, audit_id = purge(db, before)
        print(t("avg.purged", lang, audit_id=audit_id))
        return 0
    except IntegrityError as exc:  # the write was refused and rolled back: nothing was purged
        print(exc.message(lang), file=sys.stderr)
        return 2
    finally:
        db.close()
