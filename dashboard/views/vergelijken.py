"""Vergelijken (`/vergelijken`): schools, institutes, cohorts or programmes side
by side, for management meetings. Aggregates only, never a list of names.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts, loaders, ui

GROUPINGS = ("school", "institute", "cohort", "programme")
DEFAULT_SELECTED = 3


def _percent(value: object) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{float(value):.0%}"


def metric_section(title: str, caption: str, groups: pd.DataFrame, metrics: list[tuple[str, str]], key: str) -> None:
    metrics = [(column, label) for column, label in metrics if column in groups.columns]
    if not metrics:
        return
    st.subheader(title)
    st.caption(caption)
    st.plotly_chart(charts.grouped_bars(groups, metrics, ui.lang()), key=f"compare_{key}")
    with st.expander(ui.t("compare.table")):
        table = pd.DataFrame(
            {name: [_percent(getattr(row, column)) for column, _ in metrics]
             for name, row in zip(groups["group_name"].astype(str), groups.itertuples(index=False))},
            index=[label for _, label in metrics],
        )
        st.dataframe(table, key=f"compare_{key}_table")


def render() -> None:
    st.title(ui.t("compare.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    st.caption(ui.t("compare.intro"))
    filters = ui.filters()
    by = st.radio(
        ui.t("compare.group_by"), GROUPINGS, horizontal=True,
        format_func=lambda g: ui.t(f"overview.by.{g}"), key="compare_by",
    )
    frame = loaders.compare(by, filters)
    id_column = loaders.GROUP_COLUMNS[by]
    if len(frame) < 2:
        st.info(ui.t("compare.too_few_groups"), icon=":material/info:")
        return
    frame = frame.sort_values("group_name", key=lambda s: s.astype(str).str.lower())
    # Trainees without a programme are a group of their own, with a label.
    frame = frame.assign(group_name=frame["group_name"].where(frame["group_name"].notna(), ui.t("compare.no_group")))
    names = dict(zip(frame[id_column].astype(str), frame["group_name"].astype(str)))
    ids = list(names)
    chosen = st.multiselect(
        ui.t(f"compare.choose.{by}"), ids, default=ids[: min(DEFAULT_SELECTED, len(ids))],
        format_func=lambda g: names.get(g, g), key=f"compare_groups_{by}",
    )
    if len(chosen) < 2:
        st.info(ui.t("compare.pick_two"), icon=":material/info:")
        return
    groups = frame.set_index(frame[id_column].astype(str)).loc[chosen].reset_index(drop=True)
    st.dataframe(
        pd.DataFrame({
            ui.t("compare.col.group"): groups["group_name"],
            ui.t("compare.col.n_trainees"): groups["n_trainees"].astype(int),
        }),
        hide_index=True, key="compare_sizes",
    )
    metric_section(
        ui.t("compare.coverage_title"), ui.t("compare.coverage_caption"), groups,
        [("share_all_functions_strong", ui.t("compare.metric.share_all_functions_strong")),
         ("share_coverage_informal", ui.t("compare.metric.share_coverage_informal"))],
        "coverage",
    )
    rate_columns = [c for c in frame.columns if c.startswith("rate_")]
    metric_section(
        ui.t("compare.signals_title"), ui.t("compare.signals_caption"), groups,
        [(c, ui.t(f"signals.code.{c.removeprefix('rate_')}")) for c in rate_columns],
        "signals",
    )
    metric_section(
        ui.t("compare.klik_title"), ui.t("compare.klik_caption"), groups,
        [(f"klik_{k}", ui.t(f"chart.klik.{k}")) for k in ("ja", "twijfel", "nee", "onbekend")],
        "klik",
    )
    metric_section(
        ui.t("compare.strength_title"), ui.t("compare.strength_caption"), groups,
        [(f"formal_{s}", ui.t(f"chart.level.{s}")) for s in ("sterk", "zwak", "geen")],
        "strength",
    )
    metric_section(
        ui.t("compare.assess_title"), ui.t("compare.assess_caption"), groups,
        [("share_guide_assesses", ui.t("compare.metric.share_guide_assesses"))],
        "assess",
    )


render()
