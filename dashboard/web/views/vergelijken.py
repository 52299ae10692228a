"""Vergelijken (`/vergelijken`): schools, institutes, cohorts or programmes side
by side, for management meetings. Aggregates only, never a list of names.

Small groups (``dashboard.privacy.suppression``): for management the data layer has
already suppressed them: no bars, "< k" (or "verborgen") in the tables. The
comparison download is an aggregate export: suppressed for every role.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard.web import charts, loaders, ui
from dashboard.privacy import suppression

GROUPINGS = ("school", "institute", "cohort", "programme")
DEFAULT_SELECTED = 3
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value: object) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{float(value):.0%}"


def metric_section(title: str, caption: str, groups: pd.DataFrame, metrics: list[tuple[str, str]], key: str) -> None:
    metrics = [(column, label) for column, label in metrics if column in groups.columns]
    if not metrics:
        return
    st.subheader(title)
    st.caption(caption)
    st.plotly_chart(charts.grouped_bars(groups, metrics, ui.lang()), key=f"compare_{key}")
    hidden = suppression.row_labels(groups, ui.lang()).tolist()
    with st.expander(ui.t("compare.table")):
        table = pd.DataFrame(
            {name: [label if label is not None else _percent(getattr(row, column)) for column, _ in metrics]
             for name, label, row in zip(groups["group_name"].astype(str), hidden, groups.itertuples(index=False))},
            index=[label for _, label in metrics],
        )
        st.dataframe(table, key=f"compare_{key}_table")


def metric_labels(columns) -> dict[str, str]:
    """Column of ``analysis.compare`` -> its label on this page."""
    labels = {
        "group_name": ui.t("compare.col.group"),
        "n_trainees": ui.t("compare.col.n_trainees"),
        "share_all_functions_strong": ui.t("compare.metric.share_all_functions_strong"),
        "share_coverage_informal": ui.t("compare.metric.share_coverage_informal"),
        "share_guide_assesses": ui.t("compare.metric.share_guide_assesses"),
    }
    for column in columns:
        if column.startswith("rate_"):
            labels[column] = ui.t(f"signals.code.{column.removeprefix('rate_')}")
        elif column.startswith("klik_"):
            labels[column] = ui.t("chart.klik") + ": " + ui.t("chart.klik." + column.removeprefix("klik_"))
        elif column.startswith("formal_"):
            labels[column] = ui.t("chart.formal") + ": " + ui.t("chart.level." + column.removeprefix("formal_"))
    return labels


def comparison_table(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """The comparison as downloaded: group id, translated headers, shares as
    fractions; every figure of a suppressed group reads "< k" / "verborgen"."""
    lang = ui.lang()
    labels = metric_labels(frame.columns)
    columns: dict[str, pd.Series] = {id_column: frame[id_column], labels["group_name"]: frame["group_name"]}
    columns[labels["n_trainees"]] = suppression.display_column(
        frame, "n_trainees", lang, lambda v: None if pd.isna(v) else int(v), mixed=True)
    for column in [c for c in frame.columns if c in labels and c not in ("group_name", "n_trainees")]:
        columns[labels[column]] = suppression.display_column(
            frame, column, lang, lambda v: None if pd.isna(v) else round(float(v), 4), mixed=True)
    return pd.DataFrame(columns)


def comparison_downloads(frame: pd.DataFrame, by: str, filters) -> None:
    """CSV and Excel of every group in view: an aggregate export, so small
    groups are suppressed for every role (k of the configuration), also the
    groups a view one filter wider hides."""
    id_column = loaders.GROUP_COLUMNS[by]
    exported = suppression.suppress_groups(frame, id_column, cells=loaders.suppression_cells(),
                                           selection=suppression.selection_of(filters), by=by)
    st.caption(ui.t("suppression.export_caption", k=suppression.k_of(exported)))
    name = f"vergelijking-per-{by}"
    sheet = ui.t("suppression.sheet_compare")
    left, right = st.columns(2)
    left.download_button(
        ui.t("suppression.download_csv"),
        ui.audited_download(lambda: loaders.csv_bytes(comparison_table(exported, id_column)), f"{name}.csv"),
        file_name=f"{name}.csv", mime="text/csv", icon=":material/download:", key="compare_csv", on_click="ignore",
    )
    right.download_button(
        ui.t("suppression.download_xlsx"),
        ui.audited_download(lambda: loaders.xlsx_bytes(comparison_table(exported, id_column), sheet), f"{name}.xlsx"),
        file_name=f"{name}.xlsx", mime=XLSX_MIME, icon=":material/download:", key="compare_xlsx", on_click="ignore",
    )


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
        bind="query-params",  # the Signalen page's patterns link to ?compare_by=school
    )
    frame = loaders.compare(by, filters)
    id_column = loaders.GROUP_COLUMNS[by]
    if len(frame) < 2:
        if not ui.viewer().sees_all_trainees:
            own_beside_partnership(filters)
        else:
            st.info(ui.t("compare.too_few_groups"), icon=":material/info:")
        return
    frame = frame.sort_values("group_name", key=lambda s: s.astype(str).str.lower())
    # Trainees without a programme are a group of their own, with a label.
    frame = frame.assign(group_name=frame["group_name"].where(frame["group_name"].notna(), ui.t("compare.no_group")))
    names = dict(zip(frame[id_column].astype(str), frame["group_name"].astype(str)))
    ids = list(names)
    chosen = st.multiselect(
        ui.t(f"compare.choose.{by}"), ids, default=ids[: min(DEFAULT_SELECTED, len(ids))],
        format_func=lambda g: names.get(g, g), placeholder=ui.t("compare.placeholder.groups"),
        key=f"compare_groups_{by}",
    )
    if len(chosen) < 2:
        st.info(ui.t("compare.pick_two"), icon=":material/info:")
    else:
        sections(frame, frame.set_index(frame[id_column].astype(str)).loc[chosen].reset_index(drop=True))
    comparison_downloads(frame, by, filters)


def own_beside_partnership(filters) -> None:
    """Issue 14: a coordinator's own group (their scope) beside the rest of the
    partnership as one aggregate, instead of "only one group"."""
    frame = loaders.compare_with_partnership(filters)
    st.caption(ui.t("compare.own_caption"))
    frame = frame.assign(group_name=frame["own"].map({"own": ui.t("compare.own_group"), "rest": ui.t("compare.rest_group")}))
    sections(frame, frame)


def sections(frame: pd.DataFrame, groups: pd.DataFrame) -> None:
    """The chosen ``groups`` (rows of ``frame``) side by side."""
    st.dataframe(
        pd.DataFrame({
            ui.t("compare.col.group"): groups["group_name"],
            ui.t("compare.col.n_trainees"): suppression.display_column(groups, "n_trainees", ui.lang(), int),
        }),
        hide_index=True, key="compare_sizes",
    )
    if suppression.SUPPRESSED in groups.columns and groups[suppression.SUPPRESSED].any():
        st.caption(ui.t("suppression.caption", k=suppression.k_of(groups)))
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
