"""The four analysis pages in Streamlit's AppTest, on the sample data.

Every test also checks that no exception and no error message reached the
page (the app's error boundary turns exceptions into ``st.error``).
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from dashboard.core.spreadsheet_safety import workbook_text
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import analysis
from dashboard.web import loaders
from dashboard.analysis import Filters
from dashboard.store.db import Database
from tests.app_fixtures import *  # noqa: F403

XSS = "<img src=x onerror=alert(1)>"
OVERVIEW, SIGNALS, CONSTELLATION, COMPARE = (
    "views/overzicht.py", "views/signalen.py", "views/constellatie.py", "views/vergelijken.py")


@pytest.fixture(scope="module")
def sample(sample_db_path):
    """Answers computed directly by the analysis, to compare the pages with."""
    # Read-write like the app: DuckDB refuses a second configuration in one process.
    with Database(sample_db_path) as db:
        people = analysis.trainees(db)
        return {
            "trainees": people,
            "summary": analysis.trainee_signals_summary(db),
            "schools": analysis.filter_options(db)["schools"],
            "school_trainees": people.groupby("school_id").size().to_dict(),
        }


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def metric(app: AppTest, label: str) -> str:
    found = [m.value for m in app.metric if m.label == label]
    assert found, f"no metric {label!r}; have {[m.label for m in app.metric]}"
    return found[0]


def plotly_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def select(app: AppTest, label: str, *, sidebar: bool = False):
    boxes = app.sidebar.selectbox if sidebar else app.selectbox
    found = [s for s in boxes if s.label == label]
    assert found, f"no selectbox {label!r}; have {[s.label for s in boxes]}"
    return found[0]


# --- Overzicht ---------------------------------------------------------------------


def test_overview_headline_heatmap_and_tables(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path))
    assert len(plotly_specs(app)) == 1  # no group chosen yet: only the functions x schools heatmap
    school_id, school_name = sample["schools"][0]
    select(app, "Kies een school").set_value(school_id).run()
    ok(app)
    assert app.title[0].value == "Overzicht"
    assert metric(app, "Studenten in beeld") == str(len(sample["trainees"]))
    assert metric(app, "Studenten met een signaal") == str(len(sample["summary"]))
    assert metric(app, "Alle functies sterk gedekt").endswith("%")
    specs = plotly_specs(app)
    assert len(specs) == 2  # functions x schools, and trainees x functions of the chosen school
    heat = specs[0]["data"][0]
    assert heat["type"] == "heatmap"
    assert sorted(heat["x"]) == sorted(name for _, name in sample["schools"])
    assert "gastheer" in heat["y"]
    # issue 17 puts the further patterns and the counts per signal in expanders above the tables
    assert [e.label for e in app.expander if e.label == "Tabel"] == ["Tabel", "Tabel"]
    rows = specs[1]["data"][0]["y"]
    assert len(rows) == min(sample["school_trainees"][school_id], 60)


def test_overview_trainee_table_holds_each_trainees_levels(run_app, sample_db_path, sample):
    """The table under the trainee heatmap: a row per trainee of the chosen school (name order),
    its constellation link, then one column per function (taxonomy order) with the level."""
    school_id, _ = sample["schools"][0]
    app = ok(run_app(sample_db_path, school=school_id))
    table = next(d.value for d in app.dataframe if "Student" in d.value.columns)
    with Database(sample_db_path) as db:
        levels = analysis.coverage(db, analysis.Filters(school=school_id))
        taxonomy = analysis.functions(db)
    names = dict(zip(sample["trainees"]["trainee_id"], sample["trainees"]["name"]))
    ids = sorted(set(levels["trainee_id"]), key=lambda tid: (str(names[tid]).lower(), tid))
    assert list(table["Student"]) == [names[tid] for tid in ids]
    assert [link.split("trainee=")[1].split("&")[0] for link in table["Constellatie"]] == ids
    labels = dict(zip(taxonomy["code"], taxonomy["label_nl"]))
    codes = [code for code in taxonomy["code"] if code in set(levels["function"])]
    assert list(table.columns[2:]) == [labels[code] for code in codes]
    expected = levels.set_index(["trainee_id", "function"])["level"]
    for row, tid in zip(table.itertuples(index=False), ids):
        assert list(row[2:]) == [expected[(tid, code)] for code in codes]


def test_overview_filter_from_url_and_widget(run_app, sample_db_path, sample):
    school_id, _ = sample["schools"][0]
    expected = str(sample["school_trainees"][school_id])
    app = ok(run_app(sample_db_path, school=school_id))
    assert metric(app, "Studenten in beeld") == expected
    app = ok(run_app(sample_db_path))
    select(app, "School", sidebar=True).set_value(school_id).run()
    ok(app)
    assert metric(app, "Studenten in beeld") == expected
    specs = plotly_specs(app)
    assert len(specs[0]["data"][0]["x"]) == 1
    assert len(specs) == 2  # the one school in view is chosen at once


def test_overview_formal_only_toggle_lowers_or_keeps_coverage(run_app, sample_db_path):
    app = ok(run_app(sample_db_path))
    before = int(metric(app, "Alle functies sterk gedekt").rstrip("%"))
    app.toggle(key="overview_formal_only").set_value(True).run()
    ok(app)
    after = int(metric(app, "Alle functies sterk gedekt").rstrip("%"))
    assert after <= before
    assert any("alleen formele relaties" in c.value for c in app.caption)
    assert next(m for m in app.metric if m.label == "Alle functies sterk gedekt").proto.delta


def test_overview_group_by_institute_and_trainee_link_keeps_filters(run_app, sample_db_path, sample):
    cohort = sample["trainees"]["cohort"].iloc[0]
    app = ok(run_app(sample_db_path, cohort=cohort))
    app.radio(key="overview_by").set_value("institute").run()
    ok(app)
    institutes = set(sample["trainees"][sample["trainees"]["cohort"] == cohort]["institute_name"])
    assert set(plotly_specs(app)[0]["data"][0]["x"]) == institutes
    institute_id = sample["trainees"]["institute_id"].iloc[0]
    select(app, "Kies een instituut").set_value(institute_id).run()
    trainee_box = select(app, "Student")
    first_id = trainee_box.options[0].rsplit("(", 1)[1].rstrip(")")
    trainee_box.set_value(first_id).run()
    ok(app)
    # besides the overview's own link to the worklist (issue 17: "Naar de lijst")
    (link,) = [link for link in app.get("page_link") if link.proto.page == "constellatie"]
    assert f"trainee={first_id}" in link.proto.query_string
    assert "cohort=" in link.proto.query_string


def test_overview_in_english(run_app, sample_db_path):
    app = ok(run_app(sample_db_path, lang="en"))
    assert app.title[0].value == "Overview"
    assert metric(app, "Trainees in view")
    assert "host" in plotly_specs(app)[0]["data"][0]["y"]


# --- Signalen -----------------------------------------------------------------------


# The Signalen page (the worklist of issue 17): tests/test_app_worklist.py.


def test_download_neutralises_formulas():
    frame = pd.DataFrame({
        "name": ["=HYPERLINK(\"http://x\")", "+31", "-1", "@SUM(A1)", "\tx", "\rx", "Anna", None],
        "codes": [["a", "b"]] * 8,
        "n": range(8),
    })
    text = loaders.csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))  # a Dutch download
    assert [r["name"] for r in rows[:6]] == ["'=HYPERLINK(\"http://x\")", "'+31", "'-1", "'@SUM(A1)", "'\tx", "'\rx"]
    assert rows[6]["name"] == "Anna" and rows[0]["codes"] == "a\nb"
    sheet = openpyxl.load_workbook(io.BytesIO(loaders.xlsx_bytes(frame, "Signalen"))).active
    assert sheet.title == "Signalen"
    values = [sheet.cell(row=r, column=1).value for r in range(2, 10)]
    # A CR is written as OOXML's _x000D_ (XML would turn it into a LF); Excel reads it back as CR.
    assert values[:7] == ["'=HYPERLINK(\"http://x\")", "'+31", "'-1", "'@SUM(A1)", "'\tx", "'_x000D_x", "Anna"]
    assert workbook_text(values[5]) == "'\rx"
    assert values[7] is None
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 9))
    assert sheet.cell(row=2, column=3).value == 0


# --- Constellatie -----------------------------------------------------------------------


def test_constellation_of_a_trainee(run_app, sample_db_path, sample):
    trainee = sample["trainees"].iloc[0]
    app = ok(run_app(sample_db_path, CONSTELLATION, trainee=trainee["trainee_id"]))
    assert app.title[0].value == "Constellatie"
    assert app.subheader[0].value.replace("\\", "") == trainee["name"]
    specs = plotly_specs(app)
    network = specs[0]["data"]
    kinds = {trace.get("meta", {}).get("kind") for trace in network}
    assert {"edge", "person", "trainee"} <= kinds
    centre = next(trace for trace in network if trace["meta"]["kind"] == "trainee")
    assert centre["x"] == [0.0] and centre["y"] == [0.0]
    headers = [s.value for s in app.subheader]
    assert {"Dekking van functies", "Signalen", "Netwerkmaten"} <= set(headers)
    # the measures as a list: name, value and a meaning of its own on each line
    measures = next(m.value for m in app.markdown if m.value.startswith("- **omvang**"))
    lines = measures.split("\n")
    assert len(lines) == 11 and all(line.count(" · ") == 1 and len(line.split(" · ")[1]) > 10 for line in lines)
    coverage = next(d.value for d in app.dataframe if "Dekking" in d.value.columns)
    assert len(coverage) == 6


def test_constellation_wave_selector(run_app, sample_db_path, sample):
    multi = sample["trainees"][sample["trainees"]["waves"].map(len) > 1].iloc[0]
    app = ok(run_app(sample_db_path, CONSTELLATION, trainee=multi["trainee_id"]))
    radio = app.radio(key=f"constellation_wave_{multi['trainee_id']}")
    assert radio.value == multi["waves"][-1]  # latest wave by default
    assert "Fasen naast elkaar" in [s.value for s in app.subheader]
    assert len(plotly_specs(app)) == 2
    app.session_state["constellation_table_open"] = True  # the folded table of relationships, opened
    radio.set_value(multi["waves"][0]).run()
    ok(app)
    table = next(d.value for d in app.dataframe if "Fase" in d.value.columns and "Naam" in d.value.columns)
    assert set(table["Fase"]) == {multi["waves"][0]}


@pytest.mark.parametrize("trainee", ["", "GEEN-STUDENT", XSS])
def test_constellation_without_or_with_unknown_trainee_offers_a_picker(run_app, sample_db_path, sample, trainee):
    query = {"trainee": trainee} if trainee else {}
    app = ok(run_app(sample_db_path, CONSTELLATION, **query))
    messages = [w.value for w in app.warning] + [i.value for i in app.info]
    if trainee:
        assert any("bestaat niet" in m for m in messages)
        assert XSS not in " ".join(messages)
    else:
        assert any("Kies een student" in m for m in messages)
    picker = select(app, "Student")
    assert picker.value is None and len(picker.options) == len(sample["trainees"])
    chosen = sample["trainees"].iloc[1]
    picker.set_value(chosen["trainee_id"]).run()
    ok(app)
    assert app.query_params["trainee"] == chosen["trainee_id"]
    assert app.subheader[0].value.replace("\\", "") == chosen["name"]


def test_constellation_escapes_names_in_the_figure(run_app, sample_db_copy):
    with Database(sample_db_copy) as db, db.transaction() as cur:
        person = cur.execute(
            "SELECT person_id FROM relationships WHERE trainee_id = 'T0001' LIMIT 1").fetchone()[0]
        cur.execute("UPDATE people SET name = ? WHERE person_id = ?", [XSS, person])
        cur.execute("UPDATE trainees SET name = ? WHERE trainee_id = 'T0001'", [XSS])
    app = ok(run_app(sample_db_copy, CONSTELLATION, trainee="T0001"))
    texts = [s for spec in plotly_specs(app) for s in strings(spec)]
    assert not any("<img" in s for s in texts)
    assert any("&lt;img src=x onerror=alert(1)&gt;" in s for s in texts)
    assert app.subheader[0].value.startswith("\\<img")  # markdown-escaped: shown as text


# --- Vergelijken --------------------------------------------------------------------------


def test_compare_side_by_side(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, COMPARE))
    assert app.title[0].value == "Vergelijken"
    chosen = app.multiselect(key="compare_groups_school")
    assert len(chosen.value) == 3
    specs = plotly_specs(app)
    assert len(specs) == 5
    assert all(spec["layout"]["barmode"] == "group" and len(spec["data"]) == 3 for spec in specs)
    chosen.set_value(chosen.value[:1]).run()
    ok(app)
    assert any("minstens twee" in i.value for i in app.info)
    assert not app.get("plotly_chart")


def test_compare_by_institute_and_in_english(run_app, sample_db_path, sample):
    app = ok(run_app(sample_db_path, COMPARE))
    app.radio(key="compare_by").set_value("institute").run()
    ok(app)
    sizes = app.dataframe[0].value
    assert list(sizes.columns) == ["Groep", "Studenten"]
    assert set(sizes["Groep"]) == set(sample["trainees"]["institute_name"])
    assert sizes["Studenten"].sum() == len(sample["trainees"])
    english = ok(run_app(sample_db_path, COMPARE, lang="en"))
    assert english.title[0].value == "Compare"
    assert "Klik in formal relationships" in [s.value for s in english.subheader]


def test_compare_with_one_group_in_scope_says_so(run_app, sample_db_path, sample):
    school_id, _ = sample["schools"][0]
    app = ok(run_app(sample_db_path, COMPARE, school=school_id))
    assert any("maar één groep" in i.value for i in app.info)


# --- no data -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [None, SIGNALS, CONSTELLATION, COMPARE])
def test_pages_without_data_say_what_to_do(run_app, empty_db_path, page):
    app = ok(run_app(empty_db_path, page, trainee="T1"))
    assert any("Nog geen gegevens" in i.value for i in app.info)
    assert not app.get("plotly_chart")


def test_filters_with_no_trainees_in_scope(run_app, sample_db_path, sample):
    # Two filter values that never occur together: nothing in view, no chart.
    trainees = sample["trainees"]
    combo = None
    for first, second in (("school_id", "institute_id"), ("school_id", "programme"), ("school_id", "cohort"),
                          ("institute_id", "programme"), ("cohort", "programme")):
        pairs = set(zip(trainees[first], trainees[second]))
        combo = next(((first, a, second, b) for a in trainees[first].dropna().unique()
                      for b in trainees[second].dropna().unique() if (a, b) not in pairs), None)
        if combo:
            break
    if combo is None:
        pytest.skip("every combination of filter values occurs in the sample data")
    names = {"school_id": "school", "institute_id": "institute", "cohort": "cohort", "programme": "programme"}
    query = {names[combo[0]]: combo[1], names[combo[2]]: combo[3]}
    for page in (None, SIGNALS, CONSTELLATION, COMPARE):
        app = ok(run_app(sample_db_path, page, **query))
        assert not app.get("plotly_chart")
        assert app.info or app.success


def _summary_per_trainee(db, filters):
    """The attention summary built trainee by trainee (the original, obviously
    right definition), to check the whole-column version against."""
    columns = ["trainee_id", "name", "school_name", "wave", "max_severity", "n_signals", "codes", "messages"]
    found = analysis.signals(db, filters)
    found = found[found["trainee_id"].notna()]
    people = analysis.trainees(db, filters).set_index("trainee_id")
    rows = []
    for trainee_id, group in found.groupby("trainee_id", sort=False):
        group = group.sort_values("severity", key=lambda s: s.map(analysis.SEVERITY_RANK), kind="stable")
        rows.append({
            "trainee_id": trainee_id,
            "name": people.at[trainee_id, "name"],
            "school_name": people.at[trainee_id, "school_name"],
            "wave": group["wave"].iloc[0],
            "max_severity": group["severity"].iloc[0],
            "n_signals": len(group),
            "codes": list(dict.fromkeys(group["code"])),
            "messages": group["message"].tolist(),
        })
    summary = pd.DataFrame(rows, columns=columns)
    summary["_rank"] = summary["max_severity"].map(analysis.SEVERITY_RANK)
    summary = summary.sort_values(["_rank", "name", "trainee_id"], kind="stable").drop(columns="_rank")
    return summary.reset_index(drop=True)


def test_vectorised_summary_equals_the_analysis_summary(sample_db_path):
    with Database(sample_db_path) as db:
        for filters in (Filters(), Filters(wave="begin"), Filters(cohort=analysis.trainees(db)["cohort"].iloc[0])):
            expected = _summary_per_trainee(db, filters)
            assert not expected.empty
            found = analysis.trainee_signals_summary(db, filters)
            assert list(found.columns) == list(expected.columns)
            pd.testing.assert_frame_equal(found.astype(object), expected.astype(object), check_dtype=False)
            shared = analysis.summarise_signals(analysis.signals(db, filters), analysis.trainees(db, filters))
            pd.testing.assert_frame_equal(shared.astype(object), expected.astype(object), check_dtype=False)


def test_constellation_in_english(run_app, sample_db_path, sample):
    trainee = sample["trainees"].iloc[0]
    app = ok(run_app(sample_db_path, CONSTELLATION, trainee=trainee["trainee_id"], lang="en"))
    assert app.title[0].value == "Constellation"
    assert {"Coverage of functions", "Signals", "Network measures"} <= {s.value for s in app.subheader}
    network = plotly_specs(app)[0]
    legend_names = {trace.get("name") for trace in network["data"]}
    assert "strong relationship" in legend_names or "weak relationship" in legend_names
    assert "trainee" in legend_names
