"""Overzicht (`/`): how well the cohort's guidance functions are covered.

Headline figures, a heatmap of functions × group (share of trainees with
strong coverage), a toggle that counts formal relationships only, and for one
chosen group the trainees × functions levels with links to constellations.

Small groups (``dashboard.privacy.suppression``): for management the data layer has
already suppressed them (the cells read "< k"), and management gets no
trainee × function part. The coverage-by-group downloads are aggregate
exports: suppressed for every role.
"""

from __future__ import annotations

import math
import zlib
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import streamlit as st

from dashboard.analysis.triage import TIERS
from dashboard.core.i18n import tn
from dashboard.web import charts, loaders, ui
from dashboard.privacy import suppression

GROUPINGS = ("school", "institute", "cohort", "programme")
TABLE_MAX_ROWS = 1000
PATTERNS_SHOWN = 3  # the largest findings; the rest in an expander
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0%}"


def _constellation_params(trainee_id: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(ui.page_url("constellatie", trainee=trainee_id)).query))


def _count(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def headline_figures(head: dict, filters, formal_only: bool, tiers: dict | None = None) -> bool:
    """The numbers at the top; False when no trainee is in view (or, for
    management, fewer than k: then every figure is suppressed)."""
    suppressed = head.get("suppressed", ())
    if head.get("hidden_by"):
        st.info(ui.t("suppression.headline_hidden", k=suppression.k_of(head),
                     dimension=ui.t(f"overview.by.{head['hidden_by']}")), icon=":material/visibility_off:")
        return False
    if "n_trainees" in suppressed:
        st.info(ui.t("suppression.headline_small", k=suppression.k_of(head)), icon=":material/visibility_off:")
        return False
    if head["n_trainees"] == 0:
        st.info(ui.t("overview.no_trainees"), icon=":material/filter_alt_off:")
        return False
    lang = ui.lang()
    delta = None
    if formal_only:
        with_informal = loaders.headline(filters, None)["share_all_strong"]
        # Signed percentage points: st.metric draws the arrow from the sign, so
        # "-14 procentpunt" points down (it read "↑ 14% minder").
        difference = head["share_all_strong"] - with_informal
        points = None if math.isnan(difference) else round(difference * 100)
        # no arrow at all when nothing changes (a text delta always gets one)
        delta = None if not points else ui.t("overview.delta_formal_only", points=f"{points:+d}")
    first, second, third = st.columns(3)
    first.metric(ui.t("overview.n_trainees"), _count(head["n_trainees"]))
    second.metric(
        ui.t("overview.share_all_strong"),
        suppression.headline_value(head, "share_all_strong", _percent(head["share_all_strong"]), lang),
        delta=delta, delta_color="off", help=ui.t("overview.share_all_strong_help"),
    )
    n_with_signal = head["n_with_signal"]
    third.metric(
        ui.t("overview.n_with_signal"),
        suppression.headline_value(head, "n_with_signal", "" if n_with_signal is None else _count(n_with_signal), lang),
    )
    small = suppression.small_label(suppression.k_of(head), lang)
    if tiers is not None:
        # The signal tiles count per tier (issue 17), and the trainees without data beside them.
        # A hidden tile reads "verborgen" (true for the small count and for the one hidden
        # with it, and it does not tell which is which: issue 16).
        hidden = suppression.hidden_label(lang)
        st.caption(ui.t("overview.tiers_caption"))
        columns = st.columns(4)
        for i, tier in enumerate(TIERS):
            n = tiers["tiers"][tier]
            columns[i].metric(ui.t(f"triage.tier.{tier}"), hidden if n is None else _count(n),
                              help=ui.t(f"triage.tier_help.{tier}"))
        n = tiers["n_no_data"]
        columns[3].metric(ui.t("overview.no_data"), hidden if n is None else _count(n),
                          help=ui.t("overview.no_data_help"))
        if tiers.get("suppressed"):
            st.caption(ui.t("suppression.tiers_caption", k=suppression.k_of(head)))
    counts = head["signal_counts"]
    if not counts.empty:
        with st.expander(ui.t("overview.signals_caption")):
            columns = st.columns(4)
            # Largest first; suppressed counts (fewer than k) last.
            ordered = counts.sort_values("n_trainees", ascending=False, na_position="last")
            for i, row in enumerate(ordered.to_dict("records")):
                # Below k: "< k"; hidden only because it leaves fewer than k out: "verborgen".
                hidden_value = small if row.get(suppression.SMALL_GROUP, True) else suppression.hidden_label(lang)
                value = hidden_value if pd.isna(row["n_trainees"]) else _count(row["n_trainees"])
                columns[i % 4].metric(ui.t(f"signals.code.{row['code']}"), value)
    hidden_codes = counts[suppression.SUPPRESSED] & ~counts[suppression.SMALL_GROUP] \
        if {suppression.SUPPRESSED, suppression.SMALL_GROUP} <= set(counts.columns) else pd.Series([], dtype=bool)
    if head.get(suppression.HIDDEN_FOR_COMPLEMENT) or hidden_codes.any():
        st.caption(ui.t("suppression.headline_complement_caption", k=suppression.k_of(head)))
    if set(suppressed) - set(head.get(suppression.HIDDEN_FOR_COMPLEMENT, ())) or (
            suppression.SUPPRESSED in counts.columns and (counts[suppression.SUPPRESSED] & ~hidden_codes).any()):
        st.caption(ui.t("suppression.headline_caption", k=suppression.k_of(head)))
    return True


COUNT_COLUMNS = ("n_trainees", "n_sterk", "n_zwak", "n_geen")


def coverage_table(
    coverage: pd.DataFrame, function_labels: dict[str, str], download_id: str | None = None
) -> pd.DataFrame:
    """Coverage by group with translated headers. Suppressed groups read "< k"
    (or "verborgen") in every figure. On screen shares are percentages; a
    download (``download_id``: the group id column it starts with) gives
    shares as fractions and keeps numbers numbers."""
    lang = ui.lang()
    for_download = download_id is not None
    columns: dict[str, pd.Series] = {}
    if for_download:
        columns[download_id] = coverage[download_id]
    columns[ui.t("overview.col.group")] = coverage["group_name"]
    columns[ui.t("overview.col.function")] = coverage["function"].map(lambda c: function_labels.get(c, c))
    for name in COUNT_COLUMNS:
        columns[ui.t(f"overview.col.{name}")] = suppression.display_column(
            coverage, name, lang, lambda v: None if pd.isna(v) else int(v), mixed=for_download)
    share = (lambda v: None if pd.isna(v) else round(float(v), 4)) if for_download else _percent
    columns[ui.t("overview.col.share_sterk")] = suppression.display_column(
        coverage, "share_sterk", lang, share, mixed=for_download)
    return pd.DataFrame(columns)


def coverage_downloads(coverage: pd.DataFrame, by: str, function_labels: dict[str, str], filters) -> None:
    """CSV and Excel of the coverage by group: an aggregate export, so small
    groups are suppressed for every role (k of the configuration), also the
    groups a view one filter wider hides."""
    id_column = loaders.GROUP_COLUMNS[by]
    exported = suppression.suppress_groups(coverage, id_column, cells=loaders.suppression_cells(),
                                           selection=suppression.selection_of(filters), by=by)
    k = suppression.k_of(exported)
    st.caption(ui.t("suppression.export_caption", k=k))
    name = f"dekking-per-{by}"
    sheet = ui.t("suppression.sheet_coverage")
    left, right = st.columns(2)
    left.download_button(
        ui.t("suppression.download_csv"),
        ui.audited_download(lambda: loaders.csv_bytes(coverage_table(exported, function_labels, id_column)),
                            f"{name}.csv"),
        file_name=f"{name}.csv", mime="text/csv", icon=":material/download:", key="overview_csv", on_click="ignore",
    )
    right.download_button(
        ui.t("suppression.download_xlsx"),
        ui.audited_download(
            lambda: loaders.xlsx_bytes(coverage_table(exported, function_labels, id_column), sheet),
            f"{name}.xlsx"),
        file_name=f"{name}.xlsx", mime=XLSX_MIME, icon=":material/download:", key="overview_xlsx", on_click="ignore",
    )


def coverage_section(coverage: pd.DataFrame, by: str, filters) -> None:
    functions = loaders.functions()
    n_groups = coverage[loaders.GROUP_COLUMNS[by]].nunique(dropna=False)
    if n_groups > charts.HEATMAP_MAX_GROUPS:
        st.caption(ui.t("overview.groups_capped", shown=charts.HEATMAP_MAX_GROUPS, total=n_groups))
    st.plotly_chart(charts.coverage_heatmap(coverage, loaders.GROUP_COLUMNS[by], functions, ui.lang()), key="overview_heatmap")
    if suppression.SUPPRESSED in coverage.columns and coverage[suppression.SUPPRESSED].any():
        st.caption(ui.t("suppression.caption", k=suppression.k_of(coverage)))
    labels = dict(zip(functions["code"], functions["label_en" if ui.lang() == "en" else "label_nl"]))
    with st.expander(ui.t("overview.table")):
        st.dataframe(coverage_table(coverage, labels), hide_index=True)
    coverage_downloads(coverage, by, labels, filters)


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
    # Trainees (rows, in name order) × functions (columns, taxonomy order), each cell its level's label.
    first = levels.drop_duplicates(subset=["trainee_id", "function"])
    level_labels = {level: ui.t(f"chart.level.{level}") for level in ("sterk", "zwak", "geen")}
    cell = dict(zip(zip(first["trainee_id"], first["function"]), first["level"].map(level_labels)))
    present = set(first["function"])
    wide = pd.DataFrame({
        ui.t("overview.col.trainee"): [names_by_id.get(tid, tid) for tid in ids],
        ui.t("overview.col.link"): loaders.constellation_links(ids),
        **{labels.get(code, code): [cell.get((tid, code)) for tid in ids]
           for code in functions["code"] if code in present},
    })
    with st.expander(ui.t("overview.table")):
        st.dataframe(
            wide,
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


def _list_params(**params: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(ui.page_url("signalen", **params)).query))


def attention_lead(filters, norm, lead: loaders.Lead | None) -> dict | None:
    """What the overview leads with: "Nu handelen: N studenten" (linked to the
    worklist), then the programme's patterns, once. Returns the tier counts
    (None when no trainee is in view: the headline says so). ``lead``: the
    tier counts and patterns when the overview's loader already has them."""
    lang = ui.lang()
    sees_persons = ui.viewer().sees_persons
    # Counts and patterns only (not the whole worklist, which the Signalen page computes
    # when it opens): under the stored norms each is one statement on the derived layer.
    tiers, patterns = lead if lead is not None else loaders.tier_counts_and_patterns(filters, norm)
    if tiers["n_trainees"] == 0:
        return None
    n_nu = tiers["tiers"]["nu"]
    left, right = st.columns([3, 1], vertical_alignment="center")
    if n_nu is None:
        left.subheader(ui.t("overview.act_now", students=suppression.hidden_label(lang)))
    else:
        left.subheader(ui.t("overview.act_now", students=tn("triage.students", n_nu, lang)))
    if sees_persons:
        right.page_link(ui.PAGE_FILES["signalen"], label=ui.t("overview.to_list"), icon=":material/checklist:",
                        query_params=_list_params(tier="nu"))
    if not patterns.empty:
        st.markdown(f"**{ui.t('worklist.patterns_title')}**")
        st.table(ui.pattern_table(patterns.head(PATTERNS_SHOWN)), hide_index=True)
        if len(patterns) > PATTERNS_SHOWN:
            with st.expander(ui.t("worklist.more_patterns", n=len(patterns) - PATTERNS_SHOWN)):
                st.table(ui.pattern_table(patterns.iloc[PATTERNS_SHOWN:]), hide_index=True)
    # Something above hid a count or showed a pattern's share instead of its counts: say why, below the tiles.
    tiers = {**tiers, "suppressed": any(v is None for v in (*tiers["tiers"].values(), tiers["n_no_data"]))
             or bool(patterns["n_in_group"].isna().any())}
    if sees_persons and tiers["n_no_data"]:
        missing = loaders.no_data_trainees(filters)
        with st.expander(ui.t("overview.no_data_list", students=tn("triage.students", len(missing), lang))):
            st.dataframe(
                pd.DataFrame({
                    ui.t("overview.col.trainee"): missing["name"],
                    ui.t("overview.col.link"): loaders.constellation_links(missing["trainee_id"]),
                }).head(TABLE_MAX_ROWS),
                hide_index=True,
                column_config={ui.t("overview.col.link"): st.column_config.LinkColumn(
                    display_text=ui.t("overview.open_constellation"))},
                key="overview_no_data",
            )
    return tiers


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
    head, coverage, filtered_group, lead = loaders.overview(filters, norm, by)
    tiers = attention_lead(filters, norm, lead) if head.get("n_trainees") else None  # 0, or suppressed: nothing to lead with
    if not headline_figures(head, filters, formal_only, tiers):
        return
    st.subheader(ui.t("overview.heatmap_title"))
    st.radio(
        ui.t("overview.group_by"), GROUPINGS, horizontal=True,
        format_func=lambda g: ui.t(f"overview.by.{g}"), key="overview_by",
    )
    st.caption(ui.t("overview.heatmap_caption_formal" if formal_only else "overview.heatmap_caption"))
    coverage_section(coverage, by, filters)
    if not ui.viewer().sees_persons:
        # Aggregates only: no trainees × functions, no names (loaders gives no group part).
        st.info(ui.t("suppression.no_trainees_management"), icon=":material/groups:")
        return
    group_section(filters, norm, by, coverage, filtered_group)


render()
