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

# Radius per strength: strong ties close, weak further out, `geen` outermost.
RADIUS: dict[str, float] = {"sterk": 1.0, "zwak": 1.7, "geen": 2.4}
GHOST_RADIUS = 2.05
# Angle ranges (degrees, counter-clockwise from the positive x axis) per side:
# school on the left (x < 0), institute on the right (x > 0), others below.
SIDE_ANGLES: dict[str, tuple[float, float]] = {
    "school": (105.0, 235.0),
    "instituut": (-55.0, 75.0),
    "overig": (245.0, 295.0),
}
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
    if side in SIDE_ANGLES:
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


def person_angles(relationships: pd.DataFrame, missing_roles: pd.DataFrame | None = None) -> dict[str, float]:
    """A stable angle (degrees) per person, over all waves, so that a person
    stays in place when the waves are drawn side by side.

    People are spread evenly over their side's range, ordered by their best
    strength (strong first), then role, then name. Missing roles get slots
    keyed ``ghost:<role>`` on their role's side.
    """
    return _angles(_records(relationships), missing_roles)


def _angles(rel_records: list[dict], missing_roles: pd.DataFrame | None) -> dict[str, float]:
    """:func:`person_angles` from the relationships as records."""
    best: dict[str, tuple[int, dict]] = {}
    for row in rel_records:
        rank = STRENGTH_RANK.get(str(row["strength"]), 0)
        pid = str(row["person_id"])
        if pid not in best or rank > best[pid][0]:
            best[pid] = (rank, row)
    slots: dict[str, list[tuple[tuple, str]]] = {side: [] for side in SIDE_ANGLES}
    for pid, (rank, row) in best.items():
        side = _side(row.get("side"), row["role"])
        slots[side].append(((-rank, str(row["role"]), str(row["name"]).lower(), pid), pid))
    if missing_roles is not None and not missing_roles.empty:
        for role in sorted(set(missing_roles["role"])):
            slots[_side(None, role)].append(((9, role, "", ""), f"ghost:{role}"))
    angles: dict[str, float] = {}
    for side, members in slots.items():
        low, high = SIDE_ANGLES[side]
        members.sort()
        n = len(members)
        for i, (_, key) in enumerate(members):
            angles[key] = (low + high) / 2 if n == 1 else low + (high - low) * (i + 0.5) / n
    return angles


def _positions(rel_records: list[dict], angles: dict[str, float], missing: list[str]) -> dict[str, tuple[float, float, float]]:
    found: dict[str, tuple[float, float, float]] = {}
    for row in rel_records:
        radius = RADIUS.get(str(row["strength"]), RADIUS["geen"])
        angle = math.radians(angles.get(str(row["person_id"]), 270.0))
        found[str(row["person_id"])] = (radius * math.cos(angle), radius * math.sin(angle), radius)
    for role in missing:
        angle = math.radians(angles.get(f"ghost:{role}", 270.0))
        found[f"ghost:{role}"] = (GHOST_RADIUS * math.cos(angle), GHOST_RADIUS * math.sin(angle), GHOST_RADIUS)
    return found


def constellation_positions(
    relationships: pd.DataFrame,
    angles: dict[str, float] | None = None,
    missing_roles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """x, y per person (and per ghost) for one wave; the trainee is at (0, 0).

    Returns person_id, x, y, radius. Radius follows strength (strong closest,
    `geen` outermost); ghosts sit between weak and `geen`.
    """
    if angles is None:
        angles = person_angles(relationships, missing_roles)
    missing = [] if missing_roles is None or missing_roles.empty else list(missing_roles["role"])
    found = _positions(_records(relationships), angles, missing)
    return pd.DataFrame([(pid, x, y, r) for pid, (x, y, r) in found.items()], columns=["person_id", "x", "y", "radius"])


def _edge_style(strength: str, negative: bool) -> dict:
    if strength == "sterk":
        style = dict(width=4.0, dash="solid")
    elif strength == "zwak":
        style = dict(width=1.6, dash="dash")
    else:
        style = dict(width=1.0, dash="dot")
    style["color"] = WARNING_COLOUR if negative else EDGE_COLOUR
    return style


def _value_label(prefix: str, value: object, lang: str) -> str:
    if _missing(value) or value == "":
        return t("chart.unknown", lang)
    return t(f"{prefix}.{value}", lang)


def _hover_text(row: dict, function_labels: dict[str, str], lang: str) -> str:
    functions = row.get("functions")
    if not isinstance(functions, (list, tuple)) and not hasattr(functions, "tolist"):
        functions = []
    function_text = ", ".join(function_labels.get(f, f) for f in functions) or t("chart.none", lang)
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


def _constellation_traces(
    trainee: dict,
    rel_records: list[dict],
    cons_records: list[dict],
    missing: list[str],
    angles: dict[str, float],
    function_labels: dict[str, str],
    lang: str,
    *,
    legend: bool = True,
    labels: bool = True,
    axes: tuple[str, str] = ("x", "y"),
) -> list[go.Scatter]:
    """The traces of one wave: edges, consultations, people, ghosts, trainee (on ``axes``)."""
    positions = _positions(rel_records, angles, missing)
    traces: list[go.Scatter] = []
    size = 22 if labels else 14
    fast = dict(_FAST, xaxis=axes[0], yaxis=axes[1])

    # Edges trainee–person, one trace per style (plotly has one dash per trace).
    edge_groups: dict[tuple[str, bool], tuple[list, list]] = {}
    for row in rel_records:
        key = (str(row["strength"]), row.get("contribution") == "negatief")
        xs, ys = edge_groups.setdefault(key, ([], []))
        x, y, _ = positions[str(row["person_id"])]
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
    # Consultations between mentors: their own dotted edges.
    xs, ys = [], []
    for row in cons_records:
        a, b = positions.get(str(row["person_a"])), positions.get(str(row["person_b"]))
        if a is not None and b is not None:
            xs.extend([a[0], b[0], None])
            ys.extend([a[1], b[1], None])
    if xs:
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", line=dict(width=2.2, dash="dot", color=CONSULTATION_COLOUR),
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
            mode="markers+text" if labels else "markers",
            marker=dict(
                size=size, color=colour,
                symbol=["circle" if f else "circle-open" for f in formal],
                line=dict(width=[1.0 if f else 3.0 for f in formal],
                          color=[TRAINEE_COLOUR if f else colour for f in formal]),
                opacity=[0.45 if m["strength"] == "geen" else 1.0 for m in members],
            ),
            text=[escape(m["name"]) for m in members],
            textposition="bottom center",
            hovertext=[_hover_text(m, function_labels, lang) for m in members],
            hovertemplate="%{hovertext}<extra></extra>",
            name=escape(role_label(role, lang)), legendgroup=f"role-{role}", showlegend=legend,
            meta={"kind": "person", "role": role}, **fast,
        ))
    # Ghost nodes: roles the norm expects that the trainee lacks.
    if missing:
        traces.append(go.Scatter(
            x=[positions[f"ghost:{r}"][0] for r in missing], y=[positions[f"ghost:{r}"][1] for r in missing],
            mode="markers+text" if labels else "markers",
            marker=dict(size=size, color=GHOST_COLOUR, symbol="circle-open", line=dict(width=2, color=GHOST_COLOUR), opacity=0.8),
            text=[escape(t("chart.ghost_label", lang, role=role_label(r, lang))) for r in missing],
            textposition="bottom center", textfont=dict(color="#767676"),
            hovertext=[escape(t("chart.ghost_hover", lang, role=role_label(r, lang))) for r in missing],
            hovertemplate="%{hovertext}<extra></extra>",
            name=escape(t("chart.ghost", lang)), legendgroup="ghost", showlegend=legend, meta={"kind": "ghost"}, **fast,
        ))
    # The trainee in the centre.
    name = escape(trainee.get("name", ""))
    traces.append(go.Scatter(
        x=[0.0], y=[0.0], mode="markers+text" if labels else "markers",
        marker=dict(size=30 if labels else 18, color=TRAINEE_COLOUR, symbol="star"),
        text=[name], textposition="top center",
        hovertext=[f"<b>{name}</b><br>{escape(t('chart.trainee', lang))}"],
        hovertemplate="%{hovertext}<extra></extra>",
        name=escape(t("chart.trainee", lang)), legendgroup="trainee", showlegend=legend, meta={"kind": "trainee"}, **fast,
    ))
    return traces


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


def _axis() -> dict:
    limit = RADIUS["geen"] + 0.6
    return dict(visible=False, range=[-limit, limit], zeroline=False, showgrid=False)


def _wave_figure(
    constellation: dict, records: dict[str, list[dict]], angles: dict[str, float], wave: str,
    labels: dict[str, str], lang: str,
) -> go.Figure:
    rel, cons, missing = _wave_parts(records, wave)
    traces = _constellation_traces(constellation["trainee"], rel, cons, missing, angles, labels, lang)
    side_label = dict(y=RADIUS["geen"] + 0.35, showarrow=False, font=dict(color="#595959"))
    layout = dict(
        height=620, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
        xaxis=_axis(), yaxis=dict(_axis(), scaleanchor="x", scaleratio=1),
        annotations=[
            dict(side_label, text=escape(t("chart.side.school", lang)), x=-RADIUS["geen"]),
            dict(side_label, text=escape(t("chart.side.instituut", lang)), x=RADIUS["geen"]),
        ],
    )
    return go.Figure(data=traces, layout=layout, **_FAST)


def _waves(constellation: dict) -> list[str]:
    return [w for w in WAVES if w in set(constellation.get("waves") or [])] or list(constellation.get("waves") or [])


def _waves_figure(
    constellation: dict, records: dict[str, list[dict]], angles: dict[str, float], labels: dict[str, str],
    lang: str,
) -> go.Figure:
    waves = _waves(constellation)
    if not waves:
        return _empty_figure(t("chart.no_data", lang))
    n = len(waves)
    gap = 0.02
    width = (1 - gap * (n - 1)) / n
    # The subplot grid written out directly (make_subplots is slow for what it does).
    layout: dict = dict(
        height=380, margin=dict(l=10, r=10, t=40, b=10), plot_bgcolor="white", showlegend=False, annotations=[],
    )
    data: list[go.Scatter] = []
    for i, wave in enumerate(waves, start=1):
        suffix = "" if i == 1 else str(i)
        start = (i - 1) * (width + gap)
        layout[f"xaxis{suffix}"] = dict(_axis(), domain=[start, start + width], anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = dict(_axis(), domain=[0, 1], anchor=f"x{suffix}", scaleanchor=f"x{suffix}", scaleratio=1)
        layout["annotations"].append(dict(
            text=escape(t(f"chart.wave.{wave}", lang)), x=start + width / 2, y=1.0, xref="paper", yref="paper",
            xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=16),
        ))
        rel, cons, missing = _wave_parts(records, wave)
        data += _constellation_traces(
            constellation["trainee"], rel, cons, missing, angles, labels, lang, legend=False, labels=False,
            axes=(f"x{suffix}", f"y{suffix}"),
        )
    return go.Figure(data=data, layout=layout, **_FAST)


def constellation_figure(
    constellation: dict,
    wave: str,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
) -> go.Figure:
    """One wave of a trainee's constellation, drawn the way the research draws it.

    ``constellation`` is what ``analysis.constellation`` returns.
    """
    records = _constellation_records(constellation)
    angles = _angles(records["relationships"], constellation.get("missing_roles"))
    return _wave_figure(constellation, records, angles, wave, _function_labels(functions, lang), lang)


def constellation_waves_figure(
    constellation: dict,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
) -> go.Figure:
    """All waves side by side (same positions per person), so change is visible."""
    records = _constellation_records(constellation)
    angles = _angles(records["relationships"], constellation.get("missing_roles"))
    return _waves_figure(constellation, records, angles, _function_labels(functions, lang), lang)


def constellation_figures(
    constellation: dict,
    wave: str,
    functions: pd.DataFrame | None = None,
    lang: str = "nl",
) -> tuple[go.Figure, go.Figure | None]:
    """(:func:`constellation_figure` of ``wave``, :func:`constellation_waves_figure`
    or None with fewer than two waves), the frames converted once for both."""
    records = _constellation_records(constellation)
    angles = _angles(records["relationships"], constellation.get("missing_roles"))
    labels = _function_labels(functions, lang)
    figure = _wave_figure(constellation, records, angles, wave, labels, lang)
    waves = _waves_figure(constellation, records, angles, labels, lang) if len(_waves(constellation)) > 1 else None
    return figure, waves


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
