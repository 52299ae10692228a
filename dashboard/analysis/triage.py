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

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pandas as pd
import pyarrow as pa

from dashboard.analysis import (
    SIGNAL_COLUMNS,
    Filters,
    Job,
    Norm,
    _analysis_tables,
    _copied_rows,
    _copied_signals,
    _filter_params,
    _message_tables,
    _require_persons,
    _run,
    _run_on_rows,
    _run_side_by_side,
    _trainees_found,
    functions,
)
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t
from dashboard.privacy import access

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
_SIGNAL_PARTS = (_CHOSEN, _SCOPE, _COVERAGE, "analysis/signals")
_PREVIOUS_SIGNAL_PARTS = (_CHOSEN, "analysis/_previous_wave", _SCOPE, _COVERAGE, "analysis/signals")
_TRIAGE_PARTS = (_CHOSEN, _SCOPE, "analysis/triage")
_PATTERN_PARTS = (_CHOSEN, _SCOPE, "analysis/patterns")

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
    table = {name: pa.Array.from_pandas(found[name].astype(object), type=pa.string()) for name in columns}
    table["position"] = pa.array(range(len(found)), type=pa.int64())
    return pa.table(table)


def _signal_jobs(db, filters: Filters, norm: Norm | None, lang: str) -> tuple[Job, Job, dict[str, pa.Table]]:
    """The signals of the evaluated wave and of each trainee's previous wave, and the norm tables."""
    taxonomy = functions(db)
    tables = _analysis_tables(db, norm, taxonomy)
    signal_tables = {**tables, **_message_tables(db, lang, taxonomy)}
    params = _filter_params(filters)
    previous_params = {**params, "wave": None, "evaluated_wave": filters.wave}
    return (_SIGNAL_PARTS, params, signal_tables), (_PREVIOUS_SIGNAL_PARTS, previous_params, signal_tables), tables


def _run_jobs(db, rows: Rows | None, first: list[Job], second: list[Job]) -> list[pd.DataFrame]:
    """Two lists of jobs side by side (DuckDB releases the GIL), on the handle or on copied rows."""
    if rows is not None:
        return _run_side_by_side(db, rows, first, second)
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(lambda: [_run(db, *job) for job in second])
        return [_run(db, *job) for job in first] + other.result()


def _run_one(db, rows: Rows | None, job: Job) -> pd.DataFrame:
    if rows is not None:
        return _run_on_rows(db, rows, [job])[0]
    return _run(db, *job)


def _signals_found(found: pd.DataFrame, rows: Rows | None) -> pd.DataFrame:
    """signals.sql's rows as :func:`dashboard.analysis.signals` gives them (for the page)."""
    if rows is not None:
        return _copied_signals(found)
    return found[list(SIGNAL_COLUMNS)]


def _triage_found(found: pd.DataFrame) -> pd.DataFrame:
    for column in ("codes", "new_codes", "messages", "message_is_new"):
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
    """:func:`triage` (whole list), :func:`patterns` and the evaluated wave's
    signals (:func:`dashboard.analysis.signals`, mentor-level ones included)
    from one computation of the signals: what the Signalen page shows.
    Keys: triage, patterns, signals."""
    _require_persons(db)
    lang = normalise_language(lang)
    current_job, previous_job, tables = _signal_jobs(db, filters, norm, lang)
    current, previous = _run_jobs(db, rows, [current_job], [previous_job])
    bound = {"signals_param": _signal_arrow(current)}
    params = _filter_params(filters)
    triage_job: Job = (_TRIAGE_PARTS, params, {**tables, **bound, "previous_signals_param": _signal_arrow(previous)})
    pattern_job: Job = (_PATTERN_PARTS, {**params, **_pattern_params()}, {**tables, **bound})
    found_triage, found_patterns = _run_jobs(db, rows, [triage_job], [pattern_job])
    return {
        "triage": _triage_found(found_triage),
        "patterns": _patterns_found(db, found_patterns, lang),
        "signals": _signals_found(current, rows).reset_index(drop=True),
    }


def triage(
    db, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl", *,
    tier: str | None = None, new_only: bool = False, rows: Rows | None = None,
) -> pd.DataFrame:
    """One row per trainee on the attention list, in rank order.

    Columns: trainee_id, name, school_id, institute_id, wave, tier (nu /
    bespreken / volgen), rank (1 = first; over the whole list, so narrowing
    with ``tier`` or ``new_only`` keeps each trainee's rank), codes (distinct,
    most severe first), new_codes, n_nu_reasons, n_signals, messages (the
    reasons for ``nu`` first, then most severe first; in ``lang``), and
    beside those message_is_new (per message) and school_name.
    ``new_only``: only trainees with at least one new signal.
    """
    _require_persons(db)
    lang = normalise_language(lang)
    current_job, previous_job, tables = _signal_jobs(db, filters, norm, lang)
    current, previous = _run_jobs(db, rows, [current_job], [previous_job])
    job: Job = (
        _TRIAGE_PARTS, _filter_params(filters),
        {**tables, "signals_param": _signal_arrow(current), "previous_signals_param": _signal_arrow(previous)},
    )
    return _narrowed(_triage_found(_run_one(db, rows, job)), tier, new_only)


def _pattern_params() -> dict[str, int]:
    return {"min_group": PATTERN_MIN_GROUP, "min_share_percent": PATTERN_MIN_SHARE_PERCENT}


def pattern_message(row: Mapping[str, Any], lang: str) -> str:
    """"Bij 14 van 30 studenten van school X: instituutsopleider onder de norm." """
    group = t(f"triage.pattern_group.{row['group_by']}", lang, name=row["group_name"])
    key = row["code"]
    other = row.get("other_role")
    if key == "no_consultation" and isinstance(other, str):
        key = "no_consultation_pair"
    return t(
        f"triage.pattern.{key}", lang,
        n=int(row["n_trainees"]), total=int(row["n_in_group"]), group=group,
        role=domain.role_label(row["role"], lang),
        other_role=domain.role_label(other, lang) if isinstance(other, str) else "",
    )


def _patterns_found(db, found: pd.DataFrame, lang: str) -> pd.DataFrame:
    viewer = getattr(db, "viewer", None)
    if viewer is not None and viewer.suppresses_small_groups:
        # an aggregate: a count of fewer than k trainees is not shown (privacy/suppression.py)
        found = found[found["n_trainees"] >= access.min_group_size()]
    found = found.reset_index(drop=True)
    found["message"] = pd.Series([pattern_message(row, lang) for row in found.to_dict("records")],
                                 index=found.index, dtype=object)
    for column in ("n_trainees", "n_in_group"):
        found[column] = found[column].astype("int64")
    found["share"] = found["share"].astype("float64")
    return found[list(PATTERN_COLUMNS)]


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
    current_job, _, tables = _signal_jobs(db, filters, norm, lang)
    current = _run_one(db, rows, current_job)
    job: Job = (
        _PATTERN_PARTS, {**_filter_params(filters), **_pattern_params()},
        {**tables, "signals_param": _signal_arrow(current)},
    )
    return _patterns_found(db, _run_one(db, rows, job), lang)


def no_data_trainees(db, filters: Filters = Filters(), *, rows: Rows | None = None) -> pd.DataFrame:
    """The trainees in view without any relationship in the evaluated wave
    ("geen gegevens in deze fase"): never read as "no signals, all fine".

    Columns as :func:`dashboard.analysis.trainees` (wave is null), by name.
    """
    _require_persons(db)
    found = _trainees_found(_run_one(db, rows, ((_CHOSEN, "analysis/trainees"), _filter_params(filters), {})))
    return found[found["wave"].isna()].reset_index(drop=True)
