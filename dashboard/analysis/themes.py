"""The four dialogue themes of programme design (shared/domain.md, "Dialogue
themes for programme design"): initiatief, bedoeling, vormgeving, beoordelen.

One computation (:func:`themes`) feeds the programme page and the meeting
report: every figure is defined once, in ``queries/analysis/themes_*.sql``,
and comes back per group (school, institute, cohort, programme) and for the
whole view (grouping ``all``). These are aggregates for a steering group, so
they are always suppressed as aggregates (``privacy.suppression``): a group
of fewer than k trainees, and the complementary group, show no figures,
whoever asks.

The frame is long: one row per grouping × group × figure × category ×
detail, with ``numerator`` and ``denominator`` of a share (``kind`` 'share',
``value`` = their quotient) or a value (``kind`` 'count', ``value`` =
``numerator``). Definitions in one line each: the locale keys
``themes.definition.<figure>`` (the report's appendix) and docs/analyse.md.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from dashboard import analysis
from dashboard.analysis import Filters, Norm
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t
from dashboard.privacy import suppression
from dashboard.store.db import Database, side_by_side

THEMES: tuple[str, ...] = ("initiatief", "bedoeling", "vormgeving", "beoordelen")
GROUPINGS: tuple[str, ...] = ("all", "school", "institute", "cohort", "programme")
WHOLE_VIEW = "all"

# theme -> its figures, in the order the page and the report show them
FIGURES: dict[str, tuple[str, ...]] = {
    "initiatief": ("informal_share", "strong_informal", "informal_only_cover", "klik"),
    "bedoeling": ("strong_cover", "strong_cover_group", "orientation", "orientation_function"),
    "vormgeving": ("mentors", "trainees_per_mentor", "contact_frequency", "consultation"),
    "beoordelen": ("assessing", "assessing_strength", "assessing_klik"),
}
QUESTION_COUNT: dict[str, int] = {"initiatief": 4, "bedoeling": 3, "vormgeving": 4, "beoordelen": 3}

COLUMNS: tuple[str, ...] = (
    "theme", "group_by", "group_id", "group_name", "n_trainees", "figure", "category", "detail", "kind",
    "numerator", "denominator", "value",
)
# Columns that name a row: never suppressed (suppression.suppress_groups treats the rest as figures).
DESCRIPTIVE: tuple[str, ...] = ("theme", "group_by", "group_name", "figure", "category", "detail", "kind")

_THEME_GROUPS = "analysis/_theme_groups"


def _function_groups(taxonomy: pd.DataFrame):
    return analysis._bound_table(
        {"code": "str", "group": "str"}, zip(taxonomy["code"], taxonomy["group"])
    )


def _theme_rows(db: Database, theme: str, filters: Filters, norm, taxonomy: pd.DataFrame) -> pd.DataFrame:
    tables = analysis._analysis_tables(db, norm, taxonomy)
    tables["function_groups_param"] = _function_groups(taxonomy)
    coverage_parts = analysis.rule_parts(db, norm)[0]  # the derived layer's coverage under the stored norms
    found = analysis._run(db, [*coverage_parts, _THEME_GROUPS, f"analysis/themes_{theme}"],
                          analysis._filter_params(filters), tables)
    found.insert(0, "theme", theme)
    return found


def themes(
    db: Database, filters: Filters = Filters(), norm: Norm | Mapping[str, Norm] | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """Every figure of the four themes, per grouping and group, suppressed.

    Columns: :data:`COLUMNS` plus ``suppressed`` and ``small_group``
    (``suppression.suppress_groups``, applied per grouping: groups of one
    grouping partition the same trainees). The whole view is grouping
    ``all`` with group id ``*``: hidden when fewer than k trainees are in
    view. ``norm`` as for every analysis question (None: each programme's
    own norm); it decides which coverage counts and which consultations are
    required. An aggregate for every role: no person appears.
    """
    taxonomy = analysis.functions(db)
    found = pd.concat(side_by_side(*(functools.partial(_theme_rows, db, theme, filters, norm, taxonomy)
                                     for theme in THEMES)), ignore_index=True)
    found["value"] = found["numerator"].where(
        found["kind"] == "count", found["numerator"] / found["denominator"].where(found["denominator"] > 0)
    )
    found = found[list(COLUMNS)]
    parts = []
    for grouping in GROUPINGS:
        part = found[found["group_by"] == grouping]
        parts.append(suppression.suppress_groups(part, "group_id", k, descriptive=DESCRIPTIVE))
    k_used = suppression.effective_k(k)
    out = pd.concat(parts, ignore_index=True)
    out.attrs = {**parts[0].attrs, "min_group": k_used}
    return _ordered(out, taxonomy)


def _ordered(frame: pd.DataFrame, taxonomy: pd.DataFrame) -> pd.DataFrame:
    theme_rank = {theme: i for i, theme in enumerate(THEMES)}
    figure_rank = {figure: i for figures in FIGURES.values() for i, figure in enumerate(figures)}
    group_rank = {grouping: i for i, grouping in enumerate(GROUPINGS)}
    vocabulary = [*domain.ROLE_CODES, *taxonomy["code"], *domain.FREQUENCIES,
                  "ja", "twijfel", "nee", "sterk", "zwak", "geen", "technisch", "persoonlijk", "median", "max",
                  "onbekend"]
    order = {code: i for i, code in reversed(list(enumerate(vocabulary)))}
    keyed = frame.assign(
        _theme=frame["theme"].map(theme_rank), _figure=frame["figure"].map(figure_rank),
        _group=frame["group_by"].map(group_rank),
        _name=frame["group_name"].astype(str).str.lower(),
        _category=frame["category"].map(lambda c: order.get(c, len(order))),
        _detail=frame["detail"].map(lambda c: order.get(c, len(order))),
    )
    keyed = keyed.sort_values(["_theme", "_figure", "_group", "_name", "group_id", "_category", "category",
                               "_detail"], na_position="last", kind="stable")
    attrs = frame.attrs
    out = keyed.drop(columns=[c for c in keyed.columns if c.startswith("_")]).reset_index(drop=True)
    out.attrs = attrs
    return out


def view_summary(db: Database, filters: Filters = Filters()) -> pd.DataFrame:
    """The trainees in view per evaluated wave (wave, n_trainees), in wave order: an aggregate."""
    return analysis._run(db, ["analysis/_chosen", "analysis/themes_view"], analysis._filter_params(filters))


def whole_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the whole view (grouping ``all``)."""
    return frame[frame["group_by"] == WHOLE_VIEW].reset_index(drop=True)


def figure_rows(frame: pd.DataFrame, figure: str, group_by: str | None = None) -> pd.DataFrame:
    """The rows of one figure, optionally of one grouping."""
    rows = frame[frame["figure"] == figure]
    if group_by is not None:
        rows = rows[rows["group_by"] == group_by]
    return rows.reset_index(drop=True)


def questions(theme: str, lang: str = "nl") -> list[str]:
    """The theme's questions for the discussion (two to four), in ``lang``."""
    lang = normalise_language(lang)
    return [t(f"themes.question.{theme}.{i}", lang) for i in range(1, QUESTION_COUNT[theme] + 1)]


def category_label(figure: str, code: str | None, lang: str = "nl", taxonomy: pd.DataFrame | None = None) -> str:
    """How a category or detail code of a figure reads: a role, function, klik, ... label."""
    lang = normalise_language(lang)
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return ""
    if code in domain.ROLE_CODES:
        return domain.role_label(code, lang)
    if taxonomy is not None and code in set(taxonomy["code"]):
        row = taxonomy[taxonomy["code"] == code].iloc[0]
        return str(row["label_en" if lang == "en" else "label_nl"])
    key = f"themes.code.{code}"
    text = t(key, lang)
    return code if text == key else text


# --- one table per figure: what the page and the report show -----------------------------

# Figures split by category and detail: one table per category (rows groups, columns details).
TWO_LEVEL: frozenset[str] = frozenset({
    "orientation_function", "trainees_per_mentor", "contact_frequency", "consultation",
    "assessing_strength", "assessing_klik",
})


@dataclass(frozen=True)
class FigureTable:
    """A figure as text, ready to draw: ``header`` and ``rows`` (group, trainees,
    one cell per category), ``chart`` (label, value or None when hidden, text)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    chart: list[tuple[str, float | None, str]]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _key(value):
    return None if _missing(value) else value


def percent(value) -> str:
    return "–" if _missing(value) else f"{float(value):.0%}"


def number(value) -> str:
    if _missing(value):
        return "–"
    value = float(value)
    return f"{value:.0f}" if value.is_integer() else f"{value:.1f}".replace(".", ",")


def cell_text(row: Mapping) -> str:
    return number(row["value"]) if row["kind"] == "count" else percent(row["value"])


def group_label(row: Mapping, lang: str) -> str:
    if row["group_by"] == WHOLE_VIEW:
        return t("themes.whole_view", lang)
    name = row["group_name"]
    return t("themes.no_programme", lang) if _missing(name) else str(name)


def column_label(figure: str, code, lang: str, taxonomy: pd.DataFrame | None) -> str:
    if figure in ("assessing_strength", "assessing_klik") and code in ("ja", "nee"):
        return t(f"themes.assessing.{code}", lang)
    return category_label(figure, code, lang, taxonomy)


def _groups_in_order(records: list[dict], groupings: tuple[str, ...], max_groups: int | None) -> list[tuple]:
    """(group_by, group_id) in table order: groupings in order, groups by name
    (the frame's order); at most ``max_groups`` per grouping, the largest."""
    keys: list[tuple] = []
    for grouping in groupings:
        seen: dict = {}
        for r in records:
            if r["group_by"] == grouping:
                seen.setdefault(_key(r["group_id"]), r["n_trainees"])
        ids = list(seen)
        if grouping != WHOLE_VIEW and max_groups is not None and len(ids) > max_groups:
            largest = sorted(ids, key=lambda g: -(0 if _missing(seen[g]) else float(seen[g])))[:max_groups]
            ids = [g for g in ids if g in set(largest)]
        keys += [(grouping, gid) for gid in ids]
    return keys


def _largest_groups(rows: pd.DataFrame, max_groups: int) -> pd.DataFrame:
    """``rows`` of the groups :func:`_groups_in_order` keeps (at most
    ``max_groups`` per grouping, the largest, ties in frame order), before they
    become records: a national view has a thousand schools, a report shows 25."""
    key = rows["group_by"].astype(str) + "\x1f" + rows["group_id"].astype(object).where(rows["group_id"].notna(), "").astype(str)
    first = ~key.duplicated()
    sizes = pd.to_numeric(rows["n_trainees"].where(first), errors="coerce").fillna(0)
    groups = pd.DataFrame({"group_by": rows["group_by"], "key": key, "size": -sizes,
                           "position": range(len(rows))})[first.to_numpy()]
    kept = []
    for grouping, part in groups.groupby("group_by", sort=False):
        if grouping != WHOLE_VIEW and len(part) > max_groups:
            part = part.sort_values(["size", "position"], kind="stable").head(max_groups)
        kept.append(part["key"])
    return rows[key.isin(pd.concat(kept))] if kept else rows


def table_categories(frame: pd.DataFrame, figure: str) -> list:
    """The sub-tables of a two-level figure (its categories, in order); [None] for the others."""
    if figure not in TWO_LEVEL:
        return [None]
    return [c for c in dict.fromkeys(frame.loc[frame["figure"] == figure, "category"]) if not _missing(c)]


def figure_table(
    frame: pd.DataFrame, figure: str, lang: str = "nl", taxonomy: pd.DataFrame | None = None, *,
    category=None, groupings: tuple[str, ...] = GROUPINGS, max_groups: int | None = None,
) -> FigureTable:
    """One figure of :func:`themes` (for a two-level figure: one ``category``)
    as a table of text: suppressed groups read "< k" in every cell; the chart
    holds the whole view's values per column, or, for a one-value figure, the
    whole view and each group of the first grouping after it."""
    lang = normalise_language(lang)
    rows = frame[frame["figure"] == figure]
    two_level = figure in TWO_LEVEL
    if two_level:
        rows = rows[rows["category"] == category]
    rows = rows[rows["group_by"].isin(groupings)]
    title = t(f"themes.figure.{figure}", lang)
    if two_level:
        title = column_label(figure, category, lang, taxonomy)
        if figure == "consultation" and len(rows):
            pair = rows["detail"].iloc[0]
            title = f"{domain.role_label(category, lang)} – {domain.role_label(pair, lang)}"
    column_of = "detail" if two_level else "category"
    if rows.empty:
        return FigureTable(title, [], [], [])
    small = suppression.small_label(suppression.k_of(frame), lang)
    columns = list(dict.fromkeys(_key(v) for v in pd.unique(rows[column_of])))  # of every group, in order
    if max_groups is not None:
        rows = _largest_groups(rows, max_groups)
    records = rows.to_dict("records")  # plain dicts: row-by-row pandas lookups cost more than drawing
    has_columns = not (len(columns) == 1 and columns[0] is None)
    header = [t("themes.col.group", lang), t("themes.col.n_trainees", lang)]
    # the columns of a two-level figure are its details (klik, strength...), not the assessing split
    label_of = (lambda c: category_label(figure, c, lang, taxonomy)) if two_level else \
        (lambda c: column_label(figure, c, lang, taxonomy))
    header += ([label_of(c) for c in columns] if has_columns
               else [t("themes.col.value", lang)])
    by_group: dict[tuple, dict] = {}
    for r in records:
        by_group.setdefault((r["group_by"], _key(r["group_id"])), {})[_key(r[column_of])] = r
    table_rows: list[list[str]] = []
    current_grouping = None
    for grouping, gid in _groups_in_order(records, groupings, max_groups):
        cells_of = by_group[(grouping, gid)]
        first = next(iter(cells_of.values()))
        name = group_label(first, lang)
        if grouping != current_grouping and grouping != WHOLE_VIEW:
            name = f"{t(f'themes.grouping.{grouping}', lang)}: {name}"
        current_grouping = grouping
        hidden = bool(first["suppressed"])
        cells = [small if hidden else number(first["n_trainees"])]
        for c in columns:
            found = cells_of.get(c)
            cells.append(small if hidden else ("–" if found is None else cell_text(found)))
        table_rows.append([name, *cells])
    if has_columns:
        chart_rows = [r for r in records if r["group_by"] == WHOLE_VIEW]
        chart = [(label_of(r[column_of]), None if r["suppressed"] else r["value"],
                  small if r["suppressed"] else cell_text(r)) for r in chart_rows]
    else:
        second = next((g for g in groupings if g != WHOLE_VIEW), None)
        chart_rows = [r for r in records if r["group_by"] in (WHOLE_VIEW, second)]
        if max_groups is not None:
            chart_rows = chart_rows[: max_groups + 1]
        chart = [(group_label(r, lang), None if r["suppressed"] else r["value"],
                  small if r["suppressed"] else cell_text(r)) for r in chart_rows]
    return FigureTable(title, header, table_rows, chart)
