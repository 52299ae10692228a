"""Cached access to ``dashboard.analysis`` for the dashboard pages.

Pages call these functions, never analysis directly. Every cached result is
keyed by the data version (so an import refreshes it), the viewer (whose
scope the question is answered in: ``ui.database_for``), the filters, the
norm and the language. Results are the small frames a page shows, so that a cache
hit copies little: a 40,000-trainee database gives the pages aggregates, not
the raw per-trainee frames. Independent analysis questions of one page run
side by side in threads (DuckDB works on its own cursor per query and
releases the GIL), which matters on a two-core server.

Also here: turning a table into download bytes (CSV / Excel) with spreadsheet
formulas neutralised.
"""

from __future__ import annotations

import io
from dataclasses import replace
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_plus

import pandas as pd
import streamlit as st

from dashboard import analysis
from dashboard.exchange import capture
from dashboard.analysis import triage
from dashboard.web import ui
from dashboard.privacy import suppression
from dashboard.privacy.access import Viewer
from dashboard.analysis import Filters, Norm, mentors, scenarios, suggestions
from dashboard.analysis import themes as themes_analysis, what_if
from dashboard.exchange import meeting_report, norm_proposal
from dashboard.core.spreadsheet_safety import download_dialect, frame_csv, neutralise_formulas, xlsx_text
from dashboard.store.db import side_by_side

GROUP_COLUMNS: dict[str, str] = analysis.GROUP_COLUMNS  # group -> its id column
SEVERITY_RANK: dict[str, int] = analysis.SEVERITY_RANK  # high first
_CACHE = dict(show_spinner=False, max_entries=256)


# --- vocabulary and norms ----------------------------------------------------------


@st.cache_data(**_CACHE)
def _functions(version: str) -> pd.DataFrame:
    return analysis.functions(ui.shared_database())  # the taxonomy: vocabulary, the same for everyone


def functions() -> pd.DataFrame:
    """The guidance-function taxonomy: code, label_nl, label_en, group, description."""
    return _functions(ui.data_version())


@st.cache_data(**_CACHE)
def _norms(version: str) -> dict[str, Norm]:
    return analysis.load_norms(ui.shared_database())  # programme norms: the same for everyone


def formal_only_norm() -> dict[str, Norm]:
    """Each programme's own norm, with informal relationships not counting (issue 14:
    the toggle once replaced every programme's norm by `*`)."""
    return analysis.formal_only(_norms(ui.data_version()))


def norm_for(formal_only: bool) -> dict[str, Norm] | None:
    """None = each programme's own norm; else the same norms counting formal relationships only."""
    return formal_only_norm() if formal_only else None


# --- overview ------------------------------------------------------------------------


@st.cache_data(**_CACHE)
def _group_cells(version: str, who: Viewer) -> pd.DataFrame:
    return analysis.group_cells(ui.database_for(who))


def suppression_cells() -> suppression.Cells:
    """Trainees per combination of the filter dimensions, for the consistency
    of small-group suppression across filters (``suppression.Cells``)."""
    return suppression.Cells(_group_cells(ui.data_version(), ui.viewer()))


@st.cache_data(**_CACHE)
def _headline(version: str, who: Viewer, filters: Filters, norm: Norm | None) -> dict[str, Any]:
    return analysis.headline(ui.database_for(who), filters, norm)


def headline(filters: Filters, norm: Norm | None = None) -> dict[str, Any]:
    """n_trainees, share_all_strong, n_with_signal, signal_counts (code, n_trainees)."""
    return _headline(ui.data_version(), ui.viewer(), filters, norm)


def _few_trainees(who: Viewer, filters: Filters) -> bool:
    """Whether the trainees in view are one school's (or a school-scoped viewer's):
    then their rows are copied once and the questions run on the copy
    (``analysis.group_view``), which costs a fraction of reading the
    national tables for each question. A national or institute-wide view is
    large enough that the copy would not pay off."""
    return filters.school is not None or (not who.sees_all_trainees and bool(who.schools) and not who.institutes)


Lead = tuple[dict[str, Any], pd.DataFrame]  # (triage.tier_counts, triage.patterns)


@st.cache_data(**_CACHE)
def _overview(
    version: str, who: Viewer, filters: Filters, norm: Norm | None, by: str, lang: str,
) -> tuple[dict[str, Any], pd.DataFrame, tuple[pd.DataFrame, pd.DataFrame] | None, Lead | None]:
    db = ui.database_for(who)
    if not who.sees_persons:
        # Aggregates only: no per-trainee coverage, no names.
        head, grouped = side_by_side(lambda: analysis.headline(db, filters, norm),
                                     lambda: analysis.coverage_by(db, by, filters, norm))
        return head, grouped, None, None
    # The filters already name one group of this grouping (a coordinator looking
    # at their own school): that group's trainees are the trainees in view.
    one_group = getattr(filters, by) is not None
    if _few_trainees(who, filters):
        found = analysis.group_view(db, by, filters, norm)
        head = analysis.headline_figures(found["coverage"], found["signals"])
        group = (found["coverage"], found["trainees"][["trainee_id", "name"]]) if one_group else None
        # The tiers and patterns from the signals just found: half the cost of asking anew.
        return head, found["coverage_by"], group, triage.group_lead(db, found, filters, norm, lang)
    coverage, signals, grouped, people = side_by_side(  # independent queries, side by side
        lambda: analysis.coverage(db, filters, norm),
        lambda: analysis.signals(db, filters, norm),
        lambda: analysis.coverage_by(db, by, filters, norm),
        lambda: analysis.trainees(db, filters) if one_group else None,
    )
    head = analysis.headline_figures(coverage, signals)
    group = (coverage, people[["trainee_id", "name"]]) if people is not None else None
    return head, grouped, group, None


def overview(
    filters: Filters, norm: Norm | None, by: str
) -> tuple[dict[str, Any], pd.DataFrame, tuple[pd.DataFrame, pd.DataFrame] | None, Lead | None]:
    """(headline figures as :func:`headline`, coverage by ``by``, when the
    filters name one ``by`` group: that group's (coverage, trainees) as
    :func:`group_coverage` gives them, and when the trainees in view are one
    school's: what the overview leads with, as :func:`tier_counts_and_patterns`
    gives it) in one go. The group part is None for a viewer who sees
    aggregates only; the lead is None when it was not computed here."""
    return _overview(ui.data_version(), ui.viewer(), filters, norm, by, ui.lang())


def group_filters(filters: Filters, by: str, group_id: str) -> Filters:
    """``filters`` narrowed to one group (a school, institute, cohort or programme)."""
    return replace(filters, **{by: group_id})


@st.cache_data(**_CACHE)
def _group_coverage(version: str, who: Viewer, filters: Filters, norm: Norm | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    db = ui.database_for(who)
    coverage, people = side_by_side(lambda: analysis.coverage(db, filters, norm),
                                    lambda: analysis.trainees(db, filters))
    return coverage, people[["trainee_id", "name"]]


def group_coverage(by: str, group_id: str, filters: Filters, norm: Norm | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(coverage per trainee × function, trainees) for one group."""
    return _group_coverage(ui.data_version(), ui.viewer(), group_filters(filters, by, group_id), norm)


# --- signals ---------------------------------------------------------------------------


# A national attention list is large (40,000 rows with lists); cache_data would
# unpickle a copy on every rerun (~0.2 s), so this one result is shared as is.
# Pages only read it (filtering and head() make new frames).
@st.cache_resource(show_spinner=False, max_entries=64)
def _attention(version: str, who: Viewer, filters: Filters, norm: Norm | None, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    db = ui.database_for(who)
    signals, people = side_by_side(lambda: analysis.signals(db, filters, norm, lang),
                                   lambda: analysis.trainees(db, filters))
    mentor = signals[signals["trainee_id"].isna()]
    order = mentor["severity"].map(SEVERITY_RANK)
    mentor = mentor.assign(severity_rank=order).sort_values(["severity_rank", "person_id"], kind="stable")
    return analysis.summarise_signals(signals, people), mentor.drop(columns="severity_rank").reset_index(drop=True)


def attention(filters: Filters, norm: Norm | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(trainee summary, mentor-level signals) in one cached lookup.

    Summary: one row per trainee with a signal, sorted by severity then name
    (columns of ``analysis.trainee_signals_summary``). Mentor signals:
    person_id, code, severity, wave, message, most severe first.
    """
    return _attention(ui.data_version(), ui.viewer(), filters, norm, ui.lang())


# --- the worklist (issue 17: triage) ------------------------------------------------------


# Shared as is, like _attention: a national list is large; pages only read it.
@st.cache_resource(show_spinner=False, max_entries=64)
def _worklist(version: str, who: Viewer, filters: Filters, norm: Norm | None, lang: str) -> dict[str, pd.DataFrame]:
    db = ui.database_for(who)
    # One school's trainees: copy their rows once and ask on the copy (see _few_trainees).
    # (Not when the derived layer answers: its rows of one school are read where they are.)
    copy = _few_trainees(who, filters) and not analysis.uses_derived(db, norm)
    rows = triage.copied_rows(db, filters) if copy else None
    return triage.triage_view(db, filters, norm, lang, rows=rows)


def worklist(filters: Filters, norm: Norm | None = None) -> dict[str, pd.DataFrame]:
    """``analysis.triage.triage_view`` for the current viewer: keys triage
    (the whole ranked list), patterns, signals, mentors (mentor-level
    signals with the trainees concerned) and trainees (everyone in view;
    wave null = no data in the evaluated wave)."""
    return _worklist(ui.data_version(), ui.viewer(), filters, norm, ui.lang())


@st.cache_data(**_CACHE)
def _tier_counts_and_patterns(version: str, who: Viewer, filters: Filters, norm: Norm | None,
                              lang: str) -> tuple[dict[str, Any], pd.DataFrame]:
    db = ui.database_for(who)
    return side_by_side(lambda: triage.tier_counts(db, filters, norm),
                        lambda: triage.patterns(db, filters, norm, lang))


def tier_counts_and_patterns(filters: Filters, norm: Norm | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """Trainees per tier and without data (``analysis.triage.tier_counts``) and the programme's
    patterns (``analysis.triage.patterns``), side by side: what the overview leads with. Both
    aggregates, for every role."""
    return _tier_counts_and_patterns(ui.data_version(), ui.viewer(), filters, norm, ui.lang())


@st.cache_data(**_CACHE)
def _no_data_trainees(version: str, who: Viewer, filters: Filters) -> pd.DataFrame:
    return triage.no_data_trainees(ui.database_for(who), filters)


def no_data_trainees(filters: Filters) -> pd.DataFrame:
    """The trainees in view without data in the evaluated wave (``analysis.triage.no_data_trainees``)."""
    return _no_data_trainees(ui.data_version(), ui.viewer(), filters)


# --- trainees and constellations --------------------------------------------------------


@st.cache_data(**_CACHE)
def _trainee_choices(version: str, who: Viewer, filters: Filters, limit: int) -> tuple[dict[str, str], int]:
    people = analysis.trainees(ui.database_for(who), filters)
    first = people.head(limit)
    return dict(zip(first["trainee_id"].astype(str), first["name"].astype(str))), len(people)


def trainee_choices(filters: Filters, limit: int) -> tuple[dict[str, str], int]:
    """({trainee_id: name} for at most ``limit`` trainees in the filters, how many there are in all).

    Small on purpose: a picker never needs 40,000 names, and a cache hit copies the result.
    """
    return _trainee_choices(ui.data_version(), ui.viewer(), filters, limit)


@st.cache_data(**_CACHE)
def _constellation(version: str, who: Viewer, trainee_id: str, lang: str) -> tuple[dict | None, dict[str, pd.DataFrame] | None]:
    # The page shows the trainee's latest wave first: its detail (coverage,
    # signals, measures) comes with the network, from one read of the
    # trainee's rows; norms and taxonomy are the cached ones of this version.
    return analysis.trainee_view(
        ui.database_for(who), trainee_id, lang, norms=_norms(version), taxonomy=_functions(version)
    )


def constellation(trainee_id: str) -> tuple[dict | None, dict[str, pd.DataFrame] | None]:
    """(the trainee's network in every wave (see analysis.constellation), their
    coverage, signals and measures in their latest wave); (None, None) if unknown.

    One cached lookup for what the page shows first; any wave: :func:`detail_in`.
    """
    return _constellation(ui.data_version(), ui.viewer(), trainee_id, ui.lang())


@st.cache_data(**_CACHE)
def _trainee_detail(version: str, who: Viewer, trainee_id: str, wave: str | None, lang: str) -> dict[str, pd.DataFrame]:
    return analysis.trainee_detail(
        ui.database_for(who), trainee_id, wave, None, lang, norms=_norms(version), taxonomy=_functions(version)
    )


# --- comparison --------------------------------------------------------------------------


@st.cache_data(**_CACHE)
def _compare(version: str, who: Viewer, by: str, filters: Filters, norm: Norm | None) -> pd.DataFrame:
    return analysis.compare(ui.database_for(who), by, filters, norm)


def compare(by: str, filters: Filters, norm: Norm | None = None) -> pd.DataFrame:
    """Per group: coverage, signal rates, informal share, klik, strength, assessment."""
    return _compare(ui.data_version(), ui.viewer(), by, filters, norm)


@st.cache_data(**_CACHE)
def _compare_with_partnership(version: str, who: Viewer, filters: Filters) -> pd.DataFrame:
    return analysis.compare_with_partnership(ui.database_for(who), filters)


def compare_with_partnership(filters: Filters) -> pd.DataFrame:
    """A coordinator's own trainees beside the rest of the partnership (two suppressed rows)."""
    return _compare_with_partnership(ui.data_version(), ui.viewer(), filters)


# --- step 6, the mentor page, the scenario "a mentor leaves" (issue 13) -----------------


@st.cache_data(**_CACHE)
def _step_six(version: str, who: Viewer, trainee_id: str, wave: str | None, lang: str) -> dict[str, pd.DataFrame]:
    return suggestions.step_six(ui.database_for(who), trainee_id, wave, lang)


def step_six(trainee_id: str, wave: str | None) -> dict[str, pd.DataFrame]:
    """The trainee's open functions in ``wave`` and the candidates for them (analysis.suggestions.step_six)."""
    return _step_six(ui.data_version(), ui.viewer(), trainee_id, wave, ui.lang())


def _detail_in(version: str, who: Viewer, trainee_id: str, wave: str, lang: str) -> dict[str, pd.DataFrame]:
    # the latest wave's detail came with the network; another wave is its own question
    view, latest = _constellation(version, who, trainee_id, lang)
    if view is not None and view["waves"] and wave == view["waves"][-1]:
        return latest
    return _trainee_detail(version, who, trainee_id, wave, lang)


def detail_in(trainee_id: str, wave: str) -> dict[str, pd.DataFrame]:
    """The trainee's detail (coverage, signals, measures, open functions) in ``wave``, from
    :func:`constellation` for their latest wave, else ``analysis.trainee_detail``."""
    return _detail_in(ui.data_version(), ui.viewer(), trainee_id, wave, ui.lang())


@st.cache_data(**_CACHE)
def _step_six_beside(version: str, who: Viewer, trainee_id: str, wave: str, lang: str) -> dict[str, pd.DataFrame]:
    detail = _detail_in(version, who, trainee_id, wave, lang)
    return suggestions.step_six(ui.database_for(who), trainee_id, wave, lang,
                                found_open=detail["open"], taxonomy=_functions(version))


def step_six_beside_detail(trainee_id: str, wave: str) -> dict[str, pd.DataFrame]:
    """:func:`step_six` on the constellation page: the open functions come with the trainee's
    detail (:func:`detail_in`), which the page has read already."""
    return _step_six_beside(ui.data_version(), ui.viewer(), trainee_id, wave, ui.lang())


@st.cache_data(**_CACHE)
def _mentor(version: str, who: Viewer, person_id: str, filters: Filters, lang: str) -> dict | None:
    return mentors.mentor(ui.database_for(who), person_id, filters, lang)


def mentor(person_id: str, filters: Filters) -> dict | None:
    """The mentor page's facts (analysis.mentors.mentor); None: unknown or nobody in scope."""
    return _mentor(ui.data_version(), ui.viewer(), person_id, filters, ui.lang())


@st.cache_data(**_CACHE)
def _leave(version: str, who: Viewer, person_id: str, filters: Filters, lang: str) -> dict[str, pd.DataFrame]:
    return scenarios.leave(ui.database_for(who), person_id, filters, lang=lang)


def leave(person_id: str, filters: Filters) -> dict[str, pd.DataFrame]:
    """The scenario "a mentor leaves" (analysis.scenarios.leave), in memory."""
    return _leave(ui.data_version(), ui.viewer(), person_id, filters, ui.lang())


def mentor_links(person_ids) -> list[str]:
    """``ui.page_url("begeleider", person=id)`` for many ids at once."""
    template = ui.page_url("begeleider", person="PERSON")
    head, tail = template.split("person=PERSON", 1)
    return [f"{head}person={quote_plus(str(pid))}{tail}" for pid in person_ids]


# --- links ------------------------------------------------------------------------------


def constellation_links(trainee_ids) -> list[str]:
    """``ui.page_url("constellatie", trainee=id)`` for many ids at once: the
    current filters and language are looked up once, not once per row."""
    template = ui.page_url("constellatie", trainee="TRAINEE")
    head, tail = template.split("trainee=TRAINEE", 1)
    return [f"{head}trainee={quote_plus(str(tid))}{tail}" for tid in trainee_ids]


# --- downloads ---------------------------------------------------------------------------

def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists (codes, messages) as text, one item per line."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, (list, tuple))).any():
            out[column] = out[column].map(lambda v: "\n".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    return out


def csv_bytes(frame: pd.DataFrame, lang: str | None = None) -> bytes:
    """A CSV download that opens right in the user's Excel (``spreadsheet_safety.DOWNLOAD``): in
    Dutch `;` and a decimal comma, in English `,` and a point; UTF-8 with BOM (so Excel reads
    accents right); formulas neutralised; written by the product's one CSV writer."""
    return frame_csv(_flatten(frame), download_dialect(lang or ui.lang())).encode("utf-8")


def audit_csv_bytes(log: pd.DataFrame, lang: str | None = None) -> bytes:
    """The audit trail as a CSV download, in the user's Excel dialect like every page download."""
    from dashboard.privacy import audit

    return audit.format_log(log, "csv", dialect=download_dialect(lang or ui.lang())).encode("utf-8")


def xlsx_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """An .xlsx workbook with one sheet, formulas neutralised, all cells as values."""
    from openpyxl import Workbook

    safe = neutralise_formulas(_flatten(frame))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    sheet.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False):
        sheet.append([None if (not isinstance(v, (list, tuple)) and pd.isna(v))
                      else xlsx_text(v) if isinstance(v, str) else v for v in row])
    # Text cells stay text even when they look like a formula after all.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- programme design (issue 14): themes, what-if on the norm, meeting report -------------


def programme_norms() -> dict[str, Norm]:
    """The stored norm of every programme with one (``"*"``: every other programme)."""
    return _norms(ui.data_version())


def programmes_in_data() -> list[str]:
    """Programmes of the trainees (the editor offers them even without a norm of their own)."""
    return list(ui.filter_options().values("programme"))


@st.cache_data(**_CACHE)
def _themes(version: str, who: Viewer, filters: Filters, norm_code: str) -> pd.DataFrame:
    db = ui.database_for(who)
    return themes_analysis.themes(db, filters, _proposal_norms(db, norm_code))


def themes(filters: Filters, norm_code: str = "") -> pd.DataFrame:
    """The four dialogue themes (``analysis.themes``), suppressed; ``norm_code`` a proposal's URL code."""
    return _themes(ui.data_version(), ui.viewer(), filters, norm_code)


def _proposal_norms(db, norm_code: str) -> dict[str, Norm] | None:
    # norm_code was checked by the page (norm_proposal.checked) before it reaches a loader
    # checked on the shared handle: the import's rules read stored keys, which a scoped handle refuses
    return norm_proposal.checked(ui.shared_database(), norm_code, current=analysis.load_norms(db)) if norm_code else None


def check_proposal(norm_code: str, lang: str) -> dict[str, Norm]:
    """The proposal of a URL code, checked by the import's rules (ProposalError otherwise)."""
    return norm_proposal.checked(ui.shared_database(), norm_code, lang, current=programme_norms())


def validate_proposal(proposal: dict[str, Norm], current: dict[str, Norm], lang: str) -> list[str]:
    """The import's messages about a proposal from the editor; [] = acceptable."""
    return norm_proposal.validate(ui.shared_database(), proposal, current, lang)


@st.cache_data(**_CACHE)
def _what_if(version: str, who: Viewer, filters: Filters, norm_code: str, lang: str, by: str) -> dict[str, pd.DataFrame]:
    db = ui.database_for(who)
    current = analysis.load_norms(db)
    proposal = norm_proposal.checked(ui.shared_database(), norm_code, lang, current=current)
    return what_if.compare_norms(db, filters, current, proposal, lang, by)


def what_if_side_by_side(filters: Filters, norm_code: str, by: str = "school") -> dict[str, pd.DataFrame]:
    """Current norms and the proposal side by side (``analysis.what_if.compare_norms``)."""
    return _what_if(ui.data_version(), ui.viewer(), filters, norm_code, ui.lang(), by)


def report_pdf(filters: Filters, norm_code: str, lang: str) -> Callable[[], bytes]:
    """The meeting report's bytes, made when the download is clicked (and audited then)."""
    db = ui.database_for(ui.viewer())  # taken while the page runs: the file is made outside the script run
    proposal = _proposal_norms(db, norm_code)

    def make() -> bytes:
        return meeting_report.build_report(db, filters, lang, proposal)

    return ui.audited_download(make, "verslag.pdf")


def adopt_proposal(norm_code: str, programme: str, lang: str) -> norm_proposal.Adoption:
    """Adopt the proposal's norm for ``programme`` (beheerder only): one transaction with its audit row."""
    who = ui.viewer()
    if not who.is_beheerder:
        raise norm_proposal.ProposalError([ui.t("programme.adopt_denied")])
    db = ui.shared_database()
    proposal = norm_proposal.checked(db, norm_code, lang)
    adoption = norm_proposal.adopt(db, proposal, programme, actor=who.actor, role=who.role, lang=lang)
    ui.forget_data_version()
    return adoption
# --- capture (issue 12) -----------------------------------------------------------


def capture_status(wave: str | None) -> pd.DataFrame:
    """Who has filled in ``wave`` and who not yet, for the trainees in view. Not cached: a
    coordinator looks right after a save."""
    return capture.capture_status(ui.database(), wave)


# What the capture page reads from the store does not change while a form is edited: cached per
# data version (every save bumps it, whoever saves) and viewer, so a rerun after one changed field
# asks DuckDB nothing. The scope is the capture module's (an AccessDenied is raised, never cached).
@st.cache_data(**_CACHE)
def _capture_trainee(version: str, who: Viewer, trainee_id: str) -> tuple[pd.Series, list[str], pd.DataFrame]:
    db = ui.database_for(who)
    return capture.trainee_of(db, trainee_id), capture.captured_waves(db, trainee_id), \
        capture.candidate_people(db, trainee_id)


def capture_trainee(trainee_id: str) -> tuple[pd.Series, list[str], pd.DataFrame]:
    """(the trainee's row, their captured waves, the people a form may choose) for the capture page;
    raises ``AccessDenied`` outside the viewer's scope (``capture.trainee_of``)."""
    return _capture_trainee(ui.data_version(), ui.viewer(), trainee_id)


@st.cache_data(**_CACHE)
def _previous_actions(version: str, who: Viewer, trainee_id: str, wave: str) -> pd.DataFrame:
    return capture.open_previous_actions(ui.database_for(who), trainee_id, wave)


def previous_actions(trainee_id: str, wave: str) -> pd.DataFrame:
    """The earlier waves' actions still open when ``wave`` began (``capture.open_previous_actions``)."""
    return _previous_actions(ui.data_version(), ui.viewer(), trainee_id, wave)
