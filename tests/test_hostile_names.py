"""Hostile names on every page and in every download (issue 5, "Hardening").

The dataset of ``tests/hostile_fixtures.py`` names trainees, mentors, schools,
institutes, cohorts and programmes ``<img src=x onerror=alert(1)>``,
``=HYPERLINK("http://x","y")``, ``**bold**``, ``[link](http://x)``,
``<b>x</b>``, ``{0}`` and ``$x$``. Every page must show them as the literal
text (Markdown escaped, plotly text as entities, tables verbatim), and every
download must keep a spreadsheet from running them, while the interchange
export stays lossless.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit
from hypothesis import given
from hypothesis import strategies as hst
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from dashboard.web import charts, ui
from dashboard import cli
from dashboard.store.db import PROJECT_ROOT, Database
from dashboard.exchange.exporter import export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import FILES
from dashboard.core.spreadsheet_safety import FORMULA_TRIGGERS
from tests.app_fixtures import *  # noqa: F403
from tests.app_fixtures import make_zip, unfold
from tests.hostile_fixtures import *  # noqa: F403
from tests.hostile_fixtures import (BOLD, BRACES, FORMULA, HOSTILE, HOSTILE_COHORT, HOSTILE_NOTE, HOSTILE_PERSON_ID,
                                    HOSTILE_SOURCE, HOSTILE_TRAINEE, HOSTILE_TRAINEE_ID, LINK, MATH, TAG, XSS,
                                    hostile_tables)

SIGNALS, CONSTELLATION, COMPARE, DATA = (
    "views/signalen.py", "views/constellatie.py", "views/vergelijken.py", "views/gegevens.py")

# --- what "shown literally" means ----------------------------------------------------------------

# Characters that can start Markdown (or Streamlit's own directives: :material/..:, :blue[..], $TeX$)
# or HTML: in text from data each must be backslash-escaped.
MARKDOWN_ACTIVE = frozenset("\\`*_{}[]()#+-.!|<>~$:&")
ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


# What Streamlit's Markdown (remark-gfm: mdast-util-gfm-autolink-literal) links
# without any markup, in the text after escapes are resolved: a URL, a www.
# host, an e-mail address (issue 16). Broader than GFM on purpose.
GFM_AUTOLINK = re.compile(r"(?i)https?://|www\.|[-.\w+]+@[-\w]+(?:\.[-\w]+)+")


def autolinks(source: str) -> list[str]:
    """What Markdown would turn into a link in ``source`` by itself."""
    return GFM_AUTOLINK.findall(markdown_text(source, keep_joiners=True)[0])


def markdown_text(source: str, *, keep_joiners: bool = False) -> tuple[str, list[bool]]:
    """The text CommonMark makes of ``source`` when it holds no markup (backslash
    escapes resolved), and for each character whether it was escaped. The
    invisible WORD JOINERs that break automatic links are left out (they do
    not show), unless ``keep_joiners``."""
    text, escaped = [], []
    i = 0
    while i < len(source):
        if source[i] == ui.WORD_JOINER and not keep_joiners:
            i += 1
            continue
        if source[i] == "\\" and i + 1 < len(source) and source[i + 1] in ASCII_PUNCTUATION:
            text.append(source[i + 1])
            escaped.append(True)
            i += 2
        else:
            text.append(source[i])
            escaped.append(False)
            i += 1
    return "".join(text), escaped


def markdown_occurrences(source: str, literal: str) -> list[bool]:
    """For each place where ``source`` shows ``literal``: whether it shows it as
    plain text (every character that Markdown or HTML could act on is escaped)."""
    text, escaped = markdown_text(source)
    found = []
    start = text.find(literal)
    while start >= 0:
        span = range(start, start + len(literal))
        found.append(all(escaped[i] or text[i] not in MARKDOWN_ACTIVE for i in span))
        start = text.find(literal, start + 1)
    return found


def test_markdown_occurrences_tells_escaped_from_raw():
    assert markdown_occurrences(ui.escape_markdown(XSS), XSS) == [True]
    assert markdown_occurrences(f"**hoog** · {ui.escape_markdown(BOLD)}", BOLD) == [True]
    assert markdown_occurrences(BOLD, BOLD) == [False]
    assert markdown_occurrences(XSS.replace("(", "\\("), XSS) == [False]  # half escaped is not escaped
    assert markdown_occurrences("Anna", XSS) == []


@given(hst.text())
def test_escape_markdown_shows_any_text_literally(text):
    shown, escaped = markdown_text(ui.escape_markdown(text))
    assert shown == text.replace(ui.WORD_JOINER, "")
    assert all(flag or char not in MARKDOWN_ACTIVE for char, flag in zip(shown, escaped))


@given(hst.text(alphabet=hst.sampled_from("hwtps:/.@aZ-_+ \n")))
def test_escape_markdown_leaves_nothing_to_link(text):
    assert autolinks(ui.escape_markdown(text)) == []


def test_autolinks_finds_what_markdown_would_link():
    for bait in LINK_BAIT:
        assert autolinks(bait) and autolinks(ui._MARKDOWN_SPECIAL.sub(r"\\\1", bait))  # escaping alone: linked
        assert autolinks(ui.escape_markdown(bait)) == []
    assert autolinks("Anna de Vries") == [] and autolinks("3.5 uur") == []


@given(hst.text())
def test_plotly_escape_shows_any_text_literally(text):
    safe = charts.escape(text)
    assert html.unescape(safe) == text
    # No tag, no TeX, no hovertemplate placeholder; & only as the start of an entity.
    assert not set("<>$%") & set(safe)
    assert re.fullmatch(r"(?:[^&]|&(?:amp|lt|gt|#36|#37);)*", safe)


# --- what a page shows ----------------------------------------------------------------------------

MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
# The only tags the dashboard itself puts in plotly text (bold, line break, the hover box's name part).
# the dashboard's own tags (the drawing's second label line is a styled span); names are escaped
OWN_PLOTLY_TAG = re.compile(r"</?(?:b|br|extra)>|<span style='[a-zA-Z0-9:;#-]*'>|</span>")
TEMPLATE_KEYS = {"hovertemplate", "texttemplate"}


@dataclass
class Shown:
    """Everything one page run shows, by how the browser treats it."""

    markdown: list[str] = field(default_factory=list)  # sources Streamlit renders as Markdown
    plain: list[str] = field(default_factory=list)  # dataframe cells and headers, widget options: verbatim
    plotly: list[tuple[str, str]] = field(default_factory=list)  # (property, string) of every figure

    def plotly_text(self) -> list[str]:
        """The figures' strings as plotly draws them (entities resolved)."""
        return [html.unescape(OWN_PLOTLY_TAG.sub(" ", value)) for _, value in self.plotly]


def _strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)


def _cells(frame: pd.DataFrame) -> list[str]:
    cells = [str(c) for c in frame.columns] + [str(i) for i in frame.index]
    for column in frame.columns:
        cells += [v for v in frame[column].tolist() if isinstance(v, str)]
    return cells


def shown(app: AppTest) -> Shown:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    found = Shown()
    for kind in MARKDOWN_KINDS:
        found.markdown += [element.value for element in app.get(kind)]
    for table in app.table:  # st.table renders every cell, header included, as Markdown
        found.markdown += _cells(table.value)
    for radio in app.radio:  # radio options are Markdown too
        found.markdown += [str(option) for option in radio.options]
    for frame in app.dataframe:
        found.plain += _cells(frame.value)
    for box in [*app.selectbox, *app.multiselect]:
        found.plain += [str(option) for option in box.options]
    for chart in app.get("plotly_chart"):
        found.plotly += list(_strings(json.loads(chart.proto.spec)))
    return found


def assert_safe(page: Shown) -> None:
    """No Markdown element shows a hostile string as markup; no figure holds a tag,
    TeX or a placeholder that came from data."""
    for source in page.markdown:
        for literal in HOSTILE:
            assert all(markdown_occurrences(source, literal)), f"{literal!r} is markup in {source!r}"
        assert not [link for link in autolinks(source) if "evil" in source], f"a link from data in {source!r}"
    for cell in page.plain:  # tables and options show text as it is: escaping there would show backslashes
        assert not any(ui.escape_markdown(literal) in cell for literal in HOSTILE), cell
    for key, value in page.plotly:
        assert "&amp;lt;" not in value and "&amp;#" not in value, f"{key}: escaped twice: {value!r}"
        assert "<" not in OWN_PLOTLY_TAG.sub("", value), f"{key}: {value!r}"
        assert ">" not in OWN_PLOTLY_TAG.sub("", value), f"{key}: {value!r}"
        assert "$" not in value, f"{key}: {value!r}"  # two of them make plotly try TeX
        if key not in TEMPLATE_KEYS:
            assert "%{" not in value, f"{key}: {value!r}"
        else:  # the only placeholders are the dashboard's own
            assert all(re.fullmatch(r"(x|y|z|text|hovertext|customdata\[\d\])(:[^}]*)?", p)
                       for p in re.findall(r"%\{([^}]*)\}", value)), value


def assert_shows(page: Shown, literal: str, *, markdown: bool = False, plain: bool = False, plotly: bool = False) -> None:
    """``literal`` is on the page as text in the named kinds of element."""
    if markdown:
        assert any(any(markdown_occurrences(s, literal)) for s in page.markdown), f"{literal!r} not in Markdown"
    if plain:
        assert any(literal in cell for cell in page.plain), f"{literal!r} not in tables or options"
    if plotly:
        assert any(literal in text for text in page.plotly_text()), f"{literal!r} not in a figure"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes] | bytes]:
    """Every download button a page run draws: file name -> its data (or the
    callable that makes it when clicked), exactly as the page passed it."""
    found: dict[str, Callable[[], bytes] | bytes] = {}
    original = DeltaGenerator.download_button

    def recording(self, label, data=None, *args, **kwargs):
        found[kwargs.get("file_name") or str(label)] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", recording)
    # st.download_button is bound to the main container at import time.
    monkeypatch.setattr(streamlit, "download_button", lambda *a, **k: recording(streamlit._main, *a, **k))
    return found


def _data(value: Callable[[], bytes] | bytes) -> bytes:
    return value() if callable(value) else value


# --- the pages ----------------------------------------------------------------------------------------


def test_serve_keeps_xsrf_on_limits_uploads_and_turns_off_the_grids_own_download():
    from dashboard.web import server

    command = server.streamlit_command()
    options = dict(zip(command[5::2], command[6::2]))
    assert options["--server.enableXsrfProtection"] == "true"
    assert options["--server.maxUploadSize"] == str(server.MAX_UPLOAD_MB) == str(ui.MAX_UPLOAD_MB)
    # st.dataframe's toolbar CSV is made in the browser: no apostrophes, no audit row.
    assert options["--client.disableDataExport"] == "true"


def test_no_page_or_helper_allows_html():
    offenders = []
    for path in (PROJECT_ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("unsafe_allow_html", "st.html(", "components.v1", "st.components"):
            if needle in text:
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}: {needle}")
    assert offenders == []


def test_overview_shows_hostile_names_literally(run_app, hostile_db_path):
    app = run_app(hostile_db_path, school="HS1")  # HS1 is named XSS; its trainees HT1..HT4
    page = shown(app)
    assert_safe(page)
    for name in (XSS, FORMULA, BOLD, LINK):  # the trainees of the school, in the table and the heatmap
        assert_shows(page, name, plain=True, plotly=True)
    assert_shows(page, XSS, plain=True)  # the school, in the sidebar and the coverage table
    other = shown(run_app(hostile_db_path, school="HS2"))
    assert_safe(other)
    for name in (TAG, BRACES, MATH, "@SUM(A1)"):  # the trainees of the other school
        assert_shows(other, name, plain=True, plotly=True)
    # Every grouping puts other hostile labels on the heatmap's axis.
    expected = {"institute": (TAG, FORMULA), "cohort": (HOSTILE_COHORT, XSS), "programme": (BOLD, LINK)}
    for by, labels in expected.items():
        app.radio(key="overview_by").set_value(by).run()
        page = shown(app)
        assert_safe(page)
        for label in labels:
            assert_shows(page, label, plotly=True)


def test_signals_show_hostile_names_literally(run_app, hostile_db_path):
    # The worklist's tables are st.table (they wrap long reasons): every cell is Markdown, escaped.
    page = shown(run_app(hostile_db_path, SIGNALS, school="HS1"))
    assert_safe(page)
    for name in (XSS, FORMULA, BOLD, LINK):  # trainees, the school, mentors in the messages
        assert_shows(page, name, markdown=True)
    messages = [markdown_text(cell)[0] for cell in page.markdown if "geen klik" in markdown_text(cell)[0]]
    assert any(XSS in m for m in messages)  # the mentor-level signal names the mentor and the cohort
    assert any(f"cohort {HOSTILE_COHORT}" in m for m in messages)
    other = shown(run_app(hostile_db_path, SIGNALS, school="HS2"))  # the other school: {0}, $x$, <b>x</b>
    assert_safe(other)
    for name in (TAG, BRACES, MATH, "@SUM(A1)"):  # trainees and mentors in the worklist
        assert_shows(other, name, markdown=True)
    assert_shows(other, FORMULA, plain=True)  # the school: one school in view, so only in the sidebar filter
    # no second str.format of a name with braces (norm v2: the zwak schoolopleider meets the norm; the
    # sentence that names them is the single point of failure)
    assert any(f"schoolopleider {BRACES}." in markdown_text(cell)[0] for cell in other.markdown)


def test_constellation_shows_hostile_names_literally(run_app, hostile_db_path):
    app = unfold(run_app(hostile_db_path, CONSTELLATION, trainee=HOSTILE_TRAINEE, cohort=HOSTILE_COHORT))
    page = shown(app)
    assert_safe(page)
    assert markdown_occurrences(app.subheader[0].value, XSS) == [True]  # the trainee's name as heading
    for label in (XSS, TAG, HOSTILE_COHORT):  # school, institute, cohort in the caption
        assert_shows(page, label, markdown=True)
    for name in (XSS, FORMULA, TAG):  # mentors named in the signals
        assert_shows(page, name, markdown=True)
    for name in (XSS, FORMULA, TAG, BOLD):  # trainee and mentors in the picture and the tables
        assert_shows(page, name, plain=True, plotly=True)
    assert_shows(page, HOSTILE_NOTE, plain=True, plotly=True)  # the contact note in the table and the hover
    hover = [value for key, value in page.plotly if key == "hovertext"]
    assert any(charts.escape(HOSTILE_NOTE) in value for value in hover)


def test_link_bait_is_text_on_the_constellation_and_the_signals(run_app, hostile_db_path):
    """Issue 16: names and notes holding URLs, www. hosts, e-mail addresses or
    Markdown links became clickable links (escaping alone does not stop
    Markdown's automatic links)."""
    app = unfold(run_app(hostile_db_path, CONSTELLATION, trainee="HT9"))
    page = shown(app)
    assert_safe(page)
    assert markdown_occurrences(app.subheader[0].value, WWW_BAIT) == [True]  # the trainee's name as heading
    assert autolinks(app.subheader[0].value) == []
    for name in (MAIL_BAIT, URL_BAIT):  # the mentors named in the signals (Markdown), table and picture
        assert_shows(page, name, markdown=True, plain=True, plotly=True)
    for note in (URL_BAIT, MDLINK_BAIT):  # the contact notes in the table and the hover
        assert_shows(page, note, plain=True, plotly=True)
    # Near miss: the same heading escaped the way it was before issue 16 would be linked.
    assert autolinks(ui._MARKDOWN_SPECIAL.sub(r"\\\1", WWW_BAIT))
    signals = shown(run_app(hostile_db_path, SIGNALS, school="HS2"))
    assert_safe(signals)
    for name in (WWW_BAIT, MDLINK_BAIT):  # the trainees of the worklist (a Markdown table) or its grid
        assert any(markdown_occurrences(source, name) for source in signals.markdown) or any(
            name in cell for cell in signals.plain), name


def test_constellation_of_a_trainee_whose_id_is_a_formula(run_app, hostile_db_path):
    page = shown(unfold(run_app(hostile_db_path, CONSTELLATION, trainee=HOSTILE_TRAINEE_ID)))
    assert_safe(page)
    assert_shows(page, "@SUM(A1)", markdown=True, plotly=True)
    assert_shows(page, HOSTILE_TRAINEE_ID, markdown=True)  # the id in the caption
    for name in (MATH, "-1+2"):  # mentors: TeX and a formula
        assert_shows(page, name, plain=True, plotly=True)
    assert_shows(page, XSS, plain=True)  # a contact note


def test_compare_shows_hostile_group_names_literally(run_app, hostile_db_path):
    app = run_app(hostile_db_path, COMPARE, cohort=HOSTILE_COHORT)
    expected = {"school": (XSS, FORMULA), "institute": (TAG, FORMULA), "programme": (BOLD, LINK, MATH)}
    for by, names in expected.items():
        app.radio(key="compare_by").set_value(by).run()
        page = shown(app)
        assert_safe(page)
        assert len(app.get("plotly_chart")) >= 1
        for name in names:
            assert_shows(page, name, plain=True, plotly=True)
    by_cohort = run_app(hostile_db_path, COMPARE, school="HS1")
    by_cohort.radio(key="compare_by").set_value("cohort").run()
    page = shown(by_cohort)
    assert_safe(page)
    for name in (HOSTILE_COHORT, XSS):
        assert_shows(page, name, plain=True, plotly=True)


def test_data_page_shows_hostile_labels_literally(run_app, hostile_db_path):
    page = shown(run_app(hostile_db_path, DATA))
    assert_safe(page)
    for cohort in (HOSTILE_COHORT, XSS):  # st.table renders Markdown: the cells are escaped
        assert_shows(page, cohort, markdown=True)
    assert_shows(page, HOSTILE_SOURCE, markdown=True)  # the folder of the last import


def test_unknown_hostile_filter_values_in_the_url_are_shown_literally(run_app, hostile_db_path):
    app = run_app(hostile_db_path, cohort=BOLD, school=LINK)  # neither is a cohort or a school id
    page = Shown(markdown=[w.value for w in app.warning])
    assert_safe(page)
    for value in (BOLD, LINK):
        assert_shows(page, value, markdown=True)


def test_upload_errors_show_hostile_values_and_file_names_literally(run_app, hostile_db_copy):
    def upload(app: AppTest, name: str, data: bytes) -> None:
        app.file_uploader[0].set_value((name, data, "application/zip")).run()
        assert not app.exception

    bad = hostile_tables()
    bad["relationships"].loc[0, "strength"] = BOLD
    bad["relationships"].loc[1, "klik"] = XSS
    files = {}
    for name, frame in bad.items():
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        files[f"{name}.csv"] = buffer.getvalue()
    app = run_app(hostile_db_copy, page=DATA)
    upload(app, "gegevens.zip", make_zip(files))
    errors = app.table[-1].value
    page = Shown(markdown=_cells(errors))
    assert_safe(page)
    for value in (BOLD, XSS):
        assert_shows(page, value, markdown=True)

    app = run_app(hostile_db_copy, page=DATA)
    name = f"{BOLD} {MATH}.zip"  # (a "/" in a file name would leave only its last part)
    upload(app, name, b"no zip at all")
    page = Shown(markdown=[e.value for e in app.error])
    assert_safe(page)
    assert_shows(page, name, markdown=True)


# --- uploads are checked on the server --------------------------------------------------------------


def _damaged_zip(kind: str) -> bytes:
    """The small dataset as a zip whose schools.csv is damaged (bad CRC) or marked encrypted."""
    from tests.app_fixtures import SMALL_DATASET

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in SMALL_DATASET.items():  # schools.csv first
            archive.writestr(name, text)
    data = bytearray(buffer.getvalue())
    if kind == "crc":
        data[data.find(b"ZS1,Zonnewijzer")] ^= 0xFF
    else:  # the "encrypted" flag of the first member, in its local and its central header
        data[data.find(b"PK\x03\x04") + 6] |= 0x1
        data[data.find(b"PK\x01\x02") + 8] |= 0x1
    return bytes(data)


@pytest.mark.parametrize("kind", ["crc", "encrypted"])
def test_a_damaged_zip_gets_a_message_not_an_exception(hostile_db_copy, kind):
    with Database(hostile_db_copy) as db:
        outcome = ui.run_upload(db, "kapot.zip", _damaged_zip(kind), replace=False, dry_run=True)
    assert not outcome.ok and not outcome.written
    assert "kapot.zip" in set(outcome.errors.iloc[:, 0])
    assert any("schools.csv" in str(message) for message in outcome.errors.iloc[:, -1])


def test_a_workbook_that_unpacks_too_big_is_refused(tmp_path, monkeypatch):
    workbook = openpyxl.Workbook()
    workbook.active.append(["x" * 2000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    monkeypatch.setattr(ui, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ui.UploadError, match="te veel of te grote"):
        ui.stage_upload("groot.xlsx", buffer.getvalue(), tmp_path)
    # A damaged workbook is left to the import, which names it.
    assert ui.stage_upload("kapot.xlsx", b"no workbook", tmp_path).name == "kapot.xlsx"


# --- downloads ---------------------------------------------------------------------------------------


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    # A Dutch download separates with ';' (an English one with ','): read it with its own separator.
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") > text.split("\r\n", 1)[0].count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]


def xlsx_cells(data: bytes) -> list[object]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                cells.append(cell.value)
    return cells


def _number(text: str) -> bool:
    """A number written by a CSV report (``-0.5``): a spreadsheet reads it as a number, not a formula."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_neutralised(cells: list[object], *formulas: str) -> None:
    """No text cell starts like a formula; each of ``formulas`` is there with its apostrophe."""
    texts = [c for c in cells if isinstance(c, str)]
    running = [c for c in texts if c.startswith(FORMULA_TRIGGERS) and not _number(c)]
    assert running == [], running
    for formula in formulas:
        assert "'" + formula in texts, f"'{formula} not in the download"


def test_signal_downloads_neutralise_formulas(run_app, hostile_db_copy, downloads):
    shown(run_app(hostile_db_copy, SIGNALS))
    assert {"signalen.csv", "signalen.xlsx"} <= set(downloads)
    for name, data in downloads.items():
        content = _data(data)
        cells = csv_cells(content) if name.endswith(".csv") else xlsx_cells(content)
        if name.startswith("signalen"):
            assert_neutralised(cells, FORMULA, "@SUM(A1)", HOSTILE_TRAINEE_ID)
            for literal in (XSS, BOLD, LINK, TAG, BRACES, MATH):  # harmless in a spreadsheet: as they are
                assert literal in cells
        else:  # downloads other pages add later are held to the same rule
            assert_neutralised(cells)


@pytest.mark.parametrize(("page", "radio"), [(None, "overview_by"), (COMPARE, "compare_by")])
def test_group_downloads_neutralise_formulas(run_app, hostile_db_copy, downloads, page, radio):
    """Whatever the overview and the comparison offer to download per group (schools, cohorts)."""
    app = run_app(hostile_db_copy, page)
    for by in ("school", "cohort"):  # a school and a cohort are named FORMULA
        downloads.clear()
        app.radio(key=radio).set_value(by).run()
        shown(app)
        for name, data in downloads.items():
            content = _data(data)
            if name.endswith((".csv", ".xlsx")):
                assert_neutralised(csv_cells(content) if name.endswith(".csv") else xlsx_cells(content), FORMULA)


def _imported_back(tmp_path: Path, source: Path) -> dict[str, pd.DataFrame]:
    with Database(tmp_path / f"back-{source.name}.duckdb") as db:
        result = import_dataset(db, source)
        assert result.ok, [e.message("en") for e in result.errors][:5]
        return {name: frame for name, frame in export_tables(db).items()}


def assert_same_names(tables: dict[str, pd.DataFrame]) -> None:
    """The interchange tables (as exported, with apostrophes) hold exactly the names typed."""
    from dashboard.core.spreadsheet_safety import restore_formulas

    original = hostile_tables()
    for name, key in (("trainees", "trainee_id"), ("people", "person_id"), ("schools", "school_id"),
                      ("institutes", "institute_id")):
        got = restore_formulas(tables[name]).set_index(key)
        want = original[name].set_index(key)
        for column in ("name", "cohort", "programme"):
            if column in want.columns:
                assert got.loc[want.index, column].tolist() == want[column].tolist(), (name, column)
    notes = restore_formulas(tables["relationships"])["contact_note"]
    assert set(original["relationships"]["contact_note"]) == set(notes)


def test_data_page_exports_are_neutralised_and_lossless(run_app, hostile_db_copy, downloads, tmp_path):
    shown(run_app(hostile_db_copy, DATA))
    files = {name: _data(data) for name, data in downloads.items() if name.startswith("constellatiemonitor")}
    assert {"constellatiemonitor.xlsx", "constellatiemonitor-csv.zip"} <= set(files)
    workbook = files["constellatiemonitor.xlsx"]
    assert_neutralised(xlsx_cells(workbook), FORMULA, HOSTILE_TRAINEE_ID, HOSTILE_PERSON_ID, "@SUM(A1)", "-1+2")
    archive = zipfile.ZipFile(io.BytesIO(files["constellatiemonitor-csv.zip"]))
    zipped = [c for member in archive.namelist() for c in csv_cells(archive.read(member))]
    assert_neutralised(zipped, FORMULA, HOSTILE_TRAINEE_ID, HOSTILE_PERSON_ID, "@SUM(A1)", "-1+2", HOSTILE_NOTE)
    # Import of the export gives every name back exactly, and exporting again the same files.
    (tmp_path / "export.xlsx").write_bytes(workbook)
    (tmp_path / "export.zip").write_bytes(files["constellatiemonitor-csv.zip"])
    for source in (tmp_path / "export.xlsx", tmp_path / "export.zip"):
        again = _imported_back(tmp_path, source)
        assert_same_names(again)
        with Database(hostile_db_copy) as db:
            first = export_tables(db)
        for spec in FILES:
            assert again[spec.name].equals(first[spec.name]), spec.name


def test_audit_download_neutralises_formulas(run_app, hostile_db_copy, downloads):
    shown(run_app(hostile_db_copy, CONSTELLATION, trainee=HOSTILE_TRAINEE_ID))  # audited: subject "=T8"
    shown(run_app(hostile_db_copy, DATA))
    assert_neutralised(csv_cells(_data(downloads["auditlog.csv"])), HOSTILE_TRAINEE_ID)


# --- the command line -------------------------------------------------------------------------------


def run_cli(capsys, *argv: str) -> str:
    capsys.readouterr()
    assert cli.main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", [
    ["flags"], ["coverage"], ["coverage", "--by", "cohort"], ["coverage", "--by", "school"], ["measures"],
])
def test_cli_csv_reports_neutralise_formulas(capsys, hostile_db_copy, command):
    out = run_cli(capsys, *command, "--db", str(hostile_db_copy), "--format", "csv")
    cells = csv_cells(out.encode("utf-8"))
    expected = {"flags": (HOSTILE_TRAINEE_ID, HOSTILE_PERSON_ID), "measures": (HOSTILE_TRAINEE_ID,)}
    if command == ["coverage", "--by", "cohort"]:
        assert_neutralised(cells, HOSTILE_COHORT)
    elif command == ["coverage"]:
        assert_neutralised(cells, HOSTILE_TRAINEE_ID)
    else:
        assert_neutralised(cells, *expected.get(command[0], ()))
    if command == ["flags"]:  # messages name the mentors literally
        assert any(XSS in c for c in cells) and any(FORMULA in c for c in cells)


def test_cli_json_reports_keep_names_exactly(capsys, hostile_db_copy):
    out = run_cli(capsys, "flags", "--db", str(hostile_db_copy), "--format", "json")
    records = json.loads(out)
    assert HOSTILE_TRAINEE_ID in {r["trainee_id"] for r in records}  # JSON is no spreadsheet: exact
    assert any(f"Werkplekbegeleider {FORMULA}:" in r["message"] for r in records)


def test_cli_audit_csv_neutralises_formulas(capsys, hostile_db_copy):
    run_cli(capsys, "person", "export", HOSTILE_TRAINEE_ID, "--db", str(hostile_db_copy))  # audited
    out = run_cli(capsys, "audit", "--db", str(hostile_db_copy), "--format", "csv")
    assert_neutralised(csv_cells(out.encode("utf-8")), HOSTILE_TRAINEE_ID)


def test_person_export_json_is_exact_and_xlsx_neutralised(capsys, hostile_db_copy, tmp_path):
    document = json.loads(run_cli(capsys, "person", "export", HOSTILE_TRAINEE, "--db", str(hostile_db_copy)))
    assert document["trainee"][0]["name"] == XSS
    assert document["trainee"][0]["cohort"] == HOSTILE_COHORT
    assert HOSTILE_NOTE in {r["contact_note"] for r in document["relationships"]}
    workbook = tmp_path / "inzage.xlsx"
    run_cli(capsys, "person", "export", HOSTILE_TRAINEE, "--out", str(workbook), "--db", str(hostile_db_copy))
    cells = xlsx_cells(workbook.read_bytes())
    assert_neutralised(cells, HOSTILE_COHORT, HOSTILE_NOTE)
    assert XSS in cells and BOLD in cells
    mentor = tmp_path / "mentor.xlsx"
    run_cli(capsys, "person", "export", "HP1", "--out", str(mentor), "--db", str(hostile_db_copy))
    assert_neutralised(xlsx_cells(mentor.read_bytes()), FORMULA)
    other = tmp_path / "t8.xlsx"
    run_cli(capsys, "person", "export", HOSTILE_TRAINEE_ID, "--out", str(other), "--db", str(hostile_db_copy))
    assert_neutralised(xlsx_cells(other.read_bytes()), HOSTILE_TRAINEE_ID, "@SUM(A1)", HOSTILE_PERSON_ID)


@pytest.mark.parametrize("out", ["folder", "export.xlsx"])
def test_cli_export_is_neutralised_and_import_gives_the_names_back(capsys, hostile_db_path, tmp_path, out):
    target = tmp_path / out
    run_cli(capsys, "export", str(target), "--db", str(hostile_db_path))
    if target.suffix == ".xlsx":
        cells = xlsx_cells(target.read_bytes())
    else:
        cells = [c for spec in FILES for c in csv_cells((target / spec.file_name).read_bytes())]
    assert_neutralised(cells, FORMULA, HOSTILE_TRAINEE_ID, HOSTILE_PERSON_ID, "@SUM(A1)", "-1+2", HOSTILE_NOTE)
    assert_same_names(_imported_back(tmp_path, target))
