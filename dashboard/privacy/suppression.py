"""Small-group suppression: aggregates never describe fewer than *k* trainees.

Issue 5: for ``management`` and in every aggregate export, a group of fewer
than *k* trainees is suppressed (k = ``access.min_group_size()``: 5, or
``$CONSTELLATIEMONITOR_MIN_GROUP``); where a total would reveal a suppressed
group, a second group is suppressed too; a suppressed cell reads "< k",
never 0 and never blank. Pure pandas, no Streamlit, no database: the data
layer (``analysis.coverage_by``, ``compare``, ``headline``), the pages, the
downloads and the command line all call these functions.

What is protected, and why
--------------------------
A table of groups (``analysis.coverage_by``: long format, one row per
group × function; ``analysis.compare``: one row per group) describes the
trainees of each group. For a group of one to k-1 trainees those figures
come close to describing persons: whoever knows the school knows who the
two trainees of a cohort are. So:

1. **Size rule.** A group with ``n_trainees < k`` has *all* its figures
   suppressed (NA), in every row of that group (all functions of
   ``coverage_by``): its size, counts, shares and rates. Its id and name
   stay: that the group exists is not about a person.
2. **Complementary rule.** The total number of trainees in view is always
   derivable: the overview shows it, and every grouping (school, institute,
   cohort, programme) partitions the same trainees, so the sum of another
   grouping gives it. With one suppressed group, total minus the visible
   groups would give that group back exactly; the same subtraction works on
   every count behind a share (all-strong coverage, trainees per signal).
   Therefore the suppressed groups must be **at least two and hold at least
   k trainees together**: then what subtraction yields describes a set of at
   least k trainees, the standard the size rule sets for any shown group,
   and no suppressed group's own figures follow from it. While that does not
   hold, the smallest visible group is suppressed too (ties: by group id,
   missing id last). With one suppressed group this is the classic second
   cell; it also covers two tiny groups (1 + 2 trainees) whose combined
   figures would still single people out. When every group is suppressed,
   the total itself is below k or is all that is left (and the headline
   rule below hides a total below k).
3. Groups with ``n_trainees >= k`` are untouched unless rule 2 picks them.

Suppressed cells carry their reason: a group below k reads ``"< k"`` (true:
it has fewer than k trainees); a group hidden by rule 2 has k or more
trainees, so it reads "verborgen" / "hidden" rather than a false "< k".
Neither is ever 0 or blank. The marker tells nothing new: that the other
group is small is what its own "< k" says.

Headline figures (the overview, :func:`suppress_headline`): with fewer than
k trainees in view every figure is suppressed (the figures of the whole view
would describe those few people). Otherwise each count of trainees with some
property (with a signal, per signal code, with every function strongly
covered: the count behind the share) between 1 and k-1 is suppressed: such
a figure points at a handful of people. 0 is shown (it singles out nobody).

Consistency across filters (issue 16; :class:`Cells`): a filter narrows the
view to one group of a wider view (school S04 and programme eerstegraads is
the eerstegraads group of S04 by programme, and the S04 group of
eerstegraads by school). A group that a view one filter wider hides (by
rules 1 and 2) is hidden in every view of it: the headline of that selection
shows nothing, and in a breakdown it is hidden as if it were small (rule 2
then runs with it). Without this, 29 trainees at S04 minus 19 tweedegraads
(shown) minus 8 eerstegraads (the headline with the programme filter) gave
the hidden group of 2 zij-instroom back.

Headline complements: the headline shows the number of trainees in view, so
a count of trainees *with* a property also gives the count *without* it. A
count whose complement is between 1 and k-1 is suppressed as a small count
is (28 of 29 with a signal points at the one without).
Such a count is k or more, so it reads "verborgen" / "hidden", not "< k"
(which would be false); a count below k reads "< k".

Tier tiles and patterns (issue 16): the overview's tiles per tier with the
total are a table of groups too (:func:`suppress_parts`: 13 + 15 + 0 + 0 of
29 left 1), and a pattern's group size is a figure about a group
(:func:`group_hidden`, :func:`small_either_way`: "15 van 27 van instituut
I2" at S04 gave 29 - 27 = 2, the group the institute breakdown hides);
``analysis.triage`` applies both for management.

Not protected (documented in docs/privacy.md): chains of two or more filter
steps (consistency is checked one filter wider, not through the whole
lattice of filter combinations), a grouping by school against one by
cohort, and the counts behind shares across groups (a share of a shown group
with the total); exact sizes may occasionally be narrowed down (a group of 1
hidden with a group of exactly k). What one table with its total can never
give is a figure about fewer than k trainees.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

import pandas as pd

from dashboard.privacy.access import min_group_size
from dashboard.core.i18n import t

SUPPRESSED = "suppressed"  # bool column: the group's figures are hidden
SMALL_GROUP = "small_group"  # bool column: hidden because the group itself is smaller than k
SIZE_COLUMN = "n_trainees"
# Columns that name a row rather than measure trainees: never suppressed.
DESCRIPTIVE_COLUMNS: tuple[str, ...] = ("group_name", "function")
HEADLINE_FIGURES: tuple[str, ...] = ("n_trainees", "share_all_strong", "n_with_signal")
# Headline key: the suppressed figures that are k or more, hidden because n minus them is small.
HIDDEN_FOR_COMPLEMENT = "hidden_for_complement"
_ATTR = "min_group"
_FIGURES_ATTR = "suppressed_figures"


def effective_k(k: int | None = None) -> int:
    """k of the rule: ``k`` when given (at least 1), else ``access.min_group_size()``."""
    return min_group_size() if k is None else max(1, int(k))


def k_of(frame: pd.DataFrame | Mapping[str, Any], default: int | None = None) -> int:
    """The k a suppressed frame (or headline) was made with; else ``default`` / the configured k."""
    found = frame.attrs.get(_ATTR) if isinstance(frame, pd.DataFrame) else frame.get(_ATTR)
    return int(found) if found is not None else effective_k(default)


# --- which groups ---------------------------------------------------------------


class _Missing:
    """Stands for a missing group id (trainees without a programme): one group of its own."""

    def __repr__(self) -> str:
        return "<no id>"


_MISSING_ID = _Missing()


def selection_order(item: tuple[Hashable, int]) -> tuple[int, bool, str]:
    """Which visible group the complementary rule takes first: the smallest,
    ties by id, a missing id last. ``item`` is (group id, size)."""
    key, size = item
    missing = key is None or key is pd.NA or isinstance(key, _Missing) or (isinstance(key, float) and math.isnan(key))
    return (size, missing, "" if missing else str(key))


def groups_to_suppress(sizes: Mapping[Hashable, int], k: int | None = None,
                       forced: Iterable[Hashable] = ()) -> tuple[set, set]:
    """(groups below k, groups hidden by the complementary rule) for ``{group: n_trainees}``.

    See the module docstring: after the size rule, the smallest visible
    groups (ties by id) are added until the suppressed groups are at least
    two and hold at least k trainees together, or none is left. ``forced``
    groups (hidden in a wider view, :class:`Cells`) count as hidden from the
    start; they are returned among the complementary ones.
    """
    k = effective_k(k)
    small = {group for group, size in sizes.items() if int(size) < k}
    complementary: set = {group for group in forced if group in sizes and group not in small}
    hidden = small | complementary
    if not hidden:
        return small, complementary
    remaining = sorted(((g, int(s)) for g, s in sizes.items() if g not in hidden), key=selection_order)
    hidden_total = sum(int(sizes[g]) for g in hidden)
    count = len(hidden)
    for group, size in remaining:
        if count >= 2 and hidden_total >= k:
            break
        complementary.add(group)
        hidden_total += size
        count += 1
    return small, complementary


# --- consistency across filters ----------------------------------------------------

# The filters that choose trainees, and the column of ``analysis.group_cells`` each filters on.
FILTER_COLUMNS: dict[str, str] = {
    "school": "school_id", "institute": "institute_id", "cohort": "cohort", "programme": "programme"}


class Cells:
    """Trainee counts per combination of the filter dimensions
    (``analysis.group_cells``): from them the size of any group in any view.

    A selection is a mapping {dimension: value} of the filters that are set.
    """

    def __init__(self, frame: pd.DataFrame, k: int | None = None):
        self.frame = frame
        self.k = effective_k(k)

    def sizes(self, selection: Mapping[str, Any], by: str) -> dict[Hashable, int]:
        """{group of ``by``: trainees} within ``selection`` (a missing id is a group too)."""
        rows = self.frame
        for dimension, value in selection.items():
            rows = rows[rows[FILTER_COLUMNS[dimension]] == value]
        if rows.empty:
            return {}
        counts = rows["n_trainees"].groupby(_group_keys(rows[FILTER_COLUMNS[by]]), sort=False).sum()
        return {group: int(n) for group, n in counts.items()}

    def hidden_by(self, selection: Mapping[str, Any], *, skip: Iterable[str] = ()) -> str | None:
        """The dimension whose view one filter wider hides ``selection``
        (rules 1 and 2 there), or None. ``skip``: dimensions not to widen."""
        skipped = set(skip)
        for dimension, value in selection.items():
            if dimension in skipped:
                continue
            wider = {d: v for d, v in selection.items() if d != dimension}
            small, complementary = groups_to_suppress(self.sizes(wider, dimension), self.k)
            if value in small or value in complementary:
                return dimension
        return None


def _hidden_wider(cells: Cells, view: Mapping[str, Any], by: str, groups: Iterable[Hashable]) -> set:
    """The groups of ``by`` within ``view`` that a view one filter wider hides (other than by ``by``)."""
    return {group for group in groups if not isinstance(group, _Missing)
            and cells.hidden_by({**view, by: group}, skip=(by,)) is not None}


def group_hidden(cells: Cells, selection: Mapping[str, Any], by: str, group: Hashable) -> bool:
    """Whether the breakdown by ``by`` of the view ``selection`` (the
    overview's heatmap, :func:`suppress_groups` with ``cells``) hides
    ``group``: by rules 1 and 2, with the groups a view one filter wider hides.
    A figure about that group (its size: "15 van 27 studenten van instituut
    I2") must then not be shown elsewhere on the page either (issue 16)."""
    view = {d: v for d, v in selection.items() if d != by}
    sizes = cells.sizes(view, by)
    if group not in sizes:
        return False
    small, complementary = groups_to_suppress(sizes, cells.k, _hidden_wider(cells, view, by, sizes))
    return group in small or group in complementary


def n_in_view(cells: Cells, selection: Mapping[str, Any]) -> int:
    """The number of trainees in the view ``selection``."""
    return sum(cells.sizes(selection, "school").values())


def selection_of(filters: Any) -> dict[str, Any]:
    """The filter dimensions ``filters`` (an ``analysis.Filters``) sets."""
    return {d: getattr(filters, d) for d in FILTER_COLUMNS if getattr(filters, d, None) is not None}


# --- tables of groups -------------------------------------------------------------


def _group_keys(ids: pd.Series) -> pd.Series:
    return ids.astype(object).where(ids.notna(), _MISSING_ID)


def suppress_groups(
    frame: pd.DataFrame,
    id_column: str,
    k: int | None = None,
    *,
    size_column: str = SIZE_COLUMN,
    descriptive: Iterable[str] = DESCRIPTIVE_COLUMNS,
    cells: Cells | None = None,
    selection: Mapping[str, Any] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """``frame`` with the figures of suppressed groups set to NA and two bool
    columns: ``suppressed`` and ``small_group`` (the reason).

    One group = all rows with the same ``id_column`` value (a missing id is a
    group too); its size is the largest ``size_column`` in its rows. Every
    column but the id and ``descriptive`` ones is a figure (fail closed: a new
    column is hidden too). Integer figures become nullable ``Int64``. A frame
    that already has a ``suppressed`` column is returned as it is (a copy),
    so suppressing twice changes nothing.

    With ``cells``, ``selection`` (the filters in view) and ``by`` (the
    dimension of the groups), a group that a view one filter wider hides is
    hidden here too (:class:`Cells`), and the complementary rule runs with it.
    """
    if SUPPRESSED in frame.columns:
        return frame.copy()
    k = effective_k(k)
    out = frame.copy()
    keys = _group_keys(out[id_column])
    sizes = out[size_column].groupby(keys, sort=False).max() if len(out) else pd.Series(dtype="int64")
    forced: set = set()
    if cells is not None and by is not None:
        view = {d: v for d, v in (selection or {}).items() if d != by}
        forced = _hidden_wider(Cells(cells.frame, k), view, by, sizes.index)
    small, complementary = groups_to_suppress({g: int(s) for g, s in sizes.items()}, k, forced)
    is_small = keys.isin(small).to_numpy(dtype=bool)
    hidden = keys.isin(small | complementary).to_numpy(dtype=bool)
    keep = {id_column, *descriptive}
    figures = [c for c in out.columns if c not in keep]
    for column in figures:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].astype("boolean")
        elif pd.api.types.is_integer_dtype(out[column]):
            out[column] = out[column].astype("Int64")
        elif not pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].astype(object)
        if hidden.any():
            out.loc[hidden, column] = pd.NA
    out[SUPPRESSED] = hidden
    out[SMALL_GROUP] = is_small
    out.attrs[_ATTR] = k
    out.attrs[_FIGURES_ATTR] = tuple(figures)
    return out


def figure_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a suppressed frame that :func:`suppress_groups` treated as figures."""
    return [c for c in frame.attrs.get(_FIGURES_ATTR, ()) if c in frame.columns]


def suppressed_groups(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """The suppressed groups of a suppressed frame: id, group_name (if any), small_group; one row each."""
    if SUPPRESSED not in frame.columns:
        return frame.iloc[0:0][[id_column]]
    columns = [c for c in (id_column, "group_name", SMALL_GROUP) if c in frame.columns]
    rows = frame[frame[SUPPRESSED]]
    return rows.drop_duplicates(subset=[id_column])[columns].reset_index(drop=True)


# --- the overview's headline --------------------------------------------------------


def _small_count(value: Any, k: int) -> bool:
    return value is not None and not pd.isna(value) and 0 < int(value) < k


def small_either_way(value: Any, n: int, k: int | None = None) -> bool:
    """Whether a count of trainees within ``n`` in view is small (1 to k-1),
    or leaves a small number out (n minus the count is 1 to k-1): the
    headline's rule for a count, also for the tier tiles and the patterns."""
    k = effective_k(k)
    return _small_count(value, k) or (value is not None and not pd.isna(value) and _small_count(n - int(value), k))


_REST = _Missing()  # the trainees in view that no part counts (n minus the parts): derivable, so a cell too


def suppress_parts(parts: Mapping[str, int], n: int, k: int | None = None, *,
                   hidden_by: str | None = None) -> dict[str, int | None]:
    """Counts of disjoint parts of the ``n`` trainees in view (the tier tiles:
    trainees per tier) with the hidden ones None (issue 16).

    The parts and the rest (n minus their sum: shown n minus shown tiles)
    form a table of groups with its total, so the table rules apply: a part
    that is small or leaves a small number out of n (:func:`small_either_way`)
    is hidden, and :func:`groups_to_suppress` hides the smallest other parts
    until the hidden ones are at least two and hold at least k trainees. 0 is
    shown (it singles out nobody) and never counts as the second cell. The
    rest takes part when it is small (it must be protected) but is never
    chosen as the second cell: it is n minus the headline's "met een
    signaal" and so visible. Fewer than k in view, or a view that a view one
    filter wider hides (``hidden_by``, as :func:`suppress_headline`): all None.
    """
    k = effective_k(k)
    if 0 < n < k or (n and hidden_by is not None):
        return {part: None for part in parts}
    sizes: dict[Hashable, int] = {part: int(v) for part, v in parts.items() if int(v) > 0}
    rest = n - sum(int(v) for v in parts.values())
    if _small_count(rest, k):
        sizes[_REST] = rest
    forced = {part for part, v in sizes.items() if small_either_way(v, n, k)}
    small, complementary = groups_to_suppress(sizes, k, forced)
    hidden = small | complementary
    return {part: None if part in hidden else int(v) for part, v in parts.items()}


def suppress_headline(head: Mapping[str, Any], k: int | None = None, *, hidden_by: str | None = None) -> dict[str, Any]:
    """The headline figures of ``analysis.headline_figures`` with small counts suppressed.

    Adds ``suppressed`` (the names of suppressed figures, a tuple) and
    ``min_group`` (k); ``signal_counts`` gets a bool ``suppressed`` column
    and a nullable ``n_trainees``. Fewer than k trainees in view (but some):
    every figure is suppressed and ``signal_counts`` is empty (which signals
    occur among a few people says something about them). Otherwise a count
    between 1 and k-1 is suppressed: ``n_with_signal``, each signal's count,
    and ``share_all_strong`` when the number of trainees it counts is small,
    and also when the number it leaves out (n minus the count) is.

    ``hidden_by``: the dimension of a view one filter wider that hides the
    trainees in view (``Cells.hidden_by``): then every figure is suppressed
    too, and ``hidden_by`` is in the result.
    """
    k = effective_k(k)
    n = int(head["n_trainees"])
    counts = head["signal_counts"].copy()
    counts["n_trainees"] = counts["n_trainees"].astype("Int64")
    # Fewer than k: that is the reason to give (it is true and says more).
    out: dict[str, Any] = {**head, "min_group": k, "hidden_by": hidden_by if n >= k else None}
    if 0 < n < k or (n and hidden_by is not None):
        out.update(
            n_trainees=None, share_all_strong=float("nan"), n_with_signal=None,
            signal_counts=counts.iloc[0:0].assign(**{SUPPRESSED: pd.Series([], dtype=bool),
                                                     SMALL_GROUP: pd.Series([], dtype=bool)}),
            suppressed=HEADLINE_FIGURES, **{HIDDEN_FOR_COMPLEMENT: ()},
        )
        return out
    suppressed: list[str] = []
    # Hidden only for what they leave out (28 of 29): such a figure is not below k, so it
    # reads "verborgen", never a false "< k" (headline_value).
    complement: list[str] = []
    share = head["share_all_strong"]
    if n and share is not None and not math.isnan(share) and small_either_way(round(share * n), n, k):
        out["share_all_strong"] = float("nan")
        suppressed.append("share_all_strong")
        if not _small_count(round(share * n), k):
            complement.append("share_all_strong")
    if small_either_way(head["n_with_signal"], n, k):
        out["n_with_signal"] = None
        suppressed.append("n_with_signal")
        if not _small_count(head["n_with_signal"], k):
            complement.append("n_with_signal")
    small = counts["n_trainees"].map(lambda value: small_either_way(value, n, k)).astype(bool)
    below_k = counts["n_trainees"].map(lambda value: _small_count(value, k)).astype(bool)
    counts.loc[small, "n_trainees"] = pd.NA
    counts[SUPPRESSED] = small.to_numpy()
    counts[SMALL_GROUP] = below_k.to_numpy()
    out["signal_counts"] = counts
    out["suppressed"] = tuple(suppressed)
    out[HIDDEN_FOR_COMPLEMENT] = tuple(complement)
    return out


# --- display ---------------------------------------------------------------------------


def small_label(k: int, lang: str = "nl") -> str:
    """What a cell of a group below k reads: ``"< 5"``."""
    return t("suppression.small", lang, k=k)


def hidden_label(lang: str = "nl") -> str:
    """The word for hidden figures as a whole (the legend of the grey overlay): "verborgen" / "hidden"."""
    return t("suppression.hidden", lang)


def cell_label(small: bool, k: int, lang: str = "nl") -> str:
    # Every hidden cell reads "< k", as issue 5 asks, also the second group
    # hidden to protect a small one (the caption says a hidden cell is either).
    # A separate word for that second group would only be truer at first
    # sight: it would show which of the hidden groups is the small one.
    return small_label(k, lang)


def row_labels(frame: pd.DataFrame, lang: str = "nl") -> pd.Series:
    """Per row: None for a shown row, else the text its figures read ("< 5")."""
    if SUPPRESSED not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    k = k_of(frame)
    return pd.Series(
        [cell_label(bool(small), k, lang) if hidden else None
         for hidden, small in zip(frame[SUPPRESSED], frame[SMALL_GROUP])],
        index=frame.index, dtype=object,
    )


def display_column(
    frame: pd.DataFrame,
    column: str,
    lang: str = "nl",
    format_value: Callable[[Any], Any] | None = None,
    *,
    mixed: bool = False,
) -> pd.Series:
    """``frame[column]`` for a table: suppressed cells read their label, the
    others go through ``format_value`` (as they are without one). On screen a
    column with a label is text throughout (a table column has one type);
    ``mixed`` keeps the other values as they are (a spreadsheet download,
    where numbers stay numbers)."""
    labels = row_labels(frame, lang)
    as_text = bool(labels.notna().any()) and not mixed
    cells = []
    for label, value in zip(labels, frame[column]):
        if label is not None:
            cells.append(label)
            continue
        value = format_value(value) if format_value else value
        cells.append(("" if _blank(value) else str(value)) if as_text else value)
    return pd.Series(cells, index=frame.index, dtype=object)


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def export_frame(frame: pd.DataFrame, lang: str = "nl", *, keep_reason: bool = False) -> pd.DataFrame:
    """A suppressed frame as an aggregate export (CSV, Excel, command line):
    every figure of a suppressed row reads "< k" / "verborgen", never 0 or
    blank; the ``suppressed`` column stays (true / false), ``small_group``
    goes unless ``keep_reason``. Shown rows keep their values and types.
    """
    if SUPPRESSED not in frame.columns:
        return frame.copy()
    labels = row_labels(frame, lang)
    hidden = frame[SUPPRESSED].to_numpy(dtype=bool)
    out = frame.copy()
    if hidden.any():
        for column in figure_columns(out):
            out[column] = out[column].astype(object)
            out.loc[hidden, column] = labels[hidden]
    if not keep_reason:
        out = out.drop(columns=[SMALL_GROUP])
    return out


def headline_value(head: Mapping[str, Any], figure: str, formatted: str, lang: str = "nl") -> str:
    """A headline figure for display: its text, or "< k" when suppressed
    (a share: "< k studenten", the number of trainees it counts); "verborgen"
    when it was hidden only for its complement (28 of 29: not below k)."""
    if figure not in head.get("suppressed", ()):
        return formatted
    if figure in head.get(HIDDEN_FOR_COMPLEMENT, ()):
        return hidden_label(lang)
    if figure == "share_all_strong":
        return t("suppression.small_share", lang, k=k_of(head))
    return small_label(k_of(head), lang)
