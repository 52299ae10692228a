"""Signalen (`/signalen`): the worklist ("wie heeft mij deze week nodig?").

The trainees on the attention list in three sections, one per tier (Nu
handelen first, then Bespreken, then Volgen; shared/domain.md, "Triage"),
each with its count and in the domain's order within the tier. Every row
says why in plain language (the reasons for `nu` first), marks what is new
since the trainee's previous wave, and links to the constellation. Filters
for tier, "alleen nieuw" and signal live in the URL (widgets bound to query
parameters), like the sidebar filters. Above the list: the programme's
patterns, once, each with a link to the comparison; the trainees without
data in the evaluated wave ("geen gegevens in deze fase"), so missing data
never reads as good news. Below: the mentor-level signals, naming the mentor
and linking to the trainees concerned (within the viewer's scope).
Downloadable as CSV and Excel with tier, rank and new signals.

Names and messages come from data: the tables are ``st.table`` (it wraps
long reasons, so nothing scrolls sideways) through ``ui.literal_table``,
which escapes every cell; the only Markdown the page writes itself is the
link to a constellation, whose target is an URL-encoded id.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis import SIGNAL_CODES
from dashboard.analysis.triage import TIERS
from dashboard.core.domain import WAVES
from dashboard.core.i18n import tn
from dashboard.web import loaders, ui

MAX_ROWS_PER_TIER = 200
MAX_REASONS_SHOWN = 4
PATTERNS_SHOWN = 3
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_TIERS = "alle"
# URL parameters of this page's own filters (the widgets are bound to them).
TIER_KEY, NEW_KEY, SIGNAL_KEY = "tier", "nieuw", "signaal"


def labels() -> dict[str, dict[str, str]]:
    """Every text the tables need, looked up once per run (not once per row)."""
    names = ("rank", "tier", "trainee_id", "name", "link", "school", "wave", "n_signals", "signals", "new_signals",
             "messages", "new", "reasons", "mentor", "trainee")
    return {
        "column": {name: ui.t(f"worklist.col.{name}") for name in names},
        "code": {code: ui.t(f"signals.code.{code}") for code in SIGNAL_CODES},
        "tier": {tier: ui.t(f"triage.tier.{tier}") for tier in TIERS},
        "wave": {w: ui.t(f"chart.wave.{w}") for w in WAVES},
        "text": {"new": ui.t("worklist.new"), "new_suffix": ui.t("worklist.new_suffix"),
                 "open": ui.t("signals.open")},
    }


def attention_table(found: pd.DataFrame, texts: dict[str, dict[str, str]]) -> pd.DataFrame:
    """The worklist as downloaded: rank, tier, new signals; translated headers and values, lists kept."""
    column, code = texts["column"], texts["code"]
    return pd.DataFrame({
        column["rank"]: found["rank"].astype(int),
        column["tier"]: found["tier"].map(texts["tier"]),
        column["trainee_id"]: found["trainee_id"],
        column["name"]: found["name"],
        column["school"]: found["school_name"],
        column["wave"]: found["wave"].map(texts["wave"]),
        column["n_signals"]: found["n_signals"].astype(int),
        column["signals"]: found["codes"].map(lambda codes: [code.get(c, c) for c in codes]),
        column["new_signals"]: found["new_codes"].map(lambda codes: [code.get(c, c) for c in codes]),
        column["messages"]: found["messages"].map(list),
    })


def _reasons(messages: list[str], new: list[bool], texts: dict[str, dict[str, str]]) -> str:
    """The first reasons (the reasons for `nu` come first), new ones marked, and how many more."""
    shown = [m + (texts["text"]["new_suffix"] if is_new else "") for m, is_new in zip(messages, new)]
    text = " · ".join(shown[:MAX_REASONS_SHOWN])
    if len(shown) > MAX_REASONS_SHOWN:
        text += " " + ui.t("worklist.more", n=len(shown) - MAX_REASONS_SHOWN)
    return text


def _link(url: str, label: str) -> str:
    # Markdown the page writes itself: the label is a fixed text, the URL encodes the id.
    return f"[{ui.escape_markdown(label)}]({url})"


def tier_table(found: pd.DataFrame, texts: dict[str, dict[str, str]]) -> pd.DataFrame:
    """One tier's rows as shown: every data cell escaped, the link added after."""
    column = texts["column"]
    shown = ui.literal_table(pd.DataFrame({
        column["rank"]: found["rank"].astype(int).astype(str),
        column["name"]: found["name"],
        column["school"]: found["school_name"].fillna(""),
        column["new"]: found["new_codes"].map(lambda codes: texts["text"]["new"] if len(codes) else ""),
        column["reasons"]: [_reasons(m, n, texts) for m, n in zip(found["messages"], found["message_is_new"])],
    }))
    if found["school_id"].nunique() <= 1:  # one school in view (a schoolopleider): the column says nothing
        shown = shown.drop(columns=column["school"])
    links = loaders.constellation_links(found["trainee_id"])
    shown[column["link"]] = [_link(url, texts["text"]["open"]) for url in links]
    return shown


_URL_SEEN_KEY = "worklist_url_seen"
_YES = "ja"


def _url_values() -> dict[str, str | None]:
    return {key: st.query_params.get(key) for key in (TIER_KEY, NEW_KEY, SIGNAL_KEY)}


def _adopt_url(present: list[str]) -> None:
    """The URL's tier, nieuw and signaal into the widgets when the session starts
    or a link changed them (as ``ui.sync_from_url`` does for the sidebar);
    unknown values are dropped. A page switch may drop the query string: an
    URL without any of them leaves a running session's choice alone."""
    url = _url_values()
    seen = st.session_state.get(_URL_SEEN_KEY)
    if url == seen or (seen is not None and not any(url.values())):
        return
    st.session_state[TIER_KEY] = url[TIER_KEY] if url[TIER_KEY] in TIERS else ALL_TIERS
    st.session_state[NEW_KEY] = url[NEW_KEY] == _YES
    st.session_state[SIGNAL_KEY] = [code for code in (url[SIGNAL_KEY] or "").split(",") if code in present]


def _write_url(tier: str, new_only: bool, chosen: list[str]) -> None:
    wanted = {TIER_KEY: None if tier == ALL_TIERS else tier, NEW_KEY: _YES if new_only else None,
              SIGNAL_KEY: ",".join(chosen) or None}
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[_URL_SEEN_KEY] = wanted


def page_filters(found: pd.DataFrame, texts: dict[str, dict[str, str]]) -> tuple[str, bool, list[str]]:
    """Tier, "alleen nieuw" and signal, kept in the URL (?tier=nu&nieuw=ja&signaal=no_klik,weak_formal)."""
    present = [code for code in SIGNAL_CODES if any(code in codes for codes in found["codes"])]
    _adopt_url(present)
    counts = found["tier"].value_counts().to_dict()
    tier_label = {ALL_TIERS: ui.t("worklist.all_tiers")}
    tier_label.update({tier: f"{texts['tier'][tier]} ({counts.get(tier, 0)})" for tier in TIERS})
    tier = st.radio(ui.t("worklist.filter_tier"), (ALL_TIERS, *TIERS), format_func=tier_label.__getitem__,
                      horizontal=True, key=TIER_KEY)
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    new_only = left.toggle(ui.t("worklist.filter_new"), key=NEW_KEY)
    code_label = {code: texts["code"].get(code, code) for code in present}
    chosen = right.multiselect(ui.t("signals.filter"), present, format_func=code_label.__getitem__,
                               placeholder=ui.t("signals.filter_placeholder"), key=SIGNAL_KEY)
    tier, new_only, chosen = tier or ALL_TIERS, bool(new_only), list(chosen)
    _write_url(tier, new_only, chosen)
    return tier, new_only, chosen


def narrowed(found: pd.DataFrame, tier: str, new_only: bool, chosen: list[str]) -> pd.DataFrame:
    if tier != ALL_TIERS:
        found = found[found["tier"] == tier]
    if new_only:
        found = found[found["new_codes"].map(len) > 0]
    if chosen:
        wanted = set(chosen)
        found = found[found["codes"].map(lambda codes: not wanted.isdisjoint(codes))]
    return found


def patterns_section(found: pd.DataFrame) -> None:
    """The programme's findings, once, above the list; each links to the comparison of its grouping."""
    if found.empty:
        return
    st.subheader(ui.t("worklist.patterns_title"))
    st.caption(ui.t("worklist.patterns_caption"))
    shown_patterns(found)


def shown_patterns(found: pd.DataFrame) -> None:
    """The largest findings in view; the rest one click away, so the list itself comes soon."""
    st.table(ui.pattern_table(found.head(PATTERNS_SHOWN)), hide_index=True)
    if len(found) > PATTERNS_SHOWN:
        with st.expander(ui.t("worklist.more_patterns", n=len(found) - PATTERNS_SHOWN)):
            st.table(ui.pattern_table(found.iloc[PATTERNS_SHOWN:]), hide_index=True)


def no_data_section(people: pd.DataFrame, texts: dict[str, dict[str, str]]) -> None:
    """The trainees in view without any relationship in the evaluated wave: counted and listed."""
    missing = people[people["wave"].isna()]
    if missing.empty:
        return
    st.warning(ui.t("worklist.no_data", students=tn("triage.students", len(missing), ui.lang())),
               icon=":material/help:")
    with st.expander(ui.t("worklist.no_data_list")):
        column = texts["column"]
        st.dataframe(
            pd.DataFrame({
                column["name"]: missing["name"],
                column["school"]: missing["school_name"],
                column["link"]: loaders.constellation_links(missing["trainee_id"]),
            }).head(MAX_ROWS_PER_TIER),
            hide_index=True,
            column_config={column["link"]: st.column_config.LinkColumn(display_text=texts["text"]["open"])},
            key="worklist_no_data",
        )


def tier_sections(found: pd.DataFrame, tier: str, texts: dict[str, dict[str, str]]) -> None:
    for each in TIERS:
        if tier not in (ALL_TIERS, each):
            continue
        rows = found[found["tier"] == each]
        st.subheader(f"{texts['tier'][each]} · {tn('triage.students', len(rows), ui.lang())}")
        st.caption(ui.t(f"triage.tier_help.{each}"))
        if rows.empty:
            continue
        if len(rows) > MAX_ROWS_PER_TIER:
            st.caption(ui.t("worklist.capped", shown=MAX_ROWS_PER_TIER, total=len(rows)))
        st.table(tier_table(rows.head(MAX_ROWS_PER_TIER), texts), hide_index=True)


def downloads(found: pd.DataFrame, texts: dict[str, dict[str, str]]) -> None:
    # The files are made only when a button is clicked (a national list makes a large workbook).
    sheet = ui.t("signals.sheet")
    left, right = st.columns(2)
    left.download_button(
        ui.t("signals.download_csv"),
        ui.audited_download(lambda: loaders.csv_bytes(attention_table(found, texts)), "signalen.csv"),
        file_name="signalen.csv", mime="text/csv", icon=":material/download:", key="signals_csv", on_click="ignore",
    )
    right.download_button(
        ui.t("signals.download_xlsx"),
        ui.audited_download(lambda: loaders.xlsx_bytes(attention_table(found, texts), sheet), "signalen.xlsx"),
        file_name="signalen.xlsx", mime=XLSX_MIME, icon=":material/download:", key="signals_xlsx", on_click="ignore",
    )


def mentor_section(mentors: pd.DataFrame, texts: dict[str, dict[str, str]]) -> None:
    """Mentor-level signals: the message names the mentor; each trainee concerned is linked."""
    st.subheader(ui.t("signals.mentor_title"))
    st.caption(ui.t("signals.mentor_caption"))
    if mentors.empty:
        st.info(ui.t("signals.mentor_none"))
        return
    column = texts["column"]
    concerned = mentors["trainee_id"].notna()
    links = [""] * len(mentors)
    for position, url in zip(mentors.index[concerned], loaders.constellation_links(mentors.loc[concerned, "trainee_id"])):
        links[mentors.index.get_loc(position)] = _link(url, texts["text"]["open"])
    shown = ui.literal_table(pd.DataFrame({
        column["mentor"]: mentors["message"],
        column["trainee"]: mentors["name"].fillna(""),
    }))
    shown[column["link"]] = links
    # each mentor's own page (issue 13): the label is a fixed text with the escaped id
    shown[ui.t("mentor.col.mentor_page")] = [
        _link(url, ui.t("signals.open_mentor", id=pid))
        for pid, url in zip(mentors["person_id"], loaders.mentor_links(mentors["person_id"]))
    ]
    st.table(shown.head(MAX_ROWS_PER_TIER), hide_index=True)


def render() -> None:
    st.title(ui.t("signals.title"))
    if not ui.has_data():
        ui.empty_state()
        return
    if not ui.allows_persons():
        return
    st.caption(ui.t("worklist.intro"))
    view = loaders.worklist(ui.filters())
    people, found = view["trainees"], view["triage"]
    if people.empty:  # a filter that matches nobody is not "no signals"
        st.info(ui.t("worklist.no_trainees"), icon=":material/filter_alt_off:")
        return
    texts = labels()
    patterns_section(view["patterns"])
    no_data_section(people, texts)
    if found.empty:
        if people["wave"].notna().any():
            st.success(ui.t("signals.none"), icon=":material/check_circle:")
        mentor_section(view["mentors"], texts)
        return
    tier, new_only, chosen = page_filters(found, texts)
    shown = narrowed(found, tier, new_only, chosen)
    st.caption(ui.t("worklist.count", students=tn("triage.students", len(shown), ui.lang()),
                    total=len(found)))
    if shown.empty:
        st.info(ui.t("worklist.none_match"), icon=":material/filter_alt_off:")
    else:
        tier_sections(shown, tier, texts)
        downloads(shown, texts)
    mentor_section(view["mentors"], texts)


render()
