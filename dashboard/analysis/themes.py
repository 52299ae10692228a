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

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from dashboard import analysis
from dashboard.analysis import Filters, Norm
from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t
from dashboard.privacy import suppression
from dashboard.store.db import Database

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

_OPENING = ("analysis/_chosen", "analysis/_scope", "analysis/_coverage", "analysis/_theme_groups")


def _function_groups(taxonomy: pd.DataFrame):
    return analysis._bound_table(
        {"code": "str", "group": "str"}, zip(taxonomy["code"], taxonomy["group"])
    )


def _theme_rows(db: Database, theme: str, filters: Filters, norm, taxonomy: pd.DataFrame) -> pd.DataFrame:
    tables = analysis._analysis_tables(db, norm, taxonomy)
    tables["function_groups_param"] = _function_groups(taxonomy)
    found = analysis._run(db, [*_OPENING, f"analysis/themes_{theme}"], analysis._filter_params(filters), tables)
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
    with ThreadPoolExecutor(max_workers=len(THEMES)) as pool:
        jobs = [pool.submit(_theme_rows, db, theme, filters, norm, taxonomy) for theme in THEMES]
        found = pd.concat([job.result() for job in jobs], ignore_index=True)
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
