"""Network Canvas in: exports of the shipped protocol (CSV and GraphML, as the exporter writes
them), the real exports in ../shared/networkcanvas/ (read there, never copied), the protocol file,
the roster."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.exchange import netcanvas as nc
from dashboard.exchange.exporter import export_tables
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import write_dataset
from dashboard.store.db import Database
from import_fixtures import write_tiny
from netcanvas_fixtures import sample_interview, write_csv, write_graphml

REAL = Path(__file__).resolve().parents[3] / "shared" / "networkcanvas"
if not REAL.is_dir():
    REAL = Path("/work/shared/networkcanvas")
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/networkcanvas is not here")


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "nc.duckdb")
    assert import_dataset(database, write_tiny(tmp_path / "tiny")).ok  # trainees 007, T2; mentors P1..P4
    yield database
    database.close()


def _rows(db: Database) -> dict[str, list]:
    tables = export_tables(db)
    return {name: tables[name].fillna("").values.tolist() for name in ("people", "relationships", "consultations",
                                                                        "needs")}


def test_csv_export_of_the_shipped_protocol_imports_as_a_merge(tmp_path, db):
    result = nc.import_export(db, write_csv(sample_interview(), tmp_path / "export"))

    assert result.ok, [i.message() for i in result.errors]
    rel = db.query_sql("SELECT * FROM relationships WHERE wave = 'midden' ORDER BY person_id")
    assert len(rel) == 3
    p1 = rel[rel.person_id == "P1"].iloc[0]
    assert (p1.strength, p1.klik, bool(p1.formal), bool(p1.assesses), p1.contact_frequency) == (
        "sterk", "ja", True, False, "dagelijks")
    assert p1.contact_note == "elke ochtend,\nkort"  # a quoted cell with a newline, in a CRLF file
    added = nc.new_person_id("007", "Oma Jansen", "overig")
    person = db.query_sql("SELECT name, role FROM people WHERE person_id = ?", [added]).iloc[0]
    assert (person["name"], person["role"]) == ("Oma Jansen", "overig")
    functions = db.query_sql("SELECT person_id, function FROM relationship_functions WHERE wave = 'midden' "
                             "ORDER BY 1, 2").values.tolist()
    assert functions == [["P1", "gastheer"], ["P1", "leermeester"], ["P2", "reflectie"], [added, "emotionele_steun"]]
    assert db.query_sql("SELECT person_a, person_b, frequency FROM consultations WHERE wave = 'midden'"
                        ).values.tolist() == [["P1", "P2", "wekelijks"]]
    assert sorted(db.query_sql("SELECT function FROM needs WHERE wave = 'midden'")["function"]) == [
        "reflectie", "vakexpert"]
    # the roster person's name in the database is not overwritten by the interview
    assert db.query_sql("SELECT count(*) AS n FROM people")["n"].iloc[0] == 5


def test_importing_the_same_export_twice_changes_nothing(tmp_path, db):
    export = write_csv(sample_interview(), tmp_path / "export")
    assert nc.import_export(db, export).ok
    before = _rows(db)

    again = nc.import_export(db, export)

    assert again.ok and _rows(db) == before
    assert sum(again.inserted.values()) == 0


def test_graphml_and_csv_of_the_same_interview_import_to_the_same_rows(tmp_path):
    results = []
    for kind in ("csv", "graphml"):
        database = Database(tmp_path / f"{kind}.duckdb")
        try:
            assert import_dataset(database, write_tiny(tmp_path / f"tiny-{kind}")).ok
            interview = sample_interview()
            source = (write_csv(interview, tmp_path / "csv") if kind == "csv" else
                      write_graphml(interview, tmp_path / "g" / f"{interview.case}_{interview.session}.graphml"))
            result = nc.import_export(database, source)
            assert result.ok, [i.message() for i in result.errors]
            results.append(_rows(database))
        finally:
            database.close()
    assert results[0] == results[1]


def test_a_zip_of_the_export_is_recognised_by_the_cli(tmp_path, db, capsys):
    folder = write_csv(sample_interview(), tmp_path / "export")
    archive = tmp_path / "networkCanvasExport.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, f"networkCanvasExport/{path.name}")
    db_path = db.path
    db.close()
    assert nc.looks_like_netcanvas(archive)

    assert main(["import", str(archive), "--db", str(db_path)]) == 0
    assert "relationships.csv" in capsys.readouterr().out


def test_a_second_session_for_the_same_trainee_and_wave_is_refused(tmp_path, db):
    assert nc.import_export(db, write_csv(sample_interview(), tmp_path / "first")).ok
    before = _rows(db)
    other = sample_interview(session="0b9a1f9e-1111-4222-8333-944455556666")

    result = nc.import_export(db, write_csv(other, tmp_path / "second"))

    [issue] = result.errors
    assert issue.code == "nc_second_session" and issue.line == 2 and issue.column == "trainee_id"
    assert issue.file == f"T1001_{other.session}_ego.csv" and issue.value == "007"
    assert _rows(db) == before
    # the same session again is fine, and another wave too
    assert nc.import_export(db, write_csv(sample_interview(wave="eind", session=other.session),
                                          tmp_path / "third")).ok


def test_errors_name_the_network_canvas_file_line_column_and_value(tmp_path, db):
    interview = sample_interview()
    interview.trainee = "T999"  # not a trainee of the partnership
    interview.people[1]["person_id"] = "P77"  # not on the roster
    interview.people[2]["role"] = ""
    folder = write_csv(interview, tmp_path / "export")
    before = _rows(db)

    result = nc.import_export(db, folder)

    where = {(i.file.split("_")[-1], i.line, i.column, i.value) for i in result.errors}
    assert ("ego.csv", 2, "trainee_id", "T999") in where
    assert ("Person.csv", 3, "person_id", "P77") in where
    assert any(i.file.endswith("attributeList_Person.csv") and i.line == 4 and i.column.startswith("role")
               for i in result.errors)
    assert all("nc" not in i.file.split("_")[0] for i in result.errors)
    edge = next(i for i in result.errors if i.file.endswith("_edgeList_overleg.csv"))
    assert (edge.column, edge.value) == ("to", "P77") and "een person_b uit people.csv" in edge.message()
    assert _rows(db) == before and not result.written


def test_an_edge_to_a_node_that_is_not_there(tmp_path, db):
    interview = sample_interview()
    interview.overleg = [(0, 1, "wekelijks")]
    folder = write_csv(interview, tmp_path / "export")
    [edges] = folder.glob("*_edgeList_overleg.csv")
    header, row = edges.read_text(encoding="utf-8").splitlines()
    edges.write_text(header + "\r\n" + row.replace(",2,", ",6,", 1) + "\r\n", encoding="utf-8")

    result = nc.import_export(db, folder)

    [issue] = result.errors
    assert issue.code == "nc_unknown_node" and issue.column == "to" and issue.value == "6"


def test_protocol_file_is_a_zip_with_a_valid_protocol_json_and_the_issues_variables():
    assert nc.SHIPPED_PROTOCOL.read_bytes() == nc.protocol_bytes()  # rebuilt: python -m dashboard.exchange.netcanvas
    with zipfile.ZipFile(nc.SHIPPED_PROTOCOL) as archive:
        protocol = json.loads(archive.read("protocol.json"))
        assert "assets/roster.csv" in archive.namelist()
    with zipfile.ZipFile(REAL / "working-with-data" / "IJE_RADAR_Protocol.netcanvas") if REAL.is_dir() else \
            _nullcontext() as real:
        if real is not None:
            assert protocol["schemaVersion"] == json.loads(real.read("protocol.json"))["schemaVersion"]
    assert protocol["schemaVersion"] == 7
    assert set(protocol) == {"stages", "codebook", "assetManifest", "schemaVersion", "description", "lastModified"}
    codebook = protocol["codebook"]

    def names(variables):
        return {v["name"]: (v["type"], [o["value"] for o in v.get("options", [])]) for v in variables.values()}

    ego = names(codebook["ego"]["variables"])
    assert ego == {"trainee_id": ("text", []), "wave": ("ordinal", ["begin", "midden", "eind"]),
                   "support": ("ordinal", ["ja", "deels", "nee"]),
                   "needs": ("categorical", list(nc.FUNCTION_CODES))}
    [person] = codebook["node"].values()
    assert person["name"] == "Person"
    node = names(person["variables"])
    assert set(node) == {"name", "person_id", "role", "formal", "strength", "klik", "functions", "contribution",
                         "assesses", "contact_frequency", "contact_note", "layout"}
    assert node["strength"] == ("ordinal", ["sterk", "zwak", "geen"]) and node["layout"][0] == "layout"
    assert node["formal"][0] == "boolean" and node["role"][0] == "categorical"
    [edge] = codebook["edge"].values()
    assert edge["name"] == "overleg" and set(names(edge["variables"])) == {"frequency"}
    every_variable = {key for entity in (codebook["ego"], person, edge) for key in entity["variables"]}
    for stage in protocol["stages"]:  # every stage refers to variables and types of the codebook
        assert {"id", "type", "label"} <= set(stage)
        for field in stage.get("form", {}).get("fields", []):
            assert field["variable"] in every_variable


class _nullcontext:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_roster_command_writes_the_mentors(tmp_path, db, capsys):
    db_path = db.path
    db.close()
    out = tmp_path / "roster.csv"

    assert main(["roster", str(out), "--db", str(db_path), "--school", "S1"]) == 0

    roster = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(roster.columns[:2]) == ["name", "person_id"]
    assert sorted(roster.person_id) == ["P1", "P2", "P4"]
    assert "3 personen" in capsys.readouterr().out


# --- the real exports -----------------------------------------------------------------

IJE_MAPPING = """
# The tutorial protocol of Network Canvas mapped onto the Constellatiemonitor.
[ego]
trainee_id = "networkCanvasCaseID"

[person]
type = "Person"
name = "name"
strength = "RelStrength"
contact_frequency = "ContactFreq"

[overleg]
type = "Close"

[fixed]
wave = "begin"
role = "overig"
formal = "nee"

[values.strength]
Very_close = "sterk"
Somewhat_close = "zwak"
Not_close_at_all = "geen"

[values.contact_frequency]
Daily = "dagelijks"
Weekly = "wekelijks"
Less_than_weekly = "maandelijks"
Never = "zelden"
"""


@needs_real
@pytest.mark.parametrize("folder", ["working-with-data/networkCanvasExport", "R34-RShiny/networkCanvasExport"])
def test_a_real_export_without_a_mapping_is_refused_with_what_it_found(tmp_path, db, folder):
    result = nc.import_export(db, REAL / folder)

    [issue] = result.errors
    assert issue.code == "nc_unknown_protocol"
    message = issue.message()
    assert "--nc-mapping" in message and "knooptypen: " in message and "Person" in message
    assert "node types: " in issue.message("en")
    assert "(1)" not in message  # "IJE_RADAR_Protocol (1)" is the same protocol


@needs_real
def test_the_real_graphml_without_a_mapping_is_refused_not_crashed(db):
    [graphml] = (REAL / "R34-RShiny" / "networkCanvasExport").glob("*.graphml")
    sessions, issues = nc.read_export(graphml)
    assert not issues and len(sessions) == 1
    assert {"Person", "Venue"} <= set(sessions[0].nodes)
    assert sessions[0].ego.values["networkCanvasCaseID"] == "132768"
    result = nc.import_export(db, graphml)
    assert [issue.code for issue in result.errors] == ["nc_unknown_protocol"]


@needs_real
def test_the_real_tutorial_export_maps_through_a_mapping_file(tmp_path):
    folder = REAL / "working-with-data" / "networkCanvasExport"
    mapping_file = tmp_path / "ije.toml"
    mapping_file.write_text(IJE_MAPPING, encoding="utf-8")
    database = Database(tmp_path / "ije.duckdb")
    try:
        tables = _trainees_for_cases([f"case_{n}" for n in range(1, 11)])
        assert import_dataset(database, write_dataset(tables, tmp_path / "base")).ok
        result = nc.import_export(database, folder, mapping=nc.load_mapping(mapping_file))
        assert result.ok, [i.message() for i in result.errors][:5]
        counts = database.table_counts()
        assert counts["relationships"] == 63 + 1 and counts["people"] == 63 + 1  # + the base row
        assert counts["consultations"] == 56  # the Close edges
        again = nc.import_export(database, folder, mapping=nc.load_mapping(mapping_file))
        assert again.ok and sum(again.inserted.values()) == 0
    finally:
        database.close()


def _trainees_for_cases(cases: list[str]) -> dict[str, pd.DataFrame]:
    return {
        "schools": pd.DataFrame({"school_id": ["S1"], "name": ["School"]}),
        "institutes": pd.DataFrame({"institute_id": ["I1"], "name": ["Instituut"]}),
        "trainees": pd.DataFrame({"trainee_id": cases, "name": [c.replace("_", " ") for c in cases],
                                  "school_id": "S1", "institute_id": "I1", "cohort": "2025-2026"}),
        "people": pd.DataFrame({"person_id": ["P0"], "name": ["Roster"], "role": ["werkplekbegeleider"]}),
        "relationships": pd.DataFrame({"trainee_id": [cases[0]], "person_id": ["P0"], "wave": ["eind"],
                                       "formal": ["ja"], "strength": ["sterk"]}),
    }


def test_the_documented_example_mapping_is_the_one_tested():
    shipped = nc.SHIPPED_PROTOCOL.parent / "voorbeeld-koppeling.toml"
    assert shipped.read_text(encoding="utf-8") == IJE_MAPPING.lstrip("\n")
    mapping = nc.load_mapping(shipped)
    assert mapping.person["strength"] == "RelStrength" and mapping.overleg_type == "Close"


@needs_real
@pytest.mark.parametrize("name", ["minimal.graphml", "minimal-multiple-networks.graphml"])
def test_the_handwritten_graphml_examples_are_refused_not_crashed(db, name):
    result = nc.import_export(db, REAL / "graphml-schemas" / name)
    assert [issue.code for issue in result.errors] == ["nc_unknown_protocol"]
    assert not result.written


def test_broken_exports_get_messages_not_tracebacks(tmp_path, db):
    folder = write_csv(sample_interview(), tmp_path / "export")
    [ego] = folder.glob("*_ego.csv")
    ego.write_text(ego.read_text(encoding="utf-8").splitlines()[0] + "\r\n", encoding="utf-8")  # header only
    [issue] = nc.import_export(db, folder).errors
    assert issue.code == "nc_no_ego" and issue.file.endswith("_ego.csv")

    broken = tmp_path / "T1_0b9a1f9e-1111-4222-8333-944455556666.graphml"
    broken.write_text("<graphml><graph><node id='1'>", encoding="utf-8")
    [issue] = nc.import_export(db, broken).errors
    assert issue.code == "unreadable_file" and issue.file == broken.name

    bad_zip = tmp_path / "x.zip"
    bad_zip.write_bytes(b"not a zip")
    assert nc.import_export(db, bad_zip).errors


def test_csv_and_graphml_of_one_session_side_by_side_count_once(tmp_path, db):
    interview = sample_interview()
    folder = write_csv(interview, tmp_path / "export")
    write_graphml(interview, folder / f"{interview.case}_{interview.session}.graphml")

    result = nc.import_export(db, folder)

    assert result.ok and result.counts["relationships.csv"] == 3


def test_a_refused_export_is_in_the_audit_trail_as_a_failed_import(tmp_path, db):
    other = sample_interview()
    assert nc.import_export(db, write_csv(other, tmp_path / "a")).ok
    second = sample_interview(session="0b9a1f9e-1111-4222-8333-944455556666")
    assert not nc.import_export(db, write_csv(second, tmp_path / "b")).ok
    actions = db.query_sql("SELECT action FROM audit_log ORDER BY 1")["action"].tolist()
    assert "import_failed" in actions
