"""Programma (`/programma`): programme design for the steering group (issue 14).

The current norm of every programme in words; a what-if editor (expected
strengths, roles, consultation pairs, informal relationships counting, for
one programme or all) whose proposal lives in the URL (``?voorstel=``, see
``exchange.norm_proposal``) and is checked by the import's own rules; the
current norms and the proposal side by side; the four dialogue themes (the
same computation as the meeting report) and the report's download. The
beheerder can adopt a proposal for one programme. Nothing is stored
otherwise. Names (of coordinators' own trainees who change tier) are shown
as plain text in a table, never as markdown.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd
import streamlit as st

from dashboard.analysis import Norm
from dashboard.analysis import themes as themes_analysis
from dashboard.analysis.what_if import OFF_LIST
from dashboard.core import domain
from dashboard.core.i18n import tn
from dashboard.exchange import norm_proposal
from dashboard.privacy import suppression
from dashboard.web import charts, loaders, ui

PROPOSAL_PARAM = "voorstel"
ALL_PROGRAMMES = "__alle__"
NOT_EXPECTED = "-"
PDF_MIME = "application/pdf"
CHANGED_MARK = "●"


def _programme_label(programme: str) -> str:
    if programme == ALL_PROGRAMMES:
        return ui.t("programme.all_programmes")
    if programme == domain.DEFAULT_PROGRAMME:
        return ui.t("programme.default_programme")
    return programme


def current_norms_section(current: dict[str, Norm], programmes: list[str]) -> None:
    st.subheader(ui.t("programme.current_title"))
    lang = ui.lang()
    rows = []
    for programme in sorted(set(current) | set(programmes), key=lambda p: (p != domain.DEFAULT_PROGRAMME, p.lower())):
        norm = current.get(programme)
        text = (norm_proposal.describe(norm_proposal.canonical(norm), lang) if norm is not None
                else ui.t("programme.follows_default"))
        rows.append({ui.t("programme.col.programme"): _programme_label(programme), ui.t("programme.col.norm"): text})
    # st.table wraps the sentence (a dataframe cuts it off); literal_table keeps programme names inert
    st.table(ui.literal_table(pd.DataFrame(rows)), hide_index=True)


def _pair_label(pair: tuple[str, str]) -> str:
    return f"{domain.role_label(pair[0], ui.lang())} – {domain.role_label(pair[1], ui.lang())}"


def editor(current: dict[str, Norm], proposal: dict[str, Norm], programmes: list[str]) -> None:
    """The what-if editor: a form that writes the proposal into the URL (checked first)."""
    st.subheader(ui.t("programme.editor_title"))
    st.caption(ui.t("programme.editor_caption"))
    targets = [ALL_PROGRAMMES, *sorted(set(current) | set(programmes), key=lambda p: (p != "*", p.lower()))]
    target = st.selectbox(ui.t("programme.target"), targets, format_func=_programme_label,
                          placeholder=ui.t("programme.placeholder.programme"), key="programme_target")
    base = proposal.get(target if target != ALL_PROGRAMMES else domain.DEFAULT_PROGRAMME) or proposal[domain.DEFAULT_PROGRAMME]
    expected = dict(base.roles)
    strengths = [NOT_EXPECTED, *domain.STRENGTHS]
    with st.form(f"programme_editor_{target}"):
        columns = st.columns(4)
        chosen: dict[str, str] = {}
        for i, role in enumerate(domain.ROLE_CODES):
            chosen[role] = columns[i % 4].selectbox(
                domain.role_label(role, ui.lang()), strengths, index=strengths.index(expected.get(role, NOT_EXPECTED)),
                format_func=lambda s: ui.t("programme.not_expected") if s == NOT_EXPECTED else ui.t(f"analysis.strength.{s}"),
                placeholder=ui.t("programme.placeholder.strength"), key=f"programme_role_{target}_{role}",
            )
        pairs = sorted({(min(a, b), max(a, b)) for a, b in base.consultations} | set(combinations(sorted(domain.ROLE_CODES), 2)))
        kept = st.multiselect(
            ui.t("programme.pairs"), pairs, default=sorted({(min(a, b), max(a, b)) for a, b in base.consultations}),
            format_func=_pair_label, placeholder=ui.t("programme.placeholder.pairs"), key=f"programme_pairs_{target}",
        )
        left, right = st.columns(2)
        add_a = left.selectbox(ui.t("programme.add_pair_a"), [None, *domain.ROLE_CODES], key=f"programme_add_a_{target}",
                               placeholder=ui.t("programme.placeholder.role"),
                               format_func=lambda r: "–" if r is None else domain.role_label(r, ui.lang()))
        add_b = right.selectbox(ui.t("programme.add_pair_b"), [None, *domain.ROLE_CODES], key=f"programme_add_b_{target}",
                                placeholder=ui.t("programme.placeholder.role"),
                                format_func=lambda r: "–" if r is None else domain.role_label(r, ui.lang()))
        informal = st.toggle(ui.t("programme.informal_counts"), value=base.informal_counts,
                             key=f"programme_informal_{target}")
        submitted = st.form_submit_button(ui.t("programme.show_proposal"), type="primary")
    if submitted:
        consultations = list(kept)
        if add_a and add_b:
            consultations.append((add_a, add_b))
        norm = Norm(roles=tuple((r, s) for r, s in chosen.items() if s != NOT_EXPECTED),
                    consultations=tuple(consultations), informal_counts=informal)
        changed = dict(proposal)
        for programme in (list(changed) if target == ALL_PROGRAMMES else [target]):
            changed[programme] = norm
        messages = loaders.validate_proposal(changed, current, ui.lang())
        if messages:
            st.error(ui.t("programme.refused"), icon=":material/block:")
            st.dataframe(pd.DataFrame({ui.t("programme.col.message"): messages}), hide_index=True, key="programme_refused")
            return
        code = norm_proposal.encode(changed, current)
        if code:
            st.query_params[PROPOSAL_PARAM] = code
        elif PROPOSAL_PARAM in st.query_params:
            del st.query_params[PROPOSAL_PARAM]
        st.rerun()


def _delta(current, proposal) -> str:
    if pd.isna(current) or pd.isna(proposal):
        return ""
    difference = int(proposal) - int(current)
    return f"{difference:+d}" if difference else ""


def _count(value) -> str:
    return suppression.small_label(suppression.effective_k(), ui.lang()) if pd.isna(value) else str(int(value))


def side_by_side(code: str) -> None:
    st.subheader(ui.t("programme.side_by_side_title"))
    by = st.radio(ui.t("programme.group_by"), ("school", "institute"), horizontal=True,
                  format_func=lambda g: ui.t(f"overview.by.{g}"), key="programme_by")
    found = loaders.what_if_side_by_side(ui.filters(), code, by)
    mark = {True: CHANGED_MARK, False: ""}
    current_label, proposal_label = ui.t("programme.col.current"), ui.t("programme.col.proposal")
    changed_label, delta_label = ui.t("programme.col.changed"), ui.t("programme.col.delta")
    tiers = found["tiers"]
    left, right = st.columns(2)
    left.markdown(f"**{ui.t('programme.tiers_title')}**")
    left.table(ui.literal_table(pd.DataFrame({
        ui.t("programme.col.tier"): [ui.t("programme.off_list") if tier == OFF_LIST else ui.t(f"triage.tier.{tier}")
                                     for tier in tiers["tier"]],
        current_label: [_count(v) for v in tiers["current"]],
        proposal_label: [_count(v) for v in tiers["proposal"]],
        delta_label: [_delta(a, b) for a, b in zip(tiers["current"], tiers["proposal"])],
        changed_label: tiers["changed"].map(mark),
    })), hide_index=True)
    signal_codes = found["signals"]
    right.markdown(f"**{ui.t('programme.signals_title')}**")
    right.table(ui.literal_table(pd.DataFrame({
        ui.t("programme.col.signal"): [ui.t(f"signals.code.{c}") for c in signal_codes["code"]],
        current_label: [_count(v) for v in signal_codes["current"]],
        proposal_label: [_count(v) for v in signal_codes["proposal"]],
        delta_label: [_delta(a, b) for a, b in zip(signal_codes["current"], signal_codes["proposal"])],
        changed_label: signal_codes["changed"].map(mark),
    })), hide_index=True)
    cover = found["coverage"]
    labels = dict(zip(loaders.functions()["code"], loaders.functions()["label_en" if ui.lang() == "en" else "label_nl"]))
    left, _ = st.columns(2)
    left.markdown(f"**{ui.t('programme.coverage_title')}**")
    left.table(ui.literal_table(pd.DataFrame({
        ui.t("programme.col.function"): [labels.get(f, f) for f in cover["function"]],
        current_label: [themes_analysis.percent(v) for v in cover["current"]],
        proposal_label: [themes_analysis.percent(v) for v in cover["proposal"]],
        changed_label: cover["changed"].map(mark),
    })), hide_index=True)
    groups = found["groups"]
    hidden = suppression.row_labels(groups, ui.lang())
    st.markdown(f"**{ui.t('programme.groups_title')}**")
    st.table(ui.literal_table(pd.DataFrame({
        ui.t("programme.col.group"): groups["group_name"].astype(str),
        ui.t("programme.col.listed_current"): [h or _count(v) for h, v in zip(hidden, groups["listed_current"])],
        ui.t("programme.col.listed_proposal"): [h or _count(v) for h, v in zip(hidden, groups["listed_proposal"])],
        ui.t("programme.col.cover_current"): [h or themes_analysis.percent(v) for h, v in zip(hidden, groups["share_current"])],
        ui.t("programme.col.cover_proposal"): [h or themes_analysis.percent(v) for h, v in zip(hidden, groups["share_proposal"])],
        changed_label: [("" if h else mark[bool(c)]) for h, c in zip(hidden, groups["changed"])],
    })), hide_index=True)
    moved = found["moved"]
    if ui.viewer().sees_persons:
        st.markdown(f"**{ui.t('programme.moved_title')}**")
        if moved.empty:
            st.caption(ui.t("programme.moved_none"))
        else:
            tier_label = lambda tier: ui.t("programme.off_list") if tier == OFF_LIST else ui.t(f"triage.tier.{tier}")  # noqa: E731
            st.caption(tn("programme.moved_count", len(moved), ui.lang()))
            st.dataframe(pd.DataFrame({
                ui.t("programme.col.name"): moved["name"].astype(str),
                ui.t("programme.col.school"): moved["school_name"].astype(str),
                current_label: moved["current"].map(tier_label),
                proposal_label: moved["proposal"].map(tier_label),
            }), hide_index=True, key="programme_moved")


def adopt_section(code: str, current: dict[str, Norm], proposal: dict[str, Norm]) -> None:
    if not ui.viewer().is_beheerder:
        return
    changed = norm_proposal.changed_programmes(proposal, current)
    if not changed:
        return
    st.subheader(ui.t("programme.adopt_title"))
    st.caption(ui.t("programme.adopt_caption"))
    programme = st.selectbox(ui.t("programme.adopt_which"), changed, format_func=_programme_label,
                             placeholder=ui.t("programme.placeholder.programme"), key="programme_adopt_which")
    if st.button(ui.t("programme.adopt_button", programme=_programme_label(programme)), key="programme_adopt"):
        try:
            adoption = loaders.adopt_proposal(code, programme, ui.lang())
        except norm_proposal.ProposalError as exc:
            st.error(ui.t("programme.refused"), icon=":material/block:")
            st.dataframe(pd.DataFrame({ui.t("programme.col.message"): exc.messages}), hide_index=True, key="programme_adopt_refused")
            return
        rest = norm_proposal.encode({p: n for p, n in proposal.items() if p != programme},
                                    {**loaders.programme_norms(), programme: proposal[programme]})
        if rest:
            st.query_params[PROPOSAL_PARAM] = rest
        else:
            del st.query_params[PROPOSAL_PARAM]
        st.session_state["programme_adopted"] = (adoption.programme, adoption.audit_id)
        st.rerun()


def themes_section() -> None:
    st.subheader(ui.t("themes.title"))
    frame = loaders.themes(ui.filters())
    k = suppression.k_of(frame)
    st.caption(ui.t("themes.intro", k=k))
    grouping = st.radio(ui.t("programme.themes_grouping"), themes_analysis.GROUPINGS[1:], horizontal=True,
                        format_func=lambda g: ui.t(f"overview.by.{g}"), key="programme_themes_by")
    taxonomy = loaders.functions()
    tabs = st.tabs([ui.t(f"themes.theme.{theme}") for theme in themes_analysis.THEMES])
    for tab, theme in zip(tabs, themes_analysis.THEMES):
        with tab:
            st.caption(ui.t(f"themes.lead.{theme}"))
            for figure in themes_analysis.FIGURES[theme]:
                st.markdown(f"**{ui.t(f'themes.figure.{figure}')}**")
                for category in themes_analysis.table_categories(frame, figure):
                    table = themes_analysis.figure_table(
                        frame, figure, ui.lang(), taxonomy, category=category,
                        groupings=(themes_analysis.WHOLE_VIEW, grouping))
                    if not table.rows:
                        st.caption(ui.t("themes.no_data"))
                        continue
                    if figure in themes_analysis.TWO_LEVEL:
                        st.caption(table.title)
                    left, right = st.columns([3, 2])
                    # st.table wraps instead of cutting columns off; literal_table keeps group names inert
                    left.table(ui.literal_table(pd.DataFrame(table.rows, columns=table.header)), hide_index=True)
                    is_share = not (figure in ("mentors", "trainees_per_mentor"))
                    right.plotly_chart(charts.theme_bars(table.chart, ui.lang(), share=is_share),
                                       key=f"theme_chart_{figure}_{category}")
            st.markdown(f"**{ui.t('themes.questions')}**")
            for i, question in enumerate(themes_analysis.questions(theme, ui.lang()), start=1):
                st.text(f"{i}. {question}")


def report_download() -> None:
    st.subheader(ui.t("programme.report_title"))
    st.caption(ui.t("programme.report_caption"))
    st.download_button(
        ui.t("programme.report_button"), loaders.report_pdf(ui.filters(), "", ui.lang()),
        file_name="verslag-stuurgroep.pdf" if ui.lang() == "nl" else "steering-group-report.pdf",
        mime=PDF_MIME, icon=":material/picture_as_pdf:", key="programme_report", on_click="ignore",
    )


def render() -> None:
    st.title(ui.t("programme.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    st.caption(ui.t("programme.intro"))
    adopted = st.session_state.pop("programme_adopted", None)
    if adopted:
        st.success(ui.t("programme.adopted", programme=_programme_label(adopted[0]), audit_id=adopted[1]),
                   icon=":material/check_circle:")
    current = loaders.programme_norms()
    programmes = loaders.programmes_in_data()
    code = st.query_params.get(PROPOSAL_PARAM, "")
    proposal = dict(current)
    if code:
        try:
            proposal = loaders.check_proposal(code, ui.lang())
        except norm_proposal.ProposalError as exc:
            st.error(ui.t("programme.link_refused"), icon=":material/block:")
            st.dataframe(pd.DataFrame({ui.t("programme.col.message"): exc.messages}), hide_index=True,
                         key="programme_link_refused")
            code = ""
    current_norms_section(current, programmes)
    editor(current, proposal, programmes)
    if code:
        changed = norm_proposal.changed_programmes(proposal, current)
        st.info(ui.t("programme.proposal_active"), icon=":material/science:")
        st.table(ui.literal_table(pd.DataFrame({
            ui.t("programme.col.programme"): [_programme_label(p) for p in changed],
            ui.t("programme.col.norm"): [norm_proposal.describe(proposal[p], ui.lang()) for p in changed],
        })), hide_index=True)
        if st.button(ui.t("programme.clear"), key="programme_clear"):
            del st.query_params[PROPOSAL_PARAM]
            st.rerun()
        side_by_side(code)
        adopt_section(code, current, proposal)
    else:
        st.caption(ui.t("programme.no_proposal"))
    report_download()
    themes_section()


render()
