"""The scenario "a mentor leaves" (shared/domain.md, "Scenario: a mentor leaves").

Choose a person: their relationships disappear from each affected trainee's
evaluated wave, in memory; nothing is written. The trainees they guide are
copied (``analysis._copied_rows``, the mechanism of ``group_view`` and
``trainee_view``), the usual coverage and signal SQL runs on the copy as it
is and on the copy without the person's relationships, their functions and
their consultations, and the two answers are compared. Same rules, one
definition: what the scenario says is what the dashboard would say after.

Tiers (``nu`` / ``bespreken`` / ``volgen``) come from ``analysis.triage``,
asked about the same copy before and after (its ``rows=``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard import analysis
from dashboard.analysis import GROUP_COLUMNS, Filters, Norm, suggestions, triage
from dashboard.core import domain
from dashboard.core.i18n import normalise_language
from dashboard.privacy import suppression
from dashboard.store.db import Database, side_by_side

CHANGE_COLUMNS: tuple[str, ...] = (
    "trainee_id", "name", "school_id", "institute_id", "wave", "function", "level_before", "level_after",
    "tier_before", "tier_after", "new_codes", "candidates",
)
GROUP_CHANGE_COLUMNS: tuple[str, ...] = ("group_name", "n_trainees", "n_functions_lost", "n_to_geen", "n_tier_up")
LEVEL_RANK: dict[str, int] = {"geen": 0, "zwak": 1, "sterk": 2}
TIER_RANK: dict[str | None, int] = {"nu": 3, "bespreken": 2, "volgen": 1, None: 0}

_PARTS = ("analysis/_chosen", "analysis/_scope", "analysis/_coverage")


def _without(rows: Mapping[str, pa.Table], person_id: str, waves: Mapping[str, str]) -> dict[str, pa.Table]:
    """``rows`` without the person's relationships, functions and consultations in each trainee's ``waves``."""
    def keep(table: pa.Table, person_columns: tuple[str, ...]) -> pa.Table:
        frame = table.to_pandas()
        if frame.empty:
            return table
        in_wave = frame["trainee_id"].map(waves).eq(frame["wave"])
        theirs = pd.Series(False, index=frame.index)
        for column in person_columns:
            theirs |= frame[column].eq(person_id)
        return table.filter(pa.array((~(in_wave & theirs)).to_numpy(dtype=bool)))

    after = dict(rows)
    after["relationships"] = keep(rows["relationships"], ("person_id",))
    after["relationship_functions"] = keep(rows["relationship_functions"], ("person_id",))
    after["consultations"] = keep(rows["consultations"], ("person_a", "person_b"))
    return after


def _evaluate(db: Database, rows: Mapping[str, pa.Table], params: Mapping, tables: Mapping, filters: Filters,
              norm: Norm | None, lang: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, set[str]]]:
    """(coverage, trainee_id -> tier, trainee_id -> signal codes) of the copied rows."""
    [found_coverage] = analysis._run_on_rows(db, rows, [([*_PARTS, "analysis/coverage"], params, tables)])
    return (found_coverage, *_tiers_and_codes(_triage(db, rows, filters, norm, lang)))


def _tiers_and_codes(found: pd.DataFrame) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(trainee_id -> tier, trainee_id -> signal codes) of :func:`triage.triage`'s rows."""
    return (dict(zip(found["trainee_id"], found["tier"])),
            {tid: set(codes) for tid, codes in zip(found["trainee_id"], found["codes"])})


def _compare_stored(db: Database, rows: Mapping[str, pa.Table], after_rows: Mapping[str, pa.Table],
                    params: Mapping, tables: Mapping[str, pa.Table], taxonomy: pd.DataFrame, filters: Filters,
                    lang: str, lost: Callable[[pd.DataFrame, pd.DataFrame], Any]) -> tuple[tuple, tuple, Any]:
    """What :func:`_evaluate` gives before and after, under the stored norms while the
    derived layer is current (``rows`` carry the trainees' derived rows): before is read
    as stored, after is evaluated on ``after_rows`` with each trainee's previous wave
    as stored (only the evaluated wave changed). Four statements, two at a time; and
    ``lost(coverage_before, coverage_after)`` as soon as the coverage is known, beside
    the tiers (the candidates for the lost functions need no tier)."""
    triage_tables = {**tables, **analysis._message_tables(db, lang, taxonomy)}
    stored = {name: rows[name] for name in analysis.DERIVED_TABLES}
    coverage_jobs: list[analysis.Job] = [
        ([*analysis.DERIVED_COVERAGE_PARTS, "analysis/coverage"], params, {**tables, **rows}),
        ([*analysis.COVERAGE_PARTS, "analysis/coverage"], params, {**tables, **after_rows}),
    ]
    before_job = triage.copied_triage_job(rows, filters, triage_tables, changed=False)
    after_job = triage.copied_triage_job({**after_rows, **stored}, filters, triage_tables, changed=True)
    # The tiers on the handle without a viewer, as _triage says; the coverage on the caller's, as _evaluate.
    unscoped = db.scoped(None)

    def coverage_then_lost() -> tuple[pd.DataFrame, pd.DataFrame, Any]:
        coverage_before, coverage_after = analysis._run_on_rows(db, {}, coverage_jobs)
        return coverage_before, coverage_after, lost(coverage_before, coverage_after)

    (found_after, found_before), (coverage_before, coverage_after, found_lost) = side_by_side(
        lambda: analysis._run_on_rows(unscoped, {}, [after_job, before_job]), coverage_then_lost,
    )

    return ((coverage_before, *_tiers_and_codes(triage.triage_found(found_before))),
            (coverage_after, *_tiers_and_codes(triage.triage_found(found_after))), found_lost)


Drops = dict[str, list[tuple[str, str, str]]]  # trainee_id -> (function, level_before, level_after)


def _drops(coverage_before: pd.DataFrame, coverage_after: pd.DataFrame, waves: Mapping[str, str],
           affected: set[str]) -> Drops:
    """trainee_id -> (function, level_before, level_after) of each function whose level
    drops, in the taxonomy's order, for every affected trainee with coverage before."""
    # The same wave after as before: a trainee whose wave held only this person has nothing left in it.
    after_level = {
        (tid, f): level for tid, f, level, wave in zip(
            coverage_after["trainee_id"], coverage_after["function"], coverage_after["level"], coverage_after["wave"])
        if wave == waves.get(tid)
    }
    before = coverage_before[coverage_before["trainee_id"].isin(affected)]
    found: Drops = {}
    for tid, mine in before.groupby("trainee_id", sort=True):
        found[tid] = []
        for function, level in zip(mine["function"], mine["level"]):
            level_after = after_level.get((tid, function), "geen")
            if LEVEL_RANK[level_after] < LEVEL_RANK[level]:
                found[tid].append((function, level, level_after))
    return found


def _lost_functions(drops: Drops, waves: Mapping[str, str]) -> pd.DataFrame:
    """(trainee_id, wave, function) of every drop: what the candidates are asked for."""
    lost = [(tid, waves[tid], function) for tid, mine in drops.items() for function, _, _ in mine]
    return pd.DataFrame(lost, columns=["trainee_id", "wave", "function"])


def _evaluated_waves(relationships: pd.DataFrame, wave: str | None) -> dict[str, str]:
    """trainee_id -> the wave _scope.sql evaluates them on: the chosen one, else their latest with relationships."""
    order = {w: i for i, w in enumerate(domain.WAVES)}
    found: dict[str, str] = {}
    for tid, w in zip(relationships["trainee_id"], relationships["wave"]):
        if wave is not None and w != wave:
            continue
        if tid not in found or order[w] > order[found[tid]]:
            found[tid] = w
    return found


def _empty_changes() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in CHANGE_COLUMNS})


def _only(rows: Mapping[str, pa.Table], trainees: set[str]) -> dict[str, pa.Table]:
    """``rows`` of ``trainees`` only (tables about persons, schools and institutes as they are)."""
    keep = pa.array(sorted(trainees), type=pa.string())
    return {name: table.filter(pc.is_in(table.column("trainee_id"), value_set=keep))
            if "trainee_id" in table.column_names else table for name, table in rows.items()}


Candidates = Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]  # (lost functions, taxonomy) -> candidates


def _changes(
    db: Database, person_id: str, filters: Filters, norm: Norm | None, lang: str,
    candidates: Candidates | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(one row per affected trainee and lost function, without candidates; the trainees'
    rows; ``candidates`` asked for the lost functions, None when there are none)."""
    params = {**analysis._filter_params(filters), "person_id": person_id}
    derived = analysis.uses_derived(db, norm)
    # The copy, the taxonomy and the norms are independent reads: side by side.
    rows, taxonomy, norms = side_by_side(
        lambda: analysis._copied_rows(db, ("analysis/_chosen", "analysis/_copy_person_trainees"), params,
                                      derived=derived),
        lambda: analysis.functions(db),
        lambda: analysis.norms_for(db, norm),
    )
    people = rows["trainees"].to_pandas()
    if people.empty:
        return _empty_changes(), people, None
    rel = rows["relationships"].select(["trainee_id", "person_id", "wave"]).to_pandas()
    waves = _evaluated_waves(rel, filters.wave)
    in_wave = rel[rel["person_id"].eq(person_id) & rel["trainee_id"].map(waves).eq(rel["wave"])]
    affected = set(in_wave["trainee_id"])
    if not affected:
        return _empty_changes(), people, None
    # Only the affected trainees' answers are compared: who has the person in another wave only keeps theirs.
    rows = _only(rows, affected)
    after_rows = _without({name: rows[name] for name in analysis.TRAINEE_TABLES}, person_id, waves)
    tables = analysis._analysis_tables(db, norms, taxonomy)  # norms as read: no second read

    def lost(coverage_before: pd.DataFrame, coverage_after: pd.DataFrame) -> tuple[Drops, pd.DataFrame | None]:
        """(the drops, the candidates for the lost functions): one computation of the drops."""
        drops = _drops(coverage_before, coverage_after, waves, affected)
        functions = _lost_functions(drops, waves)
        return drops, None if candidates is None or functions.empty else candidates(functions, taxonomy)

    if derived:
        before, after, (drops, found_candidates) = _compare_stored(db, rows, after_rows, params, tables, taxonomy,
                                                                   filters, lang, lost)
    else:
        # Before and after side by side (DuckDB releases the GIL while it works).
        before, after = side_by_side(
            lambda: _evaluate(db, rows, params, tables, filters, norm, lang),
            lambda: _evaluate(db, after_rows, params, tables, filters, norm, lang),
        )
        drops, found_candidates = lost(before[0], after[0])
    (coverage_before, tiers_before, codes_before), (coverage_after, tiers_after, codes_after) = before, after
    after_wave = dict(zip(coverage_after["trainee_id"], coverage_after["wave"]))
    info = people.set_index("trainee_id")
    records = []
    for tid, mine in drops.items():
        wave = waves[tid]
        new_codes = sorted(codes_after.get(tid, set()) - codes_before.get(tid, set()))
        if after_wave.get(tid) != wave:
            tiers_after.pop(tid, None)  # nothing left in the wave: no evaluation, no tier
        base = dict(trainee_id=tid, name=info.at[tid, "name"], school_id=info.at[tid, "school_id"],
                    institute_id=info.at[tid, "institute_id"], wave=wave,
                    tier_before=tiers_before.get(tid), tier_after=tiers_after.get(tid), new_codes=new_codes)
        for function, level, level_after in mine:
            records.append({**base, "function": function, "level_before": level, "level_after": level_after})
        if not mine and (new_codes or base["tier_before"] != base["tier_after"]):
            records.append({**base, "function": None, "level_before": None, "level_after": None})
    changes = pd.DataFrame(records, columns=[c for c in CHANGE_COLUMNS if c != "candidates"])
    return changes, people, found_candidates


def _triage(db: Database, rows: Mapping[str, pa.Table], filters: Filters, norm: Norm | None, lang: str,
            ) -> pd.DataFrame:
    """``triage.triage`` on the copied rows (tiers and signal codes). The copy was
    read through the viewer's scope already; the handle without a viewer only
    lets the aggregate path (management, who may not ask about persons) use
    the same rule, and its answer is only ever counted there."""
    return triage.triage(db.scoped(None), filters, norm, lang, rows=rows)


def leave(
    db: Database, person_id: str, filters: Filters = Filters(), norm: Norm | None = None, lang: str = "nl",
    caps: Mapping[str, int] | None = None,
) -> dict[str, pd.DataFrame]:
    """What happens when ``person_id`` leaves, for the trainees in scope and filters.

    Keys: ``changes``, one row per affected trainee and function whose
    coverage drops (every drop, also zwak -> geen), and one row with an empty
    function for an affected trainee whose signals or tier change without a
    drop (a new missing_formal). Columns CHANGE_COLUMNS: level_before /
    level_after, tier_before / tier_after (None: not on the list), new_codes
    (signal codes that appear), candidates (person ids, best first, for the
    lost function). ``candidates``: their rows (suggestions.CANDIDATE_COLUMNS)
    with the reason sentence. Nothing is written.
    """
    analysis._require_persons(db)
    lang = normalise_language(lang)

    def candidates(lost: pd.DataFrame, taxonomy: pd.DataFrame) -> pd.DataFrame:
        return suggestions.candidates_for(db, lost, lang, caps, leaving=person_id, taxonomy=taxonomy)

    changes, _, found = _changes(db, person_id, filters, norm, lang, candidates)
    if found is None:
        found = pd.DataFrame({c: pd.Series([], dtype="object") for c in suggestions.CANDIDATE_COLUMNS})
    best = {key: list(group["person_id"]) for key, group in found.groupby(["trainee_id", "function"], sort=False)}
    changes["candidates"] = [
        best.get((tid, f), []) if isinstance(f, str) else [] for tid, f in zip(changes["trainee_id"], changes["function"])
    ]
    return {"changes": changes[list(CHANGE_COLUMNS)].reset_index(drop=True), "candidates": found}


def leave_by_group(
    db: Database, person_id: str, by: str = "school", filters: Filters = Filters(), norm: Norm | None = None,
) -> pd.DataFrame:
    """The scenario as counts per group, for management: <school_id | institute_id | ...>,
    group_name, n_trainees (affected), n_functions_lost, n_to_geen (drops to geen),
    n_tier_up (trainees whose tier rises or appears). Small groups suppressed
    for a viewer who suppresses them (``suppression.suppress_groups``)."""
    analysis._check_by(by)
    id_column = GROUP_COLUMNS[by]
    changes, people, _ = _changes(db, person_id, filters, norm, "nl")
    if changes.empty:
        found = pd.DataFrame({id_column: pd.Series([], dtype="object"),
                              **{c: pd.Series([], dtype="int64") for c in GROUP_CHANGE_COLUMNS}})
        found["group_name"] = found["group_name"].astype("object")
    else:
        group_of = people.set_index("trainee_id")[id_column]
        changes["group_id"] = changes["trainee_id"].map(group_of)
        per_trainee = changes.drop_duplicates("trainee_id")
        lost = changes[changes["function"].notna()]
        # No tier is None here, but pandas 3 holds it as NaN in a text column (where() cannot undo that).
        def tier(value: Any) -> str | None:
            return value if isinstance(value, str) else None

        tier_up = per_trainee[[TIER_RANK[tier(a)] > TIER_RANK[tier(b)]
                               for a, b in zip(per_trainee["tier_after"], per_trainee["tier_before"])]]
        groups = sorted(set(per_trainee["group_id"]), key=str)
        names = _group_names(db, by, rows_people=people)
        found = pd.DataFrame({
            id_column: groups,
            "group_name": [names.get(g, g) for g in groups],
            "n_trainees": [int((per_trainee["group_id"] == g).sum()) for g in groups],
            "n_functions_lost": [int((lost["group_id"] == g).sum()) for g in groups],
            "n_to_geen": [int(((lost["group_id"] == g) & (lost["level_after"] == "geen")).sum()) for g in groups],
            "n_tier_up": [int((tier_up["group_id"] == g).sum()) for g in groups],
        })
    viewer = getattr(db, "viewer", None)
    if viewer is not None and viewer.suppresses_small_groups:
        return suppression.suppress_groups(found, id_column)
    return found


def _group_names(db: Database, by: str, rows_people: pd.DataFrame) -> dict[str, str]:
    if by not in ("school", "institute"):
        return {}
    options = analysis.filter_options(db)
    return dict(options["schools" if by == "school" else "institutes"])
