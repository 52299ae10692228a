"""Triage: from signals to "who needs me this week" (shared/domain.md, "Triage").

Every trainee on the attention list gets one tier (``nu``, ``bespreken``,
``volgen``) on the evaluated wave, a rank over the whole list, the codes of
their signals and which of those are new since the trainee's previous wave
with data. Patterns are the programme's findings: one signal code about one
role at 40 % or more of a school's or institute's trainees (groups of 5 or
more). The rules are SQL (``queries/analysis/triage.sql``,
``patterns.sql``, ``_previous_wave.sql``); Python only runs them, like
:func:`dashboard.analysis.signals`, and writes the patterns' sentences.

Every question takes the usual ``Filters``, the viewer's scope (through
``_visible.sql`` on the handle it is given) and an optional in-memory
``Norm``. With ``rows`` (see :func:`copied_rows`) they run on a copy of some
trainees' rows instead of the national tables: the one-school path of the
overview, and the "mentor leaves" scenario, which changes such a copy in
memory before asking.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard.analysis import (
    DERIVED_SIGNAL_PARTS,
    MESSAGE_KEYS,
    SIGNAL_PARTS,
    SIGNAL_COLUMNS,
    Filters,
    Job,
    Norm,
    _analysis_tables,
    _bound_table,
    _copied_rows,
    _copied_signals,
    _filter_params,
    _message_tables,
    _require_persons,
    _run,
    _run_arrow,
    _suppression_cells,
    _run_on_rows,
    _run_side_by_side,
    _trainees_found,
    functions,
    uses_derived,
)
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t
from dashboard.privacy import access, suppression
from dashboard.store.db import side_by_side

TIERS: tuple[str, ...] = ("nu", "bespreken", "volgen")
TIER_RANK: dict[str, int] = {tier: i for i, tier in enumerate(TIERS)}

TRIAGE_COLUMNS: tuple[str, ...] = (
    "trainee_id", "name", "school_id", "institute_id", "wave", "tier", "rank", "codes", "new_codes",
    "n_nu_reasons", "n_signals", "messages",
    # beside the contract: which message is new (same order as messages), the school's name
    "message_is_new", "school_name",
)
PATTERN_COLUMNS: tuple[str, ...] = (
    "group_by", "group_id", "code", "role", "n_trainees", "n_in_group", "share", "message", "group_name",
)
PATTERN_GROUPS: tuple[str, ...] = ("school", "institute")
# shared/domain.md: a pattern is a share of at least 40 % in a group of at least 5 trainees
PATTERN_MIN_GROUP = 5
PATTERN_MIN_SHARE_PERCENT = 40

_CHOSEN = "analysis/_chosen"
_SCOPE = "analysis/_scope"
_COVERAGE = "analysis/_coverage"
# Each trainee's previous wave: _previous_wave.sql before the scope, then the signals as ever.
_PREVIOUS_SIGNAL_PARTS = (_CHOSEN, "analysis/_previous_wave", *SIGNAL_PARTS[1:])
_DERIVED_PREVIOUS_SIGNAL_PARTS = (_CHOSEN, "analysis/_previous_wave", *DERIVED_SIGNAL_PARTS[1:])
_TRIAGE_PARTS = (_CHOSEN, _SCOPE, "analysis/triage")
_TRIAGE_SIGNALS = ("analysis/derived/_triage_signals", "analysis/derived/_previous_signals")
_DERIVED_TRIAGE_PARTS = (*DERIVED_SIGNAL_PARTS[:-1], *_TRIAGE_SIGNALS, "analysis/triage")
# The evaluated wave's signals bound (signals_param), the previous wave's read from the derived layer.
_BOUND_DERIVED_TRIAGE_PARTS = (_CHOSEN, _SCOPE, "analysis/derived/_previous_signals", "analysis/triage")
_PATTERN_PARTS = (_CHOSEN, _SCOPE, "analysis/patterns")
_DERIVED_PATTERN_PARTS = (*DERIVED_SIGNAL_PARTS[:-1], "analysis/derived/_triage_signals", "analysis/patterns")
# Copied rows changed in memory in each trainee's evaluated wave only (the scenario "a mentor
# leaves"): the evaluated wave's signals evaluated on them, the previous wave's read as stored.
_CHANGED_TRIAGE_PARTS = (*SIGNAL_PARTS[:-1], *_TRIAGE_SIGNALS, "analysis/triage")

Rows = Mapping[str, pa.Table]


def copied_rows(db, filters: Filters = Filters()) -> dict[str, pa.Table]:
    """The stored rows of the trainees the filters name (only those the viewer
    may see), to ask :func:`triage` and :func:`patterns` about with ``rows=``
    after changing them in memory (nothing is written)."""
    return _copied_rows(db, (_CHOSEN, "analysis/_copy_chosen"), _filter_params(filters))


# --- running ----------------------------------------------------------------------


def _signal_arrow(found: pd.DataFrame) -> pa.Table:
    """signals.sql's rows as a bound table with fixed types (also when empty or all-null)."""
    columns = [*SIGNAL_COLUMNS, "role", "other_role"]
    # from_pandas: NaN and None are nulls; a text column converts without a detour through objects
    table = {name: pa.array(found[name], type=pa.string(), from_pandas=True) for name in columns}
    table["position"] = pa.array(range(len(found)), type=pa.int64())
    return pa.table(table)


def _signal_jobs(db, filters: Filters, norm: Norm | None, lang: str,
                 rows: Rows | None = None, sentences: bool = True) -> tuple[Job, Job, dict[str, pa.Table]]:
    """The signals of the evaluated wave and of each trainee's previous wave, and the norm tables:
    read from the derived layer when it applies (on the stored tables), else evaluated.
    ``sentences=False``: blank messages, for a question that only counts."""
    taxonomy = functions(db)
    tables = _analysis_tables(db, norm, taxonomy)
    signal_tables = {**tables, **(_message_tables(db, lang, taxonomy) if sentences else _blank_message_tables())}
    params = _filter_params(filters)
    previous_params = {**params, "wave": None, "evaluated_wave": filters.wave}
    # The previous wave's signals are only compared, never shown: no sentences (labels and
    # templates are most of a signals question's work).
    previous_tables = {**tables, **_blank_message_tables()}
    derived = rows is None and uses_derived(db, norm)
    current_parts = DERIVED_SIGNAL_PARTS if derived else SIGNAL_PARTS
    previous_parts = _DERIVED_PREVIOUS_SIGNAL_PARTS if derived else _PREVIOUS_SIGNAL_PARTS
    return (current_parts, params, signal_tables), (previous_parts, previous_params, previous_tables), tables


@functools.cache
def _blank_message_tables() -> dict[str, pa.Table]:
    return {
        "message_templates_param": _bound_table({"message_key": "str", "template": "str"},
                                                ((key, "") for key in MESSAGE_KEYS)),
        "labels_param": _bound_table({"kind": "str", "code": "str", "label": "str"}, ()),
    }


def _run_jobs(db, rows: Rows | None, first: list[Job], second: list[Job]) -> list[pd.DataFrame]:
    """Two lists of jobs side by side (DuckDB releases the GIL), on the handle or on copied rows."""
    if rows is not None:
        return _run_side_by_side(db, rows, first, second)
    mine, other = side_by_side(lambda: [_run(db, *job) for job in first], lambda: [_run(db, *job) for job in second])
    return mine + other


def _run_one(db, rows: Rows | None, job: Job) -> pd.DataFrame:
    if rows is not None:
        return _run_on_rows(db, rows, [job])[0]
    return _run(db, *job)


def _signals_found(found: pd.DataFrame, rows: Rows | None) -> pd.DataFrame:
    """signals.sql's rows as :func:`dashboard.analysis.signals` gives them (for the page)."""
    if rows is not None:
        return _copied_signals(found)
    return found[list(SIGNAL_COLUMNS)]


_LIST_COLUMNS = ("codes", "new_codes", "messages", "message_is_new")


def _triage_found(found: pd.DataFrame | pa.Table) -> pd.DataFrame:
    if isinstance(found, pa.Table):
        lists = {column: found.column(column).to_pylist() for column in _LIST_COLUMNS}
        found = found.drop_columns(list(_LIST_COLUMNS)).to_pandas()
        for column, values in lists.items():
            found[column] = pd.Series(values, index=found.index, dtype=object)
    else:
        for column in _LIST_COLUMNS:
            found[column] = found[column].map(list)
    for column in ("rank", "n_nu_reasons", "n_signals"):
        found[column] = found[column].astype("int64")
    return found[list(TRIAGE_COLUMNS)].reset_index(drop=True)


def _narrowed(found: pd.DataFrame, tier: str | None, new_only: bool) -> pd.DataFrame:
    if tier is not None:
        if tier not in TIER_RANK:
            raise ValueError(f"tier must be one of {', '.join(TIERS)}, not {tier!r}")
        found = found[found["tier"] == tier]
    if new_only:
        found = found[found["new_codes"].map(len) > 0]
    return found.reset_index(drop=True)


# --- the questions --------------------------------------------------------------------


def triage_view(
    db, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl", *, rows: Rows | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`triage` (whole list), :func:`patterns`, the evaluated wave's
    signals (:func:`dashboard.analysis.signals`, mentor-level ones included),
    the mentor-level signals with the trainees they concern
    (:func:`mentor_concerns`) and every trainee in view
    (:func:`dashboard.analysis.trainees`; those without data have wave null)
    from one computation of the signals: what the Signalen page shows.
    Keys: triage, patterns, signals, mentors, trainees."""
    _require_persons(db)
    lang = normalise_language(lang)
    current_job, previous_job, tables = _signal_jobs(db, filters, norm, lang, rows)
    params = _filter_params(filters)
    people_job: Job = ((_CHOSEN, "analysis/trainees"), params, {})
    if rows is None and uses_derived(db, norm):
        # The derived layer holds the previous wave's signals: the triage reads them there, and
        # no statement evaluates that wave (a third of the page's work before).
        current, people = _run_jobs(db, rows, [current_job], [people_job])
        bound = {"signals_param": _signal_arrow(current)}
        triage_job: Job = (_BOUND_DERIVED_TRIAGE_PARTS, params, {**tables, **bound})
    else:
        # the previous wave's signals cost about what the shown ones and the trainees cost together
        current, people, previous = _run_jobs(db, rows, [current_job, people_job], [previous_job])
        bound = {"signals_param": _signal_arrow(current)}
        triage_job = (_TRIAGE_PARTS, params, {**tables, **bound, "previous_signals_param": _signal_arrow(previous)})
    pattern_job: Job = (_PATTERN_PARTS, {**params, **_pattern_params()}, {**tables, **bound})
    found_triage, found_patterns = _run_jobs(db, rows, [triage_job], [pattern_job])
    people = _trainees_found(people)
    return {
        "triage": _triage_found(found_triage),
        "patterns": _patterns_found(db, found_patterns, lang, filters),
        "signals": _signals_found(current, rows).reset_index(drop=True),
        "mentors": mentor_concerns(current, people),
        "trainees": people,
    }


MENTOR_COLUMNS: tuple[str, ...] = ("person_id", "code", "severity", "wave", "message", "trainee_id", "name")


def mentor_concerns(found_signals: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each mentor-level signal with the trainees in view it is about: one row
    per (signal, trainee with a formal klik `nee` with that mentor in that
    cohort), the mentor's signals in signals.sql's order, their trainees by
    name; a signal with none of them in view keeps one row without a trainee.
    ``found_signals``: signals.sql's rows (with cohort); ``people``: the
    trainees in view. (A few hundred rows: plain Python, not pandas merges.)"""
    if "cohort" not in found_signals:
        raise ValueError("mentor_concerns needs signals.sql's rows with their cohort")

    def key(value: Any) -> Any:  # a missing cohort matches a missing cohort, as a merge on it does
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else value

    in_view = {tid: (name, key(cohort)) for tid, name, cohort in
               zip(people["trainee_id"], people["name"], people["cohort"])}
    columns = {name: found_signals[name].tolist() for name in
               ("trainee_id", "person_id", "code", "severity", "wave", "message", "cohort")}
    concerned: dict[tuple[Any, Any], set[str]] = {}
    for trainee_id, person_id, code in zip(columns["trainee_id"], columns["person_id"], columns["code"]):
        if code == "no_klik" and key(trainee_id) is not None and trainee_id in in_view:
            concerned.setdefault((person_id, in_view[trainee_id][1]), set()).add(trainee_id)
    rows = []
    for trainee_id, person_id, code, severity, wave, message, cohort in zip(*columns.values()):
        if key(trainee_id) is not None:
            continue
        about = sorted(concerned.get((person_id, key(cohort)), ()), key=lambda t: (str(in_view[t][0]), t))
        signal = (person_id, code, severity, wave, message)
        rows += [(*signal, t, in_view[t][0]) for t in about] or [(*signal, None, None)]
    return pd.DataFrame(rows, columns=list(MENTOR_COLUMNS), dtype=object)


def triage(
    db, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl", *,
    tier: str | None = None, new_only: bool = False, rows: Rows | None = None, sentences: bool = True,
) -> pd.DataFrame:
    """One row per trainee on the attention list, in rank order.

    Columns: trainee_id, name, school_id, institute_id, wave, tier (nu /
    bespreken / volgen), rank (1 = first; over the whole list, so narrowing
    with ``tier`` or ``new_only`` keeps each trainee's rank), codes (distinct,
    most severe first), new_codes, n_nu_reasons, n_signals, messages (the
    reasons for ``nu`` first, then most severe first; in ``lang``), and
    beside those message_is_new (per message) and school_name.
    ``new_only``: only trainees with at least one new signal. ``sentences=False``:
    messages empty, for a question that only counts tiers and codes (the
    sentences are most of a signals question's work).
    """
    _require_persons(db)
    return _narrowed(_triage(db, filters, norm, normalise_language(lang), rows, sentences), tier, new_only)


def _triage(db, filters: Filters, norm: Norm | None, lang: str, rows: Rows | None,
            sentences: bool = True) -> pd.DataFrame:
    if rows is None and uses_derived(db, norm):
        # Under the stored norms: one statement, the signals of both waves read from the derived layer.
        taxonomy = functions(db)
        messages = _message_tables(db, lang, taxonomy) if sentences else _blank_message_tables()
        tables = {**_analysis_tables(db, norm, taxonomy), **messages}
        return _triage_found(_run_arrow(db, _DERIVED_TRIAGE_PARTS, _filter_params(filters), tables))
    current_job, previous_job, tables = _signal_jobs(db, filters, norm, lang, rows, sentences)
    current, previous = _run_jobs(db, rows, [current_job], [previous_job])
    job: Job = (
        _TRIAGE_PARTS, _filter_params(filters),
        {**tables, "signals_param": _signal_arrow(current), "previous_signals_param": _signal_arrow(previous)},
    )
    return _triage_found(_run_one(db, rows, job))


def copied_triage_job(rows: Rows, filters: Filters, tables: Mapping[str, pa.Table], *, changed: bool) -> Job:
    """:func:`triage` under the stored norms as one statement on copied rows that
    carry their derived rows (``_copied_rows(..., derived=True)``, read while the
    layer is current), for :func:`dashboard.analysis._run_on_rows`. As copied,
    the signals are read as stored; ``changed``: the rows were changed in memory
    in each trainee's evaluated wave only, so that wave's signals are evaluated
    on them and the previous wave's (earlier waves, unchanged) are read as
    stored. ``tables``: ``_analysis_tables`` (stored norms) with ``_message_tables``."""
    return (_CHANGED_TRIAGE_PARTS if changed else _DERIVED_TRIAGE_PARTS), _filter_params(filters), {**tables, **rows}


def triage_found(found: pd.DataFrame) -> pd.DataFrame:
    """triage.sql's rows as :func:`triage` gives them."""
    return _triage_found(found)


def tier_counts(db, filters: Filters = Filters(), norm: Norm | None = None) -> dict[str, Any]:
    """How many trainees in view are in each tier, and how many have no data in
    the evaluated wave: an aggregate that names nobody, also for management.

    Keys: ``tiers`` (tier -> count), ``n_no_data``, ``n_trainees`` (in view,
    with or without data). For a viewer who suppresses small groups a count
    that the tiles with the total would reveal is None: one between 1 and k-1,
    one that leaves 1 to k-1 out, and a second one hidden with it
    (``suppression.suppress_parts``); all of them when the view is hidden
    (fewer than k, or hidden one filter wider: ``Cells.hidden_by``).
    """
    found, people = side_by_side(lambda: _triage(db, filters, norm, "nl", None, sentences=False),
                                 lambda: _run(db, (_CHOSEN, "analysis/trainees"), _filter_params(filters)))
    return _tier_head(db, filters, found["tier"], people)


def _tier_head(db, filters: Filters, tiers: pd.Series, people: pd.DataFrame) -> dict[str, Any]:
    """:func:`tier_counts` from the tier of each trainee with a signal and every trainee in view."""
    counts: dict[str, Any] = {tier: int((tiers == tier).sum()) for tier in TIERS}
    head: dict[str, Any] = {"tiers": counts, "n_no_data": int(people["wave"].isna().sum()),
                            "n_trainees": len(people)}
    viewer = getattr(db, "viewer", None)
    if viewer is not None and viewer.suppresses_small_groups:
        # The tiles with the total are a table of groups: the same rules as the
        # headline and the heatmap (issue 16; privacy/suppression.py).
        n = head["n_trainees"]
        hidden_by = _suppression_cells(db).hidden_by(suppression.selection_of(filters))
        no_data = suppression.suppress_parts({"n_no_data": head["n_no_data"]}, n, hidden_by=hidden_by)
        head = {"tiers": suppression.suppress_parts(counts, n, hidden_by=hidden_by),
                "n_no_data": no_data["n_no_data"],
                "n_trainees": None if 0 < n < suppression.effective_k() or (n and hidden_by) else n}
    return head


def _pattern_params() -> dict[str, int]:
    return {"min_group": PATTERN_MIN_GROUP, "min_share_percent": PATTERN_MIN_SHARE_PERCENT}


def pattern_message(row: Mapping[str, Any], lang: str) -> str:
    """"Bij 14 van 30 studenten van school X: instituutsopleider onder de norm." """
    group = t(f"triage.pattern_group.{row['group_by']}", lang, name=row["group_name"])
    key = row["code"]
    other = row.get("other_role")
    if key == "no_consultation" and isinstance(other, str):
        key = "no_consultation_pair"
    if pd.isna(row["n_in_group"]):  # counts hidden (management, issue 16): the share in tens
        return t(f"triage.pattern_share.{key}", lang, share=f"{row['share']:.0%}", group=group,
                 role=domain.role_label(row["role"], lang),
                 other_role=domain.role_label(other, lang) if isinstance(other, str) else "")
    return t(
        f"triage.pattern.{key}", lang,
        n=int(row["n_trainees"]), total=int(row["n_in_group"]), group=group,
        role=domain.role_label(row["role"], lang),
        other_role=domain.role_label(other, lang) if isinstance(other, str) else "",
    )


def _patterns_found(db, found: pd.DataFrame, lang: str, filters: Filters) -> pd.DataFrame:
    viewer = getattr(db, "viewer", None)
    suppresses = viewer is not None and viewer.suppresses_small_groups
    if suppresses:
        # an aggregate: a count of fewer than k trainees is not shown (privacy/suppression.py)
        found = found[found["n_trainees"] >= access.min_group_size()]
    found = found.reset_index(drop=True)
    for column in ("n_trainees", "n_in_group"):
        found[column] = found[column].astype("int64")
    found["share"] = found["share"].astype("float64")
    if suppresses:
        found = _counts_hidden(db, found, filters)
    found["message"] = pd.Series([pattern_message(row, lang) for row in found.to_dict("records")],
                                 index=found.index, dtype=object)
    return found[list(PATTERN_COLUMNS)]


def share_in_tens(share: float) -> float:
    """A share rounded to tens of percents (0.56 -> 0.6): what a pattern shows instead of its counts."""
    return math.floor(share * 10 + 0.5) / 10


def _counts_hidden(db, found: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Patterns whose counts would reveal a hidden group (issue 16): their
    n_trainees and n_in_group NA, their share rounded to tens (the message
    then reads "Bij ongeveer 60% van de studenten van ...").

    Hidden: the group is hidden in the page's breakdown by its grouping
    (``suppression.group_hidden``: 27 of S04's 29 at institute I2, beside
    the 2 at I1), its size leaves 1 to k-1 of the view out, or the count
    leaves 1 to k-1 of the group out (``suppression.small_either_way``).
    """
    cells = _suppression_cells(db)
    selection = suppression.selection_of(filters)
    n_view = suppression.n_in_view(cells, selection)
    # The view itself hidden (the headline shows nothing): no count of it either.
    view_hidden = 0 < n_view < suppression.effective_k() or cells.hidden_by(selection) is not None
    hidden = pd.Series([
        view_hidden
        or suppression.group_hidden(cells, selection, row["group_by"], row["group_id"])
        or suppression.small_either_way(row["n_in_group"], n_view)
        or suppression.small_either_way(row["n_trainees"], row["n_in_group"])
        for row in found.to_dict("records")], index=found.index, dtype=bool)
    found = found.astype({"n_trainees": "Int64", "n_in_group": "Int64"})
    found.loc[hidden, ["n_trainees", "n_in_group"]] = pd.NA
    found.loc[hidden, "share"] = found.loc[hidden, "share"].map(share_in_tens)
    return found


def patterns(
    db, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl", *, rows: Rows | None = None,
) -> pd.DataFrame:
    """The programme's patterns among the trainees in view, largest share first.

    Columns: group_by (school / institute), group_id, code, role,
    n_trainees (with that signal about that role), n_in_group (trainees of
    the group in scope), share, message (in ``lang``), group_name. An
    aggregate that names nobody: also for management, whose counts below the
    suppression threshold are left out.
    """
    lang = normalise_language(lang)
    params = {**_filter_params(filters), **_pattern_params()}
    # Patterns count codes and roles: the signals' sentences are not needed (they are written here).
    if rows is None and uses_derived(db, norm):
        # Under the stored norms: one statement on the derived layer.
        tables = {**_analysis_tables(db, norm), **_blank_message_tables()}
        return _patterns_found(db, _run(db, _DERIVED_PATTERN_PARTS, params, tables), lang, filters)
    current_job, _, tables = _signal_jobs(db, filters, norm, lang, sentences=False)
    current = _run_one(db, rows, current_job)
    job: Job = (_PATTERN_PARTS, params, {**tables, "signals_param": _signal_arrow(current)})
    return _patterns_found(db, _run_one(db, rows, job), lang, filters)


def group_lead(
    db, group: Mapping[str, pd.DataFrame], filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl",
) -> tuple[dict[str, Any], pd.DataFrame] | None:
    """(:func:`tier_counts`, :func:`patterns`) of the trainees that
    :func:`dashboard.analysis.group_view` found for the same filters and norm,
    from the signals it evaluated (its ``signal_rows``) instead of evaluating
    them again: what the overview leads with when its filters name a school.
    The previous wave's signals are read from the derived layer, so this is
    None when the layer does not apply (a what-if ``norm``, or not current):
    ask :func:`tier_counts` and :func:`patterns` then."""
    if not uses_derived(db, norm):
        return None
    lang = normalise_language(lang)
    params = _filter_params(filters)
    tables = {**_analysis_tables(db, norm), "signals_param": _signal_arrow(group["signal_rows"])}
    found_triage, found_patterns = _run_jobs(db, None, [(_BOUND_DERIVED_TRIAGE_PARTS, params, tables)],
                                             [(_PATTERN_PARTS, {**params, **_pattern_params()}, tables)])
    return (_tier_head(db, filters, found_triage["tier"], group["trainees"]),
            _patterns_found(db, found_patterns, lang, filters))


def no_data_trainees(db, filters: Filters = Filters(), *, rows: Rows | None = None) -> pd.DataFrame:
    """The trainees in view without any relationship in the evaluated wave
    ("geen gegevens in deze fase"): never read as "no signals, all fine".

    Columns as :func:`dashboard.analysis.trainees` (wave is null), by name.
    """
    _require_persons(db)
    found = _trainees_found(_run_one(db, rows, ((_CHOSEN, "analysis/trainees"), _filter_params(filters), {})))
    return found[found["wave"].isna()].reset_index(drop=True)
