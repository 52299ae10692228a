"""Overzicht (`/`): how well the cohort's guidance functions are covered.

Headline figures, a heatmap of functions × group (share of trainees with
strong coverage), a toggle that counts formal relationships only, and for one
chosen group the trainees × functions levels with links to constellations.
"""

from __future__ import annotations

import math
import zlib
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from dashboard import charts, loaders, ui

GROUPINGS = ("school", "institute", "cohort", "programme")
TABLE_MAX_ROWS = 1000


def _percent(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0%}"


def _constellation_params(trainee_id: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(ui.page_url("constellatie", trainee=trainee_id)).query))


def headline_figures(head: dict, filters, formal_only: bool) -> bool:
    """The numbers at the top; False when no trainee is in view."""
    if head["n_trainees"] == 0:
        st.info(ui.t("overview.no_trainees"), icon=":material/filter_alt_off:")
        return False
    delta = None
    if formal_only:
        with_informal = loaders.headline(filters, None)["share_all_strong"]
        delta = ui.t("overview.delta_formal_only", delta=_percent(with_informal - head["share_all_strong"]))
    first, second, third = st.columns(3)
    first.metric(ui.t("overview.n_trainees"), f"{head['n_trainees']:,}".replace(",", "."))
    second.metric(
        ui.t("overview.share_all_strong"), _percent(head["share_all_strong"]),
        delta=delta, delta_color="off", help=ui.t("overview.share_all_strong_help"),
    )
    third.metric(ui.t("overview.n_with_signal"), f"{head['n_with_signal']:,}".replace(",", "."))
    counts = head["signal_counts"]
    if not counts.empty:
        st.caption(ui.t("overview.signals_caption"))
        columns = st.columns(4)
        for i, row in enumerate(counts.sort_values("n_trainees", ascending=False).itertuples(index=False)):
            columns[i % 4].metric(ui.t(f"signals.code.{row.code}"), int(row.n_trainees))
    return True


def coverage_section(coverage: pd.DataFrame, by: str) -> None:
    functions = loaders.functions()
    n_groups = coverage[loaders.GROUP_COLUMNS[by]].nunique(dropna=False)
    if n_groups > charts.HEATMAP_MAX_GROUPS:
        st.caption(ui.t("overview.groups_capped", shown=charts.HEATMAP_MAX_GROUPS, total=n_groups))
    st.plotly_chart(charts.coverage_heatmap(coverage, loaders.GROUP_COLUMNS[by], functions, ui.lang()), key="overview_heatmap")
    with st.expander(ui.t("overview.table")):
        labels = dict(zip(functions["code"], functions["label_en" if ui.lang() == "en" else "label_nl"]))
        table = pd.DataFrame({
            ui.t("overview.col.group"): coverage["group_name"],
            ui.t("overview.col.function"): coverage["function"].map(lambda c: labels.get(c, c)),
            ui.t("overview.col.n_trainees"): coverage["n_trainees"],
            ui.t("overview.col.n_sterk"): coverage["n_sterk"],
            ui.t("overview.col.n_zwak"): coverage["n_zwak"],
            ui.t("overview.col.n_geen"): coverage["n_geen"],
            ui.t("overview.col.share_sterk"): coverage["share_sterk"].map(_percent),
        })
        st.dataframe(table, hide_index=True)


def group_section(filters, norm, by: str, coverage: pd.DataFrame, filtered_group: tuple | None) -> None:
    id_column = loaders.GROUP_COLUMNS[by]
    # Trainees without a programme form a group in the heatmap but cannot be chosen as a filter.
    groups = coverage[coverage[id_column].notna()][[id_column, "group_name"]].drop_duplicates()
    groups = groups.sort_values("group_name", key=lambda s: s.astype(str).str.lower())
    if groups.empty:
        return
    names = dict(zip(groups[id_column].astype(str), groups["group_name"].astype(str)))
    st.subheader(ui.t("overview.group_title"))
    # One group in view (say, the coordinator filtered on their school): show it
    # at once; otherwise the user picks one (each group costs a query).
    group_id = st.selectbox(
        ui.t(f"overview.choose.{by}"), list(names), index=0 if len(names) == 1 else None,
        placeholder=ui.t("overview.choose_group_placeholder"),
        format_func=lambda g: names.get(g, g),
        # A new set of groups (another filter) starts a new choice.
        key=f"overview_group_{by}_{zlib.crc32(' '.join(names).encode())}",
    )
    if group_id is None:
        return
    if filtered_group is not None and getattr(filters, by) == group_id:
        levels, trainees = filtered_group  # computed with the headline
    else:
        levels, trainees = loaders.group_coverage(by, group_id, filters, norm)
    if levels.empty:
        st.info(ui.t("overview.no_trainees"))
        return
    n = levels["trainee_id"].nunique()
    if n > charts.HEATMAP_MAX_ROWS:
        st.caption(ui.t("overview.capped", shown=charts.HEATMAP_MAX_ROWS, total=n))
    functions = loaders.functions()
    st.plotly_chart(charts.trainee_level_heatmap(levels, trainees, functions, ui.lang()), key="overview_trainees")
    labels = dict(zip(functions["code"], functions["label_en" if ui.lang() == "en" else "label_nl"]))
    names_by_id = dict(zip(trainees["trainee_id"], trainees["name"]))
    ids = sorted(set(levels["trainee_id"]), key=lambda tid: (str(names_by_id.get(tid, tid)).lower(), tid))
    if len(ids) > TABLE_MAX_ROWS:
        st.caption(ui.t("overview.table_capped", shown=TABLE_MAX_ROWS, total=len(ids)))
        ids = ids[:TABLE_MAX_ROWS]
        levels = levels[levels["trainee_id"].isin(set(ids))]
    wide = levels.pivot_table(index="trainee_id", columns="function", values="level", aggfunc="first")
    wide = wide[[c for c in functions["code"] if c in wide.columns]]
    level_labels = {level: ui.t(f"chart.level.{level}") for level in ("sterk", "zwak", "geen")}
    wide = wide.apply(lambda column: column.map(level_labels))
    wide.columns = [labels.get(c, c) for c in wide.columns]
    wide = wide.loc[ids]
    wide.insert(0, ui.t("overview.col.trainee"), [names_by_id.get(tid, tid) for tid in wide.index])
    wide.insert(1, ui.t("overview.col.link"), loaders.constellation_links(wide.index))
    with st.expander(ui.t("overview.table")):
        st.dataframe(
            wide.reset_index(drop=True),
            hide_index=True,
            column_config={
                ui.t("overview.col.link"): st.column_config.LinkColumn(display_text=ui.t("overview.open_constellation"))
            },
        )
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    trainee_id = left.selectbox(
        ui.t("overview.choose_trainee"), ids, index=None, placeholder=ui.t("overview.choose_trainee_placeholder"),
        format_func=lambda tid: f"{names_by_id.get(tid, tid)} ({tid})", key=f"overview_trainee_{by}_{group_id}",
    )
    if trainee_id is not None:
        right.page_link(
            ui.PAGE_FILES["constellatie"], label=ui.t("overview.open_constellation"),
            icon=":material/hub:", query_params=_constellation_params(trainee_id),
        )


def render() -> None:
    st.title(ui.t("overview.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    filters = ui.filters()
    formal_only = st.toggle(ui.t("overview.formal_only"), help=ui.t("overview.formal_only_help"), key="overview_formal_only")
    norm = loaders.norm_for(formal_only)
    # The grouping chosen last run (its radio is drawn further down): the
    # headline and the heatmap are then computed together, side by side.
    by = st.session_state.get("overview_by", GROUPINGS[0])
    head, coverage, filtered_group = loaders.overview(filters, norm, by)
    if not headline_figures(head, filters, formal_only):
        return
    st.subheader(ui.t("overview.heatmap_title"))
    st.radio(
        ui.t("overview.group_by"), GROUPINGS, horizontal=True,
        format_func=lambda g: ui.t(f"overview.by.{g}"), key="overview_by",
    )
    st.caption(ui.t("overview.heatmap_caption_formal" if formal_only else "overview.heatmap_caption"))
    coverage_section(coverage, by)
    group_section(filters, norm, by, coverage, filtered_group)


render()
