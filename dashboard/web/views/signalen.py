"""Signalen (`/signalen`): the attention list.

One row per trainee with their signals in plain language and the highest
severity, sorted by severity; filterable by signal; each row links to the
trainee's constellation. Mentor-level signals in their own section.
Downloadable as CSV and Excel.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.web import loaders, ui
from dashboard.analysis import SEVERITIES, SIGNAL_CODES
from dashboard.core.domain import WAVES

MAX_ROWS_SHOWN = 2000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("trainee_id", "name", "link", "school", "wave", "severity", "n_signals", "signals", "messages")


def labels() -> dict[str, dict[str, str]]:
    """Every text the tables need, looked up once per run (not once per row)."""
    return {
        "column": {name: ui.t(f"signals.col.{name}") for name in (*COLUMNS, "signal", "message", "person_id")},
        "code": {code: ui.t(f"signals.code.{code}") for code in SIGNAL_CODES},
        "severity": {s: ui.t(f"signals.severity.{s}") for s in SEVERITIES},
        "wave": {w: ui.t(f"chart.wave.{w}") for w in WAVES},
    }


def attention_table(summary: pd.DataFrame, texts: dict[str, dict[str, str]]) -> pd.DataFrame:
    """The attention list as downloaded: translated headers and values, lists kept."""
    column, code = texts["column"], texts["code"]
    return pd.DataFrame({
        column["trainee_id"]: summary["trainee_id"],
        column["name"]: summary["name"],
        column["school"]: summary["school_name"],
        column["wave"]: summary["wave"].map(texts["wave"]),
        column["severity"]: summary["max_severity"].map(texts["severity"]),
        column["n_signals"]: summary["n_signals"].astype(int),
        column["signals"]: summary["codes"].map(lambda codes: [code.get(c, c) for c in codes]),
        column["messages"]: summary["messages"].map(list),
    })


def trainee_section(summary: pd.DataFrame, texts: dict[str, dict[str, str]]) -> None:
    if summary.empty:
        st.success(ui.t("signals.none"), icon=":material/check_circle:")
        return
    present = sorted({code for codes in summary["codes"] for code in codes})
    chosen = st.multiselect(
        ui.t("signals.filter"), present, format_func=lambda c: texts["code"].get(c, c),
        placeholder=ui.t("signals.filter_placeholder"), key="signals_filter",
    )
    if chosen:
        wanted = set(chosen)
        summary = summary[summary["codes"].map(lambda codes: not wanted.isdisjoint(codes))]
    st.caption(ui.t("signals.count", n=len(summary)))
    if len(summary) > MAX_ROWS_SHOWN:
        st.caption(ui.t("signals.capped", shown=MAX_ROWS_SHOWN, total=len(summary)))
    column = texts["column"]
    shown = attention_table(summary.head(MAX_ROWS_SHOWN), texts)
    shown.insert(2, column["link"], loaders.constellation_links(shown[column["trainee_id"]]))
    shown[column["signals"]] = shown[column["signals"]].map(", ".join)
    shown[column["messages"]] = shown[column["messages"]].map(" · ".join)
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            column["link"]: st.column_config.LinkColumn(display_text=ui.t("signals.open")),
            column["messages"]: st.column_config.TextColumn(width="large"),
        },
        key="signals_table",
    )
    # The files are made only when a button is clicked (a national list makes a large workbook).
    sheet = ui.t("signals.sheet")
    left, right = st.columns(2)
    left.download_button(
        ui.t("signals.download_csv"),
        ui.audited_download(lambda: loaders.csv_bytes(attention_table(summary, texts)), "signalen.csv"),
        file_name="signalen.csv", mime="text/csv", icon=":material/download:", key="signals_csv", on_click="ignore",
    )
    right.download_button(
        ui.t("signals.download_xlsx"),
        ui.audited_download(lambda: loaders.xlsx_bytes(attention_table(summary, texts), sheet), "signalen.xlsx"),
        file_name="signalen.xlsx", mime=XLSX_MIME, icon=":material/download:", key="signals_xlsx", on_click="ignore",
    )


def mentor_section(mentor: pd.DataFrame, texts: dict[str, dict[str, str]]) -> None:
    st.subheader(ui.t("signals.mentor_title"))
    st.caption(ui.t("signals.mentor_caption"))
    if mentor.empty:
        st.info(ui.t("signals.mentor_none"))
        return
    column = texts["column"]
    st.dataframe(
        pd.DataFrame({
            column["person_id"]: mentor["person_id"],
            column["signal"]: mentor["code"].map(texts["code"]),
            column["severity"]: mentor["severity"].map(texts["severity"]),
            column["wave"]: mentor["wave"].map(texts["wave"]).fillna(""),
            column["message"]: mentor["message"],
        }).head(MAX_ROWS_SHOWN),
        hide_index=True,
        key="signals_mentor_table",
    )


def render() -> None:
    st.title(ui.t("signals.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    if not ui.allows_persons("signalen"):
        return
    st.caption(ui.t("signals.intro"))
    summary, mentor = loaders.attention(ui.filters())
    texts = labels()
    trainee_section(summary, texts)
    mentor_section(mentor, texts)


render()
