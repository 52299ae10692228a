"""Gegevens (/gegevens): what is loaded, import an upload, download template and export.

An upload goes through the same validation as ``python -m dashboard import``:
first a dry run shows what would happen (or every error), and only an explicit
confirmation writes. Any error writes nothing.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.web import loaders, ui
from dashboard.store.db import DATA_TABLES, DatabaseError, IntegrityError

logger = logging.getLogger("dashboard")

_UPLOAD_COUNTER = "data_upload_generation"  # bumped after an import to empty the uploader
_PREVIEW = "data_preview"
_DONE = "data_import_done"
# Up to this many rows a table is plain text on the page (readable by screen
# readers, copyable); longer ones get the scrolling, searchable grid.
_STATIC_TABLE_ROWS = 200


def _loaded_section() -> None:
    st.header(ui.t("data.loaded.title"))
    db = ui.shared_database()  # counts of the whole file: the beheerder's view
    if not ui.has_data():
        st.info(ui.t("app.empty"), icon=":material/upload_file:")
        return
    counts = db.table_counts()
    table = pd.DataFrame(
        {
            ui.t("data.loaded.table"): [ui.t(f"data.table.{name}") for name in DATA_TABLES],
            ui.t("data.loaded.rows"): [counts.get(name, 0) for name in DATA_TABLES],
        }
    )
    left, right = st.columns([3, 2])
    with left:
        st.table(table, hide_index=True)
    with right:
        cohorts = db.query("web/app/loaded_cohorts")
        st.markdown(f"**{ui.t('data.loaded.cohorts')}**")
        st.table(  # cohort labels are data: st.table would render them as Markdown
            ui.literal_table(cohorts.rename(columns={"cohort": ui.t("filters.cohort"), "trainees": ui.t("data.loaded.trainees")})),
            hide_index=True,
        )
        waves = db.query("web/app/loaded_waves")
        waves["wave"] = [ui.t(f"filters.wave.{w}") for w in waves["wave"]]
        st.markdown(f"**{ui.t('data.loaded.waves')}**")
        st.table(
            waves.rename(
                columns={
                    "wave": ui.t("filters.wave"),
                    "trainees": ui.t("data.loaded.trainees"),
                    "relationships": ui.t("data.loaded.relationships"),
                }
            ),
            hide_index=True,
        )
    last = db.query("web/app/last_import")
    if last.empty:
        st.caption(ui.t("data.loaded.no_import"))
    else:
        row = last.iloc[0]
        st.caption(
            ui.t(
                "data.loaded.last_import",
                when=pd.Timestamp(row["finished_at"]).strftime("%d-%m-%Y %H:%M"),
                source=ui.escape_markdown(Path(str(row["source"])).name),
                mode=ui.t(f"data.mode.{row['mode']}"),
            )
        )


def _preview(file_name: str, data: bytes, replace: bool):
    """The dry run for this file and mode, computed once per file, mode and data version."""
    key = (hashlib.sha256(data).hexdigest(), replace, ui.data_version(), ui.lang())
    cached = st.session_state.get(_PREVIEW)
    if cached is None or cached[0] != key:
        with st.spinner(ui.t("data.import.checking")):
            outcome = ui.run_upload(ui.shared_database(), file_name, data, replace=replace, dry_run=True,
                                    language=ui.lang(), who=ui.viewer())
        cached = (key, outcome)
        st.session_state[_PREVIEW] = cached
    return cached[1]


def _status_steps(status):
    """Each step of the import or export as a plain-text line in ``status`` (names come from the user)."""
    from dashboard.exchange.progress import describe

    language = ui.lang()

    def steps(stage: str, **values: object) -> None:
        status.text(describe(stage, language, **values))

    return steps


def _show_errors(outcome: ui.UploadOutcome) -> None:
    if outcome.message:
        st.error(ui.escape_markdown(outcome.message), icon=":material/error:")  # it names the uploaded file
        return
    st.error(ui.t("data.import.errors", count=len(outcome.errors)), icon=":material/error:")
    errors = outcome.errors.astype(object).fillna("")  # a file-level error has no line: show nothing
    if len(errors) <= _STATIC_TABLE_ROWS:
        st.table(ui.literal_table(errors), hide_index=True)  # values from the upload, shown literally
    else:
        st.dataframe(errors, hide_index=True, width="stretch")


def _import_section() -> None:
    st.header(ui.t("data.import.title"))
    st.markdown(ui.t("data.import.help", mb=ui.MAX_UPLOAD_MB))
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    generation = st.session_state.setdefault(_UPLOAD_COUNTER, 0)
    uploaded = st.file_uploader(
        ui.t("data.import.uploader"),
        type=list(ui.UPLOAD_TYPES),
        key=f"data_upload_{generation}",
        help=ui.t("data.import.uploader_help", mb=ui.MAX_UPLOAD_MB),
    )
    # Labels fixed now: a format_func may be called after the run (AppTest does).
    mode_labels = {m: ui.t(f"data.import.mode_{m}") for m in ("merge", "replace")}
    mode = st.radio(
        ui.t("data.import.mode"),
        tuple(mode_labels),
        format_func=mode_labels.__getitem__,
        key="data_import_mode",
    )
    if uploaded is None:
        return
    data = uploaded.getvalue()
    replace = mode == "replace"
    outcome = _preview(uploaded.name, data, replace)
    if not outcome.ok:
        _show_errors(outcome)
        return
    st.success(ui.t("data.import.preview_ok"), icon=":material/task_alt:")
    if not outcome.changes.empty:
        st.table(outcome.changes, hide_index=True)
    confirmed = True
    if replace:
        st.warning(ui.t("data.import.replace_warning"), icon=":material/warning:")
        confirmed = st.checkbox(ui.t("data.import.confirm_replace"), key="data_confirm_replace")
    if st.button(ui.t("data.import.button"), type="primary", disabled=not confirmed, key="data_import_button"):
        try:
            # The steps as they happen (reading, checking, writing, with counts): a large import takes a while.
            with st.status(ui.t("data.import.running"), expanded=True) as status:
                result = ui.run_upload(ui.shared_database(), uploaded.name, data, replace=replace, dry_run=False,
                                       language=ui.lang(), who=ui.viewer(), steps=_status_steps(status))
                status.update(label=ui.t("data.progress.done"), state="complete" if result.ok else "error")
        except IntegrityError as exc:
            # Refused before commit, nothing written; the message says which key or reference
            # (its values come from the upload, so they are shown literally).
            logger.warning("import of %s from the data page refused: %s", uploaded.name, exc)
            st.error(ui.escape_markdown(exc.message(ui.lang())), icon=":material/error:")
            return
        except DatabaseError:
            # The write was rolled back as a whole; the details are for the server log.
            logger.exception("import of %s from the data page failed", uploaded.name)
            st.error(ui.t("data.import.failed"), icon=":material/error:")
            return
        if not result.ok:
            _show_errors(result)
            return
        logger.info("imported %s (%s) from the data page", uploaded.name, mode)
        st.session_state[_DONE] = ui.t("data.import.done", file=ui.escape_markdown(uploaded.name))
        st.session_state[_UPLOAD_COUNTER] = generation + 1
        st.session_state.pop(_PREVIEW, None)
        st.session_state.pop("data_confirm_replace", None)
        # Cached results are keyed on the data version, which the import changed;
        # rerun so that the sidebar's filters show the new data too.
        st.rerun()


def _export_bytes(kind: str) -> bytes:
    """The whole dataset (only a beheerder gets here); the export records itself
    as a download. Run through ``ui.deferred``: the viewer is the page's."""
    from dashboard.exchange.exporter import export_bytes

    who = ui.viewer()
    if not who.is_beheerder:  # never more than the page offered
        raise PermissionError("the full export is for a beheerder")
    return export_bytes(ui.shared_database(), kind, actor=who.actor, role=who.role)


def _download_section() -> None:
    st.header(ui.t("data.download.title"))
    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buttons = []  # (label, data, file name, mime, icon)
    if ui.TEMPLATE_PATH.is_file():
        buttons.append((ui.t("data.download.template"), ui.TEMPLATE_PATH.read_bytes(),
                        "constellatiemonitor-sjabloon.xlsx", xlsx_mime, ":material/description:"))
    if ui.has_data() and ui.viewer().is_beheerder:
        # Built only when clicked: an export of a large partnership takes a moment.
        buttons.append((ui.t("data.download.xlsx"), ui.deferred(lambda: _export_bytes("xlsx")),
                        "constellatiemonitor.xlsx", xlsx_mime, ":material/download:"))
        buttons.append((ui.t("data.download.zip"), ui.deferred(lambda: _export_bytes("zip")),
                        "constellatiemonitor-csv.zip", "application/zip", ":material/folder_zip:"))
    if not buttons:
        return
    for column, (label, data, file_name, mime, icon) in zip(st.columns(len(buttons)), buttons):
        with column:
            st.download_button(label, data=data, file_name=file_name, mime=mime, icon=icon, on_click="ignore")
    if ui.has_data() and ui.viewer().is_beheerder:
        st.caption(ui.t("data.download.note"))


AUDIT_ROWS_SHOWN = 500


def _audit_section() -> None:
    from dashboard.privacy import audit

    st.header(ui.t("audit.page.title"))
    st.caption(ui.t("audit.page.caption"))
    left, right = st.columns(2)
    labels = {None: ui.t("audit.page.all"), **{a: a for a in audit.ACTIONS}}
    action = left.selectbox(ui.t("audit.page.action"), tuple(labels), format_func=labels.__getitem__,
                            placeholder=ui.t("audit.page.placeholder.action"), key="audit_action")
    since = right.date_input(ui.t("audit.page.since"), value=None, key="audit_since", format="DD-MM-YYYY")
    log = audit.audit_log(ui.shared_database(), since=since, action=action)
    newest = log.iloc[::-1].head(AUDIT_ROWS_SHOWN)
    st.caption(ui.t("audit.page.count", n=len(log), shown=len(newest)))
    st.dataframe(newest, hide_index=True, width="stretch", key="audit_table")
    st.download_button(
        ui.t("audit.page.download_csv"),
        ui.audited_download(lambda: loaders.audit_csv_bytes(log), "auditlog.csv"),
        file_name="auditlog.csv", mime="text/csv", icon=":material/download:", key="audit_csv", on_click="ignore",
    )


st.title(ui.t("nav.data"))
if ui.viewer().is_beheerder:
    _loaded_section()
    st.divider()
    _import_section()
    st.divider()
    _download_section()
    st.divider()
    _audit_section()
else:
    ui.record_refusal("gegevens", "beheerder_only")
    st.info(ui.t("access.beheerder_only"), icon=":material/lock:")
    _download_section()
