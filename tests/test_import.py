"""Import: reading dialects, every validation rule (with its message), merge,
replace, dry run and atomicity. Datasets are built by hand in import_fixtures."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard.cli import main
from dashboard.store.db import Database
from dashboard.exchange.exporter import export_tables
from dashboard.exchange.importer import ImportIssue, errors_frame, import_dataset
from dashboard.exchange.interchange import write_dataset
from import_fixtures import frame, tiny_partnership, write_csv, write_tiny


def _messages(result, lang: str = "nl") -> list[str]:
    return [issue.message(lang) for issue in result.errors]


def _import_changed(tmp_path, db, **changes):
    return import_dataset(db, write_tiny(tmp_path / "data", **changes))


def _with(name: str, **updates_by_index) -> pd.DataFrame:
    """The tiny partnership's ``name`` table with cells changed: index=(column, value)."""
    table = tiny_partnership()[name].copy()
    for key, (column, value) in updates_by_index.items():
        table.loc[int(key.removeprefix("row")), column] = value
    return table


# --- a valid import -------------------------------------------------------------


def test_tiny_partnership_imports_with_canonical_values(tmp_path, empty_db):
    result = import_dataset(empty_db, write_tiny(tmp_path / "data"))

    assert result.ok and result.written
    assert result.counts["relationships.csv"] == 5
    assert result.inserted["relationships.csv"] == 5 and result.updated["relationships.csv"] == 0
    trainees = empty_db.query_sql("SELECT trainee_id, study_year, programme FROM trainees ORDER BY trainee_id")
    assert trainees["trainee_id"].tolist() == ["007", "T2"]  # 007 stays 007
    assert trainees["study_year"].tolist()[0] == 3
    rel = empty_db.query_sql("SELECT * FROM relationships WHERE person_id = 'P3'").iloc[0]
    assert rel["contribution"] == "positief"  # empty means positief
    assert pd.isna(rel["klik"]) and pd.isna(rel["assesses"])
    functions = empty_db.query_sql(
        "SELECT function FROM relationship_functions WHERE person_id = 'P1' ORDER BY function")["function"]
    assert functions.tolist() == ["gastheer", "leermeester"]
    # absent functions and norm files: the shipped defaults are materialised
    counts = empty_db.table_counts()
    assert counts["functions"] == 6 and counts["norm_roles"] == 4 and counts["norm_consultations"] == 2
    assert set(result.defaults) == {"functions", "norm_roles", "norm_consultations"}
    # the consultation (P2, P1) is stored as (P1, P2)
    assert empty_db.query_sql("SELECT person_a, person_b FROM consultations").values.tolist() == [["P1", "P2"]]
    record = empty_db.query_sql("SELECT mode, source, row_counts FROM imports").iloc[0]
    assert record["mode"] == "merge" and json.loads(record["row_counts"])["relationships.csv"] == 5


def test_semicolon_windows_1252_with_accent(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    write_csv(folder, "schools", [["school_id", "name", "sector"], ["S1", "Sint-Joseph Café", "VO"],
                                  ["S2", "De Linde", "po"]], delimiter=";", encoding="cp1252")
    assert (folder / "schools.csv").read_bytes().count(b"\xe9") == 1  # é in Windows-1252

    result = import_dataset(empty_db, folder)

    assert result.ok, _messages(result)
    assert empty_db.scalar("SELECT name FROM schools WHERE school_id = 'S1'") == "Sint-Joseph Café"
    assert empty_db.scalar("SELECT sector FROM schools WHERE school_id = 'S1'") == "vo"


def test_utf8_bom_and_tab_separator(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    write_csv(folder, "institutes", [["institute_id", "name"], ["I1", "Hogeschool Noörd"]], encoding="utf-8-sig")
    write_csv(folder, "needs", [["trainee_id", "wave", "function"], ["007", "begin", "vakexpert"]], delimiter="\t")
    assert (folder / "institutes.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    result = import_dataset(empty_db, folder)

    assert result.ok, _messages(result)
    assert empty_db.scalar("SELECT name FROM institutes") == "Hogeschool Noörd"
    assert empty_db.scalar("SELECT count(*) FROM needs") == 1


def test_header_names_trimmed_case_insensitive_and_values_trimmed(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    write_csv(folder, "schools", [["  Name ", "SCHOOL_ID", "Sector"], ["  Het Baken ", " S1 ", " Vo "],
                                  ["De Linde", "S2", ""]])
    result = import_dataset(empty_db, folder)
    assert result.ok, _messages(result)
    rows = empty_db.query_sql("SELECT school_id, name, coalesce(sector, '-') FROM schools ORDER BY school_id")
    assert rows.values.tolist() == [["S1", "Het Baken", "vo"], ["S2", "De Linde", "-"]]


def test_english_aliases_are_stored_as_dutch_codes(tmp_path, empty_db):
    people = _with("people", row0=("role", "Workplace_Mentor"), row2=("orientation", "personal"))
    relationships = _with("relationships", row0=("wave", "Start"), row1=("strength", "WEAK"),
                          row2=("klik", "doubt"))
    relationships.loc[0, ["formal", "assesses", "contribution", "contact_frequency"]] = ["yes", "false", "negative",
                                                                                         "daily"]
    relationships.loc[3, "formal"] = "0"
    consultations = frame([{"trainee_id": "007", "person_a": "P1", "person_b": "P2", "wave": "begin",
                            "frequency": "monthly"}])
    # P1's relationship moved to wave "start" = begin, so the consultation still resolves
    result = _import_changed(tmp_path, empty_db, people=people, relationships=relationships,
                             consultations=consultations)

    assert result.ok, _messages(result)
    row = empty_db.query_sql("SELECT * FROM relationships WHERE person_id = 'P1'").iloc[0]
    assert (row["wave"], row["formal"], row["assesses"], row["contribution"], row["contact_frequency"]) == (
        "begin", True, False, "negatief", "dagelijks")
    assert empty_db.scalar("SELECT formal FROM relationships WHERE person_id = 'P4'") is False
    assert empty_db.scalar("SELECT role FROM people WHERE person_id = 'P1'") == "werkplekbegeleider"
    assert empty_db.scalar("SELECT orientation FROM people WHERE person_id = 'P3'") == "persoonlijk"
    assert empty_db.scalar("SELECT strength FROM relationships WHERE person_id = 'P2' AND trainee_id = '007'") == "zwak"
    assert empty_db.scalar("SELECT frequency FROM consultations") == "maandelijks"


def test_unknown_non_data_files_are_ignored(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    (folder / "README.md").write_text("toelichting")
    (folder / "x_notities.csv").write_text("a,b\n1,2\n")
    (folder / ".~lock.trainees.csv#").write_text("lock")
    assert import_dataset(empty_db, folder).ok


# --- one test per validation rule ----------------------------------------------------


def test_invalid_strength_message_names_file_line_column_value_and_allowed(tmp_path, empty_db):
    result = _import_changed(tmp_path, empty_db, relationships=_with("relationships", row3=("strength", "sterkk")))
    assert _messages(result) == [
        'relationships.csv, regel 5, kolom strength: waarde "sterkk" is geen geldige sterkte; '
        "verwacht: sterk, zwak of geen (of strong, weak, none)."
    ]
    assert result.errors[0] == ImportIssue("relationships.csv", 5, "strength", "sterkk", "invalid_value",
                                           (("domain", "strength"),))
    assert str(result.errors[0]) == _messages(result)[0]
    assert result.errors[0].message("en") == (
        'relationships.csv, line 5, column strength: value "sterkk" is not a valid strength; '
        "expected: strong, weak or none (or sterk, zwak, geen).")
    assert not result.written and empty_db.is_empty()


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("people", 1, "role", "mentor", "geen geldige rol; verwacht: werkplekbegeleider, schoolopleider"),
        ("relationships", 0, "wave", "halverwege", "geen geldige fase; verwacht: begin, midden of eind (of start"),
        ("relationships", 0, "klik", "misschien", "geen geldige klik-waarde; verwacht: ja, twijfel of nee"),
        ("relationships", 0, "contribution", "neutraal", "geen geldige bijdrage; verwacht: positief of negatief"),
        ("relationships", 0, "contact_frequency", "soms", "geen geldige frequentie; verwacht: dagelijks"),
        ("relationships", 0, "formal", "misschien", "geen geldige ja/nee-waarde; verwacht: ja of nee (of yes/no"),
        ("relationships", 0, "assesses", "2", "geen geldige ja/nee-waarde"),
        ("schools", 0, "sector", "hbo", "geen geldige sector; verwacht: po, vo of mbo."),
        ("people", 0, "orientation", "beide", "geen geldige oriëntatie; verwacht: technisch of persoonlijk"),
    ],
)
def test_value_not_in_domain(tmp_path, empty_db, table, row, column, value, expected):
    result = _import_changed(tmp_path, empty_db, **{table: _with(table, **{f"row{row}": (column, value)})})
    assert len(result.errors) == 1
    message = result.errors[0].message()
    assert message.startswith(f'{table}.csv, regel {row + 2}, kolom {column}: waarde "{value}" is ')
    assert expected in message


def test_missing_required_file_in_empty_database(tmp_path, empty_db):
    result = _import_changed(tmp_path, empty_db, relationships=None, consultations=None)
    assert [issue.code for issue in result.errors] == ["missing_file"]
    assert result.errors[0].message() == (
        "relationships.csv: bestand ontbreekt; bij een lege database of bij vervangen zijn nodig: "
        "schools.csv, institutes.csv, trainees.csv, people.csv, relationships.csv.")


def test_missing_required_column(tmp_path, empty_db):
    result = _import_changed(tmp_path, empty_db, trainees=tiny_partnership()["trainees"].drop(columns="cohort"))
    assert _messages(result) == [
        "trainees.csv, regel 1, kolom cohort: verplichte kolom ontbreekt; verplicht zijn: "
        "trainee_id, name, school_id, institute_id, cohort."]


def test_unknown_column_is_an_error_but_x_column_is_kept(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    write_csv(folder, "schools", [["school_id", "name", "sector", "plaats"], ["S1", "A", "", "Groningen"],
                                  ["S2", "B", "", ""]])
    result = import_dataset(empty_db, folder)
    assert _messages(result) == [
        'schools.csv, regel 1, kolom plaats: onbekende kolom "plaats"; toegestaan: school_id, name, sector, '
        "of een eigen kolom waarvan de naam begint met x_."]
    result = _import_changed(tmp_path, empty_db, schools=tiny_partnership()["schools"].assign(x_plaats="Groningen"))
    assert result.ok
    assert json.loads(empty_db.scalar("SELECT extra FROM schools WHERE school_id = 'S1'")) == {"x_plaats": "Groningen"}


def test_duplicate_and_unnamed_columns(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    write_csv(folder, "institutes", [["institute_id", "name", "Name", ""], ["I1", "A", "B", "iets"]])
    result = import_dataset(empty_db, folder)
    assert _messages(result) == [
        'institutes.csv, regel 1, kolom name: kolom "name" komt twee keer voor; laat er één over.',
        "institutes.csv, regel 1, kolom D: deze kolom heeft geen naam in de eerste regel maar bevat wel waarden; "
        "geef hem een naam of maak hem leeg."]


def test_empty_required_value(tmp_path, empty_db):
    result = _import_changed(tmp_path, empty_db, trainees=_with("trainees", row1=("cohort", "  ")))
    assert _messages(result) == ['trainees.csv, regel 3, kolom cohort: waarde ontbreekt; kolom cohort is verplicht.']


def test_duplicate_key_within_file(tmp_path, empty_db):
    people = pd.concat([tiny_partnership()["people"], tiny_partnership()["people"].iloc[[1]]], ignore_index=True)
    result = _import_changed(tmp_path, empty_db, people=people)
    assert _messages(result) == [
        'people.csv, regel 6, kolom person_id: dubbele regel: "P2" staat ook op regel 3; laat er één over.']


def test_consultation_ab_and_ba_are_duplicates(tmp_path, empty_db):
    consultations = frame([
        {"trainee_id": "007", "person_a": "P1", "person_b": "P2", "wave": "begin"},
        {"trainee_id": "007", "person_a": "P2", "person_b": "P1", "wave": "begin"},
    ])
    result = _import_changed(tmp_path, empty_db, consultations=consultations)
    assert _messages(result) == [
        "consultations.csv, regel 3, kolom trainee_id, person_a, person_b, wave: dubbele regel: "
        '"007 / P1 / P2 / begin" staat ook op regel 2; laat er één over.']


def test_reference_to_unknown_id(tmp_path, empty_db):
    result = _import_changed(
        tmp_path, empty_db,
        trainees=_with("trainees", row1=("school_id", "S9")),
        relationships=_with("relationships", row4=("person_id", "P99")),
    )
    assert _messages(result) == [
        'trainees.csv, regel 3, kolom school_id: "S9" bestaat niet in schools.csv (niet in de import en niet in '
        "de database); verwacht: een school_id uit schools.csv.",
        'relationships.csv, regel 6, kolom person_id: "P99" bestaat niet in people.csv (niet in de import en niet '
        "in de database); verwacht: een person_id uit people.csv.",
    ]


def test_consultation_needs_relationships_in_that_wave(tmp_path, empty_db):
    consultations = frame([{"trainee_id": "T2", "person_a": "P1", "person_b": "P2", "wave": "begin"},
                           {"trainee_id": "007", "person_a": "P1", "person_b": "P2", "wave": "midden"}])
    result = _import_changed(tmp_path, empty_db, consultations=consultations)
    assert _messages(result) == [
        'consultations.csv, regel 2, kolom person_a: "P1" heeft in fase begin geen relatie met student "T2"; '
        "overleg kan alleen tussen mensen met een relatie met deze student in deze fase (zie relationships.csv).",
        'consultations.csv, regel 3, kolom person_a: "P1" heeft in fase midden geen relatie met student "007"; '
        "overleg kan alleen tussen mensen met een relatie met deze student in deze fase (zie relationships.csv).",
        'consultations.csv, regel 3, kolom person_b: "P2" heeft in fase midden geen relatie met student "007"; '
        "overleg kan alleen tussen mensen met een relatie met deze student in deze fase (zie relationships.csv).",
    ]


def test_consultation_with_oneself(tmp_path, empty_db):
    consultations = frame([{"trainee_id": "007", "person_a": "P1", "person_b": "P1", "wave": "begin"}])
    result = _import_changed(tmp_path, empty_db, consultations=consultations)
    assert _messages(result) == [
        'consultations.csv, regel 2, kolom person_b: overleg van "P1" met zichzelf; '
        "person_a en person_b moeten verschillen."]


def test_trainee_relating_to_themselves(tmp_path, empty_db):
    people = pd.concat([tiny_partnership()["people"],
                        frame([{"person_id": "T2", "name": "Bram Jansen", "role": "medestudent"}])], ignore_index=True)
    result = _import_changed(tmp_path, empty_db, people=people,
                             relationships=_with("relationships", row4=("person_id", "T2")))
    assert _messages(result) == [
        'relationships.csv, regel 6, kolom person_id: een student kan geen relatie met zichzelf hebben: '
        'person_id is gelijk aan trainee_id "T2".']


def test_unknown_function_code(tmp_path, empty_db):
    result = _import_changed(
        tmp_path, empty_db,
        relationships=_with("relationships", row0=("functions", "Gastheer; coach ;leermeester")),
        needs=frame([{"trainee_id": "007", "wave": "begin", "function": "netwerk"}]),
    )
    known = "emotionele_steun, gastheer, leermeester, reflectie, rolmodel, vakexpert"
    assert _messages(result) == [
        f'relationships.csv, regel 2, kolom functions: onbekende functiecode "coach"; bekende codes: {known}.',
        f'needs.csv, regel 2, kolom function: onbekende functiecode "netwerk"; bekende codes: {known}.',
    ]


def test_function_codes_from_functions_file(tmp_path, empty_db):
    functions = frame([{"code": "Coach", "label_nl": "coach", "label_en": "coach", "group": "Career",
                        "description": ""}, {"code": "a;b", "label_nl": "x", "label_en": "x", "group": "career"}])
    result = _import_changed(tmp_path, empty_db, functions=functions,
                             relationships=_with("relationships", row0=("functions", "coach")), needs=None)
    # only the bad code; "gastheer" etc. are unknown now that the file defines the taxonomy
    codes = [(issue.file, issue.line, issue.code) for issue in result.errors]
    assert ("functions.csv", 3, "invalid_function_code") in codes
    assert ("relationships.csv", 3, "unknown_function") in codes  # reflectie
    assert ("relationships.csv", 2, "unknown_function") not in codes  # coach (case-insensitive)
    assert result.errors[0].message() == (
        'functions.csv, regel 3, kolom code: functiecode "a;b" bevat een scheidingsteken; een code mag geen ; , of | bevatten.')


@pytest.mark.parametrize("year", ["0", "10", "3.5", "drie", "-1"])
def test_study_year_must_be_whole_number_1_to_9(tmp_path, empty_db, year):
    result = _import_changed(tmp_path, empty_db, trainees=_with("trainees", row0=("study_year", year)))
    assert _messages(result) == [
        f'trainees.csv, regel 2, kolom study_year: waarde "{year}" is geen geldig studiejaar; '
        "verwacht: een heel getal van 1 tot en met 9."]


def test_programme_star_not_allowed_for_trainees(tmp_path, empty_db):
    result = _import_changed(tmp_path, empty_db, trainees=_with("trainees", row1=("programme", "*")))
    assert [(i.file, i.line, i.column, i.value, i.code) for i in result.errors] == [
        ("trainees.csv", 3, "programme", "*", "invalid_programme")]
    assert "normbestanden" in result.errors[0].message()


def test_norm_files_validated_and_normalised(tmp_path, empty_db):
    norm_roles = frame([{"programme": "*", "role": "workplace_mentor", "expected_strength": "weak"},
                        {"programme": "*", "role": "werkplekbegeleider", "expected_strength": "sterk"}])
    norm_consultations = frame([{"programme": "pabo", "role_a": "werkplekbegeleider", "role_b": "schoolopleider"},
                                {"programme": "pabo", "role_a": "schoolopleider", "role_b": "schoolopleider"}])
    result = _import_changed(tmp_path, empty_db, norm_roles=norm_roles, norm_consultations=norm_consultations)
    assert _messages(result) == [
        'norm_roles.csv, regel 3, kolom programme, role: dubbele regel: "* / werkplekbegeleider" staat ook op '
        "regel 2; laat er één over.",
        'norm_consultations.csv, regel 3, kolom role_b: overleg van rol "schoolopleider" met zichzelf; '
        "role_a en role_b moeten verschillen.",
    ]
    result = _import_changed(tmp_path, empty_db, norm_roles=norm_roles.iloc[:1],
                             norm_consultations=norm_consultations.iloc[:1])
    assert result.ok
    assert empty_db.query_sql("SELECT programme, role_a, role_b FROM norm_consultations").values.tolist() == [
        ["pabo", "schoolopleider", "werkplekbegeleider"]]
    assert empty_db.query_sql("SELECT role, expected_strength FROM norm_roles").values.tolist() == [
        ["werkplekbegeleider", "zwak"]]


def test_norm_file_with_only_a_header_means_none(tmp_path, empty_db):
    empty = frame([], ["programme", "role_a", "role_b"])
    assert _import_changed(tmp_path, empty_db, norm_consultations=empty).ok
    assert empty_db.table_counts()["norm_consultations"] == 0
    assert empty_db.table_counts()["norm_roles"] == 4


def test_unknown_csv_file_and_sheet(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    (folder / "mentoren.csv").write_text("a,b\n1,2\n")
    result = import_dataset(empty_db, folder)
    assert [issue.code for issue in result.errors] == ["unknown_file"]
    assert result.errors[0].message().startswith('mentoren.csv: onbekend bestand "mentoren.csv"; verwacht: functions.csv')


def test_row_with_too_many_values(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    (folder / "institutes.csv").write_text("institute_id,name\nI1,Hogeschool,Noord\n\nI2,Ander,\n")
    result = import_dataset(empty_db, folder)
    assert _messages(result) == [
        "institutes.csv, regel 2: deze regel heeft meer waarden dan er kolommen zijn (2); "
        "controleer het scheidingsteken en de aanhalingstekens."]


def test_every_error_of_every_file_is_reported_in_order(tmp_path, empty_db):
    result = _import_changed(
        tmp_path, empty_db,
        schools=_with("schools", row0=("sector", "x"), row1=("sector", "y")),
        relationships=_with("relationships", row0=("strength", "a"), row2=("wave", "b"), row4=("klik", "c")),
    )
    assert [(i.file, i.line, i.column) for i in result.errors] == [
        ("schools.csv", 2, "sector"), ("schools.csv", 3, "sector"),
        ("relationships.csv", 2, "strength"), ("relationships.csv", 4, "wave"), ("relationships.csv", 6, "klik"),
    ]


def test_errors_frame_has_localised_headers(tmp_path, empty_db):
    result = _import_changed(tmp_path, empty_db, schools=_with("schools", row0=("sector", "x")))
    nl_frame = errors_frame(result)
    assert list(nl_frame.columns) == ["bestand", "regel", "kolom", "waarde", "melding"]
    assert nl_frame.iloc[0].tolist()[:4] == ["schools.csv", 2, "sector", "x"]
    assert list(errors_frame(result, "en").columns) == ["file", "line", "column", "value", "message"]
    assert errors_frame(result, "en").iloc[0]["message"].startswith('value "x" is not a valid sector')


# --- workbooks and zips -------------------------------------------------------------


def test_workbook_with_typed_numbers_and_sheet_lines(tmp_path, empty_db):
    book_path = write_dataset(tiny_partnership(), tmp_path / "gegevens.xlsx")
    book = load_workbook(book_path)
    book["trainees"]["G2"] = 3  # study_year typed as a number
    book["trainees"]["G3"] = 2.0
    book["schools"]["A2"] = 17  # an id typed as a number stays "17", not "17.0"
    book["trainees"]["C2"] = 17
    book["people"]["D2"] = 17
    book["people"]["D3"] = 17
    book["people"]["D5"] = 17
    book.create_sheet("x_toelichting").append(["vrije tekst"])
    book.create_sheet("Blad1")  # an empty default sheet is ignored
    book.save(book_path)

    result = import_dataset(empty_db, book_path)
    assert result.ok, _messages(result)
    assert empty_db.query_sql("SELECT study_year FROM trainees ORDER BY trainee_id")["study_year"].tolist() == [3, 2]
    assert empty_db.scalar("SELECT school_id FROM trainees WHERE trainee_id = '007'") == "17"

    book = load_workbook(book_path)
    book["relationships"]["E4"] = "sterkk"
    book.create_sheet("mentoren").append(["a"])
    book.save(book_path)
    result = import_dataset(empty_db, book_path)
    assert _messages(result) == [
        'gegevens.xlsx › mentoren: onbekend werkblad "mentoren"; verwacht: functions, schools, institutes, '
        "trainees, people, relationships, consultations, needs, norm_roles, norm_consultations, valuations, actions "
        "(een eigen werkblad mag, als de naam begint met x_).",
        'gegevens.xlsx › relationships, regel 4, kolom strength: waarde "sterkk" is geen geldige sterkte; '
        "verwacht: sterk, zwak of geen (of strong, weak, none).",
    ]


def test_zip_with_csv_files_in_one_sub_folder(tmp_path, empty_db):
    folder = write_tiny(tmp_path / "data")
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in folder.iterdir():
            zipped.write(path, f"partnerschap/{path.name}")
        zipped.writestr("__MACOSX/partnerschap/._schools.csv", b"\x00\x05")
    result = import_dataset(empty_db, archive, dry_run=True)
    assert result.ok and not result.written and empty_db.is_empty()
    assert import_dataset(empty_db, archive).written
    assert empty_db.table_counts()["relationships"] == 5


# --- merge, replace, dry run ----------------------------------------------------------


def test_merge_partial_new_wave(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "start")).ok
    relationships = tiny_partnership()["relationships"].iloc[:2].copy()
    relationships["wave"] = "midden"
    relationships.loc[0, "strength"] = "zwak"
    relationships.loc[1, "functions"] = "reflectie;vakexpert"
    consultations = frame([{"trainee_id": "007", "person_a": "P1", "person_b": "P2", "wave": "midden"}])
    folder = write_dataset({"relationships": relationships, "consultations": consultations}, tmp_path / "midden")

    result = import_dataset(empty_db, folder)

    assert result.ok, _messages(result)
    assert result.inserted == {"relationships.csv": 2, "consultations.csv": 1}
    assert empty_db.table_counts()["relationships"] == 7
    assert empty_db.table_counts()["trainees"] == 2  # nothing deleted
    assert empty_db.scalar("SELECT count(*) FROM imports") == 2


def test_merge_updates_by_key_and_replaces_function_rows(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "start")).ok
    relationships = tiny_partnership()["relationships"].iloc[[0]].drop(columns=["contact_note"])
    relationships.loc[0, ["strength", "functions"]] = ["zwak", "vakexpert;gastheer"]
    trainees = tiny_partnership()["trainees"].iloc[[0]].drop(columns=["email"]).assign(name="Anna de Vries-Smit")

    result = import_dataset(empty_db, write_dataset({"relationships": relationships, "trainees": trainees},
                                                    tmp_path / "update"))

    assert result.ok and result.updated == {"trainees.csv": 1, "relationships.csv": 1}
    row = empty_db.query_sql("SELECT * FROM relationships WHERE trainee_id = '007' AND person_id = 'P1'").iloc[0]
    assert row["strength"] == "zwak"
    assert row["contact_note"] == "elke ochtend kort"  # column absent from the file: value kept
    assert empty_db.query_sql("SELECT function FROM relationship_functions WHERE person_id = 'P1' ORDER BY 1")[
        "function"].tolist() == ["gastheer", "vakexpert"]
    trainee = empty_db.query_sql("SELECT name, email FROM trainees WHERE trainee_id = '007'").iloc[0]
    assert trainee.tolist() == ["Anna de Vries-Smit", "anna@example.nl"]


def test_merge_resolves_references_against_the_database(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "start")).ok
    relationships = frame([{"trainee_id": "T2", "person_id": "P9", "wave": "eind", "formal": "nee",
                            "strength": "sterk"}])
    people = frame([{"person_id": "P9", "name": "Nieuwe Collega", "role": "collega"}])
    ok = import_dataset(empty_db, write_dataset({"relationships": relationships, "people": people}, tmp_path / "a"))
    assert ok.ok and ok.written
    bad = import_dataset(empty_db, write_dataset({"relationships": relationships.assign(trainee_id="T3")},
                                                 tmp_path / "b"))
    assert [issue.code for issue in bad.errors] == ["unknown_reference"]


def test_replace_swaps_everything(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "start")).ok
    trainees = tiny_partnership()["trainees"].iloc[[1]]
    relationships = tiny_partnership()["relationships"].iloc[[4]]
    folder = write_tiny(tmp_path / "new", trainees=trainees, relationships=relationships, consultations=None,
                        needs=None)
    partial = import_dataset(empty_db, write_dataset({"relationships": relationships}, tmp_path / "partial"),
                             replace=True)
    assert {issue.file for issue in partial.errors} == {"schools.csv", "institutes.csv", "trainees.csv",
                                                         "people.csv"}

    result = import_dataset(empty_db, folder, replace=True)

    assert result.ok and result.written
    counts = empty_db.table_counts()
    assert (counts["trainees"], counts["relationships"], counts["consultations"], counts["needs"]) == (1, 1, 0, 0)
    assert counts["relationship_functions"] == 1 and counts["functions"] == 6
    assert empty_db.scalar("SELECT mode FROM imports ORDER BY import_id DESC LIMIT 1") == "replace"


def test_replace_checks_references_against_the_import_only(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "start")).ok
    folder = write_tiny(tmp_path / "new", schools=tiny_partnership()["schools"].iloc[[0]])
    result = import_dataset(empty_db, folder, replace=True)
    assert [i.message() for i in result.errors] == [
        'trainees.csv, regel 3, kolom school_id: "S2" bestaat niet in schools.csv (niet in de import; bij vervangen '
        "telt de database niet mee); verwacht: een school_id uit schools.csv."]


def test_dry_run_writes_nothing(tmp_path, empty_db):
    result = import_dataset(empty_db, write_tiny(tmp_path / "data"), dry_run=True)
    assert result.ok and not result.written
    assert result.inserted["people.csv"] == 4
    assert empty_db.table_counts() == {name: 0 for name in empty_db.table_counts()}
    assert empty_db.scalar("SELECT count(*) FROM imports") == 0


def test_error_leaves_database_unchanged(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "start")).ok
    before = export_tables(empty_db)
    relationships = tiny_partnership()["relationships"].assign(strength="zwak")
    relationships.loc[4, "wave"] = "later"
    result = import_dataset(empty_db, write_tiny(tmp_path / "bad", relationships=relationships), replace=True)
    assert not result.ok and not result.written
    after = export_tables(empty_db)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    assert empty_db.scalar("SELECT count(*) FROM imports") == 1


# --- command line ----------------------------------------------------------------


def test_cli_reports_errors_in_dutch_and_english(tmp_path, capsys):
    folder = write_tiny(tmp_path / "data", relationships=_with("relationships", row3=("strength", "sterkk")))
    db_file = tmp_path / "cli.duckdb"
    assert main(["import", str(folder), "--db", str(db_file)]) == 1
    err = capsys.readouterr().err
    assert 'relationships.csv, regel 5, kolom strength: waarde "sterkk" is geen geldige sterkte' in err
    assert "Er is niets geschreven" in err
    assert main(["--lang", "en", "import", str(folder), "--db", str(db_file)]) == 1
    assert 'relationships.csv, line 5, column strength: value "sterkk" is not a valid strength' in capsys.readouterr().err


def test_cli_summary_and_dry_run(tmp_path, capsys):
    folder = write_tiny(tmp_path / "data")
    db_file = tmp_path / "cli.duckdb"
    assert main(["import", str(folder), "--db", str(db_file), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Controle geslaagd" in out and "relationships.csv: 5 regels gelezen, 5 nieuw, 0 bijgewerkt" in out
    assert main(["import", str(folder), "--db", str(db_file)]) == 0
    assert "Import geslaagd (samenvoegen)" in capsys.readouterr().out
    with Database(db_file) as db:
        assert db.table_counts()["relationships"] == 5


def test_cli_missing_source(tmp_path, capsys):
    assert main(["import", str(tmp_path / "bestaat-niet"), "--db", str(tmp_path / "x.duckdb")]) == 1
    assert "bestand of map niet gevonden" in capsys.readouterr().err
