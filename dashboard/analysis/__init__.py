"""The product's judgement: coverage, attention signals, programme norms and
network measures. Pages and the command line call only these functions.

Every computation that SQL can do lives in ``queries/analysis/``; Python adds
what SQL cannot do well (networkx for effective size and constraint) and the
sentences of the signals (they depend on the user's language).

Every question takes the same ``Filters`` (school, institute, cohort,
programme narrow the trainees; ``wave`` chooses the wave, None = each
trainee's latest wave with relationships) and returns a DataFrame.
Definitions: shared/domain.md and docs/analyse.md.

Scope: every statement opens with ``queries/analysis/_visible.sql`` and runs
on the caller's handle, so a handle from ``Database.scoped(viewer)`` answers
for that viewer's trainees only. The questions about persons (names,
constellations, attention lists, per-trainee measures) refuse a viewer who
may only see aggregates (management) with ``AccessDenied``.
"""

from __future__ import annotations

import functools
import re
import string
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core import domain
from dashboard.analysis import network
from dashboard.privacy import suppression
from dashboard.privacy.access import AccessDenied
from dashboard.store.db import Database, load_sql, side_by_side
from dashboard.core.i18n import normalise_language, t


@dataclass(frozen=True)
class Filters:
    """Which trainees (and which wave) a question is about. None = all.

    ``wave`` None means: each trainee's latest wave.
    """

    school: str | None = None
    institute: str | None = None
    cohort: str | None = None
    programme: str | None = None
    wave: str | None = None


@dataclass(frozen=True)
class Norm:
    """A programme norm (the desired constellation), see shared/domain.md.

    roles: (role, expected minimum strength) per expected formal role.
    consultations: required consultation pairs (role_a, role_b) with role_a < role_b.
    informal_counts: whether informal relationships count towards coverage.
    """

    roles: tuple[tuple[str, str], ...]
    consultations: tuple[tuple[str, str], ...]
    informal_counts: bool = True


DEFAULT_NORM = Norm(roles=domain.DEFAULT_NORM_ROLES, consultations=domain.DEFAULT_NORM_CONSULTATIONS)

# Group dimension of the by= questions -> the id column it is reported under.
GROUP_COLUMNS: dict[str, str] = {
    "school": "school_id",
    "institute": "institute_id",
    "cohort": "cohort",
    "programme": "programme",
}

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
SEVERITY_RANK: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}

# Signals about one trainee, then the mentor-level signal (trainee_id null).
TRAINEE_SIGNAL_CODES: tuple[str, ...] = (
    "weak_formal",
    "missing_formal",
    "no_consultation",
    "no_klik",
    "negative_contribution",
    "uncovered_need",
    "single_point_of_failure",
    "declining",
)
MENTOR_SIGNAL_CODES: tuple[str, ...] = ("mentor_no_klik_repeated",)
SIGNAL_CODES: tuple[str, ...] = TRAINEE_SIGNAL_CODES + MENTOR_SIGNAL_CODES

SIGNAL_COLUMNS: tuple[str, ...] = ("trainee_id", "person_id", "function", "code", "severity", "wave", "message")
MEASURE_COLUMNS: tuple[str, ...] = (
    "trainee_id", "wave", "size", "n_formal", "n_informal", "n_strong", "share_strong", "density",
    "effective_size", "constraint", "ei_index", "n_roles", "n_sides",
)

_VISIBLE = "analysis/_visible"
_CHOSEN = "analysis/_chosen"
_SCOPE = "analysis/_scope"
_COVERAGE = "analysis/_coverage"
# The rules evaluated from the stored rows (any norm, copied rows) ...
COVERAGE_PARTS: tuple[str, ...] = (_CHOSEN, _SCOPE, _COVERAGE)
_SENTENCES: tuple[str, ...] = ("analysis/_mentor_signals", "analysis/_signal_messages")
SIGNAL_PARTS: tuple[str, ...] = (*COVERAGE_PARTS, "analysis/_signal_rows", *_SENTENCES, "analysis/signals")
# ... and read from the derived layer (dashboard/analysis/derived.py) under the stored norms.
DERIVED_COVERAGE_PARTS: tuple[str, ...] = (_CHOSEN, _SCOPE, "analysis/derived/_coverage")
DERIVED_SIGNAL_PARTS: tuple[str, ...] = (_CHOSEN, _SCOPE, "analysis/derived/_signal_rows", *_SENTENCES, "analysis/signals")


# --- running the named queries ------------------------------------------------


def _run(
    db: Database,
    parts: Sequence[str],
    params: Mapping[str, Any] | None = None,
    tables: Mapping[str, pa.Table | pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Run ``_visible.sql`` and the named SQL files after it on a cursor of its own.

    ``tables`` are registered on that cursor only (bound data: in-memory
    norms, the taxonomy), so concurrent sessions never see each other's.
    ``db.bind`` passes the parameters the statement names, with the scope
    of the handle's viewer.
    """
    with _statement(db, parts, params, tables) as (cur, statement, bound):
        return cur.execute(statement, bound).df()


def _run_arrow(
    db: Database,
    parts: Sequence[str],
    params: Mapping[str, Any] | None = None,
    tables: Mapping[str, pa.Table | pd.DataFrame] | None = None,
) -> pa.Table:
    """:func:`_run`, the rows as Arrow: for a caller that converts list
    columns itself (``to_pylist`` is several times faster than pandas' per-row
    arrays) or keeps the rows as Arrow."""
    with _statement(db, parts, params, tables) as (cur, statement, bound):
        return cur.sql(statement, params=bound).to_arrow_table()


@contextmanager
def _statement(
    db: Database, parts: Sequence[str], params: Mapping[str, Any] | None,
    tables: Mapping[str, pa.Table | pd.DataFrame] | None,
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Any, dict[str, Any]]]:
    """(a cursor of its own with ``tables`` registered, the parsed statement of
    ``_visible.sql`` + ``parts``, its bound parameters); the cursor closes after."""
    sql = "\n".join(load_sql(part) for part in (_VISIBLE, *parts))
    bound = db.bind(sql, params)
    cur = db.cursor()
    try:
        for name, frame in (tables or {}).items():
            cur.register(name, frame)
        yield cur, _parsed(sql), bound
    finally:
        cur.close()


def scoped_question(db: Database, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """A higher layer's question (``queries/<name>.sql``, continuing ``_visible.sql``), opened by
    the viewer's scope like every analysis question: the capture page's reads
    (``dashboard/exchange/capture.py``). One definition of who sees which trainee."""
    return _run(db, (name,), params)


def _filter_params(filters: Filters, trainee: str | None = None) -> dict[str, str | None]:
    """The bound parameters of _chosen.sql and _scope.sql; ``trainee`` narrows them to one trainee."""
    return {
        "school": filters.school,
        "institute": filters.institute,
        "cohort": filters.cohort,
        "programme": filters.programme,
        "wave": filters.wave,
        "trainee": trainee,
    }


def _frame(columns: Mapping[str, str], rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
    """A DataFrame with fixed dtypes, also when empty (DuckDB needs the types)."""
    rows = list(rows)
    return pd.DataFrame(
        {name: pd.Series([row[i] for row in rows], dtype=dtype) for i, (name, dtype) in enumerate(columns.items())}
    )


_ARROW_TYPES: dict[str, pa.DataType] = {"str": pa.string(), "bool": pa.bool_(), "int64": pa.int64()}


def _bound_table(columns: Mapping[str, str], rows: Iterable[Sequence[Any]]) -> pa.Table:
    """A small table to bind to a query, with fixed types, also when empty.

    Arrow, not pandas: DuckDB registers an Arrow table at a fraction of the
    cost of a DataFrame, and every question binds several.
    """
    rows = list(rows)
    return pa.table(
        {name: pa.array([row[i] for row in rows], type=_ARROW_TYPES[kind]) for i, (name, kind) in enumerate(columns.items())}
    )


@functools.cache
def _roles_table() -> pa.Table:
    # Vocabulary from dashboard.core.domain: the same for every question (Arrow tables are immutable).
    return _bound_table(
        {"role": "str", "side": "str", "line": "str"},
        ((r.code, r.side, r.line) for r in domain.ROLES),
    )


def _taxonomy_table(db: Database, taxonomy: pd.DataFrame | None = None) -> pa.Table:
    if taxonomy is None:
        taxonomy = functions(db)
    return _bound_table({"code": "str", "position": "int64"}, ((code, i) for i, code in enumerate(taxonomy["code"])))


def _norm_tables(norms: Mapping[str, Norm]) -> dict[str, pa.Table]:
    """The norms as bound tables; one settings row per programme that has its own norm."""
    return {
        "norm_settings_param": _bound_table(
            {"programme": "str", "informal_counts": "bool"},
            ((programme, norm.informal_counts) for programme, norm in norms.items()),
        ),
        "norm_roles_param": _bound_table(
            {"programme": "str", "role": "str", "expected_strength": "str"},
            ((programme, role, strength) for programme, norm in norms.items() for role, strength in norm.roles),
        ),
        "norm_consultations_param": _bound_table(
            {"programme": "str", "role_a": "str", "role_b": "str"},
            ((programme, min(a, b), max(a, b)) for programme, norm in norms.items() for a, b in norm.consultations),
        ),
    }


def norms_for(db: Database, norm: Norm | Mapping[str, Norm] | None) -> dict[str, Norm]:
    """The norm per programme a question applies: None = the stored norms
    (:func:`load_norms`); one ``Norm`` = that norm for every trainee; a
    mapping programme -> Norm (with ``"*"``, the norm of every other
    programme) = in-memory norms per programme (a what-if proposal, or every
    programme's own norm without informal relationships)."""
    if norm is None:
        return load_norms(db)
    if isinstance(norm, Norm):
        return {domain.DEFAULT_PROGRAMME: norm}
    if domain.DEFAULT_PROGRAMME not in norm:
        raise ValueError("a mapping of norms needs the default programme '*'")
    return dict(norm)


def formal_only(norms: Mapping[str, Norm]) -> dict[str, Norm]:
    """Each programme's own norm, with informal relationships not counting."""
    return {programme: replace(norm, informal_counts=False) for programme, norm in norms.items()}


def _analysis_tables(
    db: Database, norm: Norm | Mapping[str, Norm] | None, taxonomy: pd.DataFrame | None = None
) -> dict[str, pa.Table]:
    """All bound tables of a scoped question: an in-memory norm applies to every trainee."""
    norms = norms_for(db, norm)
    tables = _norm_tables(norms)
    tables["roles_param"] = _roles_table()
    tables["taxonomy_param"] = _taxonomy_table(db, taxonomy)
    return tables


def uses_derived(db: Database, norm: Any = None) -> bool:
    """Whether a question under ``norm`` reads the derived layer: only under
    the stored norms (None, or in-memory norms that say the same, such as the
    "current" side of a what-if), and only while the tables are current."""
    return db.data_state()[1] and (norm is None or _same_norms(norms_for(db, norm), load_norms(db)))


def _same_norms(these: Mapping[str, Norm], those: Mapping[str, Norm]) -> bool:
    """Whether two programme -> Norm mappings expect the same of every
    programme (the order of roles and pairs is immaterial)."""
    def key(norms: Mapping[str, Norm]) -> dict[str, tuple]:
        return {programme: (frozenset(n.roles), frozenset(tuple(sorted(pair)) for pair in n.consultations),
                            n.informal_counts) for programme, n in norms.items()}
    return key(these) == key(those)


def rule_parts(db: Database, norm: Any = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(coverage parts, signal parts) for a question on the stored tables
    under ``norm``: the derived layer's when it applies, else the rules'."""
    if uses_derived(db, norm):
        return DERIVED_COVERAGE_PARTS, DERIVED_SIGNAL_PARTS
    return COVERAGE_PARTS, SIGNAL_PARTS


def _require_persons(db: Database) -> None:
    """Questions about persons are not for a viewer who may see aggregates only."""
    viewer = getattr(db, "viewer", None)
    if viewer is not None and not viewer.sees_persons:
        raise AccessDenied(f"role {viewer.role} sees aggregates only")


def _check_by(by: str) -> str:
    if by not in GROUP_COLUMNS:
        raise ValueError(f"by must be one of {', '.join(GROUP_COLUMNS)}, not {by!r}")
    return by


# --- norms and vocabulary -------------------------------------------------------


def _per_version(db: Database, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per data version on a handle that keeps such values
    (``Database.per_version``); on any other (a write transaction's) every time."""
    per_version = getattr(db, "per_version", None)
    return compute() if per_version is None else per_version(name, compute)


def load_norms(db: Database) -> dict[str, Norm]:
    """Programme -> Norm from the norm tables; ``"*"`` is always present.

    Each table is read on its own: a programme with its own rows in
    ``norm_roles`` uses those roles (else the ``*`` roles), and likewise for
    ``norm_consultations``. When a table has no ``*`` rows, ``*`` is the
    shipped default of ``dashboard.core.domain``. Norms from the database always
    let informal relationships count. Read once per data version: every
    question binds them.
    """
    return dict(_per_version(db, "norms", lambda: _load_norms(db)))


def _load_norms(db: Database) -> dict[str, Norm]:
    role_rows = db.query("analysis/norm_roles")
    consultation_rows = db.query("analysis/norm_consultations")
    roles: dict[str, list[tuple[str, str]]] = {}
    for programme, role, strength in role_rows.itertuples(index=False):
        roles.setdefault(programme, []).append((role, strength))
    consultations: dict[str, list[tuple[str, str]]] = {}
    for programme, role_a, role_b in consultation_rows.itertuples(index=False):
        consultations.setdefault(programme, []).append((role_a, role_b))
    default_roles = tuple(roles.get(domain.DEFAULT_PROGRAMME, domain.DEFAULT_NORM_ROLES))
    default_consultations = tuple(consultations.get(domain.DEFAULT_PROGRAMME, domain.DEFAULT_NORM_CONSULTATIONS))
    programmes = sorted(set(roles) | set(consultations) | {domain.DEFAULT_PROGRAMME})
    return {
        programme: Norm(
            roles=tuple(roles[programme]) if programme in roles else default_roles,
            consultations=tuple(consultations[programme]) if programme in consultations else default_consultations,
        )
        for programme in programmes
    }


def functions(db: Database) -> pd.DataFrame:
    """The guidance functions in taxonomy order: code, label_nl, label_en, group, description.

    An empty ``functions`` table means the shipped defaults. Read once per data version.
    """
    return _per_version(db, "functions", lambda: _functions(db)).copy()


def _functions(db: Database) -> pd.DataFrame:
    found = db.query("analysis/functions")
    if len(found):
        return found.reset_index(drop=True)
    return _frame(
        {"code": "str", "label_nl": "str", "label_en": "str", "group": "str", "description": "str"},
        ((f.code, f.label_nl, f.label_en, f.group, f.description) for f in domain.DEFAULT_FUNCTIONS),
    )


def filter_options(db: Database) -> dict[str, list]:
    """What the sidebar filters can choose from (waves: those with data, in order)."""
    return {
        "schools": [tuple(row) for row in _run(db, ["analysis/filter_schools"]).itertuples(index=False)],
        "institutes": [tuple(row) for row in _run(db, ["analysis/filter_institutes"]).itertuples(index=False)],
        "cohorts": _run(db, ["analysis/filter_cohorts"])["cohort"].tolist(),
        "programmes": _run(db, ["analysis/filter_programmes"])["programme"].tolist(),
        "waves": _run(db, ["analysis/filter_waves"])["wave"].tolist(),
    }


def trainees(db: Database, filters: Filters = Filters()) -> pd.DataFrame:
    """Every trainee matching the filters (also those without relationships).

    ``wave`` is the wave they are evaluated on (null when they have no
    relationships in it), ``waves`` all waves with relationships, in order.
    """
    _require_persons(db)
    return _trainees(db, filters)


def group_cells(db: Database) -> pd.DataFrame:
    """Visible trainees per (school_id, institute_id, cohort, programme): n_trainees.
    An aggregate for every role; small-group suppression derives the groups
    of every wider view from it (``suppression.Cells``)."""
    return _run(db, ["analysis/group_cells"])


def _suppression_cells(db: Database) -> suppression.Cells:
    return suppression.Cells(group_cells(db))


def _trainees(db: Database, filters: Filters) -> pd.DataFrame:
    return _trainees_found(_run(db, [_CHOSEN, "analysis/trainees"], _filter_params(filters)))


def _trainees_found(found: pd.DataFrame) -> pd.DataFrame:
    """trainees.sql's rows as :func:`trainees` gives them (waves as lists)."""
    found["waves"] = found["waves"].map(list)
    return found


# --- coverage -------------------------------------------------------------------


def coverage(db: Database, filters: Filters = Filters(), norm: Norm | None = None) -> pd.DataFrame:
    """One row per trainee in scope x function of the taxonomy.

    Columns: trainee_id, wave, function, level, level_formal, level_informal
    (each sterk / zwak / geen).
    """
    _require_persons(db)
    return _coverage(db, filters, norm)


def _coverage(db: Database, filters: Filters, norm: Norm | None) -> pd.DataFrame:
    return _run(
        db,
        [*rule_parts(db, norm)[0], "analysis/coverage"],
        _filter_params(filters),
        _analysis_tables(db, norm),
    )


def coverage_by(db: Database, by: str, filters: Filters = Filters(), norm: Norm | None = None, *,
                rows: Mapping[str, pa.Table] | None = None) -> pd.DataFrame:
    """Coverage counted per group and function.

    Columns: <school_id | institute_id | cohort | programme>, group_name,
    function, n_trainees, n_sterk, n_zwak, n_geen, share_sterk. For a viewer
    who suppresses small groups (management) also ``suppressed`` and
    ``small_group``, with the figures of those groups NA
    (``suppression.suppress_groups``). ``rows``: asked of these copied rows
    (``triage.copied_rows``) instead of the stored tables.
    """
    _check_by(by)
    params = {**_filter_params(filters), "by": by}
    tables = _analysis_tables(db, norm)
    if rows is not None:
        [found] = _run_on_rows(db, rows, [([*COVERAGE_PARTS, "analysis/coverage_by"], params, tables)])
    else:
        found = _run(db, [*rule_parts(db, norm)[0], "analysis/coverage_by"], params, tables)
    found = _groups_found(found, by)
    viewer = getattr(db, "viewer", None)
    if viewer is not None and viewer.suppresses_small_groups:
        return suppression.suppress_groups(found, GROUP_COLUMNS[by], cells=_suppression_cells(db),
                                           selection=suppression.selection_of(filters), by=by)
    return found


def _groups_found(found: pd.DataFrame, by: str) -> pd.DataFrame:
    """coverage_by.sql's rows with the group id under its own name (school_id, ...)."""
    return found.rename(columns={"group_id": GROUP_COLUMNS[by]})


# --- signals --------------------------------------------------------------------


MESSAGE_KEYS: tuple[str, ...] = SIGNAL_CODES + ("weak_formal_geen",)
# The {fields} of the signal sentences, in the order signals.sql passes them to format().
MESSAGE_FIELDS: tuple[str, ...] = (
    "Role", "role", "person", "strength", "expected", "other_role", "other_person",
    "earlier", "earlier_wave", "function", "cohort", "n",
)


def positional_template(template: str) -> str:
    """``"{Role} {person}: ..."`` -> ``"{0} {2}: ..."`` for SQL format(); literal braces doubled."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if field is not None:
            parts.append("{%d}" % MESSAGE_FIELDS.index(field))
    return "".join(parts)


def _message_tables(db: Database, lang: str, taxonomy: pd.DataFrame | None = None) -> dict[str, pa.Table]:
    """The sentences' templates and labels in ``lang``, bound for signals.sql.

    The sentence is filled in by SQL: a national attention list has 100,000+
    rows. ``weak_formal_geen`` is the weak_formal sentence for a relationship
    rated geen ("experienced as none" reads badly).
    """
    if taxonomy is None:
        taxonomy = functions(db)
    function_label = "label_en" if lang == "en" else "label_nl"
    labels = [("role", code, domain.role_label(code, lang)) for code in domain.ROLE_CODES]
    labels += [("strength", code, t(f"analysis.strength.{code}", lang)) for code in domain.STRENGTHS]
    labels += [("wave", code, t(f"analysis.wave.{code}", lang)) for code in domain.WAVES]
    labels += [("function", code, label) for code, label in zip(taxonomy["code"], taxonomy[function_label])]
    return {
        "message_templates_param": _bound_table(
            {"message_key": "str", "template": "str"},
            ((key, positional_template(t(f"analysis.signal.{key}", lang))) for key in MESSAGE_KEYS),
        ),
        "labels_param": _bound_table({"kind": "str", "code": "str", "label": "str"}, labels),
    }


def signals(db: Database, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl") -> pd.DataFrame:
    """The attention signals, most severe first.

    Columns: trainee_id (null for mentor-level signals), person_id, function,
    code, severity (high / medium / low), wave, message (in ``lang``).
    """
    _require_persons(db)
    return _signals(db, filters, norm, lang)


def _signals(db: Database, filters: Filters, norm: Norm | None, lang: str) -> pd.DataFrame:
    lang = normalise_language(lang)
    found = _run(
        db,
        rule_parts(db, norm)[1],
        _filter_params(filters),
        _signal_tables(db, norm, lang),
    )
    return found[list(SIGNAL_COLUMNS)]


def _signal_tables(db: Database, norm: Norm | None, lang: str) -> dict[str, pa.Table]:
    taxonomy = functions(db)
    return {**_analysis_tables(db, norm, taxonomy), **_message_tables(db, lang, taxonomy)}


SUMMARY_COLUMNS: tuple[str, ...] = (
    "trainee_id", "name", "school_name", "wave", "max_severity", "n_signals", "codes", "messages",
)


def summarise_signals(found: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """The trainee summary of :func:`trainee_signals_summary` from its two inputs.

    ``found``: :func:`signals`; ``people``: :func:`trainees` (same filters).
    Whole-column operations, no loop per trainee: a national attention list
    (40,000 trainees) takes a fraction of a second.
    """
    found = found[found["trainee_id"].notna()]
    if found.empty:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in SUMMARY_COLUMNS})
    # Within a trainee: most severe first, ties in the order signals() gives them.
    found = found.assign(
        severity_rank=found["severity"].map(SEVERITY_RANK), position=range(len(found))
    ).sort_values(["trainee_id", "severity_rank", "position"], kind="stable")
    groups = found.groupby("trainee_id", sort=False)
    distinct = found.drop_duplicates(["trainee_id", "code"]).groupby("trainee_id", sort=False)["code"]
    summary = pd.DataFrame({
        "wave": groups["wave"].first(),
        "max_severity": groups["severity"].first(),
        "n_signals": groups.size(),
        "codes": distinct.agg(list),
        "messages": groups["message"].agg(list),
        "severity_rank": groups["severity_rank"].first(),
    })
    names = people.set_index("trainee_id")[["name", "school_name"]]
    summary = summary.join(names).rename_axis("trainee_id").reset_index()
    summary = summary.sort_values(["severity_rank", "name", "trainee_id"], kind="stable")
    return summary[list(SUMMARY_COLUMNS)].reset_index(drop=True)


def trainee_signals_summary(
    db: Database, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl"
) -> pd.DataFrame:
    """One row per trainee with at least one signal, most severe first, then by name.

    Columns: trainee_id, name, school_name, wave, max_severity, n_signals,
    codes (distinct, most severe first), messages (all, most severe first).
    """
    return summarise_signals(signals(db, filters, norm, lang), trainees(db, filters))


# --- headline figures -----------------------------------------------------------


def headline_figures(found_coverage: pd.DataFrame, found_signals: pd.DataFrame) -> dict[str, Any]:
    """The overview's figures from :func:`coverage` and :func:`signals` of the same trainees.

    n_trainees, share_all_strong (NaN without trainees), n_with_signal and
    signal_counts (code, n_trainees): aggregates, no trainee ids.
    """
    n_trainees = int(found_coverage["trainee_id"].nunique())
    if n_trainees:
        all_strong = (found_coverage["level"] == "sterk").groupby(found_coverage["trainee_id"]).all()
        share_all_strong = float(all_strong.mean())
    else:
        share_all_strong = float("nan")
    trainee_signals = found_signals[found_signals["trainee_id"].notna()]
    per_code = (
        trainee_signals.groupby("code")["trainee_id"].nunique().rename("n_trainees").reset_index()
        if not trainee_signals.empty
        else pd.DataFrame({"code": pd.Series(dtype=str), "n_trainees": pd.Series(dtype="int64")})
    )
    return {
        "n_trainees": n_trainees,
        "share_all_strong": share_all_strong,
        "signal_counts": per_code,
        "n_with_signal": int(trainee_signals["trainee_id"].nunique()),
    }


def headline(db: Database, filters: Filters = Filters(), norm: Norm | None = None) -> dict[str, Any]:
    """The overview's headline figures (see :func:`headline_figures`); an aggregate, for every role.

    For a viewer who suppresses small groups (management): small counts
    suppressed, see ``suppression.suppress_headline``.
    """
    found_coverage, found_signals = side_by_side(lambda: _coverage(db, filters, norm),
                                                 lambda: _signals(db, filters, norm, "nl"))
    head = headline_figures(found_coverage, found_signals)
    viewer = getattr(db, "viewer", None)
    if viewer is not None and viewer.suppresses_small_groups:
        hidden_by = _suppression_cells(db).hidden_by(suppression.selection_of(filters))
        return suppression.suppress_headline(head, hidden_by=hidden_by)
    return head


# --- measures -------------------------------------------------------------------


def measures(db: Database, filters: Filters = Filters()) -> pd.DataFrame:
    """Network measures per trainee in scope, on the evaluated wave.

    Columns: trainee_id, wave, size, n_formal, n_informal, n_strong,
    share_strong, density, effective_size, constraint, ei_index, n_roles,
    n_sides. Null (NaN) where a measure is undefined: see docs/analyse.md.
    """
    _require_persons(db)
    return _measures(db, _filter_params(filters), _analysis_tables(db, None))


def _measures(db: Database, params: Mapping[str, Any], tables: Mapping[str, pa.Table]) -> pd.DataFrame:
    return _measure_columns(_run(db, [_CHOSEN, _SCOPE, "analysis/measures"], params, tables))


def _measure_columns(found: pd.DataFrame) -> pd.DataFrame:
    """measures.sql's rows with effective size and constraint (networkx) added."""
    pairs = [network.ego_measures(alters, ties) for alters, ties in zip(found["alter_ids"], found["tie_pairs"])]
    found["effective_size"] = pd.Series([p[0] for p in pairs], index=found.index, dtype="float64")
    found["constraint"] = pd.Series([p[1] for p in pairs], index=found.index, dtype="float64")
    for column in ("share_strong", "density", "ei_index"):
        found[column] = found[column].astype("float64")
    return found[list(MEASURE_COLUMNS)].reset_index(drop=True)


# --- one trainee, one school: questions on copied rows ------------------------------
#
# The questions about one trainee (or one school's trainees) read only their
# rows, but a filter on trainee_id still scans most of a national table (rows
# are not stored in trainee order), and each question scans several. So their
# rows are read once (copied_rows.sql) and every question runs its usual SQL
# file on an empty in-memory DuckDB where those rows stand under the national
# tables' names: the same rules (one definition each) on 20 or 3,000 rows
# instead of 500,000. The scope holds as in every question: the copies are
# read through _visible.sql, and a trainee the viewer may not see has no rows
# to copy.

# The tables copied_rows.sql copies; the questions about the copied trainees read no others.
TRAINEE_TABLES: tuple[str, ...] = (
    "trainees", "schools", "institutes", "relationships", "people", "relationship_functions",
    "consultations", "needs",
)
# The derived layer's tables (dashboard/analysis/derived.py), copied beside them for the scenario.
DERIVED_TABLES: tuple[str, ...] = ("derived_coverage", "derived_signals")
CONSTELLATION_PARTS: tuple[str, ...] = ("trainee", "relationships", "consultations", "needs", "missing_roles")
DETAIL_PARTS: dict[str, tuple[str, ...]] = {
    "coverage": (*COVERAGE_PARTS, "analysis/coverage"),
    "signals": SIGNAL_PARTS,
    "measures": (_CHOSEN, _SCOPE, "analysis/measures"),
    # step 6's open functions (analysis.suggestions), on the same copy: on the national tables
    # that one statement costs about what the trainee's whole copy costs
    "open": (*COVERAGE_PARTS, "analysis/suggestions_open"),
}
# The same, reading the trainee's copied rows of the derived layer (current, stored norms):
# the signal rules are most of a constellation's cost, and the layer has their result.
DERIVED_DETAIL_PARTS: dict[str, tuple[str, ...]] = {
    **DETAIL_PARTS,
    "coverage": (*DERIVED_COVERAGE_PARTS, "analysis/coverage"),
    "signals": DERIVED_SIGNAL_PARTS,
    "open": (*DERIVED_COVERAGE_PARTS, "analysis/suggestions_open"),
}
OPEN_COLUMNS: tuple[str, ...] = ("trainee_id", "wave", "function", "level", "reasons")

_scratch_lock = threading.Lock()
_scratch_connection: list[duckdb.DuckDBPyConnection] = []


def _scratch_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor on an empty in-memory DuckDB, for questions on copied rows.

    It holds no data: each cursor registers the copies it needs and drops them
    when closed, so concurrent sessions never see each other's. One thread per
    query: the copies are tiny, and a page runs its questions side by side.
    No optimizer passes: on a few dozen rows they cost more than they save
    (a quarter of the time of the signals question) and change no result.
    """
    with _scratch_lock:
        if not _scratch_connection:
            probe = duckdb.connect(":memory:")
            try:
                passes = [name for (name,) in probe.execute(load_sql("analysis/optimizer_names")).fetchall()]
            finally:
                probe.close()
            _scratch_connection.append(
                duckdb.connect(":memory:", config={"threads": 1, "disabled_optimizers": ",".join(passes)})
            )
        return _scratch_connection[0].cursor()


@functools.cache
def _parsed(sql: str) -> Any:
    """``sql`` parsed once (a DuckDB Statement, safe to run from any thread):
    running a parsed statement skips parsing its text again, a fifth of the
    cost of a question on copied rows (and a few ms of a national one: the
    copy, step 6's candidates)."""
    cur = _scratch_cursor()
    try:
        [statement] = cur.extract_statements(sql)
    finally:
        cur.close()
    return statement


@functools.cache
def _names_in(sql: str) -> frozenset[str]:
    """The words of a statement (table names among them), to register only the tables it reads."""
    return frozenset(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql))


def _copied_rows(db: Database, opening: Sequence[str], params: Mapping[str, Any], *,
                 derived: bool = False) -> dict[str, pa.Table]:
    """The rows of each of TRAINEE_TABLES about the trainees ``opening`` names
    (``_copy_one_trainee`` or ``_chosen`` + ``_copy_chosen``), with the
    tables' own columns and types; no rows at all for trainees the viewer may
    not see (or unknown ones). ``derived``: also their rows of DERIVED_TABLES,
    in the same read; only for a caller that knows the layer is current
    (:func:`uses_derived`)."""
    found = _run_arrow(db, (*opening, "analysis/copied_rows", *(("analysis/derived/copied_rows",) if derived else ())),
                       params)
    rows = {}
    for name in TRAINEE_TABLES + (DERIVED_TABLES if derived else ()):
        column = found.column(name)
        rows[name] = pa.Table.from_struct_array(column.filter(pc.is_valid(column)).combine_chunks())
    return rows


def _trainee_rows(db: Database, trainee_id: str, derived: bool = False) -> dict[str, pa.Table]:
    """One trainee's rows (see :func:`_copied_rows`), with their derived rows when ``derived``."""
    return _copied_rows(db, ("analysis/_copy_one_trainee",), {"trainee_id": trainee_id}, derived=derived)


Job = tuple[Sequence[str], Mapping[str, Any], Mapping[str, pa.Table]]


def _run_on_rows(db: Database, rows: Mapping[str, pa.Table], jobs: Sequence[Job]) -> list[pd.DataFrame]:
    """What :func:`_run` gives for each job (SQL parts, parameters, bound tables),
    run on one scratch cursor where ``rows`` stand under the national tables' names."""
    cur = _scratch_cursor()
    try:
        registered: dict[str, Any] = {}
        found = []
        for parts, params, tables in jobs:
            sql = "\n".join(load_sql(part) for part in (_VISIBLE, *parts))
            names = _names_in(sql)
            for name, table in {**rows, **tables}.items():
                if name in names and registered.get(name) is not table:
                    cur.register(name, table)
                    registered[name] = table
            found.append(cur.execute(_parsed(sql), db.bind(sql, params)).df())
        return found
    finally:
        cur.close()


def _run_side_by_side(db: Database, rows: Mapping[str, pa.Table], first: Sequence[Job],
                      second: Sequence[Job]) -> list[pd.DataFrame]:
    """Two lists of jobs on two scratch cursors at once (DuckDB releases the GIL); results in order."""
    mine, other = side_by_side(lambda: _run_on_rows(db, rows, first), lambda: _run_on_rows(db, rows, second))
    return mine + other


def _is_visible(rows: Mapping[str, pa.Table]) -> bool:
    return rows["trainees"].num_rows > 0


def _constellation_jobs(
    rows: Mapping[str, pa.Table], norm: Norm | None, norms: Mapping[str, Norm], taxonomy: pa.Table
) -> list[Job]:
    if norm is None:
        programme = rows["trainees"].column("programme")[0].as_py() or domain.DEFAULT_PROGRAMME
        norm = norms.get(programme, norms[domain.DEFAULT_PROGRAMME])
    tables = _norm_tables({domain.DEFAULT_PROGRAMME: norm})
    tables["roles_param"] = _roles_table()
    tables["taxonomy_param"] = taxonomy
    params = {"trainee_id": rows["trainees"].column("trainee_id")[0].as_py()}
    return [([f"analysis/constellation_{name}"], params, tables) for name in CONSTELLATION_PARTS]


def _constellation_result(found: Sequence[pd.DataFrame]) -> dict:
    parts = dict(zip(CONSTELLATION_PARTS, found))
    trainee = {k: (None if pd.isna(v) else v) for k, v in parts["trainee"].iloc[0].to_dict().items()}
    relationships = parts["relationships"]
    relationships["functions"] = relationships["functions"].map(list)
    waves = [w for w in domain.WAVES if w in set(relationships["wave"])]
    return {
        "trainee": trainee,
        "relationships": relationships,
        "consultations": parts["consultations"],
        "needs": parts["needs"],
        "missing_roles": parts["missing_roles"],
        "waves": waves,
    }


def _detail_jobs(
    db: Database, trainee_id: str, wave: str | None, norm: Norm | None, norms: Mapping[str, Norm],
    taxonomy: pd.DataFrame, taxonomy_table: pa.Table, lang: str, derived: bool = False,
) -> dict[str, Job]:
    """``derived``: the copied rows include the trainee's derived rows (see :func:`_trainee_rows`)."""
    tables = _norm_tables({domain.DEFAULT_PROGRAMME: norm} if norm is not None else norms)
    tables["roles_param"] = _roles_table()
    tables["taxonomy_param"] = taxonomy_table
    tables.update(_message_tables(db, lang, taxonomy))
    params = _filter_params(Filters(wave=wave), trainee=trainee_id)
    return {name: (parts, params, tables) for name, parts in (DERIVED_DETAIL_PARTS if derived else DETAIL_PARTS).items()}


def _copied_signals(found: pd.DataFrame) -> pd.DataFrame:
    """signals.sql's rows from copied rows as :func:`signals` gives them: a column
    that is null throughout (function, for one trainee) arrives untyped from a
    small copy; text, as in the signals of the national tables."""
    return found.astype({c: "str" for c in found.columns if found[c].dtype == object})[list(SIGNAL_COLUMNS)]


def open_found(found: pd.DataFrame) -> pd.DataFrame:
    """suggestions_open.sql's rows as step 6 gives them (OPEN_COLUMNS, reasons as lists)."""
    found = found.copy()
    found["reasons"] = found["reasons"].map(list)
    return found[list(OPEN_COLUMNS)].reset_index(drop=True)


def _detail_result(
    coverage: pd.DataFrame, found_signals: pd.DataFrame, found_measures: pd.DataFrame, found_open: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    found_signals = _copied_signals(found_signals[found_signals["trainee_id"].notna()])
    return {
        "coverage": coverage.reset_index(drop=True),
        "signals": found_signals.reset_index(drop=True),
        "measures": _measure_columns(found_measures),
        "open": open_found(found_open),
    }


def constellation(
    db: Database, trainee_id: str, norm: Norm | None = None, *,
    norms: Mapping[str, Norm] | None = None, taxonomy: pd.DataFrame | None = None,
) -> dict | None:
    """Everything about one trainee's network, all waves; None for an unknown trainee.

    Keys: trainee (dict), relationships, consultations, needs, missing_roles
    (DataFrames, see the module docs) and waves (list, in order). None too
    for a trainee outside the viewer's scope: a restricted viewer cannot tell
    an unknown id from one they may not see. ``norm`` None: the norm of the
    trainee's programme. ``norms`` (:func:`load_norms`) and ``taxonomy``
    (:func:`functions`) save reading them again when the caller has them.
    """
    return trainee_view(db, trainee_id, norm=norm, norms=norms, taxonomy=taxonomy, detail=False)[0]


def trainee_detail(
    db: Database, trainee_id: str, wave: str | None = None, norm: Norm | None = None, lang: str = "nl", *,
    norms: Mapping[str, Norm] | None = None, taxonomy: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """One trainee's coverage, signals and measures in ``wave`` (None: their latest).

    The rows :func:`coverage`, :func:`signals` (trainee-level only) and
    :func:`measures` give for this trainee under any filters that include
    them (the same SQL files), computed on the trainee's own rows only.
    Empty frames for a trainee who is unknown or outside the viewer's scope.
    """
    _require_persons(db)
    lang = normalise_language(lang)
    norms = load_norms(db) if norms is None and norm is None else (norms or {})
    taxonomy = functions(db) if taxonomy is None else taxonomy
    derived = uses_derived(db, norm)
    rows = _trainee_rows(db, trainee_id, derived)
    jobs = _detail_jobs(db, trainee_id, wave, norm, norms, taxonomy, _taxonomy_table(db, taxonomy), lang, derived)
    # two cursors of about equal work
    found = _run_side_by_side(db, rows, [jobs["signals"], jobs["open"]], [jobs["coverage"], jobs["measures"]])
    return _detail_result(found[2], found[0], found[3], found[1])


def trainee_view(
    db: Database, trainee_id: str, lang: str = "nl", *, norm: Norm | None = None,
    norms: Mapping[str, Norm] | None = None, taxonomy: pd.DataFrame | None = None, detail: bool = True,
) -> tuple[dict | None, dict[str, pd.DataFrame] | None]:
    """(:func:`constellation`, :func:`trainee_detail` of the latest wave) from
    one read of the trainee's rows: what the constellation page shows first.
    (None, None) for a trainee who is unknown or outside the viewer's scope;
    the detail is None too when ``detail`` is False.
    """
    _require_persons(db)
    lang = normalise_language(lang)
    if norms is None:
        norms = load_norms(db) if norm is None else {}
    taxonomy = functions(db) if taxonomy is None else taxonomy
    derived = detail and uses_derived(db, norm)
    rows = _trainee_rows(db, trainee_id, derived)
    if not _is_visible(rows):
        return None, None
    taxonomy_table = _taxonomy_table(db, taxonomy)  # one table for both: registered once per cursor
    network_jobs = _constellation_jobs(rows, norm, norms, taxonomy_table)
    if not detail:
        return _constellation_result(_run_side_by_side(db, rows, network_jobs[:2], network_jobs[2:])), None
    detail_jobs = _detail_jobs(db, trainee_id, None, norm, norms, taxonomy, taxonomy_table, lang, derived)
    # Two cursors of about equal work.
    trainee, relationships, consultations, needs, missing_roles = network_jobs
    found = _run_side_by_side(
        db, rows,
        [detail_jobs["signals"], detail_jobs["measures"], trainee, consultations],
        [detail_jobs["coverage"], detail_jobs["open"], relationships, needs, missing_roles],
    )
    signals_found, measures_found, trainee_found, consultations_found, coverage_found, open_found_ = found[:6]
    network_found = [trainee_found, found[6], consultations_found, *found[7:]]
    return (_constellation_result(network_found),
            _detail_result(coverage_found, signals_found, measures_found, open_found_))


def group_view(
    db: Database, by: str, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl",
) -> dict[str, pd.DataFrame]:
    """:func:`coverage`, :func:`signals`, :func:`coverage_by` (``by``) and
    :func:`trainees` for the trainees the filters name, from one read of
    their rows: what the overview shows when the filters name a school.

    The same SQL files as those functions run on a copy of the chosen
    trainees' rows (:func:`_copied_rows`), so the answers are theirs; the
    copy pays off when the filters name a few hundred trainees out of many
    (a school), not for a national view. Keys: coverage, signals,
    coverage_by, trainees, and signal_rows: signals.sql's rows with the
    columns the page does not show (role, other_role, cohort), from which
    ``triage.group_lead`` counts the tiers and patterns of the same trainees.
    """
    _require_persons(db)
    _check_by(by)
    lang = normalise_language(lang)
    params = _filter_params(filters)
    taxonomy = functions(db)
    tables = _analysis_tables(db, norm, taxonomy)
    signal_tables = {**tables, **_message_tables(db, lang, taxonomy)}
    if uses_derived(db, norm):
        # The derived rows of the school are a few thousand: read where they are, no copy.
        # Two cursors of about equal work: each statement reads a school's rows out of national
        # tables largely on one core (65 -> 41 ms for a school at 40,000 trainees).
        coverage_parts, signal_parts = DERIVED_COVERAGE_PARTS, DERIVED_SIGNAL_PARTS
        (found_signals, people), (found_coverage, grouped) = side_by_side(
            lambda: (_run(db, signal_parts, params, signal_tables), _run(db, [_CHOSEN, "analysis/trainees"], params)),
            lambda: (_run(db, [*coverage_parts, "analysis/coverage"], params, tables),
                     _run(db, [*coverage_parts, "analysis/coverage_by"], {**params, "by": by}, tables)),
        )
    else:
        rows = _copied_rows(db, (_CHOSEN, "analysis/_copy_chosen"), params)
        [found_signals, found_coverage, grouped, people] = _run_on_rows(db, rows, [
            (SIGNAL_PARTS, params, signal_tables),
            ([*COVERAGE_PARTS, "analysis/coverage"], params, tables),
            ([*COVERAGE_PARTS, "analysis/coverage_by"], {**params, "by": by}, tables),
            ([_CHOSEN, "analysis/trainees"], params, {}),
        ])
    return {
        "coverage": found_coverage,
        "signals": _copied_signals(found_signals),
        "coverage_by": _groups_found(grouped, by),
        "trainees": _trainees_found(people),
        "signal_rows": found_signals,
    }


# --- comparing groups ---------------------------------------------------------------


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator.where(denominator > 0)).astype("float64")


def compare(db: Database, by: str, filters: Filters = Filters(), norm: Norm | None = None) -> pd.DataFrame:
    """Groups side by side (for management: aggregates, never names).

    Columns: <by id>, group_name, n_trainees, share_all_functions_strong,
    rate_<code> per trainee-level signal code (share of trainees with at
    least one), share_coverage_informal, klik_ja, klik_twijfel, klik_nee,
    klik_onbekend, formal_sterk, formal_zwak, formal_geen (shares of formal
    ties), share_guide_assesses. For a viewer who suppresses small groups
    (management) also ``suppressed`` and ``small_group``, with the figures
    of those groups NA (``suppression.suppress_groups``).
    """
    return _compare(db, by, filters, norm)


OWN_GROUP = "own"  # compare_with_partnership: the viewer's own trainees
REST_GROUP = "rest"  # ... and the rest of the partnership, as one aggregate


def compare_with_partnership(db: Database, filters: Filters = Filters(), norm: Norm | None = None) -> pd.DataFrame:
    """A coordinator's own trainees (their scope) beside the rest of the
    partnership as one group (issue 14): :func:`compare`'s columns with the
    group id column ``own`` (values ``own`` and ``rest``), always suppressed
    as an aggregate (``suppression.suppress_groups``: a side below k, and
    then the other, reads "< k"). The school and institute filters are left
    out (the own side is the scope). The rest is read on an unscoped handle;
    only these two rows of aggregates leave this function.
    """
    viewer = getattr(db, "viewer", None)
    if viewer is None or viewer.sees_all_trainees:
        raise ValueError("compare_with_partnership is for a viewer with a scope of their own")
    wide = replace(filters, school=None, institute=None)
    found = _compare(db.scoped(None), OWN_GROUP, wide, norm, own=(tuple(viewer.schools), tuple(viewer.institutes)))
    found = found.sort_values(OWN_GROUP, key=lambda s: s.map({OWN_GROUP: 0, REST_GROUP: 1}), kind="stable")
    return suppression.suppress_groups(found.reset_index(drop=True), OWN_GROUP)


def _compare(
    db: Database, by: str, filters: Filters, norm, own: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    if by != OWN_GROUP:
        _check_by(by)
    id_column = GROUP_COLUMNS.get(by, by)
    own_schools, own_institutes = own if own is not None else ((), ())
    params = {**_filter_params(filters), "by": by, "own_schools": list(own_schools) or None,
              "own_institutes": list(own_institutes) or None}
    if uses_derived(db, norm):
        parts = (*DERIVED_COVERAGE_PARTS, "analysis/derived/_signal_rows")
    else:
        parts = (*COVERAGE_PARTS, "analysis/_signal_rows")
    # One statement: the groups' counts (aggregates only leave the database).
    counts = _run(db, [*parts, "analysis/compare"], params, _analysis_tables(db, norm)).set_index("group_id")
    result = pd.DataFrame(index=counts.index)
    result["group_name"] = counts["group_name"]
    result["n_trainees"] = counts["n_trainees"].astype("int64")
    result["share_all_functions_strong"] = _share(counts["n_all_strong"], counts["n_trainees"])
    for code in TRAINEE_SIGNAL_CODES:
        result[f"rate_{code}"] = _share(counts[f"n_{code}"], counts["n_trainees"])
    result["share_coverage_informal"] = _share(counts["n_informal_only"], counts["n_strong"])
    for column in ("klik_ja", "klik_twijfel", "klik_nee", "klik_onbekend", "formal_sterk", "formal_zwak", "formal_geen"):
        result[column] = _share(counts[f"n_{column}"], counts["n_formal"])
    result["share_guide_assesses"] = _share(counts["n_assesses"], counts["n_formal"])
    result = result.reset_index().rename(columns={"group_id": id_column})
    viewer = getattr(db, "viewer", None)
    if viewer is not None and viewer.suppresses_small_groups:
        return suppression.suppress_groups(result, id_column, cells=_suppression_cells(db),
                                           selection=suppression.selection_of(filters), by=by)
    return result
