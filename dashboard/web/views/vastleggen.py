"""Vastleggen (`/vastleggen?trainee=ID&wave=W`): one trainee's wave, in the six steps.

The form lives in the session until "Opslaan": nothing is stored before. A new
wave starts from the previous wave's constellation. The drawing of the
constellation page (``charts.constellation_figure``) grows beside the form.
Saving goes through ``dashboard.exchange.capture.save_wave`` on the viewer's
scoped handle: the import's rules, the scope and the conflict check are
there, not here. Without a trainee: the capture status of the trainees in
view, with a link to each one's page.
"""

from __future__ import annotations

import copy

import pandas as pd
import streamlit as st

from dashboard.core.domain import FREQUENCIES, KLIK, ROLE_CODES, SUPPORT, WAVES, role_label
from dashboard.exchange import capture
from dashboard.privacy.access import AccessDenied
from dashboard.web import charts, loaders, ui

_FORM_KEY = "capture_form"
_ISSUES_KEY = "capture_issues"  # the refused save's issues, shown at their fields
_CONFLICT_KEY = "capture_conflict"  # a save refused because someone else saved first
_SAVED_KEY = "capture_saved"
STEP_SIX_SHOWN = 5  # the best five candidates per open function, as on the constellation page


def _kept(name: str, form: capture.WaveForm):
    """What the last save of this form left in the session (issues, conflict, revision), or None."""
    kept = st.session_state.get(name)
    return kept[1] if kept is not None and kept[0] == _form_key(form.trainee_id, form.wave) else None


def _form_key(trainee_id: str, wave: str) -> str:
    return f"{_FORM_KEY}:{trainee_id}:{wave}"


def _stored_key(form_key: str) -> str:
    """The form as last loaded or saved: a form that differs from it has unsaved changes."""
    return f"{form_key}:stored"


def _unsaved(form: capture.WaveForm) -> bool:
    stored = st.session_state.get(_stored_key(_form_key(form.trainee_id, form.wave)))
    return stored is not None and form != stored


def _status_section() -> None:
    """Who has filled in a wave and who has not yet, with a copyable link per trainee."""
    st.subheader(ui.t("capture.status.title"))
    wave = st.radio(ui.t("capture.wave"), WAVES, horizontal=True, format_func=lambda w: ui.t(f"chart.wave.{w}"),
                    key="capture_status_wave")
    status = loaders.capture_status(wave)
    if status.empty:
        st.info(ui.t("capture.status.none"))
        return
    for school, rows in status.groupby("school_name", sort=True):
        filled = int(rows["filled_in"].sum())
        st.markdown(f"**{ui.escape_markdown(school)}** · " + ui.escape_markdown(
            ui.t("capture.status.counts", filled=filled, total=len(rows))))
        table = ui.literal_table(pd.DataFrame({
            ui.t("capture.status.col.name"): rows["name"],
            ui.t("capture.status.col.state"): rows["filled_in"].map(
                lambda done: ui.t("capture.status.filled") if done else ui.t("capture.status.not_filled")),
        }))
        # The link is built here from the id and the wave, not free text: shown as it is, to copy.
        table[ui.t("capture.status.col.link")] = [f"/vastleggen?trainee={tid}&wave={wave}" for tid in rows["trainee_id"]]
        st.dataframe(table, hide_index=True, key=f"capture_status_{school}")


def _field_errors(form: capture.WaveForm, section: str, key: object) -> None:
    """The refused save's messages for this part of the form, where it is filled in."""
    for issue in _kept(_ISSUES_KEY, form) or []:
        if issue.section == section and issue.key == key:
            label = ui.t(f"capture.field.{issue.field}") if issue.field in _FIELD_LABELS else (issue.field or "")
            st.error(f"{label}: {issue.message(ui.lang())}", icon=":material/error:")


_FIELD_LABELS = ("strength", "klik", "functions", "contact_frequency", "support", "function", "person_id", "person_b",
                 "name", "role")


def _people_step(form: capture.WaveForm, candidates: pd.DataFrame, labels: dict[str, str]) -> None:
    st.subheader(ui.t("capture.step1"))
    lang = ui.lang()
    refused_keys = {issue.key for issue in _kept(_ISSUES_KEY, form) or [] if issue.section == "people"}
    for key, person in list(form.people.items()):
        with st.expander(f"{person.name} · {role_label(person.role, lang)}",
                         expanded=person.person_id is None or key in refused_keys):
            _field_errors(form, "people", key)
            person.formal = st.toggle(ui.t("capture.formal"), value=person.formal, key=f"cap_formal_{key}")
            # step 2
            person.functions = st.multiselect(ui.t("capture.step2"), list(labels), default=person.functions,
                                              format_func=labels.get, placeholder=ui.t("capture.placeholder.functions"),
                                              key=f"cap_functions_{key}")
            # step 3
            frequencies = ["", *FREQUENCIES]
            person.contact_frequency = st.selectbox(
                ui.t("capture.frequency"), frequencies, index=frequencies.index(person.contact_frequency)
                if person.contact_frequency in frequencies else 0,
                format_func=lambda f: ui.t(f"chart.frequency.{f}") if f else "–",
                placeholder=ui.t("capture.placeholder.frequency"), key=f"cap_freq_{key}")
            person.contact_note = st.text_input(ui.t("capture.contact_note"), value=person.contact_note,
                                                key=f"cap_note_{key}")
            # step 4
            strengths = ["sterk", "zwak", "geen"]
            person.strength = st.radio(ui.t("capture.strength"), strengths,
                                       index=strengths.index(person.strength) if person.strength in strengths else None,
                                       horizontal=True, format_func=lambda s: ui.t(f"chart.level.{s}"),
                                       key=f"cap_strength_{key}") or ""
            kliks = ["", *KLIK]
            person.klik = st.radio(ui.t("capture.klik"), kliks, index=kliks.index(person.klik) if person.klik in kliks else 0,
                                   horizontal=True, format_func=lambda k: ui.t(f"chart.klik.{k}") if k else "–",
                                   key=f"cap_klik_{key}")
            person.contribution = "negatief" if st.checkbox(
                ui.t("capture.negative"), value=person.contribution == "negatief", key=f"cap_neg_{key}") else "positief"
            assesses = st.checkbox(ui.t("capture.assesses"), value=bool(person.assesses), key=f"cap_assess_{key}")
            if assesses != bool(person.assesses):  # unknown (not asked) stays unknown until ticked
                person.assesses = assesses
            if st.button(ui.t("capture.remove"), key=f"cap_remove_{key}"):
                del form.people[key]
                form.consultations = [pair for pair in form.consultations if key not in pair]
                st.rerun()
    chosen = [p.person_id for p in form.people.values() if p.person_id]
    choices = capture.person_choices(candidates, chosen)
    # One label per choice, made once: Streamlit formats every option on every rerun (a lookup
    # in the frame per option cost most of the rerun at a school of a few hundred people).
    shown = {pid: f"{name} · {role}" for pid, name, role in zip(choices["person_id"], choices["name"], choices["role"])}
    picked = st.selectbox(ui.t("capture.add_existing"), list(choices["person_id"]), index=None, format_func=shown.get,
                          placeholder=ui.t("capture.search"), key="cap_pick")
    if picked and st.button(ui.t("capture.add"), key="cap_add_existing"):
        row = choices.loc[choices["person_id"] == picked].iloc[0]
        form.people[picked] = capture.PersonRow(picked, row["name"], row["role"])
        st.rerun()
    with st.expander(ui.t("capture.add_new")):
        name = st.text_input(ui.t("capture.new_name"), key="cap_new_name")
        role = st.selectbox(ui.t("capture.new_role"), ROLE_CODES, format_func=lambda r: role_label(r, lang),
                            placeholder=ui.t("capture.placeholder.role"), key="cap_new_role")
        similar = capture.similar_among(candidates["name"], name) if name.strip() else []
        if similar:
            st.warning(ui.t("capture.did_you_mean", names=", ".join(similar)), icon=":material/help:")
        if st.button(ui.t("capture.add"), key="cap_add_new", disabled=not name.strip()):
            form.people[capture.next_person_key(form)] = capture.PersonRow(None, name.strip(), role)
            st.rerun()


def _overleg_step(form: capture.WaveForm) -> None:
    keys = list(form.people)
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1:]]
    current = [pair for pair in pairs if pair in form.consultations or pair[::-1] in form.consultations]
    chosen = st.multiselect(ui.t("capture.overleg"), pairs, default=current,
                            format_func=lambda pair: f"{form.people[pair[0]].name} – {form.people[pair[1]].name}",
                            placeholder=ui.t("capture.placeholder.overleg"), key="cap_overleg")
    form.consultations = list(chosen)


def _valuation_step(form: capture.WaveForm, labels: dict[str, str]) -> None:
    st.subheader(ui.t("capture.step5"))
    _field_errors(form, "valuation", None)
    form.support = st.radio(ui.t("capture.support"), list(SUPPORT),
                            index=list(SUPPORT).index(form.support) if form.support in SUPPORT else None,
                            horizontal=True, format_func=lambda s: ui.t(f"capture.support.{s}"),
                            key="cap_support") or ""
    form.needs = st.multiselect(ui.t("capture.needs"), list(labels), default=form.needs, format_func=labels.get,
                                placeholder=ui.t("capture.placeholder.needs"), key="cap_needs")
    form.note = st.text_area(ui.t("capture.note"), value=form.note, key="cap_valuation_note")


def _saved_basis(form: capture.WaveForm, waves: list[str]) -> str | None:
    """The stored wave step 6 reads: this wave once saved, else the wave it was copied from."""
    return form.wave if form.wave in waves else form.copied_from


def _step_six(form: capture.WaveForm, labels: dict[str, str], basis: str | None) -> tuple[list[str], pd.DataFrame]:
    """Step 6 by the engine (``analysis.suggestions`` through ``loaders.step_six``), the one
    definition of an open function: per open function its ranked candidates with their reason,
    and a way to agree an action with one of them. The engine reads the stored wave, so a form
    with unsaved changes says its candidates come from the last saved state.
    Returns (the open function codes, the candidates shown)."""
    if basis is None:
        st.caption(ui.t("capture.step6.nothing_saved"))
        return [], pd.DataFrame(columns=["person_id", "name", "role"])
    if basis != form.wave or _unsaved(form):
        st.caption(ui.t("capture.step6.basis", wave=ui.t(f"chart.wave.{basis}")))
    found = loaders.step_six(form.trainee_id, basis)
    open_functions, candidates = found["open"], found["candidates"]
    if open_functions.empty:
        st.success(ui.t("step6.none_open"), icon=":material/check_circle:")
        return [], candidates
    for row in open_functions.itertuples(index=False):
        ui.open_function_line(row, labels)
        mine = candidates[candidates["function"] == row.function].head(STEP_SIX_SHOWN) \
            if not candidates.empty else candidates
        if mine.empty:
            st.caption(ui.t("step6.no_candidates"))
            continue
        ui.candidate_list(mine, f"cap_step6_{row.function}")
        names = dict(zip(mine["person_id"], mine["name"]))
        columns = st.columns([2, 3], vertical_alignment="bottom")
        picked = columns[0].selectbox(ui.t("capture.step6.pick"), list(names), format_func=names.get,
                                      placeholder=ui.t("capture.placeholder.candidate"),
                                      key=f"cap_step6_pick_{row.function}")
        if columns[1].button(ui.t("capture.step6.agree"), key=f"cap_step6_agree_{row.function}"):
            # A candidate already in the form is named by their form key (their person id).
            form.actions.append(capture.ActionRow(capture.next_action_id(form), row.function, picked))
            st.rerun()
    return list(open_functions["function"]), candidates


def _actions_step(form: capture.WaveForm, labels: dict[str, str], previous: pd.DataFrame,
                  basis: str | None, may_bring: pd.DataFrame) -> None:
    st.subheader(ui.t("capture.step6"))
    open_codes, candidates = _step_six(form, labels, basis)
    if not previous.empty:
        st.markdown(ui.escape_markdown(ui.t("capture.previous_actions")))
        statuses = ["open", "gedaan", "vervallen"]
        for row in previous.itertuples(index=False):
            key = (row.wave, row.action_id)
            current = form.previous_actions.get(key, row.status)
            form.previous_actions[key] = st.radio(
                f"{labels.get(row.function, row.function)} ({ui.t(f'chart.wave.{row.wave}')})"
                + (f" · {row.note}" if isinstance(row.note, str) and row.note else ""),
                statuses, index=statuses.index(current), horizontal=True,
                format_func=lambda s: ui.t(f"capture.status_value.{s}"), key=f"cap_prev_{row.wave}_{row.action_id}")
    people = {"": "–", **{key: person.name for key, person in form.people.items()}}
    # Someone named by an action without a relationship yet (a step-6 candidate) keeps their name.
    outside = {a.person_key for a in form.actions if a.person_key and a.person_key not in people}
    if outside:
        known = pd.concat([candidates[["person_id", "name"]], may_bring[["person_id", "name"]]])
        names = dict(zip(known["person_id"], known["name"]))
        people.update({key: names.get(key, key) for key in sorted(outside)})
    for i, action in enumerate(form.actions):
        _field_errors(form, "actions", i)
        columns = st.columns([2, 2, 3])
        action.function = columns[0].selectbox(ui.t("capture.action_function"), list(labels),
                                               index=list(labels).index(action.function) if action.function in labels else 0,
                                               format_func=labels.get, placeholder=ui.t("capture.placeholder.function"),
                                               key=f"cap_act_f_{i}")
        action.person_key = columns[1].selectbox(ui.t("capture.action_person"), list(people),
                                                 index=list(people).index(action.person_key)
                                                 if action.person_key in people else 0,
                                                 format_func=people.get, placeholder=ui.t("capture.placeholder.person"),
                                                 key=f"cap_act_p_{i}")
        action.note = columns[2].text_input(ui.t("capture.action_note"), value=action.note, key=f"cap_act_n_{i}")
    if st.button(ui.t("capture.add_action"), key="cap_add_action"):
        form.actions.append(capture.ActionRow(capture.next_action_id(form), open_codes[0] if open_codes else list(labels)[0]))
        st.rerun()


def _save(form: capture.WaveForm) -> None:
    key = _form_key(form.trainee_id, form.wave)
    for name in (_ISSUES_KEY, _CONFLICT_KEY, _SAVED_KEY):
        st.session_state.pop(name, None)
    try:
        revision = capture.save_wave(ui.database(), form)
    except capture.CaptureConflict as conflict:
        st.session_state[_CONFLICT_KEY] = (key, conflict)
    except capture.CaptureRefused as refused:
        st.session_state[_ISSUES_KEY] = (key, refused.issues)
    else:
        st.session_state[_SAVED_KEY] = (key, revision)
        st.session_state[_stored_key(key)] = copy.deepcopy(form)
        ui.forget_data_version()
    st.rerun()  # the outcome appears where it belongs: messages at their fields


def _outcome(form: capture.WaveForm) -> None:
    """The last save's outcome, beside the button."""
    conflict = _kept(_CONFLICT_KEY, form)
    if conflict is not None:
        st.error(conflict.message(ui.lang()), icon=":material/sync_problem:")
        if st.button(ui.t("capture.reload"), key="cap_reload"):
            key = _form_key(form.trainee_id, form.wave)
            for name in (key, _stored_key(key), _CONFLICT_KEY):
                st.session_state.pop(name, None)
            _forget_widgets()
            st.rerun()
    issues = _kept(_ISSUES_KEY, form)
    if issues:
        st.error(ui.t("capture.refused"), icon=":material/error:")
        for issue in issues:
            if issue.section not in ("people", "valuation", "actions"):
                st.error(issue.message(ui.lang()), icon=":material/error:")
    revision = _kept(_SAVED_KEY, form)
    if revision is not None:
        st.success(ui.t("capture.saved", revision=revision), icon=":material/check_circle:")


def _forget_widgets() -> None:
    """The form's widgets keep their values across reruns: a reloaded form starts from the stored wave."""
    for name in [k for k in st.session_state if str(k).startswith("cap_")]:
        del st.session_state[name]


def render() -> None:
    st.title(ui.t("capture.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    if not ui.allows_persons("vastleggen"):
        return
    viewer = ui.viewer()
    trainee_id = st.query_params.get("trainee") or (viewer.trainees[0] if viewer.trainees else None)
    if not trainee_id:
        _status_section()
        return
    db = ui.database()
    try:
        trainee, waves, candidates = loaders.capture_trainee(trainee_id)
    except AccessDenied:
        ui.no_access()  # outside the scope or unknown: the same answer, so ids cannot be probed
        return
    default = WAVES[min(len(WAVES) - 1, WAVES.index(waves[-1]) + 1)] if waves else WAVES[0]
    wave = st.query_params.get("wave") or default
    if wave not in WAVES:
        wave = default
    key = _form_key(trainee_id, wave)
    if st.session_state.get("capture_shown") != key:
        _forget_widgets()  # another trainee or wave: its own values, not the last form's
        st.session_state["capture_shown"] = key
    if key not in st.session_state:
        st.session_state[key] = capture.load_form(db, trainee_id, wave)
    form: capture.WaveForm = st.session_state[key]
    st.subheader(ui.escape_markdown(trainee["name"]))
    st.caption(ui.escape_markdown(ui.t("capture.about", wave=ui.t(f"chart.wave.{wave}"),
                                       school=trainee["school_name"] or trainee["school_id"])))
    if form.copied_from:
        st.info(ui.t("capture.copied", wave=ui.t(f"chart.wave.{form.copied_from}")), icon=":material/content_copy:")
    functions = loaders.functions()
    labels = dict(zip(functions["code"], functions["label_en" if ui.lang() == "en" else "label_nl"]))
    left, right = st.columns([3, 2])
    with left:
        _people_step(form, candidates, labels)
        _overleg_step(form)
        _valuation_step(form, labels)
    with right:
        figure = charts.constellation_figure(capture.form_constellation(form, trainee), wave, functions, ui.lang())
        st.plotly_chart(figure, key="capture_figure")
    # Step 6 at full width: the candidates' reason sentences get the whole line.
    _actions_step(form, labels, loaders.previous_actions(trainee_id, wave), _saved_basis(form, waves), candidates)
    if _unsaved(form):
        # The form stays in this session when you visit another page; it is not stored yet.
        st.warning(ui.t("capture.unsaved_changes"), icon=":material/edit_note:")
    else:
        st.caption(ui.t("capture.unsaved"))
    if st.button(ui.t("capture.save"), type="primary", key="cap_save"):
        _save(form)
    _outcome(form)
    if _stored_key(key) not in st.session_state:
        # As the widgets first showed it (they fill in their defaults): the baseline of "unsaved".
        st.session_state[_stored_key(key)] = copy.deepcopy(form)

render()
