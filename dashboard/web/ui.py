"""Shared state of the dashboard: the database handle, language, filters and links.

Pages use only these helpers for anything shared (see notes/ui_contract.md).
The sidebar filters and the language live in the URL
(``?school=S2&institute=I1&cohort=2025-2026&programme=pabo&wave=midden&lang=en``)
so that a link a coordinator sends reproduces the view.

How the URL and the widgets stay in step: ``app.py`` calls ``sync_from_url()``
before it draws anything, ``draw_sidebar()`` and then ``write_url()``. The
session state is the source of truth within a session; the URL is adopted when
a session starts, or when a link inside the app changes it. A page switch in
the navigation may drop the query string, so an URL without any of our
parameters does not reset a running session: the next ``write_url()`` puts
them back.
"""

from __future__ import annotations

import contextvars
import io
import logging
from collections.abc import Callable
import re
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard import analysis
from dashboard.core import i18n
from dashboard.exchange.limits import MAX_UPLOAD_MB, ImportLimits  # MAX_UPLOAD_MB: Streamlit's --server.maxUploadSize
from dashboard.privacy import audit
from dashboard.web import session
from dashboard.web.session import shared_database
from dashboard.privacy.access import LOCAL_VIEWER, Viewer
from dashboard.analysis import Filters, derived
from dashboard.store.db import PROJECT_ROOT, Database, default_db_path, load_sql
from dashboard.core.domain import WAVES, role_label

logger = logging.getLogger("dashboard")

FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Filters))
LANG_PARAM = "lang"
URL_PARAMS: tuple[str, ...] = (*FILTER_NAMES, LANG_PARAM)

# Where each page lives: url path -> file (relative to dashboard/web/). The path ""
# is the default page, served at "/".
PAGE_FILES: dict[str, str] = {
    "": "views/overzicht.py",
    "signalen": "views/signalen.py",
    "constellatie": "views/constellatie.py",
    "vergelijken": "views/vergelijken.py",
    "gegevens": "views/gegevens.py",
    "programma": "views/programma.py",
    "begeleider": "views/begeleider.py",
    "vastleggen": "views/vastleggen.py",
}
PAGE_ALIASES: dict[str, str] = {"overzicht": ""}

_LANG_KEY = "ui_lang"
_LAST_URL_KEY = "ui_url_written"
_WARNINGS_KEY = "ui_url_warnings"
_SYNCED_KEY = "ui_synced"


def _filter_key(name: str) -> str:
    return f"ui_filter_{name}"


# --- database ----------------------------------------------------------------


@dataclass(frozen=True)
class _PageState:
    """What a download's deferred callable needs from the page that drew it."""

    who: Viewer
    language: str


# Set while a deferred download is made (see :func:`deferred`): Streamlit runs
# that callable in a worker thread without the session, where ``st.user`` and
# ``st.session_state`` are unknown (issue 16: "Alle gegevens (.xlsx)" failed
# for a logged-in beheerder with AccessDenied: not logged in).
_DEFERRED_STATE: contextvars.ContextVar[_PageState | None] = contextvars.ContextVar("deferred_page", default=None)


def viewer() -> Viewer:
    """Who this session is (``dashboard.web.session``): every question is scoped to them."""
    state = _DEFERRED_STATE.get()
    if state is not None:
        return state.who
    return session.current_viewer()


def deferred(make: Callable[[], bytes]) -> Callable[[], bytes]:
    """``make`` for a download button's deferred data, run later with the
    viewer and language of the page run that drew the button (resolved now,
    when the session is known), so it builds the same file for the same
    person in every mode."""
    state = _PageState(viewer(), lang())

    def build() -> bytes:
        token = _DEFERRED_STATE.set(state)
        try:
            return make()
        finally:
            _DEFERRED_STATE.reset(token)

    return build


def database_for(who: Viewer) -> Database:
    """The database handle that answers every question for ``who`` only.

    Cached loaders take the viewer as an argument (so it is part of their
    cache key) and open the handle with this.
    """
    return shared_database().scoped(who)


def database() -> Database:
    """The database handle scoped to this session's viewer."""
    return database_for(viewer())


# The data version of the script run in progress. A page asks for it once
# per cached question (4-6 times a run) and the fingerprint counts the big
# tables, so each run computes it once and keeps it in the session. The run
# is recognised by an object Streamlit creates anew at the start of every run
# (and fragment run); the memo holds on to it, so no later run can look alike.
_RUN_VERSION_KEY = "ui_data_version_of_run"


def _run_marker() -> object | None:
    """An object unique to the current script run, or None outside a run."""
    ctx = get_script_run_ctx(suppress_warning=True)
    return None if ctx is None else ctx.cursors


def _fingerprint() -> tuple[str, int]:
    """(the data version, the number of trainees), from one query of one row.

    The first run after a write that left the derived layer stale (an
    erasure, a purge, an upgraded database) computes it again, once."""
    db = shared_database()
    version, fresh, n_trainees = _data_state(db)
    if not fresh and derived.ensure(db):
        version, fresh, n_trainees = _data_state(db)
    return f"{db.path}|{version}", int(n_trainees)


def _data_state(db: Database) -> tuple[int, bool, int]:
    cur = db.cursor()
    try:
        return cur.execute(load_sql("web/app/data_version")).fetchone()
    finally:
        cur.close()


def _run_fingerprint() -> tuple[str, int]:
    """:func:`_fingerprint`, computed once per script run."""
    marker = _run_marker()
    if marker is None:
        return _fingerprint()
    known = st.session_state.get(_RUN_VERSION_KEY)
    if known is not None and known[0] is marker:
        return known[1]
    found = _fingerprint()
    st.session_state[_RUN_VERSION_KEY] = (marker, found)
    return found


def data_version() -> str:
    """A text that changes after every import; include it in every cache key.

    Computed once per script run (the data page reruns the script after an
    import, and :func:`run_upload` forgets it at once).
    """
    return _run_fingerprint()[0]


def forget_data_version() -> None:
    """Drop this run's memo of the data version (after the data changed)."""
    if _run_marker() is not None:
        st.session_state.pop(_RUN_VERSION_KEY, None)


def has_data() -> bool:
    """Whether any trainee is loaded (from the run's data fingerprint)."""
    return _run_fingerprint()[1] > 0


# --- audit trail ---------------------------------------------------------------------

_RECORDED_KEY = "ui_audit_recorded"


def record_once(action: str, subject_id: str | None = None, **detail: object) -> None:
    """Record ``action`` about ``subject_id`` in the audit trail, once per session
    (reruns of the same view are not new views; opening it again after another is)."""
    key = (action, subject_id)
    if st.session_state.get(_RECORDED_KEY) == key:
        return
    who = viewer()
    audit.record_soon(shared_database(), who.actor, who.role, action, subject_id, detail or None)  # the rerun goes on
    st.session_state[_RECORDED_KEY] = key


# An id from the URL is the user's text: the audit row keeps at most this much of it.
_REFUSED_ID_CHARS = 64


def record_refusal(page: str, reason: str, subject_id: str | None = None) -> None:
    """A refused attempt to open a trainee or a page, in the audit trail
    (``access_denied``; issue 16), once per view like :func:`record_once`."""
    record_once("access_denied", None if subject_id is None else str(subject_id)[:_REFUSED_ID_CHARS],
                page=page, reason=reason)


def audited_download(make: Callable[[], bytes], what: str, subject_id: str | None = None) -> Callable[[], bytes]:
    """``make`` for a download button's deferred data, recording the download in
    the audit trail when the file is made (that is: when it is clicked).

    Who and which filters are taken now, while the page runs: the file is made
    outside the script run. ``what`` names the download, never its content.
    """
    who, db = viewer(), shared_database()
    in_view = {name: value for name, value in vars(filters()).items() if value is not None}
    make_here = deferred(make)

    def build() -> bytes:
        data = make_here()
        audit.record(db, who.actor, who.role, "download", subject_id, {"what": what, "filters": in_view})
        return data

    return build


# --- language and text -----------------------------------------------------------


def lang() -> str:
    """``"nl"`` or ``"en"``: the sidebar switch, else ``?lang=``, else Dutch."""
    state = _DEFERRED_STATE.get()
    if state is not None:
        return state.language
    chosen = st.session_state.get(_LANG_KEY)
    if chosen is None:
        chosen = st.query_params.get(LANG_PARAM)
    return i18n.normalise_language(chosen)


def t(key: str, **values: object) -> str:
    """``dashboard.core.i18n.t`` in the current language."""
    return i18n.t(key, lang(), **values)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


# Streamlit's Markdown (remark-gfm) turns bare URLs, ``www.`` hosts and e-mail
# addresses into links, also after backslash escapes are resolved (it looks
# for them in the text nodes). An invisible WORD JOINER breaks each pattern:
# between ``scheme:`` and ``//``, between ``www`` and ``.``, after ``@``. The
# text reads the same; a copied address does not work, which is the point.
WORD_JOINER = "\u2060"
_AUTOLINK_TRIGGERS = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def break_autolinks(text: str) -> str:
    """``text`` with a WORD JOINER where Markdown would start an automatic link."""
    return _AUTOLINK_TRIGGERS.sub(WORD_JOINER, text)


def escape_markdown(text: object) -> str:
    """``text`` made inert for Streamlit markdown: names and values from data or
    from the URL must never become links (also not automatic ones: a bare
    URL, a ``www.`` host, an e-mail address), images, emphasis or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", break_autolinks(str(text)))


def open_function_line(row: object, labels: Mapping[str, str]) -> None:
    """One open function of step 6 (a row of ``suggestions.open_functions``): its name, its
    level and why it is open."""
    reasons = ", ".join(t(f"suggestions.open_reason.{r}") for r in row.reasons)
    st.markdown(f"**{escape_markdown(labels.get(row.function, row.function))}** · "
                f"{escape_markdown(t(f'chart.level.{row.level}'))} · {escape_markdown(reasons)}")


def candidate_list(candidates: pd.DataFrame, key: str, links: list[str] | None = None) -> None:
    """Step 6's candidates for one open function as a stacked list: per candidate a line
    with rank, name and role (and, with ``links``, their mentor page) and below it their
    reason, wrapping at any width (a table's reason column scrolled sideways, on a phone
    and beside the constellation alike). Names and reasons escaped: shown as plain text."""
    language = lang()
    with st.container(border=True, key=key):
        for i, candidate in enumerate(candidates.itertuples(index=False)):
            reason = candidate.reason + (f" ({t('step6.in_network')})" if bool(candidate.in_network) else "")
            link = f" · [{escape_markdown(t('step6.col.link'))}]({links[i]})" if links is not None else ""
            st.markdown(f"**{int(candidate.rank)}\\. {escape_markdown(candidate.name)}** · "
                        f"{escape_markdown(role_label(candidate.role, language))}{link}  \n"
                        f"{escape_markdown(reason)}")


def literal_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for ``st.table``, which renders every cell as Markdown:
    text cells escaped so that values from data or uploads show literally."""
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_string_dtype(shown[column]) or shown[column].dtype == object:
            shown[column] = shown[column].map(lambda v: escape_markdown(v) if isinstance(v, str) else v).astype(object)
    return shown


# --- filters ---------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """Choices for each sidebar filter: (value, label) pairs, in display order."""

    choices: Mapping[str, tuple[tuple[str, str], ...]]

    def values(self, name: str) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices.get(name, ()))


def _pairs(raw: object) -> tuple[tuple[str, str], ...]:
    """Accept the shapes filter_options may give for one filter: a sequence of
    values, of (value, label) pairs, a mapping value -> label, or a DataFrame
    with the value first and an optional label second."""
    if raw is None:
        return ()
    if hasattr(raw, "itertuples"):  # DataFrame
        columns = list(raw.columns)
        if len(columns) >= 2:
            return tuple((str(r[0]), str(r[1])) for r in raw[columns[:2]].itertuples(index=False))
        return tuple((str(v), str(v)) for v in raw[columns[0]])
    if isinstance(raw, Mapping):
        return tuple((str(k), str(v)) for k, v in raw.items())
    pairs = []
    for item in raw:  # type: ignore[union-attr]
        if isinstance(item, (tuple, list)) and len(item) >= 2:
            pairs.append((str(item[0]), str(item[1])))
        else:
            pairs.append((str(item), str(item)))
    return tuple(pairs)


@st.cache_data(show_spinner=False, max_entries=32)
def _filter_options_cached(version: str, who: Viewer, language: str) -> FilterOptions:
    raw = analysis.filter_options(database_for(who))
    if hasattr(raw, "__dataclass_fields__") and not isinstance(raw, Mapping):
        raw = {f.name: getattr(raw, f.name) for f in fields(raw)}
    # filter_options names its lists in the plural ("schools" for the school filter).
    choices = {name: _pairs(raw.get(f"{name}s", raw.get(name))) for name in FILTER_NAMES}
    if not choices["wave"]:
        choices["wave"] = tuple((w, w) for w in WAVES)
    # Waves are vocabulary, not data: show their label in the current language.
    choices["wave"] = tuple((w, i18n.t(f"filters.wave.{w}", language)) for w, _ in choices["wave"])
    return FilterOptions(choices)


def filter_options() -> FilterOptions:
    """The choices for each sidebar filter, from ``analysis.filter_options``."""
    return _filter_options_cached(data_version(), viewer(), lang())


def filters() -> Filters:
    """The current sidebar filters."""
    values = {}
    for name in FILTER_NAMES:
        value = st.session_state.get(_filter_key(name))
        if value is None and _SYNCED_KEY not in st.session_state:
            value = st.query_params.get(name)  # before the first sync (tests of a bare page)
        values[name] = value or None
    return Filters(**values)


def _current_params() -> dict[str, str]:
    """The filter and language parameters that describe the current view."""
    params = {name: value for name, value in vars(filters()).items() if value is not None}
    if lang() != i18n.DEFAULT_LANGUAGE:
        params[LANG_PARAM] = lang()
    return params


def page_url(path: str, **params: object) -> str:
    """A link to a page that keeps the current filters and language, e.g.
    ``page_url("constellatie", trainee="T0001")`` ->
    ``/constellatie?trainee=T0001&school=S2&lang=en``."""
    path = PAGE_ALIASES.get(path.strip("/"), path.strip("/"))
    if path not in PAGE_FILES:
        raise ValueError(f"unknown page {path!r}; known: {sorted(PAGE_FILES)}")
    query = {key: str(value) for key, value in params.items() if value is not None}
    for key, value in _current_params().items():
        query.setdefault(key, value)
    return f"/{path}" + (f"?{urlencode(query)}" if query else "")


def sync_from_url(options: FilterOptions | None) -> None:
    """Adopt the URL's filters and language into the session when the session
    starts or a link changed them. Unknown values are dropped with a warning
    (shown by ``draw_url_warnings``). ``options`` None: no data to check the
    filters against, so only the language is adopted."""
    url = {key: st.query_params.get(key) for key in URL_PARAMS if key in st.query_params}
    last = st.session_state.get(_LAST_URL_KEY)
    warnings: list[tuple[str, str]] = []
    if last is None or (url and url != last):
        language = url.get(LANG_PARAM)
        if language is not None and language not in i18n.LANGUAGES:
            warnings.append((LANG_PARAM, language))
        st.session_state[_LANG_KEY] = i18n.normalise_language(language)
        for name in FILTER_NAMES:
            value = url.get(name) or None
            if value is not None and options is not None and value not in options.values(name):
                warnings.append((name, value))
                value = None
            if options is not None:
                st.session_state[_filter_key(name)] = value
    if options is not None:
        # After an import a chosen school (say) may no longer exist.
        for name in FILTER_NAMES:
            key = _filter_key(name)
            if st.session_state.get(key) not in (None, *options.values(name)):
                st.session_state[key] = None
    st.session_state[_WARNINGS_KEY] = warnings
    st.session_state[_SYNCED_KEY] = True


def draw_url_warnings() -> None:
    for name, value in st.session_state.get(_WARNINGS_KEY, []):
        label = t(f"filters.{name}") if name in FILTER_NAMES else t("filters.language")
        st.warning(t("filters.unknown_value", filter=label, value=escape_markdown(value)), icon=":material/link_off:")
    st.session_state[_WARNINGS_KEY] = []


def draw_sidebar(options: FilterOptions | None) -> None:
    """The language switch and, when there is data, the filters."""
    with st.sidebar:
        st.radio(
            t("filters.language"),
            i18n.LANGUAGES,
            key=_LANG_KEY,
            format_func={"nl": "Nederlands", "en": "English"}.__getitem__,
            horizontal=True,
        )
        if options is None:
            return
        st.subheader(t("filters.title"))
        everything = t("filters.all")
        for name in FILTER_NAMES:
            # Labels fixed now: a format_func may be called after the run (AppTest does).
            labels: dict[str | None, str] = {None: everything, **dict(options.choices.get(name, ()))}
            st.selectbox(
                t(f"filters.{name}"),
                tuple(labels),
                key=_filter_key(name),
                format_func=labels.__getitem__,
                placeholder=everything,
                help=t("filters.wave_help") if name == "wave" else None,
            )


def write_url() -> None:
    """Put the current filters and language in the URL; other parameters
    (such as ``trainee``) are left alone."""
    wanted = _current_params()
    for key in URL_PARAMS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[_LAST_URL_KEY] = wanted


# --- access -----------------------------------------------------------------------


def allows_persons(page: str) -> bool:
    """Whether this viewer may see persons; if not, says so on the page (management
    sees aggregates only: the overview and the comparison) and records the refusal."""
    if viewer().sees_persons:
        return True
    record_refusal(page, "aggregates_only")
    st.warning(t("access.aggregates_only"), icon=":material/lock:")
    st.page_link(PAGE_FILES[""], label=t("nav.overview"), icon=":material/arrow_forward:")
    st.page_link(PAGE_FILES["vergelijken"], label=t("nav.compare"), icon=":material/arrow_forward:")
    return False


def no_access() -> None:
    """A trainee (or page) outside the viewer's scope: "geen toegang", and nothing about them."""
    st.error(t("access.denied"), icon=":material/lock:")


# --- empty state -------------------------------------------------------------------


def empty_state() -> None:
    """What to do when there is no data yet: import it on the data page."""
    st.info(t("app.empty"), icon=":material/upload_file:")
    st.page_link(PAGE_FILES["gegevens"], label=t("app.empty_link"), icon=":material/arrow_forward:")


# --- uploads on the data page ------------------------------------------------------
# Kept out of the page script so that tests can drive them without a browser.

UPLOAD_TYPES: tuple[str, ...] = ("zip", "xlsx", "graphml")  # graphml: a Network Canvas export
TEMPLATE_PATH = PROJECT_ROOT / "docs" / "template.xlsx"  # every sheet with its columns and a few example rows
# A first look at the sizes a zip declares (cheap, before it is stored); the import
# itself measures what really comes out while it unpacks (dashboard/exchange/bounded.py).
MAX_UNPACKED_BYTES = ImportLimits.from_environment().max_unpacked_bytes


class UploadError(Exception):
    """The uploaded file cannot be read as a dataset; the message is for the user."""


def stage_upload(file_name: str, data: bytes, folder: Path, language: str = i18n.DEFAULT_LANGUAGE) -> Path:
    """Write an uploaded .zip or .xlsx under ``folder`` with its own name (the
    importer reports errors by file name) and return the path to import.
    Raises ``UploadError`` for what cannot be a dataset."""
    shown = PurePosixPath(file_name.replace("\\", "/")).name.strip() or "upload"
    if PurePosixPath(shown).suffix.lower().lstrip(".") not in UPLOAD_TYPES:
        raise UploadError(i18n.t("data.upload.type", language, file=shown))
    try:
        # An .xlsx is a zip too: a workbook can hide a huge sheet just as well.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        if shown.lower().endswith(".zip"):
            raise UploadError(i18n.t("data.upload.bad_zip", language, file=shown)) from exc
        unpacked = 0  # a damaged workbook: the import names it
    if unpacked > MAX_UNPACKED_BYTES:
        raise UploadError(i18n.t("data.upload.too_big", language, file=shown, limit=MAX_UNPACKED_BYTES // 2**20,
                                 env=ImportLimits.env_name("max_unpacked_mb")))
    target = folder / shown
    target.write_bytes(data)
    return target


@dataclass
class UploadOutcome:
    """What an import of an upload did (or, for a dry run, would do)."""

    ok: bool
    written: bool  # True only if the import was committed
    changes: pd.DataFrame  # one row per file: rows read, new, updated
    errors: pd.DataFrame  # one row per error: file, line, column, value, message
    message: str | None = None  # why the upload is no dataset at all (UploadError)


def _changes_frame(result: object, language: str) -> pd.DataFrame:
    """Rows read, inserted and updated per file, with translated headers."""
    counts: Mapping[str, int] = getattr(result, "counts", {})
    inserted: Mapping[str, int] = getattr(result, "inserted", {})
    updated: Mapping[str, int] = getattr(result, "updated", {})
    frame = pd.DataFrame(
        {
            "file": list(counts),
            "rows": [int(counts[f]) for f in counts],
            "inserted": [int(inserted.get(f, 0)) for f in counts],
            "updated": [int(updated.get(f, 0)) for f in counts],
        }
    )
    return frame.rename(columns={c: i18n.t(f"data.written.{c}", language) for c in frame.columns})


def run_upload(
    db: Database, file_name: str, data: bytes, *, replace: bool, dry_run: bool, language: str = i18n.DEFAULT_LANGUAGE,
    who: Viewer | None = None, steps: Callable[..., None] | None = None,
) -> UploadOutcome:
    """Validate (``dry_run``) or import an uploaded zip or workbook, exactly as
    ``python -m dashboard import`` does: any error writes nothing. ``who`` is
    recorded in the audit trail (default: local mode). A Network Canvas export
    (zip or .graphml) is recognised by its file names and always merged.
    ``steps`` gets the import's steps as they happen (``exchange/progress.py``)."""
    from dashboard.exchange import netcanvas
    from dashboard.exchange.importer import errors_frame, import_dataset

    with tempfile.TemporaryDirectory(prefix="constellatiemonitor-upload-") as folder:
        try:
            source = stage_upload(file_name, data, Path(folder), language)
        except UploadError as exc:
            return UploadOutcome(False, False, pd.DataFrame(), pd.DataFrame(), str(exc))
        who = who or LOCAL_VIEWER
        if netcanvas.looks_like_netcanvas(source):
            if replace:
                return UploadOutcome(False, False, pd.DataFrame(), pd.DataFrame(), i18n.t("nc.no_replace", language))
            result = netcanvas.import_export(db, source, dry_run=dry_run, actor=who.actor, role=who.role, steps=steps)
        else:
            result = import_dataset(db, source, replace=replace, dry_run=dry_run, actor=who.actor, role=who.role,
                                    steps=steps)
    if getattr(result, "written", False):
        forget_data_version()  # the data changed within this run
    errors = errors_frame(result, language) if not result.ok else pd.DataFrame()
    return UploadOutcome(bool(result.ok), bool(result.written), _changes_frame(result, language), errors)


# --- triage (issue 17): the patterns, as the overview and the worklist show them ----------


def pattern_table(found: pd.DataFrame) -> pd.DataFrame:
    """The programme's patterns (``analysis.triage.patterns``) for ``st.table``:
    each finding escaped (it names a school or institute from the data) and a
    link to the comparison by its grouping."""
    shown = literal_table(pd.DataFrame({t("worklist.col.pattern"): found["message"]}))
    label = escape_markdown(t("worklist.compare"))
    shown[t("worklist.col.compare")] = [f"[{label}]({page_url('vergelijken', compare_by=by)})"
                                        for by in found["group_by"]]
    return shown
