"""What if the norm were different? The current norms and a proposal side by
side (issue 14), computed by the same questions as everywhere (triage,
coverage) with in-memory norms (``analysis.norms_for``): nothing is stored.

For every viewer the answer is counts: trainees per tier and per signal,
strong coverage per function, and per group (school or institute) the
trainees on the list and the share of strong cells. A viewer who sees
persons (a coordinator within their scope, the beheerder) also gets the
trainees whose tier changes. For management the counts of trainees between
1 and k-1 are suppressed and the groups below k hidden
(``privacy.suppression``), as on every aggregate page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard.analysis import Filters, GROUP_COLUMNS, Norm, coverage_by, triage, uses_derived
from dashboard.privacy import suppression
from dashboard.store.db import Database, side_by_side

OFF_LIST = "off"  # the tier of a trainee who is not on the list
SIDES = ("current", "proposal")
WHAT_IF_GROUPINGS = ("school", "institute")


def counting_handle(db: Database) -> Database:
    """The handle counts of the attention list are computed on. The list is
    about persons, which management may not see; its counts are an aggregate
    they may. Management sees every trainee, so the unscoped handle names the
    same trainees; only counts leave the callers (here and the meeting report)."""
    viewer = getattr(db, "viewer", None)
    if viewer is not None and not viewer.sees_persons and viewer.sees_all_trainees:
        return db.scoped(None)
    return db


def _side(db: Database, filters: Filters, norms: Mapping[str, Norm], by: str, lang: str,
          rows: triage.Rows | None) -> dict[str, pd.DataFrame]:
    counting = counting_handle(db)
    # Only tiers and codes are compared: no sentences. The coverage per function is
    # summed from the groups' counts (every trainee in view is in one group), not
    # read cell by cell.
    return {
        "triage": triage.triage(counting, filters, norms, lang, sentences=False, rows=rows),
        "groups": coverage_by(counting, by, filters, norms, rows=rows),
    }


def _rows_for(db: Database, filters: Filters, sides: Sequence[Mapping[str, Norm]]) -> list[triage.Rows | None]:
    """Per side, the copied rows to ask on, or None for the stored tables. A
    school's or an institute's trainees are a few hundred out of many: the
    rules run on one copy of their rows (shared by both sides) instead of
    reading the national tables; a side under the stored norms reads the
    derived layer instead, where it is."""
    counting = counting_handle(db)
    live = [not uses_derived(counting, norms) for norms in sides]
    if (filters.school is None and filters.institute is None) or not any(live):
        return [None] * len(sides)
    rows = triage.copied_rows(counting, filters)
    return [rows if evaluated else None for evaluated in live]


def _small(value: int, k: int, hide: bool) -> object:
    return pd.NA if hide and 0 < int(value) < k else int(value)


def compare_norms(
    db: Database, filters: Filters, current: Mapping[str, Norm], proposal: Mapping[str, Norm],
    lang: str = "nl", by: str = "school",
) -> dict[str, pd.DataFrame]:
    """Current norms and ``proposal`` side by side for the trainees in view.

    Keys (each a DataFrame with ``current``, ``proposal`` and ``changed``):
    tiers (tier incl. ``off``: trainees not on the list), signals (code:
    trainees with it), coverage (function: share of trainees strongly
    covered), groups (per ``by`` group: n_trainees, on the list, share of
    strong cells; ``suppressed`` for management), and moved (trainee_id,
    name, school_name, current, proposal: the trainees whose tier changes;
    empty for a viewer who sees aggregates only).
    """
    if by not in WHAT_IF_GROUPINGS:
        raise ValueError(f"by must be one of {WHAT_IF_GROUPINGS}")
    rows_now, rows_then = _rows_for(db, filters, (current, proposal))
    now, then = side_by_side(lambda: _side(db, filters, current, by, lang, rows_now),
                             lambda: _side(db, filters, proposal, by, lang, rows_then))
    viewer = getattr(db, "viewer", None)
    hide = viewer is not None and viewer.suppresses_small_groups
    k = suppression.effective_k()
    n_in_view = _trainees_in(now["groups"], by)

    def tiers_of(side: dict) -> pd.Series:
        counts = side["triage"]["tier"].value_counts()
        values = {tier: int(counts.get(tier, 0)) for tier in triage.TIERS}
        values[OFF_LIST] = n_in_view - sum(values.values())
        return pd.Series(values)

    tiers = pd.DataFrame({"current": tiers_of(now), "proposal": tiers_of(then)}).rename_axis("tier").reset_index()

    def codes_of(side: dict) -> pd.Series:
        codes = side["triage"]["codes"].explode().dropna()
        return codes.value_counts()

    signal_codes = pd.DataFrame({"current": codes_of(now), "proposal": codes_of(then)}).fillna(0).astype("int64")
    signal_codes = signal_codes.rename_axis("code").reset_index()

    def cover_of(side: dict) -> pd.Series:
        per_function = side["groups"].groupby("function", sort=False)[["n_sterk", "n_trainees"]].sum()
        return per_function["n_sterk"] / per_function["n_trainees"]

    cover = pd.DataFrame({"current": cover_of(now), "proposal": cover_of(then)}).rename_axis("function").reset_index()

    groups = _groups(now, then, by, hide)
    moved = _moved(now["triage"], then["triage"]) if viewer is None or viewer.sees_persons else _moved_empty()

    for frame in (tiers, signal_codes):
        frame["changed"] = frame["current"] != frame["proposal"]
        if hide:
            for column in SIDES:
                frame[column] = pd.array([_small(v, k, True) for v in frame[column]], dtype="Int64")
    cover["changed"] = (cover["current"] - cover["proposal"]).abs() > 1e-12
    if hide and 0 < n_in_view < k:
        cover[list(SIDES)] = float("nan")
    return {"tiers": tiers, "signals": signal_codes, "coverage": cover, "groups": groups, "moved": moved}


def _trainees_in(groups: pd.DataFrame, by: str) -> int:
    """The trainees in view, from coverage_by's rows (each group's count, once)."""
    if groups.empty:
        return 0
    return int(groups.groupby(GROUP_COLUMNS[by], dropna=False, sort=False)["n_trainees"].max().sum())


def _groups(now: dict, then: dict, by: str, hide: bool) -> pd.DataFrame:
    id_column = GROUP_COLUMNS[by]
    base = now["groups"].groupby(id_column, dropna=False, sort=False).agg(
        group_name=("group_name", "first"), n_trainees=("n_trainees", "max"),
        share_current=("share_sterk", "mean"))
    base["share_proposal"] = then["groups"].groupby(id_column, dropna=False, sort=False)["share_sterk"].mean()
    for side, found in (("current", now["triage"]), ("proposal", then["triage"])):
        base[f"listed_{side}"] = found.groupby(id_column).size().reindex(base.index, fill_value=0).astype("int64")
    base = base.reset_index()
    base["changed"] = (base["listed_current"] != base["listed_proposal"]) | (
        (base["share_current"] - base["share_proposal"]).abs() > 1e-12)
    if hide:
        base = suppression.suppress_groups(base, id_column, descriptive=("group_name",))
    return base.sort_values("group_name", key=lambda s: s.astype(str).str.lower(), kind="stable").reset_index(drop=True)


def _moved_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in ("trainee_id", "name", "school_name", *SIDES)})


def _moved(now: pd.DataFrame, then: pd.DataFrame) -> pd.DataFrame:
    columns = ["trainee_id", "name", "school_name", "tier"]
    joined = now[columns].merge(then[columns], on=["trainee_id"], how="outer", suffixes=("_current", "_proposal"))
    for column in ("name", "school_name"):
        joined[column] = joined[f"{column}_current"].combine_first(joined[f"{column}_proposal"])
    joined["current"] = joined["tier_current"].fillna(OFF_LIST)
    joined["proposal"] = joined["tier_proposal"].fillna(OFF_LIST)
    moved = joined[joined["current"] != joined["proposal"]]
    order = {tier: i for i, tier in enumerate((*triage.TIERS, OFF_LIST))}
    moved = moved.assign(_a=moved["current"].map(order), _b=moved["proposal"].map(order))
    moved = moved.sort_values(["_a", "_b", "name", "trainee_id"], kind="stable")
    return moved[["trainee_id", "name", "school_name", *SIDES]].reset_index(drop=True)
