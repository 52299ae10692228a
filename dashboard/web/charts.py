"""Plotly figure builders for the dashboard pages.

Pure functions: they take the DataFrames that ``dashboard.analysis`` returns
(see the column lists there) and give back a ``go.Figure``. No Streamlit, no
database, so they are tested on hand-made frames.

Accessibility: colours come from the Okabe–Ito palette (safe for the common
forms of colour blindness); heatmaps use cividis, whose lightness rises
monotonically; the levels sterk / zwak / geen also differ in lightness and
carry their word in the cell, so colour is never the only cue.

Safety: plotly interprets a subset of HTML in text and hover labels, so every
name or free text goes through :func:`escape` before it reaches a figure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.privacy import suppression
from dashboard.core.domain import ROLE_BY_CODE, STRENGTH_RANK, WAVES, role_label
from dashboard.core.i18n import t

# --- palette ----------------------------------------------------------------

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}
# Vermillion is kept for warnings (negative contribution), never for a role.
ROLE_COLOURS: dict[str, str] = {
    "werkplekbegeleider": OKABE_ITO["blue"],
    "schoolopleider": OKABE_ITO["sky_blue"],
    "instituutsopleider": OKABE_ITO["orange"],
    "studieloopbaanbegeleider": OKABE_ITO["reddish_purple"],
    "collega": OKABE_ITO["bluish_green"],
    "medestudent": OKABE_ITO["yellow"],
    "leidinggevende": OKABE_ITO["black"],
    "overig": OKABE_ITO["grey"],
}
WARNING_COLOUR = OKABE_ITO["vermillion"]
EDGE_COLOUR = "#4D4D4D"
CONSULTATION_COLOUR = OKABE_ITO["bluish_green"]
GHOST_COLOUR = "#B3B3B3"
# Suppressed cells and groups (small-group rule): grey, outside the colour scale.
SUPPRESSED_COLOUR = "#D9D9D9"
TRAINEE_COLOUR = "#222222"
GROUP_COLOURS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)
# Three cividis steps: sterk dark, zwak middle, geen light (distinct lightness).
LEVEL_COLOURS: dict[str, str] = {"sterk": "#00224E", "zwak": "#7D7C78", "geen": "#F2F2F2"}
LEVEL_VALUE: dict[str, int] = {"geen": 0, "zwak": 1, "sterk": 2}
# The share heatmap (per group) uses the level colours as a continuous scale, so
# both overview heatmaps read the same way round: dark = strong (issue 17).
HEATMAP_SCALE: list[list] = [
    [0.0, LEVEL_COLOURS["geen"]], [0.5, LEVEL_COLOURS["zwak"]], [1.0, LEVEL_COLOURS["sterk"]],
]

# --- constellation geometry ---------------------------------------------------

# The sides of the drawing: school on the left, institute on the right, others below.
SIDES: tuple[str, ...] = ("school", "instituut", "overig")
_SIDE_ALIASES = {"institute": "instituut", "other": "overig", "opleiding": "instituut"}

HEATMAP_MAX_ROWS = 60
HEATMAP_MAX_GROUPS = 60
# Figures are built from values this module controls and checked by the tests
# (which validate every figure in full); skipping plotly's per-property
# validation here makes a constellation several times cheaper to draw.
_FAST: dict = {"_validate": False}


# Characters plotly gives a meaning in label and hover text, as the entities
# plotly turns back into the character when it draws: ``<``/``>`` open tags
# (plotly draws <b>, <a href>, <br>...), ``&`` starts an entity, ``$`` opens
# TeX (two of them in one label make plotly try MathJax) and ``%`` opens a
# ``%{...}`` placeholder in a hovertemplate that a name is put into.
_PLOTLY_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%": "&#37;"})


def escape(value: object) -> str:
    """Text safe for plotly labels, hover text and hovertemplates: drawn literally."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).translate(_PLOTLY_ENTITIES)


def _side(value: object, role: str | None = None) -> str:
    side = str(value).strip().lower() if isinstance(value, str) and value else ""
    side = _SIDE_ALIASES.get(side, side)
    if side in SIDES:
        return side
    role_info = ROLE_BY_CODE.get(role or "")
    return role_info.side if role_info else "overig"


def _function_labels(functions: pd.DataFrame | None, lang: str) -> dict[str, str]:
    if functions is None or functions.empty:
        return {}
    column = "label_en" if lang == "en" else "label_nl"
    return dict(zip(functions["code"], functions[column]))


def _function_order(functions: pd.DataFrame | None, present: Iterable[str]) -> list[str]:
    ordered = list(functions["code"]) if functions is not None and not functions.empty else []
    return ordered + sorted(set(present) - set(ordered))


def _empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=escape(message), showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=200, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def _pct(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0%}"


# --- heatmaps -------------------------------------------------------------------


def coverage_heatmap(
    coverage_by: pd.DataFrame,
    group_column: str,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
    max_groups: int = HEATMAP_MAX_GROUPS,
) -> go.Figure:
    """Functions (rows) × groups (columns); cell = share of trainees with strong coverage.

    ``coverage_by`` has the columns of ``analysis.coverage_by``: the group id
    column, group_name, function, n_trainees, n_sterk, n_zwak, n_geen,
    share_sterk. Hover shows the counts behind each share. At most
    ``max_groups`` groups are drawn: the largest ones (the page says so).

    A suppressed frame (``suppression.suppress_groups``: columns
    ``suppressed`` and ``small_group``) draws its suppressed groups as grey
    cells outside the colour scale that read "< k" (or "verborgen"), also
    in the hover; the figures of those groups are not in the figure at all.
    """
    if coverage_by.empty:
        return _empty_figure(t("chart.no_data", lang))
    labels = _function_labels(functions, lang)
    present = set(coverage_by["function"])
    function_codes = [f for f in _function_order(functions, present) if f in present]
    cells = coverage_by.assign(group_key=coverage_by[group_column].astype(str))
    suppressed_rows = cells[suppression.SUPPRESSED] if suppression.SUPPRESSED in cells.columns else None
    if suppressed_rows is not None:
        figures = ["share_sterk", "n_sterk", "n_zwak", "n_geen", "n_trainees"]
        cells = cells.assign(**{c: cells[c].astype("float64") for c in figures})
    groups = cells.groupby("group_key", sort=False).agg(group_name=("group_name", "first"), size=("n_trainees", "max"))
    groups = shown_groups(groups, max_groups)
    # Each (function, group) cell's row, by position: the first row of a cell
    # wins (as a pivot with "first" would); cells without a row stay NaN.
    row_of = {code: i for i, code in enumerate(function_codes)}
    column_of = {key: j for j, key in enumerate(groups.index)}
    first = cells.drop_duplicates(subset=["function", "group_key"])
    rows = first["function"].map(row_of)
    columns = first["group_key"].map(column_of)
    drawn = (rows.notna() & columns.notna()).to_numpy()
    at = (rows[drawn].to_numpy(dtype=int), columns[drawn].to_numpy(dtype=int))

    def matrix(value: str) -> np.ndarray:
        found = np.full((len(function_codes), len(groups)), np.nan)
        found[at] = first.loc[drawn, value].to_numpy(dtype="float64", na_value=np.nan)
        return found

    share = matrix("share_sterk")
    counts = np.stack([np.nan_to_num(matrix(c)).astype(int) for c in ("n_sterk", "n_zwak", "n_geen", "n_trainees")], axis=-1)
    hover = (
        f"{escape(t('chart.group', lang))}: %{{x}}<br>"
        f"{escape(t('chart.function', lang))}: %{{y}}<br>"
        f"{escape(t('chart.level.sterk', lang))}: %{{customdata[0]}} / %{{customdata[3]}} (%{{z:.0%}})<br>"
        f"{escape(t('chart.level.zwak', lang))}: %{{customdata[1]}}<br>"
        f"{escape(t('chart.level.geen', lang))}: %{{customdata[2]}}<extra></extra>"
    )
    x_labels = [escape(n) or "–" for n in groups["group_name"]]
    y_labels = [escape(labels.get(c, c)) for c in function_codes]
    traces = [
        go.Heatmap(
            z=[[None if math.isnan(v) else float(v) for v in row] for row in share],
            x=x_labels,
            y=y_labels,
            customdata=counts.tolist(),
            zmin=0,
            zmax=1,
            colorscale=HEATMAP_SCALE,
            texttemplate="%{z:.0%}",
            hovertemplate=hover,
            colorbar=dict(title=dict(text=f"{escape(t('chart.share_sterk', lang))}<br>"
                                          f"{escape(t('chart.legend_dark_strong', lang))}"), tickformat=".0%"),
            xgap=2,
            ygap=2,
            **_FAST,
        )
    ]
    if suppressed_rows is not None and bool(suppressed_rows.any()):
        overlay = _suppressed_cells(cells, list(groups.index), function_codes, x_labels, y_labels, lang)
        # No counts of a suppressed group in the figure, not even as zeros behind the overlay.
        hidden_columns = [j for j, label in enumerate(overlay.text[0]) if label] if overlay.text else []
        custom = counts.astype(object)
        custom[:, hidden_columns, :] = None
        traces[0].customdata = custom.tolist()
        traces[0].hoverongaps = False
        traces.append(overlay)
    fig = go.Figure(traces, **_FAST)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(type="category", tickangle=-30 if len(groups) > 6 else 0)
    fig.update_layout(
        height=max(280, 48 * len(function_codes) + 140),
        margin=dict(l=10, r=10, t=30, b=10),
    )
    return fig


def _suppressed_cells(
    cells: pd.DataFrame, group_keys: list[str], function_codes: list[str], x_labels: list[str], y_labels: list[str],
    lang: str,
) -> go.Heatmap:
    """The grey overlay of suppressed groups: one flat colour, the label as text and hover."""
    label_of = dict(zip(cells["group_key"], suppression.row_labels(cells, lang)))
    column_labels = [label_of.get(key) for key in group_keys]
    z = [[1.0 if label is not None else None for label in column_labels] for _ in function_codes]
    text = [[escape(label) if label is not None else "" for label in column_labels] for _ in function_codes]
    hover = (
        f"{escape(t('chart.group', lang))}: %{{x}}<br>"
        f"{escape(t('chart.function', lang))}: %{{y}}<br>"
        f"{escape(t('chart.share_sterk', lang))}: %{{text}}<extra></extra>"
    )
    return go.Heatmap(
        z=z, x=x_labels, y=y_labels, text=text, texttemplate="%{text}", hovertemplate=hover,
        colorscale=[[0.0, SUPPRESSED_COLOUR], [1.0, SUPPRESSED_COLOUR]], showscale=False, hoverongaps=False,
        xgap=2, ygap=2, name=escape(t("suppression.hidden", lang)), meta={"kind": "suppressed"}, **_FAST,
    )


def shown_groups(groups: pd.DataFrame, max_groups: int = HEATMAP_MAX_GROUPS) -> pd.DataFrame:
    """The groups a heatmap draws: all, or the ``max_groups`` largest (by
    ``size``), in name order. ``groups`` has group_name and size columns."""
    if len(groups) > max_groups:
        groups = groups.sort_values("size", ascending=False, kind="stable").head(max_groups)
    return groups.sort_values("group_name", key=lambda s: s.astype(str).str.lower(), kind="stable")


def trainee_level_heatmap(
    coverage: pd.DataFrame,
    trainees: pd.DataFrame,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
    max_rows: int = HEATMAP_MAX_ROWS,
) -> go.Figure:
    """Trainees (rows) × functions (columns) with the levels sterk / zwak / geen.

    ``coverage``: trainee_id, function, level (and optionally level_formal,
    level_informal). ``trainees``: trainee_id, name. At most ``max_rows``
    trainees are drawn (the page says so when it caps).
    """
    if coverage.empty:
        return _empty_figure(t("chart.no_data", lang))
    labels = _function_labels(functions, lang)
    function_codes = [f for f in _function_order(functions, coverage["function"]) if f in set(coverage["function"])]
    names = dict(zip(trainees["trainee_id"], trainees["name"])) if not trainees.empty else {}
    trainee_ids = sorted(
        coverage["trainee_id"].unique(), key=lambda tid: (str(names.get(tid, tid)).lower(), str(tid))
    )[:max_rows]
    first = coverage.drop_duplicates(subset=["trainee_id", "function"])
    has_split = "level_formal" in coverage.columns and "level_informal" in coverage.columns
    # One dict lookup per cell: a .loc per cell on a MultiIndex was a fifth of the overview's rerun.
    columns = ["level", "level_formal", "level_informal"] if has_split else ["level", "level", "level"]
    cells = dict(zip(zip(first["trainee_id"], first["function"]),
                     zip(*(first[c].astype(str) for c in columns))))
    level_text = {level: escape(t(f"chart.level.{level}", lang)) for level in LEVEL_VALUE}
    absent = ("geen", "geen", "geen")
    z, text, custom = [], [], []
    for tid in trainee_ids:
        row_z, row_t, row_c = [], [], []
        shown_id = escape(tid)
        for code in function_codes:
            level, formal, informal = cells.get((tid, code), absent)
            row_z.append(LEVEL_VALUE.get(level, 0))
            row_t.append(level_text.get(level) or escape(t(f"chart.level.{level}", lang)))
            row_c.append([level_text.get(formal) or escape(t(f"chart.level.{formal}", lang)),
                          level_text.get(informal) or escape(t(f"chart.level.{informal}", lang)), shown_id])
        z.append(row_z)
        text.append(row_t)
        custom.append(row_c)
    # A discrete three-step scale: each level one flat colour band.
    scale = [
        [0.0, LEVEL_COLOURS["geen"]], [1 / 3, LEVEL_COLOURS["geen"]],
        [1 / 3, LEVEL_COLOURS["zwak"]], [2 / 3, LEVEL_COLOURS["zwak"]],
        [2 / 3, LEVEL_COLOURS["sterk"]], [1.0, LEVEL_COLOURS["sterk"]],
    ]
    hover = (
        f"%{{y}} (%{{customdata[2]}})<br>{escape(t('chart.function', lang))}: %{{x}}<br>"
        f"{escape(t('chart.level', lang))}: %{{text}}<br>"
        f"{escape(t('chart.formal', lang))}: %{{customdata[0]}}<br>"
        f"{escape(t('chart.informal', lang))}: %{{customdata[1]}}<extra></extra>"
    )
    y_labels = [escape(names.get(tid, tid)) for tid in trainee_ids]
    # Two trainees may share a name; keep rows apart by adding the id.
    if len(set(y_labels)) < len(y_labels):
        y_labels = [f"{label} ({escape(tid)})" for label, tid in zip(y_labels, trainee_ids)]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[escape(labels.get(c, c)) for c in function_codes],
            y=y_labels,
            text=text,
            customdata=custom,
            texttemplate="%{text}",
            zmin=-0.5,
            zmax=2.5,
            colorscale=scale,
            hovertemplate=hover,
            colorbar=dict(
                tickvals=[0, 1, 2],
                ticktext=[escape(t(f"chart.level.{lvl}", lang)) for lvl in ("geen", "zwak", "sterk")],
                title=dict(text=f"{escape(t('chart.level', lang))}<br>{escape(t('chart.legend_dark_strong', lang))}"),
            ),
            xgap=2,
            ygap=2,
            **_FAST,
        ),
        **_FAST,
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(side="top", type="category")
    fig.update_layout(height=max(240, 26 * len(trainee_ids) + 120), margin=dict(l=10, r=10, t=40, b=10))
    return fig


# --- constellation ----------------------------------------------------------------


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None or frame.empty else frame.to_dict("records")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# The drawing is a grid, not a circle, so that labels can never overlap:
# every person (and ghost) of one side gets a row of its own, and a label
# sits on the outer side of its node (school labels to the left, institute
# labels to the right, others below the trainee with labels beside them).
# Two labels on one side differ in row by at least ROW_PX pixels, more than
# a label is high; labels of the two sides grow away from each other. So
# no two labels overlap at any page width (tests/test_constellation_drawing.py
# checks the boxes on generated networks of 3 to 15 people).
LINE_X: dict[str | None, float] = {"B1": 1.6, "B2": 3.2, None: 4.8}  # first line nearest the trainee
ROW_PX = 46  # pixels per row: a two-line label is about 32 px high
X_LIMIT = 9.5  # half-width of the x range: room for the outermost labels
NAME_COLOUR = "#1A1A1A"  # 17:1 on white
DETAIL_COLOUR = "#4D4D4D"  # 8.4:1 on white
GHOST_TEXT_COLOUR = "#595959"  # 7:1 on white
LABEL_BACKGROUND = "rgba(255,255,255,0.88)"
NAME_SIZE = 13
DETAIL_SIZE = 11
WAVE_NAME_SIZE = 11
WAVE_NAME_CHARS = 14


def _line(role: str) -> str | None:
    found = ROLE_BY_CODE.get(role)
    return found.line if found is not None else None


def person_slots(relationships: pd.DataFrame, missing_roles: pd.DataFrame | None = None) -> dict[str, tuple[float, float]]:
    """(x, y) per person over all waves (and per ``ghost:<role>``), so that a
    person stays in place when the waves are drawn side by side."""
    return _slots(_records(relationships), _records(missing_roles))


def _slots(rel_records: list[dict], missing_records: list[dict]) -> dict[str, tuple[float, float]]:
    best: dict[str, tuple[int, dict]] = {}
    for row in rel_records:
        rank = STRENGTH_RANK.get(str(row["strength"]), 0)
        pid = str(row["person_id"])
        if pid not in best or rank > best[pid][0]:
            best[pid] = (rank, row)
    line_rank = {"B1": 0, "B2": 1, None: 2}
    members: dict[str, list[tuple[tuple, str, str]]] = {side: [] for side in SIDES}
    for pid, (rank, row) in best.items():
        role = str(row["role"])
        side = _side(row.get("side"), role)
        members[side].append(((line_rank[_line(role)], -rank, _role_order(role), str(row["name"]).lower(), pid), pid, role))
    for role in sorted({str(r["role"]) for r in missing_records}):
        side = _side(None, role)
        members[side].append(((line_rank[_line(role)], 9, _role_order(role), "", ""), f"ghost:{role}", role))
    found: dict[str, tuple[float, float]] = {}
    # Rows alternate above and below the trainee (1, -1, 2, -2, ...), first line first.
    for side, sign in (("school", -1.0), ("instituut", 1.0)):
        for i, (_, key, role) in enumerate(sorted(members[side])):
            # the first rows sit a little further out: the trainee's name is just above the centre
            row_number = i // 2 + 1.3
            found[key] = (sign * LINE_X[_line(role)], row_number if i % 2 == 0 else -row_number)
    lowest = min([y for _, y in found.values()] + [0.0])
    for i, (_, key, _role) in enumerate(sorted(members["overig"])):
        found[key] = (-0.8 if i % 2 else 0.8, lowest - 1.0 - i)
    return found


def constellation_positions(
    relationships: pd.DataFrame,
    slots: dict[str, tuple[float, float]] | None = None,
    missing_roles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """x, y per person (and per ghost) for one wave; the trainee is at (0, 0).

    Returns person_id, x, y, line (B1, B2 or None). School side left,
    institute side right, others below; first-line mentors nearest.
    """
    if slots is None:
        slots = person_slots(relationships, missing_roles)
    keys = [str(r["person_id"]) for r in _records(relationships)]
    keys += [f"ghost:{r}" for r in ([] if missing_roles is None or missing_roles.empty else missing_roles["role"])]
    roles = {str(r["person_id"]): str(r["role"]) for r in _records(relationships)}
    return pd.DataFrame(
        [(k, *slots[k], _line(roles.get(k, k.removeprefix("ghost:")))) for k in dict.fromkeys(keys)],
        columns=["person_id", "x", "y", "line"],
    )


def _edge_style(strength: str, negative: bool) -> dict:
    if strength == "sterk":
        style = dict(width=3.6, dash="solid")
    elif strength == "zwak":
        style = dict(width=1.8, dash="dash")
    else:
        style = dict(width=1.2, dash="dot")
    style["color"] = WARNING_COLOUR if negative else EDGE_COLOUR
    return style


def _value_label(prefix: str, value: object, lang: str) -> str:
    if _missing(value) or value == "":
        return t("chart.unknown", lang)
    return t(f"{prefix}.{value}", lang)


def _functions_of(row: dict) -> list[str]:
    functions = row.get("functions")
    if hasattr(functions, "tolist"):
        functions = functions.tolist()
    return list(functions) if isinstance(functions, (list, tuple)) else []


def _hover_text(row: dict, function_labels: dict[str, str], lang: str) -> str:
    function_text = ", ".join(function_labels.get(f, f) for f in _functions_of(row)) or t("chart.none", lang)
    contact = _value_label("chart.frequency", row.get("contact_frequency"), lang)
    note = row.get("contact_note")
    if isinstance(note, str) and note.strip():
        contact = f"{contact} – {note.strip()}"
    formal = t("chart.formal", lang) if bool(row["formal"]) else t("chart.informal", lang)
    lines = [
        f"<b>{escape(row['name'])}</b>",
        f"{escape(t('chart.role', lang))}: {escape(role_label(row['role'], lang))} ({escape(formal)})",
        f"{escape(t('chart.strength', lang))}: {escape(_value_label('chart.level', row['strength'], lang))}",
        f"{escape(t('chart.functions', lang))}: {escape(function_text)}",
        f"{escape(t('chart.klik', lang))}: {escape(_value_label('chart.klik', row.get('klik'), lang))}",
        f"{escape(t('chart.contact', lang))}: {escape(contact)}",
    ]
    if row.get("contribution") == "negatief":
        lines.append(f"<b>{escape(t('chart.negative', lang))}</b>")
    if row.get("assesses") is True:
        lines.append(escape(t("chart.assesses", lang)))
    return "<br>".join(lines)


def _role_order(role: str) -> tuple[int, str]:
    return (list(ROLE_COLOURS).index(role) if role in ROLE_COLOURS else 99, role)


def function_short(code: str, function_labels: dict[str, str], lang: str) -> str:
    """The short label of a function on a tie ("leer" for leermeester): a
    locale text for the shipped functions, else the label's first five letters."""
    key = f"chart.function_short.{code}"
    shown = t(key, lang)
    return shown if shown != key else function_labels.get(code, code)[:5]


def _role_short(role: str, lang: str) -> str:
    found = ROLE_BY_CODE.get(role)
    return found.abbreviation if found is not None and found.abbreviation else role_label(role, lang)


def _label_anchor(x: float, y: float) -> str:
    """Labels grow away from the trainee: left on the school side, right on the institute side."""
    return "right" if x < 0 else "left"


def _person_label(row: dict, function_labels: dict[str, str], lang: str, compact: bool) -> str:
    name = str(row["name"])
    if compact:
        shown = name if len(name) <= WAVE_NAME_CHARS else name[: WAVE_NAME_CHARS - 1] + "…"
        return escape(shown)
    shorts = " ".join(function_short(f, function_labels, lang) for f in _functions_of(row))
    detail = _role_short(str(row["role"]), lang) + (f" · {shorts}" if shorts else "")
    return (f"<b>{escape(name)}</b><br>"
            f"<span style='font-size:{DETAIL_SIZE}px;color:{DETAIL_COLOUR}'>{escape(detail)}</span>")


def _constellation_parts(
    trainee: dict,
    rel_records: list[dict],
    cons_records: list[dict],
    missing: list[str],
    slots: dict[str, tuple[float, float]],
    function_labels: dict[str, str],
    lang: str,
    *,
    legend: bool = True,
    compact: bool = False,
    axes: tuple[str, str] = ("x", "y"),
) -> tuple[list[go.Scatter], list[dict]]:
    """The traces and label annotations of one wave (on ``axes``): edges,
    consultations, people, ghosts, trainee; names as annotations on a white
    ground, so that a line under a name never hides it."""
    positions = {str(r["person_id"]): slots[str(r["person_id"])] for r in rel_records}
    positions.update({f"ghost:{role}": slots[f"ghost:{role}"] for role in missing})
    traces: list[go.Scatter] = []
    labels: list[dict] = []
    size = 13 if compact else 20
    fast = dict(_FAST, xaxis=axes[0], yaxis=axes[1])
    label_ref = dict(xref=axes[0], yref=axes[1], showarrow=False, yanchor="middle", bgcolor=LABEL_BACKGROUND,
                     borderpad=1, name="label")
    shift = 9 if compact else 14

    # Edges trainee–person, one trace per style (plotly has one dash per trace).
    edge_groups: dict[tuple[str, bool], tuple[list, list]] = {}
    for row in rel_records:
        key = (str(row["strength"]), row.get("contribution") == "negatief")
        xs, ys = edge_groups.setdefault(key, ([], []))
        x, y = positions[str(row["person_id"])]
        xs.extend([0.0, x, None])
        ys.extend([0.0, y, None])
    for (strength, negative), (xs, ys) in sorted(edge_groups.items(), key=lambda kv: (-STRENGTH_RANK.get(kv[0][0], 0), kv[0][1])):
        name = t(f"chart.edge.{strength}", lang) + (f" ({t('chart.negative', lang)})" if negative else "")
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", line=_edge_style(strength, negative),
            opacity=0.35 if strength == "geen" else 1.0, name=escape(name), hoverinfo="skip",
            legendgroup=f"edge-{strength}-{negative}", showlegend=legend,
            meta={"kind": "edge", "strength": strength, "negative": negative}, **fast,
        ))
    # Consultations (overleg) between mentors: a line style of their own.
    xs, ys = [], []
    for row in cons_records:
        a, b = positions.get(str(row["person_a"])), positions.get(str(row["person_b"]))
        if a is not None and b is not None:
            xs.extend([a[0], b[0], None])
            ys.extend([a[1], b[1], None])
    if xs:
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", line=dict(width=2.4, dash="dashdot", color=CONSULTATION_COLOUR),
            name=escape(t("chart.edge.consultation", lang)), hoverinfo="skip",
            legendgroup="consultation", showlegend=legend, meta={"kind": "consultation"}, **fast,
        ))
    # People, one trace per role (legend by role); filled = formal, hollow = informal.
    by_role: dict[str, list[dict]] = {}
    for row in rel_records:
        by_role.setdefault(str(row["role"]), []).append(row)
    for role in sorted(by_role, key=_role_order):
        members = by_role[role]
        colour = ROLE_COLOURS.get(role, OKABE_ITO["grey"])
        formal = [bool(m["formal"]) for m in members]
        traces.append(go.Scatter(
            x=[positions[str(m["person_id"])][0] for m in members],
            y=[positions[str(m["person_id"])][1] for m in members],
            mode="markers",
            marker=dict(
                size=size, color=colour,
                symbol=["circle" if f else "circle-open" for f in formal],
                line=dict(width=[1.0 if f else 3.0 for f in formal],
                          color=[TRAINEE_COLOUR if f else colour for f in formal]),
                opacity=[0.45 if m["strength"] == "geen" else 1.0 for m in members],
            ),
            text=[escape(m["name"]) for m in members],
            hovertext=[_hover_text(m, function_labels, lang) for m in members],
            hovertemplate="%{hovertext}<extra></extra>",
            name=escape(role_label(role, lang)), legendgroup=f"role-{role}", showlegend=legend,
            meta={"kind": "person", "role": role}, **fast,
        ))
        for m in members:
            x, y = positions[str(m["person_id"])]
            anchor = _label_anchor(x, y)
            labels.append(dict(label_ref, x=x, y=y, xanchor=anchor, xshift=-shift if anchor == "right" else shift,
                               text=_person_label(m, function_labels, lang, compact),
                               font=dict(size=WAVE_NAME_SIZE if compact else NAME_SIZE, color=NAME_COLOUR)))
    # Ghost nodes: roles the norm expects that the trainee lacks.
    if missing:
        # In the small wave drawings a ghost is named by its role's short form (SLB), as names are
        # shortened there: a full role name beside a wave's edge would reach the next wave.
        ghost_text = [escape(t("chart.ghost_label", lang, role=_role_short(r, lang) if compact else role_label(r, lang)))
                      for r in missing]
        traces.append(go.Scatter(
            x=[positions[f"ghost:{r}"][0] for r in missing], y=[positions[f"ghost:{r}"][1] for r in missing],
            mode="markers",
            marker=dict(size=size, color=GHOST_COLOUR, symbol="circle-open", line=dict(width=2, color=GHOST_COLOUR), opacity=0.8),
            text=ghost_text,
            hovertext=[escape(t("chart.ghost_hover", lang, role=role_label(r, lang))) for r in missing],
            hovertemplate="%{hovertext}<extra></extra>",
            name=escape(t("chart.ghost", lang)), legendgroup="ghost", showlegend=legend, meta={"kind": "ghost"}, **fast,
        ))
        for role, text in zip(missing, ghost_text):
            x, y = positions[f"ghost:{role}"]
            anchor = _label_anchor(x, y)
            labels.append(dict(label_ref, x=x, y=y, xanchor=anchor, xshift=-shift if anchor == "right" else shift,
                               text=text, font=dict(size=WAVE_NAME_SIZE if compact else DETAIL_SIZE + 1,
                                                    color=GHOST_TEXT_COLOUR)))
    # The trainee in the centre, the name just above.
    name = escape(trainee.get("name", ""))
    traces.append(go.Scatter(
        x=[0.0], y=[0.0], mode="markers",
        marker=dict(size=18 if compact else 28, color=TRAINEE_COLOUR, symbol="star"),
        text=[name],
        hovertext=[f"<b>{name}</b><br>{escape(t('chart.trainee', lang))}"],
        hovertemplate="%{hovertext}<extra></extra>",
        name=escape(t("chart.trainee", lang)), legendgroup="trainee", showlegend=legend, meta={"kind": "trainee"}, **fast,
    ))
    labels.append(dict(label_ref, x=0.0, y=0.0, xanchor="center", yanchor="bottom", yshift=12 if compact else 16,
                       text=f"<b>{name}</b>" if not compact else name,
                       font=dict(size=WAVE_NAME_SIZE if compact else NAME_SIZE + 1, color=NAME_COLOUR)))
    return traces, labels


def _constellation_records(constellation: dict) -> dict[str, list[dict]]:
    """The constellation's frames as records, converted once per figure (not once per wave)."""
    return {
        "relationships": _records(constellation["relationships"]),
        "consultations": _records(constellation.get("consultations")),
        "missing_roles": _records(constellation.get("missing_roles")),
    }


def _wave_parts(records: dict[str, list[dict]], wave: str) -> tuple[list[dict], list[dict], list[str]]:
    rel = [r for r in records["relationships"] if r["wave"] == wave]
    cons = [r for r in records["consultations"] if r["wave"] == wave]
    missing = [r["role"] for r in records["missing_roles"] if r["wave"] == wave]
    return rel, cons, missing


def _rows_range(slots: dict[str, tuple[float, float]]) -> tuple[float, float]:
    ys = [y for _, y in slots.values()] + [0.0]
    return min(ys) - 0.9, max(max(ys), 1.0) + 0.9


def _axis(limit: float = X_LIMIT) -> dict:
    return dict(visible=False, range=[-limit, limit], zeroline=False, showgrid=False, fixedrange=True)


def _height(low: float, high: float, top: int, bottom: int) -> int:
    """Rows of ROW_PX pixels each: a label's height fits a row at any width."""
    return int(round((high - low) * ROW_PX)) + top + bottom


def _wave_figure(
    constellation: dict, records: dict[str, list[dict]], wave: str, labels: dict[str, str], lang: str,
) -> go.Figure:
    rel, cons, missing = _wave_parts(records, wave)
    slots = _slots(rel, [{"role": r} for r in missing])
    traces, annotations = _constellation_parts(constellation["trainee"], rel, cons, missing, slots, labels, lang)
    low, high = _rows_range(slots)
    side_label = dict(y=high, yanchor="top", showarrow=False, font=dict(color=GHOST_TEXT_COLOUR, size=14),
                      xref="x", yref="y", name="side")
    margin = dict(l=10, r=10, t=30, b=90)
    layout = dict(
        height=max(_height(low, high, margin["t"], margin["b"]), 420), margin=margin, plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0), hoverlabel=dict(namelength=-1),
        xaxis=_axis(), yaxis=dict(_axis(), range=[low, high]),
        annotations=[
            dict(side_label, text=escape(t("chart.side.school", lang)), x=-X_LIMIT + 0.2, xanchor="left"),
            dict(side_label, text=escape(t("chart.side.instituut", lang)), x=X_LIMIT - 0.2, xanchor="right"),
            *annotations,
        ],
    )
    return go.Figure(data=traces, layout=layout, **_FAST)


def _waves(constellation: dict) -> list[str]:
    return [w for w in WAVES if w in set(constellation.get("waves") or [])] or list(constellation.get("waves") or [])


WAVES_X_LIMIT = 8.5


def _waves_figure(
    constellation: dict, records: dict[str, list[dict]], slots: dict[str, tuple[float, float]],
    labels: dict[str, str], lang: str,
) -> go.Figure:
    waves = _waves(constellation)
    if not waves:
        return _empty_figure(t("chart.no_data", lang))
    n = len(waves)
    gap = 0.08  # room between the waves for a right-hand label of one and a left-hand label of the next
    width = (1 - gap * (n - 1)) / n
    low, high = _rows_range(slots)
    margin = dict(l=10, r=10, t=40, b=10)
    # The subplot grid written out directly (make_subplots is slow for what it does).
    layout: dict = dict(
        height=max(int(round((high - low) * ROW_PX * 0.72)) + margin["t"] + margin["b"], 300),
        margin=margin, plot_bgcolor="white", showlegend=False, annotations=[],
    )
    data: list[go.Scatter] = []
    for i, wave in enumerate(waves, start=1):
        suffix = "" if i == 1 else str(i)
        start = (i - 1) * (width + gap)
        layout[f"xaxis{suffix}"] = dict(_axis(WAVES_X_LIMIT), domain=[start, start + width], anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(_axis(), range=[low, high], domain=[0, 1], anchor=f"x{suffix}")
        layout["annotations"].append(dict(
            text=escape(t(f"chart.wave.{wave}", lang)), x=start + width / 2, y=1.0, xref="paper", yref="paper",
            xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=16), name="wave",
        ))
        rel, cons, missing = _wave_parts(records, wave)
        traces, annotations = _constellation_parts(
            constellation["trainee"], rel, cons, missing, slots, labels, lang, legend=False, compact=True,
            axes=(f"x{suffix}", f"y{suffix}"),
        )
        data += traces
        layout["annotations"] += annotations
    return go.Figure(data=data, layout=layout, **_FAST)


def constellation_figure(
    constellation: dict,
    wave: str,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
) -> go.Figure:
    """One wave of a trainee's constellation, drawn as the booklet draws it:
    school left, institute right, others below; first line (B1) nearest,
    second line (B2) further; sterk solid, zwak dashed, geen faint; overleg
    dash-dot; expected roles that are missing as ghost nodes; every name
    readable (no two labels overlap), each tie's functions beside its name.

    ``constellation`` is what ``analysis.constellation`` returns (the keys
    relationships, consultations, missing_roles, trainee are read). The one
    drawing of the constellation page, the capture page and exports.
    """
    records = _constellation_records(constellation)
    return _wave_figure(constellation, records, wave, _function_labels(functions, lang), lang)


def constellation_waves_figure(
    constellation: dict,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
) -> go.Figure:
    """All waves side by side (same place per person in every wave), names kept, so change is visible."""
    records = _constellation_records(constellation)
    slots = _slots(records["relationships"], records["missing_roles"])
    return _waves_figure(constellation, records, slots, _function_labels(functions, lang), lang)


def constellation_figures(
    constellation: dict,
    wave: str,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
) -> tuple[go.Figure, go.Figure | None]:
    """(:func:`constellation_figure` of ``wave``, :func:`constellation_waves_figure`
    or None with fewer than two waves), the frames converted once for both."""
    records = _constellation_records(constellation)
    labels = _function_labels(functions, lang)
    figure = _wave_figure(constellation, records, wave, labels, lang)
    if len(_waves(constellation)) < 2:
        return figure, None
    slots = _slots(records["relationships"], records["missing_roles"])
    return figure, _waves_figure(constellation, records, slots, labels, lang)


# --- label geometry (for the tests and anyone who checks legibility) ---------------

_TAG = re.compile(r"<[^>]+>")
_ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
# Conservative text metrics: the average advance of a sans-serif glyph is
# about 0.55 em; bold and capitals need more, so 0.62 em (0.68 bold).
_EM_PLAIN, _EM_BOLD, _LINE_HEIGHT = 0.62, 0.68, 1.3


def _text_lines(text: str, size: float) -> list[tuple[str, float, bool]]:
    lines = []
    for part in str(text).split("<br>"):
        bold = "<b>" in part
        found = re.search(r"font-size:(\d+)px", part)
        line_size = float(found.group(1)) if found else size
        plain = _ENTITY.sub("x", _TAG.sub("", part))
        lines.append((plain, line_size, bold))
    return lines


def label_boxes(figure: go.Figure, width: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, (left, bottom, right, top)) in pixels of every name label of
    ``figure`` drawn ``width`` pixels wide (annotations named "label")."""
    layout = figure.layout
    margin = layout.margin
    height = layout.height
    plot_w = width - (margin.l or 0) - (margin.r or 0)
    plot_h = height - (margin.t or 0) - (margin.b or 0)
    boxes = []
    for note in layout.annotations:
        if note.name != "label":
            continue
        xref, yref = note.xref or "x", note.yref or "y"
        xaxis = layout[f"xaxis{xref[1:]}"] if xref != "x" else layout.xaxis
        yaxis = layout[f"yaxis{yref[1:]}"] if yref != "y" else layout.yaxis
        dom_x, dom_y = xaxis.domain or (0, 1), yaxis.domain or (0, 1)
        x0, x1 = xaxis.range
        y0, y1 = yaxis.range
        px = margin.l + (dom_x[0] + (note.x - x0) / (x1 - x0) * (dom_x[1] - dom_x[0])) * plot_w + (note.xshift or 0)
        py = margin.b + (dom_y[0] + (note.y - y0) / (y1 - y0) * (dom_y[1] - dom_y[0])) * plot_h + (note.yshift or 0)
        lines = _text_lines(note.text, note.font.size or 12)
        w = max(len(text) * size * (_EM_BOLD if bold else _EM_PLAIN) for text, size, bold in lines) + 2 * (note.borderpad or 0)
        h = sum(size * _LINE_HEIGHT for _, size, _ in lines) + 2 * (note.borderpad or 0)
        left = {"right": px - w, "left": px, "center": px - w / 2}[note.xanchor or "center"]
        bottom = {"middle": py - h / 2, "bottom": py, "top": py - h}[note.yanchor or "middle"]
        boxes.append((note.text, (left, bottom, left + w, bottom + h)))
    return boxes


def overlapping_labels(figure: go.Figure, width: int) -> list[tuple[str, str]]:
    """Pairs of name labels whose boxes intersect when ``figure`` is ``width`` pixels wide."""
    boxes = label_boxes(figure, width)
    found = []
    for i, (text_a, a) in enumerate(boxes):
        for text_b, b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                found.append((text_a, text_b))
    return found


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# --- comparisons --------------------------------------------------------------------


def grouped_bars(
    frame: pd.DataFrame,
    metrics: Sequence[tuple[str, str]],
    lang: str = "nl",
    *,
    percent: bool = True,
) -> go.Figure:
    """One bar group per metric, one bar (colour) per group of ``frame``.

    ``frame`` has a ``group_name`` column and the metric columns;
    ``metrics`` is a list of (column, label). A suppressed group (column
    ``suppressed``, see ``suppression.suppress_groups``) draws no bars: its
    legend entry is grey and reads "name (< k)" (or "name (verborgen)").
    """
    metrics = [(c, label) for c, label in metrics if c in frame.columns]
    if frame.empty or not metrics:
        return _empty_figure(t("chart.no_data", lang))
    fig = go.Figure()
    hidden_labels = suppression.row_labels(frame, lang).tolist()
    for i, row in enumerate(frame.itertuples(index=False)):
        if hidden_labels[i] is not None:
            fig.add_trace(go.Bar(
                x=[escape(label) for _, label in metrics], y=[None] * len(metrics),
                name=f"{escape(row.group_name)} ({escape(hidden_labels[i])})",
                marker_color=SUPPRESSED_COLOUR, hoverinfo="skip", meta={"kind": "suppressed"}, **_FAST,
            ))
            continue
        values = [getattr(row, c) for c, _ in metrics]
        values = [None if _missing(v) or (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]
        fig.add_trace(
            go.Bar(
                x=[escape(label) for _, label in metrics],
                y=values,
                name=escape(row.group_name),
                marker_color=GROUP_COLOURS[i % len(GROUP_COLOURS)],
                text=[_pct(v) if percent else ("–" if v is None else f"{v:.2f}") for v in values],
                textposition="outside",
                hovertemplate=f"{escape(row.group_name)}<br>%{{x}}: %{{y:{'.0%' if percent else '.2f'}}}<extra></extra>",
                **_FAST,
            )
        )
    fig.update_layout(
        barmode="group", height=380, margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    if percent:
        fig.update_yaxes(tickformat=".0%", range=[0, 1.1])
    return fig


# --- programme design (issue 14) --------------------------------------------------------


def theme_bars(items: Sequence[tuple[str, float | None, str]], lang: str = "nl", *, share: bool = True) -> go.Figure:
    """A figure of the dialogue themes as horizontal bars: (label, value or None, text)
    per bar (``analysis.themes.FigureTable.chart``); a hidden value draws a grey
    stub with its text ("< 5")."""
    if not items:
        return _empty_figure(t("chart.no_data", lang))
    labels = [escape(label) for label, _, _ in items]
    values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for _, v, _ in items]
    fig = go.Figure(go.Bar(
        x=[0 if v is None else v for v in values], y=labels, orientation="h",
        marker_color=[SUPPRESSED_COLOUR if v is None else GROUP_COLOURS[0] for v in values],
        text=[escape(text) for _, _, text in items], textposition="outside", cliponaxis=False,
        hoverinfo="skip", **_FAST,
    ))
    fig.update_layout(height=max(120, 26 * len(items) + 50), margin=dict(l=10, r=40, t=10, b=10), showlegend=False)
    fig.update_yaxes(autorange="reversed")
    if share:
        fig.update_xaxes(tickformat=".0%", range=[0, 1.15])
    return fig
