"""Constellatie (`/constellatie?trainee=ID`): one trainee's network.

The picture (trainee in the centre, school left, institute right, others
below; strong ties close, weak further out, `geen` outermost), a wave
selector and the waves side by side, and beside the picture the trainee's
coverage, signals and network measures with a one-line explanation each.
Without a (known) trainee: a clear message and a picker.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts, loaders, ui
from dashboard.domain import WAVES, role_label

PICKER_LIMIT = 1000
MEASURES = (
    "size", "n_formal", "n_informal", "n_strong", "share_strong", "density",
    "effective_size", "constraint", "ei_index", "n_roles", "n_sides",
)
SHARE_MEASURES = {"share_strong", "density"}


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def picker(filters, current: str | None) -> None:
    """A selectbox of the trainees in the current filters; choosing one opens them."""
    names, total = loaders.trainee_choices(filters, PICKER_LIMIT)
    if not names:
        st.info(ui.t("constellation.no_trainees"))
        return
    if total > PICKER_LIMIT:
        st.caption(ui.t("constellation.picker_capped", shown=PICKER_LIMIT, total=total))
    ids = list(names)
    chosen = st.selectbox(
        ui.t("constellation.picker"), ids,
        index=ids.index(current) if current in names else None,
        placeholder=ui.t("constellation.picker_placeholder"),
        format_func=lambda tid: f"{names.get(tid, tid)} ({tid})",
        key="constellation_picker",
    )
    if chosen is not None and chosen != current:
        st.query_params["trainee"] = chosen
        st.rerun()


def relationships_table(relationships: pd.DataFrame, function_labels: dict[str, str]) -> pd.DataFrame:
    def functions_text(codes: object) -> str:
        return ", ".join(function_labels.get(c, c) for c in codes) if isinstance(codes, (list, tuple)) else ""

    def label(prefix: str, value: object) -> str:
        return ui.t(f"{prefix}.{value}") if _text(value) else ui.t("chart.unknown")

    return pd.DataFrame({
        ui.t("constellation.col.wave"): relationships["wave"].map(lambda w: ui.t(f"chart.wave.{w}")),
        ui.t("constellation.col.name"): relationships["name"],
        ui.t("constellation.col.role"): relationships["role"].map(lambda r: role_label(r, ui.lang())),
        ui.t("constellation.col.formal"): relationships["formal"].map(
            lambda f: ui.t("chart.formal") if bool(f) else ui.t("chart.informal")),
        ui.t("constellation.col.strength"): relationships["strength"].map(lambda s: label("chart.level", s)),
        ui.t("constellation.col.contribution"): relationships["contribution"].map(lambda c: label("chart.contribution", c)),
        ui.t("constellation.col.functions"): relationships["functions"].map(functions_text),
        ui.t("constellation.col.klik"): relationships["klik"].map(lambda k: label("chart.klik", k)),
        ui.t("constellation.col.contact"): [
            " – ".join(p for p in (label("chart.frequency", f) if _text(f) else "", _text(n)) if p)
            for f, n in zip(relationships["contact_frequency"], relationships["contact_note"])
        ],
        ui.t("constellation.col.assesses"): relationships["assesses"].map(
            lambda a: ui.t("chart.unknown") if not _text(a) else (ui.t("chart.yes") if bool(a) else ui.t("chart.no"))),
    })


def side_panel(detail: dict[str, pd.DataFrame], needs: pd.DataFrame, function_labels: dict[str, str]) -> None:
    st.subheader(ui.t("constellation.coverage_title"))
    coverage = detail["coverage"]
    if coverage.empty:
        st.caption(ui.t("constellation.no_coverage"))
    else:
        needed = set(needs["function"]) if not needs.empty else set()
        st.dataframe(
            pd.DataFrame({
                ui.t("constellation.col.function"): coverage["function"].map(lambda c: function_labels.get(c, c)),
                ui.t("constellation.col.level"): coverage["level"].map(lambda v: ui.t(f"chart.level.{v}")),
                ui.t("chart.formal"): coverage["level_formal"].map(lambda v: ui.t(f"chart.level.{v}")),
                ui.t("chart.informal"): coverage["level_informal"].map(lambda v: ui.t(f"chart.level.{v}")),
                ui.t("constellation.col.needed"): coverage["function"].map(
                    lambda c: ui.t("chart.yes") if c in needed else ""),
            }),
            hide_index=True, key="constellation_coverage",
        )
    st.subheader(ui.t("constellation.signals_title"))
    signals = detail["signals"]
    if signals.empty:
        st.success(ui.t("constellation.no_signals"), icon=":material/check_circle:")
    else:
        order = signals["severity"].map(loaders.SEVERITY_RANK).fillna(9)
        for row in signals.assign(order=order).sort_values("order").itertuples(index=False):
            st.markdown(
                f"**{ui.escape_markdown(ui.t(f'signals.severity.{row.severity}'))}** · "
                f"{ui.escape_markdown(ui.t(f'signals.code.{row.code}'))}: {ui.escape_markdown(row.message)}"
            )
    st.subheader(ui.t("constellation.measures_title"))
    measures = detail["measures"]
    if measures.empty:
        st.caption(ui.t("constellation.no_measures"))
        return
    row = measures.iloc[0]
    values = []
    for name in MEASURES:
        if name not in measures.columns:
            continue
        value = row[name]
        if value is None or pd.isna(value):
            shown = "–"
        elif name in SHARE_MEASURES:
            shown = f"{float(value):.0%}"
        elif float(value).is_integer():
            shown = str(int(value))
        else:
            shown = f"{float(value):.2f}"
        values.append((ui.t(f"constellation.measure.{name}"), shown, ui.t(f"constellation.measure_help.{name}")))
    st.dataframe(
        pd.DataFrame(values, columns=[ui.t("constellation.col.measure"), ui.t("constellation.col.value"),
                                      ui.t("constellation.col.meaning")]),
        hide_index=True, key="constellation_measures",
        column_config={ui.t("constellation.col.meaning"): st.column_config.TextColumn(width="large")},
    )
    st.caption(ui.t("constellation.measures_note"))


def render() -> None:
    st.title(ui.t("constellation.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    if not ui.allows_persons():
        return
    filters = ui.filters()
    trainee_id = st.query_params.get("trainee") or None
    constellation = loaders.constellation(trainee_id) if trainee_id else None
    if constellation is None:
        if trainee_id and not ui.viewer().sees_all_trainees:
            # Outside the scope or unknown: the same answer, so that ids cannot be probed.
            ui.no_access()
        elif trainee_id:
            st.warning(ui.t("constellation.unknown", id=ui.escape_markdown(trainee_id)), icon=":material/person_off:")
        else:
            st.info(ui.t("constellation.choose"), icon=":material/hub:")
        picker(filters, None)
        return

    trainee = constellation["trainee"]
    ui.record_once("view_constellation", trainee_id)
    st.subheader(ui.escape_markdown(trainee.get("name", trainee_id)))
    st.caption(ui.t(
        "constellation.about",
        id=ui.escape_markdown(trainee_id),
        school=ui.escape_markdown(_text(trainee.get("school_name")) or _text(trainee.get("school_id"))),
        institute=ui.escape_markdown(_text(trainee.get("institute_name")) or _text(trainee.get("institute_id"))),
        cohort=ui.escape_markdown(_text(trainee.get("cohort"))),
    ))
    with st.expander(ui.t("constellation.other_trainee")):
        picker(filters, trainee_id)

    waves = [w for w in WAVES if w in set(constellation["waves"])]
    if not waves:
        st.info(ui.t("constellation.no_relationships"))
        return
    default_wave = filters.wave if filters.wave in waves else waves[-1]
    wave = st.radio(
        ui.t("constellation.wave"), waves, index=waves.index(default_wave), horizontal=True,
        format_func=lambda w: ui.t(f"chart.wave.{w}"), key=f"constellation_wave_{trainee_id}",
    )
    functions = loaders.functions()
    function_labels = dict(zip(functions["code"], functions["label_en" if ui.lang() == "en" else "label_nl"]))
    relationships = constellation["relationships"]
    needs_all = constellation.get("needs")
    needs = needs_all[needs_all["wave"] == wave] if needs_all is not None and not needs_all.empty else pd.DataFrame(columns=["wave", "function"])

    picture, beside = st.columns([3, 2])
    with picture:
        st.plotly_chart(charts.constellation_figure(constellation, wave, functions, ui.lang()), key="constellation_figure")
        st.caption(ui.t("constellation.legend"))
        if not needs.empty:
            st.markdown(ui.t("constellation.needs", needs=ui.escape_markdown(
                ", ".join(function_labels.get(f, f) for f in needs["function"]))))
        with st.expander(ui.t("constellation.table")):
            st.dataframe(relationships_table(relationships[relationships["wave"] == wave], function_labels),
                         hide_index=True, key="constellation_table")
    with beside:
        side_panel(loaders.trainee_detail(trainee_id, wave), needs, function_labels)

    if len(waves) > 1:
        st.subheader(ui.t("constellation.waves_title"))
        st.plotly_chart(charts.constellation_waves_figure(constellation, functions, ui.lang()), key="constellation_waves")
        with st.expander(ui.t("constellation.waves_table")):
            # what pivot_table(aggfunc="first") gives, at a third of its cost
            wide = relationships.groupby(["name", "role", "wave"])["strength"].first().unstack("wave")
            wide = wide[[w for w in waves if w in wide.columns]].fillna("")
            wide = wide.apply(lambda column: column.map(lambda s: ui.t(f"chart.level.{s}") if s else "–"))
            wide.columns = [ui.t(f"chart.wave.{w}") for w in wide.columns]
            wide = wide.reset_index()
            wide["role"] = wide["role"].map(lambda r: role_label(r, ui.lang()))
            wide = wide.rename(columns={"name": ui.t("constellation.col.name"), "role": ui.t("constellation.col.role")})
            st.dataframe(wide, hide_index=True, key="constellation_waves_table")


render()
