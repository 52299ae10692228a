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

from dashboard.web import charts, loaders, ui
from dashboard.core.domain import STRENGTHS, WAVES, role_label
from dashboard.core.i18n import tn

PICKER_LIMIT = 1000
STEP_SIX_SHOWN = 5  # the best five per open function; the rest as a count
MEASURES = (
    "size", "n_formal", "n_informal", "n_strong", "share_strong", "density",
    "effective_size", "constraint", "ei_index", "n_roles", "n_sides",
)
SHARE_MEASURES = {"share_strong", "density"}


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


PICKER_KEY = "constellation_picker"


def _open_chosen() -> None:
    # A callback runs before the rerun: the page then opens the chosen trainee at once.
    chosen = st.session_state.get(PICKER_KEY)
    if chosen is not None:
        st.query_params["trainee"] = chosen


def picker(filters, current: str | None) -> None:
    """A selectbox of the trainees in the current filters; choosing one opens them."""
    names, total = loaders.trainee_choices(filters, PICKER_LIMIT)
    if not names:
        st.info(ui.t("constellation.no_trainees"))
        return
    if total > PICKER_LIMIT:
        st.caption(ui.t("constellation.picker_capped", shown=PICKER_LIMIT, total=total))
    # The picker shows the trainee on the page, also when a link or the URL
    # opened another one (a widget keeps its old value otherwise, and choosing
    # it again would send the page back to the previous trainee).
    st.session_state[PICKER_KEY] = current if current in names else None
    st.selectbox(
        ui.t("constellation.picker"), list(names),
        index=None,
        placeholder=ui.t("constellation.picker_placeholder"),
        format_func=lambda tid: f"{names.get(tid, tid)} ({tid})",
        key=PICKER_KEY, on_change=_open_chosen,
    )


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


def waves_table(relationships: pd.DataFrame, waves: list[str]) -> pd.DataFrame:
    """One row per person (name, role), their strength in each wave ("–" without a rating then)."""
    strengths: dict[tuple[str, str], dict[str, str]] = {}
    for name, role, wave, strength in zip(
        relationships["name"], relationships["role"], relationships["wave"], relationships["strength"]
    ):
        strengths.setdefault((name, role), {}).setdefault(wave, strength)
    people = sorted(strengths)
    levels = {level: ui.t(f"chart.level.{level}") for level in STRENGTHS}

    def shown(value: str | None) -> str:
        return levels.get(value, value) if value else "–"

    lang = ui.lang()
    return pd.DataFrame({
        ui.t("constellation.col.name"): [name for name, _ in people],
        ui.t("constellation.col.role"): [role_label(role, lang) for _, role in people],
        **{ui.t(f"chart.wave.{wave}"): [shown(strengths[person].get(wave)) for person in people] for wave in waves},
    })


def side_panel(detail: dict[str, pd.DataFrame], needs: pd.DataFrame, function_labels: dict[str, str]) -> None:
    st.subheader(ui.t("constellation.coverage_title"))
    coverage = detail["coverage"]
    if coverage.empty:
        st.caption(ui.t("constellation.no_coverage"))
    else:
        needed = set(needs["function"]) if not needs.empty else set()
        levels = {
            ui.t("constellation.col.level"): coverage["level"],
            ui.t("chart.formal"): coverage["level_formal"],
            ui.t("chart.informal"): coverage["level_informal"],
        }
        # Narrow columns: all five fit beside the drawing at 1,366 px without scrolling sideways.
        st.dataframe(
            pd.DataFrame({
                ui.t("constellation.col.function"): coverage["function"].map(lambda c: function_labels.get(c, c)),
                **{name: values.map(lambda v: ui.t(f"chart.level.{v}")) for name, values in levels.items()},
                ui.t("constellation.col.needed"): coverage["function"].map(
                    lambda c: ui.t("chart.yes") if c in needed else ""),
            }),
            hide_index=True, key="constellation_coverage",
            column_config={name: st.column_config.TextColumn(width="small")
                           for name in (*levels, ui.t("constellation.col.needed"))},
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
    lines = []
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
        lines.append(f"- **{ui.escape_markdown(ui.t(f'constellation.measure.{name}'))}**: {ui.escape_markdown(shown)}"
                     f" · {ui.escape_markdown(ui.t(f'constellation.measure_help.{name}'))}")
    # A list, not a table: each meaning wraps in the narrow column instead of being cut off.
    st.markdown("\n".join(lines))
    st.caption(ui.t("constellation.measures_note"))


def step_six_section(trainee_id: str, wave: str, function_labels: dict[str, str]) -> None:
    """Step 6, "Wie kan helpen?": per open function the ranked candidates with their reason."""
    st.subheader(ui.t("step6.title"))
    st.caption(ui.t("step6.intro"))
    found = loaders.step_six_beside_detail(trainee_id, wave)
    open_functions, candidates = found["open"], found["candidates"]
    if open_functions.empty:
        st.success(ui.t("step6.none_open"), icon=":material/check_circle:")
        return
    lang = ui.lang()
    for row in open_functions.itertuples(index=False):
        ui.open_function_line(row, function_labels)
        mine = candidates[candidates["function"] == row.function] if not candidates.empty else candidates
        if mine.empty:
            st.caption(ui.t("step6.no_candidates"))
            continue
        more = len(mine) - STEP_SIX_SHOWN
        mine = mine.head(STEP_SIX_SHOWN)
        ui.candidate_list(mine, f"step6_{row.function}", loaders.mentor_links(mine["person_id"]))
        if more > 0:
            st.caption(tn("step6.more", more, lang))


def render() -> None:
    st.title(ui.t("constellation.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    if not ui.allows_persons("constellatie"):
        return
    filters = ui.filters()
    trainee_id = st.query_params.get("trainee") or None
    constellation, _ = loaders.constellation(trainee_id) if trainee_id else (None, None)
    if constellation is None:
        if trainee_id and not ui.viewer().sees_all_trainees:
            # Outside the scope or unknown: the same answer, so that ids cannot be probed.
            ui.record_refusal("constellatie", "out_of_scope_or_unknown", trainee_id)
            ui.no_access()
        elif trainee_id:
            st.warning(ui.t("constellation.unknown", id=ui.escape_markdown(trainee_id)), icon=":material/person_off:")
        else:
            st.info(ui.t("constellation.choose"), icon=":material/hub:")
        picker(filters, None)
        return

    trainee = constellation["trainee"]
    ui.record_once("view_constellation", trainee_id)
    # No anchor: Streamlit would make a link (#slug) of the name.
    st.subheader(ui.escape_markdown(trainee.get("name", trainee_id)), anchor=False)
    st.caption(ui.t(
        "constellation.about",
        id=ui.escape_markdown(trainee_id),
        school=ui.escape_markdown(_text(trainee.get("school_name")) or _text(trainee.get("school_id"))),
        institute=ui.escape_markdown(_text(trainee.get("institute_name")) or _text(trainee.get("institute_id"))),
        cohort=ui.escape_markdown(_text(trainee.get("cohort"))),
    ))
    # Folded content runs only once opened (on_change="rerun"): a new trainee's rerun does not
    # build the picker's thousand names and two tables nobody has asked to see.
    choose_other = st.expander(ui.t("constellation.other_trainee"), key="constellation_other_open", on_change="rerun")
    if choose_other.open:
        with choose_other:
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

    figure, waves_figure = charts.constellation_figures(constellation, wave, functions, ui.lang())
    # The picture uses the page's width: a nine-person network needs it to keep every name readable.
    st.plotly_chart(figure, key="constellation_figure")
    st.caption(ui.t("constellation.legend_v2"))
    # The drawing's table at the page's width, under it: in half of it, its eleven columns scrolled sideways.
    table_box = st.expander(ui.t("constellation.table"), key="constellation_table_open", on_change="rerun")
    if table_box.open:
        with table_box:
            in_wave = relationships[relationships["wave"] == wave]
            table = relationships_table(in_wave, function_labels)
            link = ui.t("mentor.col.mentor_page")
            table[link] = loaders.mentor_links(in_wave["person_id"])
            st.dataframe(table, hide_index=True, key="constellation_table",
                         column_config={link: st.column_config.LinkColumn(display_text=ui.t("signals.open"))})
    # Equal halves: the coverage table's five columns fit beside step 6 at 1,366 px.
    picture, beside = st.columns(2)
    with picture:
        if not needs.empty:
            st.markdown(ui.t("constellation.needs", needs=ui.escape_markdown(
                ", ".join(function_labels.get(f, f) for f in needs["function"]))))
        step_six_section(trainee_id, wave, function_labels)
    with beside:
        detail = loaders.detail_in(trainee_id, wave)
        side_panel(detail, needs, function_labels)

    if waves_figure is not None:
        st.subheader(ui.t("constellation.waves_title"))
        st.plotly_chart(waves_figure, key="constellation_waves")
        waves_box = st.expander(ui.t("constellation.waves_table"), key="constellation_waves_open", on_change="rerun")
        if waves_box.open:
            with waves_box:
                st.dataframe(waves_table(relationships, waves), hide_index=True, key="constellation_waves_table")


render()
