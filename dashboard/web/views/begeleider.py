"""Begeleider (`/begeleider?person=ID`): one mentor, seen from the trainees they guide.

The trainees they guide (in the viewer's scope), strength and klik per
trainee, the functions they serve, their load against their role's cap,
the signals about them, and the scenario "als deze begeleider vertrekt":
who loses what, which tiers would appear, and who could take over (step 6).
Nothing is written. Management never sees this page's persons.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.core.domain import role_label
from dashboard.core.i18n import tn
from dashboard.web import loaders, ui

SCENARIO_KEY = "mentor_scenario_for"


def _function_labels() -> dict[str, str]:
    functions = loaders.functions()
    return dict(zip(functions["code"], functions["label_en" if ui.lang() == "en" else "label_nl"]))


def _label(prefix: str, value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return ui.t("chart.unknown")
    return ui.t(f"{prefix}.{value}")


def trainees_table(trainees: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        ui.t("mentor.col.trainee"): trainees["name"],
        ui.t("mentor.col.link"): loaders.constellation_links(trainees["trainee_id"]),
        ui.t("mentor.col.wave"): trainees["wave"].map(lambda w: ui.t(f"chart.wave.{w}")),
        ui.t("mentor.col.formal"): trainees["formal"].map(lambda f: ui.t("chart.formal") if bool(f) else ui.t("chart.informal")),
        ui.t("mentor.col.strength"): trainees["strength"].map(lambda s: _label("chart.level", s)),
        ui.t("mentor.col.klik"): trainees["klik"].map(lambda k: _label("chart.klik", k)),
        ui.t("mentor.col.contribution"): trainees["contribution"].map(lambda c: _label("chart.contribution", c)),
        ui.t("mentor.col.functions"): trainees["functions"].map(lambda fs: ", ".join(labels.get(f, f) for f in fs)),
    })


def scenario_section(person_id: str, name: str, filters, labels: dict[str, str]) -> None:
    st.subheader(ui.t("mentor.scenario_title"))
    st.caption(ui.t("mentor.scenario_intro"))
    if st.button(ui.t("mentor.scenario_run"), key="mentor_scenario_run", icon=":material/calculate:"):
        st.session_state[SCENARIO_KEY] = person_id
    if st.session_state.get(SCENARIO_KEY) != person_id:
        return
    found = loaders.leave(person_id, filters)
    changes, candidates = found["changes"], found["candidates"]
    if changes.empty:
        st.success(ui.t("mentor.scenario_none"), icon=":material/check_circle:")
        return
    n = changes["trainee_id"].nunique()
    lost = changes[changes["function"].notna()]
    st.markdown(ui.escape_markdown(tn("mentor.scenario_summary", n, ui.lang(), functions=len(lost))))
    names = dict(zip(candidates["person_id"], candidates["name"]))
    reasons = {(t, f, p): r for t, f, p, r in zip(candidates["trainee_id"], candidates["function"],
                                                  candidates["person_id"], candidates["reason"])}

    def tier(value: object) -> str:
        return ui.t(f"triage.tier.{value}") if isinstance(value, str) and value else "–"

    def who(row) -> str:
        if not isinstance(row.function, str):
            return ""
        if not row.candidates:
            return ui.t("mentor.scenario_no_candidate")
        return ", ".join(names.get(p, p) for p in row.candidates[:3]) + (" …" if len(row.candidates) > 3 else "")

    trainee_names = dict(zip(changes["trainee_id"], changes["name"]))
    # Who could help next to what is lost: the reasons must be readable without scrolling sideways.
    shown = pd.DataFrame({
        ui.t("mentor.col.trainee"): changes["trainee_id"].map(trainee_names),
        ui.t("mentor.col.function"): changes["function"].map(lambda f: labels.get(f, f) if isinstance(f, str) else ui.t("mentor.scenario_no_function")),
        ui.t("mentor.col.before_after"): [
            f"{_label('chart.level', b)} → {_label('chart.level', a)}" if isinstance(b, str) else ""
            for b, a in zip(changes["level_before"], changes["level_after"])
        ],
        ui.t("mentor.col.candidates"): [who(row) for row in changes.itertuples(index=False)],
        ui.t("mentor.col.tier"): [f"{tier(b)} → {tier(a)}" for b, a in zip(changes["tier_before"], changes["tier_after"])],
        ui.t("mentor.col.new_signals"): changes["new_codes"].map(lambda cs: ", ".join(ui.t(f"signals.code.{c}") for c in cs)),
        ui.t("mentor.col.link"): loaders.constellation_links(changes["trainee_id"]),
    })
    st.dataframe(
        shown, hide_index=True, key="mentor_scenario_table",
        column_config={
            ui.t("mentor.col.link"): st.column_config.LinkColumn(display_text=ui.t("signals.open")),
            ui.t("mentor.col.candidates"): st.column_config.TextColumn(width="medium"),
        },
    )
    if not candidates.empty:
        # The reasons in a table of their own, the sentence last and wide: readable without scrolling sideways.
        best = candidates[candidates["rank"] <= 3]
        st.markdown(ui.escape_markdown(ui.t("mentor.scenario_reasons")))
        st.dataframe(pd.DataFrame({
            ui.t("mentor.col.trainee"): best["trainee_id"].map(trainee_names),
            ui.t("mentor.col.function"): best["function"].map(lambda f: labels.get(f, f)),
            ui.t("step6.col.rank"): best["rank"].astype(int),
            ui.t("step6.col.name"): best["name"],
            ui.t("step6.col.reason"): best["reason"],
        }), hide_index=True, key="mentor_scenario_reasons",
            column_config={ui.t("step6.col.reason"): st.column_config.TextColumn(width="large")})
    st.caption(ui.t("mentor.scenario_nothing_written"))


def render() -> None:
    st.title(ui.t("mentor.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    if not ui.allows_persons("begeleider"):
        return
    person_id = st.query_params.get("person") or None
    if not person_id:
        st.info(ui.t("mentor.choose"), icon=":material/supervisor_account:")
        return
    filters = ui.filters()
    found = loaders.mentor(person_id, filters)
    if found is None:
        if not ui.viewer().sees_all_trainees:
            ui.no_access()  # outside the scope or unknown: the same answer
        else:
            st.warning(ui.t("mentor.unknown", id=ui.escape_markdown(person_id)), icon=":material/person_off:")
        return
    person, labels = found["person"], _function_labels()
    st.subheader(ui.escape_markdown(person["name"]))
    role = person["role"]
    st.caption(ui.t("mentor.about", role=ui.escape_markdown(role_label(role, ui.lang())),
                    id=ui.escape_markdown(person_id)))
    load, cap = found["load"], found["cap"]
    load_text = tn("mentor.load", load, ui.lang(), cap=cap, role=role_label(role, ui.lang()))
    if load >= cap:
        st.warning(ui.escape_markdown(load_text), icon=":material/group:")
    else:
        st.markdown(ui.escape_markdown(load_text))

    st.subheader(ui.t("mentor.trainees_title"))
    st.dataframe(
        trainees_table(found["trainees"], labels), hide_index=True, key="mentor_trainees",
        column_config={ui.t("mentor.col.link"): st.column_config.LinkColumn(display_text=ui.t("signals.open"))},
    )
    left, right = st.columns(2)
    with left:
        st.subheader(ui.t("mentor.functions_title"))
        functions = found["functions"]
        if functions.empty:
            st.caption(ui.t("mentor.functions_none"))
        else:
            st.dataframe(pd.DataFrame({
                ui.t("mentor.col.function"): functions["function"].map(lambda f: labels.get(f, f)),
                ui.t("chart.level.sterk"): functions["n_sterk"],
                ui.t("chart.level.zwak"): functions["n_zwak"],
                ui.t("chart.level.geen"): functions["n_geen"],
            }), hide_index=True, key="mentor_functions")
    with right:
        st.subheader(ui.t("mentor.signals_title"))
        signals = found["signals"]
        # the mentor-level signals (about this mentor across trainees) first
        signals = signals.assign(order=signals["trainee_id"].notna()).sort_values("order", kind="stable")
        if signals.empty:
            st.success(ui.t("mentor.signals_none"), icon=":material/check_circle:")
        for row in signals.itertuples(index=False):
            st.markdown(f"**{ui.escape_markdown(ui.t(f'signals.code.{row.code}'))}**: {ui.escape_markdown(row.message)}")
    scenario_section(person_id, person["name"], filters, labels)


render()
