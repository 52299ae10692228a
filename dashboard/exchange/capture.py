"""Capture: one trainee's wave, recorded in the dashboard (the six steps of shared/domain.md).

The capture page (``dashboard/web/views/vastleggen.py``) fills a ``WaveForm``;
``save_wave`` writes it. One definition of every rule: the form becomes the
interchange tables an import would read (``form_tables``), and those go through
the importer's own validation (``importer.validate_source``) and its write path
(``importer.write_staged``). A bad value is an ``ImportIssue`` like a file's,
mapped back to the form field it came from (``CaptureIssue``).

Saving replaces the trainee's wave: rows of that wave the form no longer has
are deleted, in the same transaction as the write, the revision and the audit
row. Two people editing the same wave: each form remembers the revision it
was built from; a save whose revision is no longer the stored one is refused
(``CaptureConflict``, saying who saved when), so nobody overwrites another
unnoticed.

Scope: ``save_wave`` takes the viewer's scoped handle and refuses a trainee the
viewer does not see (``queries/analysis/_visible.sql``), a role that does not
capture (management), and people from outside the trainee's school and
institute who are not already in their network; a forged URL or widget state
cannot widen it.
"""

from __future__ import annotations

import dataclasses
import difflib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboard import analysis
from dashboard.analysis import derived
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t
from dashboard.exchange import importer
from dashboard.exchange.importer import STAGED_CHECK, ImportIssue
from dashboard.privacy import audit
from dashboard.privacy.access import AccessDenied
from dashboard.store.db import Database, execute_statements, load_sql

NEW_PERSON_PREFIX = "N-"
# How alike two names must be for "Bedoelt u …?" (difflib ratio, lower-case).
SIMILAR_NAME_RATIO = 0.8


@dataclass
class PersonRow:
    """One person of the constellation with the relationship's attributes (steps 1 to 4).

    ``person_id`` is None for a person added by name and role; saving gives them an id.
    """

    person_id: str | None
    name: str
    role: str
    formal: bool = False
    functions: list[str] = field(default_factory=list)
    contact_frequency: str = ""
    contact_note: str = ""
    strength: str = ""
    klik: str = ""
    contribution: str = "positief"
    assesses: bool | None = None


@dataclass
class ActionRow:
    """An agreed action (step 6): a function, optionally a person (a key of ``WaveForm.people``, or
    the id of someone the viewer may bring in, such as a step-6 candidate not in the network yet)."""

    action_id: str
    function: str
    person_key: str = ""
    note: str = ""
    status: str = "open"


@dataclass
class WaveForm:
    trainee_id: str
    wave: str
    people: dict[str, PersonRow] = field(default_factory=dict)  # form key -> person
    consultations: list[tuple[str, str]] = field(default_factory=list)  # pairs of form keys
    needs: list[str] = field(default_factory=list)
    support: str = ""
    note: str = ""
    actions: list[ActionRow] = field(default_factory=list)
    # Open actions of the previous wave: (wave, action_id) -> the status chosen now.
    previous_actions: dict[tuple[str, str], str] = field(default_factory=dict)
    base_revision: int = 0  # the revision the form was built from (0: never captured)
    copied_from: str | None = None  # the wave this form was copied forward from


@dataclass(frozen=True)
class CaptureIssue:
    """A refused value, at its form field: section (people, consultations, valuation,
    actions, previous_actions, needs), the form key or row number, and the field."""

    section: str
    key: str | int | None
    field: str | None
    issue: ImportIssue | None
    code: str = ""

    def message(self, lang: str = "nl") -> str:
        lang = normalise_language(lang)
        if self.issue is not None:
            return self.issue.explanation(lang)
        return t(f"capture.error.{self.code}", lang)


class CaptureRefused(Exception):
    """The form has errors; nothing was written. ``issues`` are at their fields."""

    def __init__(self, issues: list[CaptureIssue]):
        self.issues = issues
        super().__init__("; ".join(issue.message() for issue in issues))


class CaptureConflict(Exception):
    """Someone saved this wave after the form was built: refused, nothing written."""

    def __init__(self, saved_by: str, saved_at: Any, revision: int):
        self.saved_by, self.saved_at, self.revision = saved_by, saved_at, revision
        super().__init__(self.message())

    def message(self, lang: str = "nl") -> str:
        when = pd.Timestamp(self.saved_at).strftime("%d-%m-%Y %H:%M") + " UTC"
        return t("capture.conflict", lang, who=self.saved_by, when=when)


# --- reading the stored wave into a form -----------------------------------------


def _text(value: Any) -> str:
    """A stored text as the form holds it: "" for missing (None or NaN from pandas)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _query(db: Database, name: str, **values: Any) -> pd.DataFrame:
    """A capture question, opened by the scope (analysis/_visible.sql) like every analysis question."""
    return analysis.scoped_question(db, f"exchange/capture/{name}", values)


def _trainee_row(db: Database, trainee_id: str) -> pd.Series | None:
    """The trainee's row if the handle's viewer may see and capture them (scope where queries run)."""
    viewer = db.viewer
    if viewer is not None and not viewer.may_capture:
        return None
    found = _query(db, "trainee", trainee_id=trainee_id)
    return None if found.empty else found.iloc[0]


def may_capture(db: Database, trainee_id: str) -> bool:
    """Whether the handle's viewer may see and capture this trainee (scope where queries run)."""
    return _trainee_row(db, trainee_id) is not None


def _require_scope(db: Database, trainee_id: str) -> pd.Series:
    row = _trainee_row(db, trainee_id)  # one question, not may_capture's and then the row's
    if row is None:
        raise AccessDenied(trainee_id)
    return row


def trainee_of(db: Database, trainee_id: str) -> pd.Series:
    """The trainee's row (id, name, school, institute); raises ``AccessDenied`` outside scope."""
    return _require_scope(db, trainee_id)


def captured_waves(db: Database, trainee_id: str) -> list[str]:
    """The waves in which this trainee has relationships, in time order."""
    return _query(db, "waves", trainee_id=trainee_id)["wave"].tolist()


def load_form(db: Database, trainee_id: str, wave: str) -> WaveForm:
    """The stored wave as a form; a wave without relationships starts from the latest earlier
    wave's constellation (copy-forward: people, attributes, overleg), with its open actions
    to be marked."""
    _require_scope(db, trainee_id)
    form = WaveForm(trainee_id, wave)
    revision = _query(db, "revision", trainee_id=trainee_id, wave=wave)
    form.base_revision = int(revision["revision"].iloc[0]) if len(revision) else 0
    source = wave
    rank = domain.WAVE_RANK[wave]
    waves = captured_waves(db, trainee_id)
    if wave not in waves:
        earlier = [w for w in waves if domain.WAVE_RANK[w] < rank]
        source = earlier[-1] if earlier else None
        form.copied_from = source
    if source is not None:
        relationships = _query(db, "relationships", trainee_id=trainee_id, wave=source)
        for row in relationships.itertuples(index=False):
            form.people[row.person_id] = PersonRow(
                person_id=row.person_id, name=row.name, role=row.role, formal=bool(row.formal),
                functions=[f for f in _text(row.functions).split(";") if f],
                contact_frequency=_text(row.contact_frequency), contact_note=_text(row.contact_note),
                strength=row.strength, klik=_text(row.klik), contribution=_text(row.contribution) or "positief",
                assesses=None if pd.isna(row.assesses) else bool(row.assesses))
        consultations = _query(db, "consultations", trainee_id=trainee_id, wave=source)
        form.consultations = [(a, b) for a, b in zip(consultations["person_a"], consultations["person_b"])]
    if source == wave:
        form.needs = _query(db, "needs", trainee_id=trainee_id, wave=wave)["function"].tolist()
        valuation = _query(db, "valuation", trainee_id=trainee_id, wave=wave)
        if len(valuation):
            form.support = valuation["support"].iloc[0]
            form.note = _text(valuation["note"].iloc[0])
        actions = _query(db, "actions", trainee_id=trainee_id, wave=wave)
        form.actions = [ActionRow(row.action_id, row.function, _text(row.person_id), _text(row.note), row.status)
                        for row in actions.itertuples(index=False)]
    for row in open_previous_actions(db, trainee_id, wave).itertuples(index=False):
        form.previous_actions[(row.wave, row.action_id)] = row.status
    return form


def open_previous_actions(db: Database, trainee_id: str, wave: str) -> pd.DataFrame:
    """The actions of earlier waves that were open when this wave began (or are still open)."""
    return _query(db, "previous_actions", trainee_id=trainee_id, wave_rank=domain.WAVE_RANK[wave])


def candidate_people(db: Database, trainee_id: str) -> pd.DataFrame:
    """The people a form may choose: of the trainee's school and institute, or already in their network."""
    return _query(db, "candidate_people", trainee_id=trainee_id)


def similar_names(db: Database, trainee_id: str, name: str) -> list[str]:
    """Names of people at the trainee's school or institute much like ``name`` ("Bedoelt u …?")."""
    return similar_among(candidate_people(db, trainee_id)["name"], name)


def similar_among(names: Iterable[str], name: str) -> list[str]:
    """Those of ``names`` much like ``name`` (``similar_names`` on candidates already read)."""
    wanted = " ".join(name.lower().split())
    if not wanted:
        return []
    return [other for other in names
            if difflib.SequenceMatcher(None, wanted, " ".join(other.lower().split())).ratio() >= SIMILAR_NAME_RATIO]


# --- the form as interchange tables -----------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("ja" if value else "nee")


@dataclass
class _Mapped:
    """The interchange tables of a form, and which form field each row came from."""

    tables: dict[str, pd.DataFrame]
    rows: dict[str, list[tuple[str, str | int | None]]]  # file -> per row: (section, key)
    new_ids: dict[str, str]  # form key -> the id a new person gets


def form_tables(form: WaveForm, trainee: pd.Series, new_ids: dict[str, str] | None = None) -> _Mapped:
    """The form as the text tables of the interchange format (as a file would hold them)."""
    new_ids = dict(new_ids or {})
    ids: dict[str, str] = {}
    people_rows, people_from = [], []
    for key, person in form.people.items():
        if person.person_id:
            ids[key] = person.person_id
            continue
        new_id = new_ids.setdefault(key, NEW_PERSON_PREFIX + secrets.token_hex(4))
        ids[key] = new_id
        side = domain.ROLE_BY_CODE[person.role].side if person.role in domain.ROLE_BY_CODE else "overig"
        people_rows.append({"person_id": new_id, "name": person.name, "role": person.role,
                            "school_id": trainee["school_id"] if side == "school" else "",
                            "institute_id": trainee["institute_id"] if side == "instituut" else ""})
        people_from.append(("people", key))
    relationship_rows = [{
        "trainee_id": form.trainee_id, "person_id": ids[key], "wave": form.wave,
        "formal": _yes_no(person.formal), "strength": person.strength,
        "functions": ";".join(person.functions), "klik": person.klik, "contribution": person.contribution,
        "assesses": _yes_no(person.assesses), "contact_frequency": person.contact_frequency,
        "contact_note": person.contact_note,
    } for key, person in form.people.items()]
    consultation_rows = [{"trainee_id": form.trainee_id, "person_a": ids.get(a, a), "person_b": ids.get(b, b),
                          "wave": form.wave} for a, b in form.consultations]
    need_rows = [{"trainee_id": form.trainee_id, "wave": form.wave, "function": f} for f in form.needs]
    valuation_rows = ([{"trainee_id": form.trainee_id, "wave": form.wave, "support": form.support,
                        "note": form.note}] if form.support or form.note else [])
    action_rows = [{"trainee_id": form.trainee_id, "wave": form.wave, "action_id": action.action_id,
                    "function": action.function, "person_id": ids.get(action.person_key, action.person_key),
                    "note": action.note, "status": action.status} for action in form.actions]
    specs = importer.FILE_BY_NAME

    def frame(name: str, rows: list[dict[str, str]]) -> pd.DataFrame:
        columns = [c for c in specs[name].columns if not rows or c in rows[0]] if rows else \
            [c for c in specs[name].columns if c in _FORM_COLUMNS[name]]
        return pd.DataFrame(rows, columns=columns, dtype="str")

    tables = {
        "people": frame("people", people_rows),
        "relationships": frame("relationships", relationship_rows),
        "consultations": frame("consultations", consultation_rows),
        "needs": frame("needs", need_rows),
        "valuations": frame("valuations", valuation_rows),
        "actions": frame("actions", action_rows),
    }
    rows = {
        "people": people_from,
        "relationships": [("people", key) for key in form.people],
        "consultations": [("consultations", i) for i in range(len(form.consultations))],
        "needs": [("needs", i) for i in range(len(form.needs))],
        "valuations": [("valuation", None)] * len(valuation_rows),
        "actions": [("actions", i) for i in range(len(form.actions))],
    }
    return _Mapped(tables, rows, new_ids)


_FORM_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("person_id", "name", "role", "school_id", "institute_id"),
    "relationships": ("trainee_id", "person_id", "wave", "formal", "strength", "functions", "klik", "contribution",
                      "assesses", "contact_frequency", "contact_note"),
    "consultations": ("trainee_id", "person_a", "person_b", "wave"),
    "needs": ("trainee_id", "wave", "function"),
    "valuations": ("trainee_id", "wave", "support", "note"),
    "actions": ("trainee_id", "wave", "action_id", "function", "person_id", "note", "status"),
}


def _at_field(mapped: _Mapped, issue: ImportIssue) -> CaptureIssue:
    stem = issue.file.removesuffix(".csv")
    origins = mapped.rows.get(stem, [])
    position = (issue.line or 0) - 2
    section, key = origins[position] if 0 <= position < len(origins) else (stem, None)
    return CaptureIssue(section, key, issue.column, issue)


# --- saving ---------------------------------------------------------------------


def _previous_action_tables(db: Database, form: WaveForm) -> pd.DataFrame:
    """The earlier waves' actions whose status the form changes, as full action rows."""
    if not form.previous_actions:
        return pd.DataFrame(columns=list(_FORM_COLUMNS["actions"]), dtype="str")
    stored = open_previous_actions(db, form.trainee_id, form.wave)
    rows = []
    for row in stored.itertuples(index=False):
        status = form.previous_actions.get((row.wave, row.action_id))
        if status is not None and status != row.status:
            rows.append({"trainee_id": form.trainee_id, "wave": row.wave, "action_id": row.action_id,
                         "function": row.function, "person_id": _text(row.person_id), "note": _text(row.note),
                         "status": status})
    return pd.DataFrame(rows, columns=list(_FORM_COLUMNS["actions"]), dtype="str")


def _scope_issues(db: Database, form: WaveForm) -> list[CaptureIssue]:
    """People the viewer may not bring in: from outside the trainee's school and institute and
    not already in their network (a forged widget state), actions naming someone neither in the
    form nor one the viewer may bring in, and overleg pairs naming no form person."""
    allowed = set(candidate_people(db, form.trainee_id)["person_id"])
    issues = [CaptureIssue("people", key, "person_id", None, "person_outside_scope")
              for key, person in form.people.items() if person.person_id and person.person_id not in allowed]
    # An action may name a step-6 candidate the trainee has no relationship with yet: anyone the
    # viewer may bring in (``candidate_people``), not only the people of the form.
    issues += [CaptureIssue("actions", i, "person_id", None, "person_outside_scope")
               for i, action in enumerate(form.actions)
               if action.person_key and action.person_key not in form.people and action.person_key not in allowed]
    issues += [CaptureIssue("consultations", i, "person_b", None, "person_not_in_form")
               for i, (a, b) in enumerate(form.consultations) if a not in form.people or b not in form.people]
    return issues


def validate_form(db: Database, form: WaveForm) -> tuple[_Mapped, importer._Validator | None, list[CaptureIssue]]:
    """The form's tables through the import's validation; issues at their fields."""
    trainee = _require_scope(db, form.trainee_id)
    issues = _scope_issues(db, form)
    if form.wave not in domain.WAVES:
        issues.append(CaptureIssue("wave", None, "wave", None, "bad_wave"))
    mapped = form_tables(form, trainee)
    previous = _previous_action_tables(db, form)
    tables = dict(mapped.tables)
    if len(previous):
        tables["actions"] = pd.concat([tables["actions"], previous], ignore_index=True)
        mapped.rows["actions"] = mapped.rows["actions"] + [("previous_actions", (w, a)) for w, a in
                                                           zip(previous["wave"], previous["action_id"])]
    # The scope is checked above; the rules resolve references against the whole database, as an
    # import's do (a trainee's own rows refer to people and functions the viewer's scope need not hold).
    # Every id the form refers to is known here: the checks look up only those stored keys.
    referenced = {*tables["relationships"]["person_id"], *tables["actions"]["person_id"]} - {""}
    among = {"trainees": [form.trainee_id], "people": sorted(referenced)}
    validator = importer.validate_source(db.scoped(None), importer.source_from_frames(tables), among=among)
    issues += [_at_field(mapped, issue) for issue in validator.issues]
    return mapped, validator, issues


def save_wave(db: Database, form: WaveForm) -> int:
    """Write the form's wave in one transaction; returns the new revision.

    ``db`` is the viewer's scoped handle. Raises ``AccessDenied`` outside scope,
    ``CaptureRefused`` (issues at their fields) or ``CaptureConflict``; each writes nothing.
    """
    viewer = db.viewer
    actor = viewer.actor if viewer is not None else audit.ACTOR_CLI
    role = viewer.role if viewer is not None else "beheerder"
    mapped, validator, issues = validate_form(db, form)
    if issues:
        raise CaptureRefused(issues)
    staged = importer.arrow_tables(validator.staged_tables())
    values = {"trainee_id": form.trainee_id, "wave": form.wave}
    with db.scoped(None).transaction(STAGED_CHECK) as cursor:
        found = cursor.execute(load_sql("exchange/capture/revision"), values).fetchall()
        stored = found[0] if found else None
        current = 0 if stored is None else int(stored[1])
        if current != form.base_revision:
            raise CaptureConflict(stored[2], stored[3], current)
        importer.register_staged(cursor, staged)
        # The wave is the form's: what it no longer has goes (the import's merge never deletes).
        execute_statements(cursor, "exchange/capture/prune_wave", values)
        importer.write_staged(cursor, validator)
        revision = current + 1
        execute_statements(cursor, "exchange/capture/record_revision",
                           {**values, "revision": revision, "saved_by": actor, "saved_at": audit.utc_now()})
        # The derived rows of this trainee from this wave on (a wave's signals look back, never ahead),
        # and of whoever else rates a person the save stored (their name or role may have changed).
        derived.refresh(cursor, [form.trainee_id], from_wave=form.wave)
        if staged["people"].num_rows:  # (every staged table is registered, most of them empty)
            others = [t for (t,) in cursor.execute(load_sql("exchange/capture/affected_trainees"),
                                                   {"trainee_id": form.trainee_id}).fetchall()]
            if others:
                derived.refresh(cursor, others)
        audit.record(cursor, actor, role, "capture", subject_id=form.trainee_id,
                     detail={"wave": form.wave, "revision": revision, "people": len(form.people),
                             "new_people": len(mapped.tables["people"]), "actions": len(form.actions)})
    form.base_revision = revision
    # The new people are stored people now: the form keeps their ids (a second save updates them).
    for key, new_id in mapped.new_ids.items():
        if key in form.people and not form.people[key].person_id:
            form.people[key] = dataclasses.replace(form.people[key], person_id=new_id)
    return revision


def next_person_key(form: WaveForm) -> str:
    """A form key for a person added by name: nieuw1, nieuw2, ... (never a stored person id)."""
    number = 1
    while f"nieuw{number}" in form.people:
        number += 1
    return f"nieuw{number}"


def next_action_id(form: WaveForm) -> str:
    """A free action id of this wave: A1, A2, ..."""
    used = {action.action_id for action in form.actions}
    number = 1
    while f"A{number}" in used:
        number += 1
    return f"A{number}"


def capture_status(db: Database, wave: str | None = None) -> pd.DataFrame:
    """Per trainee in scope and wave: filled in (relationships or a valuation) or not yet, with the
    last capture's time. One row per (trainee, wave) of the chosen wave, or of every wave."""
    return _query(db, "status", wave=wave)


def person_choices(frame: pd.DataFrame, chosen: Sequence[str]) -> pd.DataFrame:
    """The candidate people not chosen yet, by name."""
    return frame[~frame["person_id"].isin(list(chosen))].sort_values(["name", "person_id"])


def form_constellation(form: WaveForm, trainee: pd.Series) -> dict[str, Any]:
    """The form as the constellation the drawing of the constellation page takes
    (``dashboard.analysis.constellation``'s shape): it grows as the form is filled in."""
    rows = [{"person_id": key, "name": person.name, "role": person.role, "formal": person.formal,
             "strength": person.strength or "geen", "contribution": person.contribution or "positief",
             "klik": person.klik or None, "functions": list(person.functions), "wave": form.wave,
             "assesses": person.assesses, "contact_frequency": person.contact_frequency or None,
             "contact_note": person.contact_note} for key, person in form.people.items()]
    columns = ["person_id", "name", "role", "formal", "strength", "contribution", "klik", "functions", "wave",
               "assesses", "contact_frequency", "contact_note"]
    return {
        "trainee": {"trainee_id": form.trainee_id, "name": trainee["name"]},
        "relationships": pd.DataFrame(rows, columns=columns),
        "consultations": pd.DataFrame([{"person_a": a, "person_b": b, "wave": form.wave} for a, b in form.consultations],
                                      columns=["person_a", "person_b", "wave"]),
        "missing_roles": pd.DataFrame(columns=["role", "wave"]),
        "waves": [form.wave],
    }
