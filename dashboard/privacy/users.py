"""Users of the dashboard: an email mapped to a role and a scope.

| role                 | scope                                   |
|----------------------|-----------------------------------------|
| ``beheerder``        | none (sees everything)                  |
| ``schoolopleider``   | one or more schools (``--school``)      |
| ``instituutsopleider`` | one or more institutes (``--institute``) |
| ``management``       | none (sees aggregates only)             |
| ``werkplekbegeleider`` | exactly one person (``--person``)     |
| ``student``          | exactly one trainee (``--trainee``)     |

Emails are stored lower-case and trimmed, because identity providers do not
agree on case. Adding an email that exists replaces its role and scope.
Every change is recorded in the audit trail in the same transaction.
Login (st.login) and enforcing the scope in queries come later; they read
``get_user``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from dashboard.privacy import audit
from dashboard.store.db import Database, IntegrityError, execute_statements, load_sql
from dashboard.core.i18n import normalise_language, t
from dashboard.core.spreadsheet_safety import MACHINE, frame_csv

ROLES: tuple[str, ...] = ("beheerder", "schoolopleider", "instituutsopleider", "management",
                          "werkplekbegeleider", "student")
# Which kind of scope each role takes (None: no scope at all).
SCOPE_KIND: dict[str, str | None] = {
    "beheerder": None,
    "schoolopleider": "school",
    "instituutsopleider": "institute",
    "management": None,
    "werkplekbegeleider": "person",
    "student": "trainee",
}

_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


class UserError(Exception):
    """A user change that cannot be made; ``message(lang)`` says why."""

    def __init__(self, key: str, **values: object):
        self.key = key
        self.values = values
        super().__init__(t(key, "nl", **values))

    def message(self, lang: str = "nl") -> str:
        return t(self.key, lang, **self.values)


@dataclass(frozen=True)
class User:
    email: str
    role: str
    schools: tuple[str, ...]
    institutes: tuple[str, ...]
    trainees: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()


def normalise_email(email: str) -> str:
    """The stored form of an email (trimmed, lower-case); raises ``UserError`` if it is not one."""
    normal = email.strip().lower()
    if not _EMAIL.match(normal):
        raise UserError("users.bad_email", email=email)
    return normal


def _clean_ids(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))


def _check_known(db: Database, kind: str, ids: Sequence[str]) -> None:
    known = db.query("privacy/users/school_ids" if kind == "school" else "privacy/users/institute_ids")["id"].tolist()
    unknown = [i for i in ids if i not in set(known)]
    if unknown:
        shown = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
        raise UserError(f"users.unknown_{kind}", ids=", ".join(unknown), known=shown or "-")


def _check_one(db: Database, kind: str, role: str, ids: Sequence[str]) -> None:
    """A student's trainee or a werkplekbegeleider's person: exactly one, and stored."""
    if len(ids) != 1:
        raise UserError(f"users.needs_one_{kind}", role=role)
    known = db.query(f"privacy/users/{kind}_ids", {"ids": list(ids)})["id"].tolist()
    if not known:
        raise UserError(f"users.unknown_{kind}", ids=ids[0])


def validate(db: Database, email: str, role: str, schools: Iterable[str] = (),
             institutes: Iterable[str] = (), trainees: Iterable[str] = (), persons: Iterable[str] = ()) -> User:
    """The user as it would be stored; raises ``UserError`` for any rule it breaks."""
    normal = normalise_email(email)
    role = role.strip().lower()
    if role not in ROLES:
        raise UserError("users.bad_role", role=role, allowed=", ".join(ROLES))
    school_ids, institute_ids = _clean_ids(schools), _clean_ids(institutes)
    trainee_ids, person_ids = _clean_ids(trainees), _clean_ids(persons)
    kind = SCOPE_KIND[role]
    if kind in ("trainee", "person"):
        if school_ids or institute_ids or (trainee_ids if kind == "person" else person_ids):
            raise UserError(f"users.{kind}_only", role=role)
        _check_one(db, kind, role, trainee_ids if kind == "trainee" else person_ids)
        return User(normal, role, (), (), tuple(trainee_ids), tuple(person_ids))
    if trainee_ids or person_ids:
        raise UserError("users.no_person_scope", role=role)
    if kind is None and (school_ids or institute_ids):
        raise UserError("users.no_scope_allowed", role=role)
    if kind == "school":
        if institute_ids:
            raise UserError("users.schools_only", role=role)
        if not school_ids:
            raise UserError("users.needs_school", role=role)
        _check_known(db, "school", school_ids)
    if kind == "institute":
        if school_ids:
            raise UserError("users.institutes_only", role=role)
        if not institute_ids:
            raise UserError("users.needs_institute", role=role)
        _check_known(db, "institute", institute_ids)
    return User(normal, role, tuple(sorted(school_ids)), tuple(sorted(institute_ids)))


def get_user(db: Database, email: str) -> User | None:
    """The stored user for ``email`` (any case), or None."""
    rows = db.query("privacy/users/list", {"email": email.strip().lower()})
    if rows.empty:
        return None
    row = rows.iloc[0]
    return User(row["email"], row["role"], _split(row["schools"]), _split(row["institutes"]),
                _split(row["trainees"]), _split(row["persons"]))


def _split(joined: str) -> tuple[str, ...]:
    return tuple(joined.split(";")) if joined else ()


def list_users(db: Database) -> pd.DataFrame:
    """email, role, schools, institutes (``;``-joined), unknown_ids, created_at."""
    return db.query("privacy/users/list", {"email": None})


def add_user(db: Database, email: str, role: str, schools: Iterable[str] = (), institutes: Iterable[str] = (),
             trainees: Iterable[str] = (), persons: Iterable[str] = (),
             *, actor: str = audit.ACTOR_CLI, actor_role: str | None = "beheerder") -> tuple[User, bool]:
    """Store a user (replacing an existing one's role and scope); returns (user, replaced)."""
    user = validate(db, email, role, schools, institutes, trainees, persons)
    with db.transaction(changes_data=False) as cursor:
        existing = cursor.execute(load_sql("privacy/users/list"), {"email": user.email}).df()
        replaced = not existing.empty
        # A change keeps the date the account was first made.
        created_at = existing["created_at"].iloc[0].to_pydatetime() if replaced else audit.utc_now()
        execute_statements(cursor, "privacy/users/delete_user", {"email": user.email})
        cursor.execute(load_sql("privacy/users/insert_user"),
                       {"email": user.email, "role": user.role, "created_at": created_at})
        for kind, ids in (("school", user.schools), ("institute", user.institutes), ("trainee", user.trainees),
                          ("person", user.persons)):
            for scope_id in ids:
                cursor.execute(load_sql("privacy/users/insert_scope"), {"email": user.email, "kind": kind, "id": scope_id})
        audit.record(cursor, actor, actor_role, "user_change" if replaced else "user_add", subject_id=user.email,
                     detail={"role": user.role, "schools": list(user.schools), "institutes": list(user.institutes),
                             **({"trainees": list(user.trainees)} if user.trainees else {}),
                             **({"persons": list(user.persons)} if user.persons else {})})
    return user, replaced


def remove_user(db: Database, email: str, *, actor: str = audit.ACTOR_CLI,
                actor_role: str | None = "beheerder") -> None:
    """Remove a user and their scope; raises ``UserError`` if there is no such user."""
    normal = email.strip().lower()
    with db.transaction(changes_data=False) as cursor:
        if cursor.execute(load_sql("privacy/users/list"), {"email": normal}).fetchone() is None:
            raise UserError("users.not_found", email=email)
        execute_statements(cursor, "privacy/users/delete_user", {"email": normal})
        audit.record(cursor, actor, actor_role, "user_remove", subject_id=normal)


# --- command line ------------------------------------------------------------


def _print_list(frame: pd.DataFrame, output: str, lang: str) -> None:
    shown = frame.copy()
    shown["created_at"] = [pd.Timestamp(v).isoformat(sep=" ", timespec="seconds") for v in shown["created_at"]]
    shown = shown.astype("str")
    if output == "json":
        print(json.dumps(shown.to_dict(orient="records"), ensure_ascii=False, indent=2))
    elif output == "csv":
        sys.stdout.write(frame_csv(shown, MACHINE))
    elif shown.empty:
        print(t("users.list_empty", lang))
    else:
        print(shown.to_string(index=False))
        for row in shown.itertuples(index=False):
            if row.unknown_ids:
                print(t("users.scope_gone", lang, email=row.email, ids=row.unknown_ids.replace(";", ", ")))


def command_users(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    db = audit.open_database(args.db, lang)
    if db is None:
        return 2
    try:
        if args.users_command == "list":
            _print_list(list_users(db), args.format, lang)
        elif args.users_command == "add":
            user, replaced = add_user(db, args.email, args.role, args.school or (), args.institute or (),
                                      [args.trainee] if getattr(args, "trainee", None) else (),
                                      [args.person] if getattr(args, "person", None) else ())
            scope = ", ".join(user.schools or user.institutes or user.trainees or user.persons) or "-"
            print(t("users.changed" if replaced else "users.added", lang, email=user.email, role=user.role,
                    scope=scope))
        else:
            remove_user(db, args.email)
            print(t("users.removed", lang, email=args.email.strip().lower()))
    except UserError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 1
    except IntegrityError as exc:  # the write was refused and rolled back: nothing was changed
        print(exc.message(lang), file=sys.stderr)
        return 2
    finally:
        db.close()
    return 0
