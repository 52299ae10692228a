"""AVG rights: export everything about one id, erase it without a trace, purge by retention."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dashboard.privacy import audit
from dashboard.privacy.avg import (RETENTION_YEARS, SECTIONS, SubjectNotFound, cohort_end, default_cutoff,
                           erase_person, export_person, person_data, plan_purge, purge)
from dashboard.cli import main
from dashboard.store.db import Database
from dashboard.exchange.exporter import export_dataset
from dashboard.exchange.importer import import_dataset
from dashboard.privacy.users import add_user, list_users
from import_fixtures import frame, tiny_partnership, write_tiny

# Distinctive ids, names and emails, so that a text search finds only them.
TRAINEE = {"id": "STU-ARNOUD-91", "name": "Arnoud Vlasblom", "email": "arnoud.v@student.nl"}
PERSON = {"id": "PERS-ZORA-42", "name": "Zora Quaedvlieg", "email": "zora.q@baken.nl"}


def _renamed(tables: dict[str, pd.DataFrame], old: str, new: str) -> dict[str, pd.DataFrame]:
    return {name: table.replace(old, new) for name, table in tables.items()}


def _partnership() -> dict[str, pd.DataFrame]:
    """The tiny partnership with trainee 007 and schoolopleider P2 given distinctive identities."""
    tables = _renamed(_renamed(tiny_partnership(), "007", TRAINEE["id"]), "P2", PERSON["id"])
    tables["trainees"].loc[0, ["name", "email"]] = [TRAINEE["name"], TRAINEE["email"].upper()]
    tables["people"].loc[1, ["name", "email"]] = [PERSON["name"], PERSON["email"]]
    return tables


@pytest.fixture
def loaded_db(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data", **_partnership())).ok
    return empty_db


def _texts_in_database(db: Database) -> list[str]:
    """Every text value in every table of the database (data, users, audit, imports, ...)."""
    columns = db.query_sql(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE data_type = 'VARCHAR' AND table_schema = 'main'")
    texts = []
    for table, column in columns.itertuples(index=False):
        values = db.query_sql("SELECT * FROM query_table($table)", {"table": table})[column].dropna()
        texts.extend(f"{table}.{column}={v}" for v in values)
    return texts


def _texts_in_export(db: Database, folder) -> list[str]:
    csv_folder = export_dataset(db, folder / "export")
    texts = [p.read_text(encoding="utf-8") for p in csv_folder.iterdir()]
    book = load_workbook(export_dataset(db, folder / "export.xlsx"))
    texts += [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    return texts


def _traces(texts: list[str], subject: dict[str, str]) -> list[str]:
    needles = [value.lower() for value in subject.values()]
    return [text for text in texts if any(n in text.lower() for n in needles)]


# --- inzage ----------------------------------------------------------------


def test_export_of_a_trainee_holds_every_row_about_them_and_no_third_party_names(loaded_db):
    sections = person_data(loaded_db, TRAINEE["id"])
    assert list(sections) == list(SECTIONS)
    counts = {name: len(rows) for name, rows in sections.items()}
    assert counts == {"trainee": 1, "person": 0, "relationships": 4, "relationship_functions": 4,
                      "consultations": 1, "needs": 1, "valuations": 0, "actions": 0, "users": 0, "user_scopes": 0,
                      "audit_log": 0}
    document = json.loads(export_person(loaded_db, TRAINEE["id"]))
    assert document["trainee"][0]["name"] == TRAINEE["name"] and document["trainee"][0]["study_year"] == 3
    assert {r["person_role"] for r in document["relationships"]} >= {"werkplekbegeleider", "schoolopleider"}
    text = json.dumps(document)
    assert "Wim Peters" not in text and PERSON["name"] not in text  # third parties by id and role only
    log = audit.audit_log(loaded_db, action="person_export")
    assert log["subject_id"].tolist() == [TRAINEE["id"]]
    assert json.loads(log["detail"].iloc[0])["rows"]["relationships"] == 4


def test_export_of_a_person_and_their_user_account_as_xlsx(tmp_path, loaded_db):
    add_user(loaded_db, PERSON["email"], "schoolopleider", ["S1"])
    out = export_person(loaded_db, PERSON["id"], tmp_path / "inzage" / "zora.xlsx")
    book = load_workbook(out)
    assert book.sheetnames == list(SECTIONS)
    rows = {name: list(book[name].values) for name in SECTIONS}
    assert rows["person"][1][1] == PERSON["name"]
    assert len(rows["relationships"]) == 1 + 2  # header + a relationship with each trainee
    assert len(rows["consultations"]) == 2 and len(rows["users"]) == 2 and len(rows["user_scopes"]) == 2
    assert [r[4] for r in rows["audit_log"][1:]] == ["user_add"]  # the audit rows about them, too


def test_export_of_an_unknown_id_is_refused_and_not_audited(loaded_db):
    with pytest.raises(SubjectNotFound):
        export_person(loaded_db, "nobody")
    assert audit.audit_log(loaded_db, action="person_export").empty


def test_person_export_command(tmp_path, loaded_db, capsys):
    db_file = str(loaded_db.path)
    loaded_db.close()
    assert main(["person", "export", TRAINEE["id"], "--db", db_file]) == 0
    assert json.loads(capsys.readouterr().out)["subject_id"] == TRAINEE["id"]
    assert main(["person", "export", TRAINEE["id"], "--out", str(tmp_path / "a.json"), "--db", db_file]) == 0
    assert "a.json" in capsys.readouterr().out
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["needs"][0]["function"] == "vakexpert"
    assert main(["person", "export", TRAINEE["id"], "--out", str(tmp_path / "a.pdf"), "--db", db_file]) == 2
    assert ".json of .xlsx" in capsys.readouterr().err
    assert main(["person", "export", "niemand", "--db", db_file]) == 1
    assert capsys.readouterr().err.strip() == "Er is geen student of persoon met id 'niemand'."


# --- verwijderen -------------------------------------------------------------


def test_erasing_a_trainee_leaves_no_trace_in_any_table_or_export(tmp_path, loaded_db):
    add_user(loaded_db, TRAINEE["email"], "management")  # same natural person, other email case
    export_person(loaded_db, TRAINEE["id"])  # an earlier audit row about them
    audit.record(loaded_db, TRAINEE["email"], "management", "login")  # and one by them
    assert _traces(_texts_in_database(loaded_db), TRAINEE)
    erasure = erase_person(loaded_db, TRAINEE["id"], erase_users=True)  # the account explicitly too
    assert erasure.rows["trainee"] == 1 and erasure.rows["relationships"] == 4 and erasure.rows["users"] == 1
    assert _traces(_texts_in_database(loaded_db), TRAINEE) == []
    assert _traces(_texts_in_export(loaded_db, tmp_path), TRAINEE) == []
    # Everything else is still there.
    assert loaded_db.table_counts()["trainees"] == 1 and loaded_db.table_counts()["people"] == 4
    log = audit.audit_log(loaded_db)
    assert log["action"].tolist() == ["import", "user_add", "person_export", "login", "person_erase",
                                      "export", "export"]
    assert log["actor"].tolist()[3] == "gewist" and log["subject_id"].isna().all()
    erased = log.iloc[4]
    assert erased["id"] == erasure.audit_id and pd.isna(erased["subject_id"])
    assert json.loads(erased["detail"])["kind"] == ["trainee", "user"]
    assert audit.verify_chain(loaded_db).intact  # the redaction re-sealed the chain


def test_erasing_a_person_keeps_a_user_account_with_the_same_email_and_its_history(loaded_db, capsys):
    """Issue 16: an imported person whose e-mail is a user's, erased, took the
    account and re-attributed its audit rows to "gewist"."""
    add_user(loaded_db, TRAINEE["email"], "management")
    audit.record(loaded_db, TRAINEE["email"].lower(), "management", "login")
    audit.record(loaded_db, "cli", "beheerder", "view_constellation", subject_id=TRAINEE["id"])
    before = audit.audit_log(loaded_db)
    erasure = erase_person(loaded_db, TRAINEE["id"])
    assert "users" not in erasure.rows and "user_scopes" not in erasure.rows
    assert list_users(loaded_db)["email"].tolist() == [TRAINEE["email"].lower()]
    after = audit.audit_log(loaded_db)
    kept = after.iloc[: len(before)]
    # Who did what stays; only the erased id is blanked as a subject.
    assert kept["actor"].tolist() == before["actor"].tolist()
    assert TRAINEE["email"].lower() in kept["actor"].tolist()
    assert kept["subject_id"].tolist()[:-1] == before["subject_id"].tolist()[:-1]
    assert pd.isna(kept["subject_id"].iloc[-1])
    assert json.loads(after["detail"].iloc[-1])["audit_rows_blanked"] == 1
    assert audit.verify_chain(loaded_db).intact


def test_erase_command_says_the_account_stays_and_erases_it_only_with_user(loaded_db, capsys):
    add_user(loaded_db, PERSON["email"], "schoolopleider", ["S1"])
    db_file = str(loaded_db.path)
    loaded_db.close()
    assert main(["person", "erase", PERSON["id"], "--yes", "--db", db_file]) == 0
    out = capsys.readouterr().out
    assert f"Het gebruikersaccount {PERSON['email'].lower()} heeft hetzelfde e-mailadres en blijft bestaan" in out
    assert "users:" not in out
    with Database(db_file) as db:
        assert list_users(db)["email"].tolist() == [PERSON["email"].lower()]


def test_erasing_a_person_removes_their_relationships_consultations_and_account(tmp_path, loaded_db):
    add_user(loaded_db, PERSON["email"], "schoolopleider", ["S1"])
    erasure = erase_person(loaded_db, PERSON["id"], erase_users=True)
    assert erasure.rows == {"trainee": 0, "person": 1, "relationships": 2, "relationship_functions": 2,
                            "consultations": 1, "needs": 0, "valuations": 0, "actions": 0, "users": 1,
                            "user_scopes": 1}
    assert _traces(_texts_in_database(loaded_db), PERSON) == []
    assert _traces(_texts_in_export(loaded_db, tmp_path), PERSON) == []
    assert list_users(loaded_db).empty
    assert loaded_db.table_counts()["relationships"] == 3 and loaded_db.table_counts()["trainees"] == 2


def test_an_id_that_is_both_trainee_and_person_is_erased_in_both_roles(tmp_path, empty_db):
    tables = _partnership()
    tables["people"] = pd.concat([tables["people"], frame([
        {"person_id": TRAINEE["id"], "name": TRAINEE["name"], "role": "medestudent", "school_id": "S2",
         "institute_id": "", "orientation": "", "email": TRAINEE["email"]}])], ignore_index=True)
    tables["relationships"] = pd.concat([tables["relationships"], frame([
        {"trainee_id": "T2", "person_id": TRAINEE["id"], "wave": "begin", "formal": "nee", "strength": "sterk",
         "functions": "emotionele_steun", "klik": "ja", "contribution": "positief", "assesses": "nee",
         "contact_frequency": "", "contact_note": ""}])], ignore_index=True)
    assert import_dataset(empty_db, write_tiny(tmp_path / "data", **tables)).ok
    erasure = erase_person(empty_db, TRAINEE["id"])
    assert erasure.rows["trainee"] == 1 and erasure.rows["person"] == 1 and erasure.rows["relationships"] == 5
    assert _traces(_texts_in_database(empty_db), TRAINEE) == []


def test_erase_command_needs_confirmation(loaded_db, capsys, monkeypatch):
    db_file = str(loaded_db.path)
    loaded_db.close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["person", "erase", TRAINEE["id"], "--db", db_file]) == 1
    captured = capsys.readouterr()
    assert "--yes" in captured.err and "relationships: 4 rij(en)" in captured.out
    with Database(db_file) as db:
        assert db.table_counts()["trainees"] == 2
    assert main(["person", "erase", TRAINEE["id"], "--yes", "--db", db_file]) == 0
    assert "Kenmerk in het auditlogboek" in capsys.readouterr().out
    with Database(db_file) as db:
        assert db.table_counts()["trainees"] == 1
    assert main(["person", "erase", TRAINEE["id"], "--yes", "--db", db_file]) == 1


def _repeat_relationship(db: Database, trainee_id: str, person_id: str) -> None:
    """Store one relationship a second time, past every check (as a damaged file might hold it)."""
    cursor = db.cursor()
    cursor.execute("INSERT INTO relationships SELECT * FROM relationships WHERE trainee_id = ? AND person_id = ?",
                   [trainee_id, person_id])
    cursor.close()


def test_erase_command_refused_by_the_integrity_check_says_why_and_erases_nothing(loaded_db, capsys):
    _repeat_relationship(loaded_db, "T2", PERSON["id"])  # someone else's row: the erase leaves it as it is
    before = loaded_db.table_counts()
    db_file = str(loaded_db.path)
    loaded_db.close()
    assert main(["person", "erase", TRAINEE["id"], "--yes", "--db", db_file]) == 2
    assert capsys.readouterr().err.strip() == (
        "Niet opgeslagen: in tabel relationships zou de sleutel (trainee_id, person_id, wave)"
        f" \"T2/{PERSON['id']}/begin\" 2 keer voorkomen; elke sleutel mag maar één keer voorkomen."
        " Er is niets gewijzigd.")
    with Database(db_file) as db:
        assert db.table_counts() == before
        assert audit.audit_log(db, action="person_erase").empty


# --- bewaartermijn -----------------------------------------------------------


@pytest.mark.parametrize(("label", "end"), [
    ("2025-2026", dt.date(2026, 7, 31)),
    ("1999-2000", dt.date(2000, 7, 31)),
    ("2025-2027", None),  # not one school year
    ("2026-2025", None),
    ("2025/2026", None),
    ("2025", None),
    ("najaar 2025", None),
    ("cohort A", None),
])
def test_cohort_end_hand_cases(label, end):
    assert cohort_end(label) == end


@given(st.integers(1000, 9998), st.integers(1000, 9999))
def test_cohort_end_is_31_july_of_the_second_of_two_consecutive_years(first, second):
    end = cohort_end(f"{first}-{second}")
    assert end == (dt.date(second, 7, 31) if second == first + 1 else None)


def test_default_cutoff_is_the_retention_before_today():
    assert RETENTION_YEARS == 2
    assert default_cutoff(dt.date(2026, 11, 28)) == dt.date(2024, 11, 28)
    assert default_cutoff(dt.date(2028, 2, 29)) == dt.date(2026, 2, 28)


def _two_cohorts(tmp_path, db: Database) -> None:
    """T2 (and its only mentor via P-OLD) in cohort 2020-2021; a trainee with an odd label; a lone person."""
    tables = tiny_partnership()
    tables["trainees"].loc[1, "cohort"] = "2020-2021"
    tables["trainees"] = pd.concat([tables["trainees"], frame([
        {"trainee_id": "T3", "name": "Cas Odd", "school_id": "S2", "institute_id": "I1", "cohort": "najaar",
         "programme": "", "study_year": "", "email": ""}])], ignore_index=True)
    tables["people"] = pd.concat([tables["people"], frame([
        {"person_id": "P-OLD", "name": "Olga Oud", "role": "werkplekbegeleider", "school_id": "S2",
         "institute_id": "", "orientation": "", "email": ""},
        {"person_id": "P-LONE", "name": "Lot Los", "role": "collega", "school_id": "S2",
         "institute_id": "", "orientation": "", "email": ""}])], ignore_index=True)
    tables["relationships"] = pd.concat([tables["relationships"], frame([
        {"trainee_id": "T2", "person_id": "P-OLD", "wave": "begin", "formal": "ja", "strength": "sterk",
         "functions": "gastheer", "klik": "", "contribution": "", "assesses": "", "contact_frequency": "",
         "contact_note": ""},
        {"trainee_id": "T3", "person_id": "P1", "wave": "begin", "formal": "ja", "strength": "zwak",
         "functions": "", "klik": "", "contribution": "", "assesses": "", "contact_frequency": "",
         "contact_note": ""}])], ignore_index=True)
    tables["consultations"] = pd.concat([tables["consultations"], frame([
        {"trainee_id": "T2", "person_a": "P-OLD", "person_b": "P2", "wave": "begin", "frequency": ""}])],
        ignore_index=True)
    tables["needs"] = pd.concat([tables["needs"], frame([
        {"trainee_id": "T2", "wave": "begin", "function": "reflectie"}])], ignore_index=True)
    assert import_dataset(db, write_tiny(tmp_path / "data", **tables)).ok


def test_purge_removes_expired_cohorts_and_people_left_without_relationship(tmp_path, empty_db):
    _two_cohorts(tmp_path, empty_db)
    audit.record(empty_db, "cli", "beheerder", "export", occurred_at=dt.datetime(2022, 1, 1))
    audit.record(empty_db, "cli", "beheerder", "view_constellation", subject_id="T2")
    plan = plan_purge(empty_db, dt.date(2023, 8, 1))
    assert plan.cohorts == ["2020-2021"] and plan.unrecognised == ["najaar"]
    assert plan.rows == {"trainees": 1, "people": 1, "relationships": 2, "relationship_functions": 2,
                         "consultations": 1, "needs": 1, "audit_log": 1}
    done, audit_id = purge(empty_db, dt.date(2023, 8, 1))
    assert done == plan
    assert sorted(empty_db.query_sql("SELECT trainee_id FROM trainees")["trainee_id"]) == ["007", "T3"]
    people = set(empty_db.query_sql("SELECT person_id FROM people")["person_id"])
    assert "P-OLD" not in people  # only related to the purged trainee
    assert {"P1", "P2", "P-LONE"} <= people  # still related elsewhere, or never related at all
    assert empty_db.scalar("SELECT count(*) FROM needs WHERE trainee_id = 'T2'") == 0
    log = audit.audit_log(empty_db)
    assert log["action"].tolist() == ["import", "view_constellation", "purge"]  # the 2022 row is gone
    assert log["subject_id"].isna().all()  # the purged trainee's id is blanked
    detail = json.loads(log["detail"].iloc[-1])
    assert log["id"].iloc[-1] == audit_id and detail["cohorts"] == ["2020-2021"]
    assert detail["before"] == "2023-08-01" and detail["rows"]["trainees"] == 1


def test_purge_before_the_end_of_a_cohort_keeps_it(tmp_path, empty_db):
    _two_cohorts(tmp_path, empty_db)
    plan, _ = purge(empty_db, dt.date(2021, 7, 31))  # 2020-2021 ends on this day: not yet past
    assert plan.cohorts == [] and empty_db.table_counts()["trainees"] == 3


def test_purge_command(tmp_path, empty_db, capsys, monkeypatch):
    _two_cohorts(tmp_path, empty_db)
    db_file = str(empty_db.path)
    empty_db.close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["purge", "--before", "2999-01-01", "--db", db_file]) == 2
    assert "in de toekomst" in capsys.readouterr().err
    assert main(["purge", "--before", "31-07-2023", "--db", db_file]) == 2
    assert "geen datum" in capsys.readouterr().err
    assert main(["purge", "--before", "2023-08-01", "--db", db_file]) == 1
    out = capsys.readouterr().out
    assert "Cohorten: 2020-2021" in out and "'najaar'" in out and "niets verwijderd" in out
    assert main(["purge", "--before", "2023-08-01", "--yes", "--db", db_file]) == 0
    assert "Kenmerk in het auditlogboek" in capsys.readouterr().out
    assert main(["purge", "--yes", "--db", db_file]) == 0  # default retention: 2025-2026 has not passed it
    out = capsys.readouterr().out
    assert out.startswith(f"Bewaartermijn 2 jaar: cohorten die vóór {default_cutoff().isoformat()}")
    assert "niets dat de bewaartermijn" in out
    with Database(db_file) as db:
        assert db.table_counts()["trainees"] == 2
        assert audit.audit_log(db, action="purge")["actor"].tolist() == ["cli"]


def test_purge_command_refused_by_the_integrity_check_says_why_in_english_and_purges_nothing(tmp_path, empty_db,
                                                                                            capsys):
    _two_cohorts(tmp_path, empty_db)
    _repeat_relationship(empty_db, "007", "P1")  # a cohort that stays: the purge leaves it as it is
    before = empty_db.table_counts()
    db_file = str(empty_db.path)
    empty_db.close()
    assert main(["--lang", "en", "purge", "--before", "2023-08-01", "--yes", "--db", db_file]) == 2
    assert capsys.readouterr().err.strip() == (
        "Not saved: in table relationships the key (trainee_id, person_id, wave) \"007/P1/begin\" would occur"
        " 2 times; every key may occur only once. Nothing was changed.")
    with Database(db_file) as db:
        assert db.table_counts() == before
        assert audit.audit_log(db, action="purge").empty


def test_erase_asks_at_a_terminal_and_only_ja_goes_ahead(loaded_db, capsys, monkeypatch):
    db_file = str(loaded_db.path)
    loaded_db.close()
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["nee", "Ja "])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["person", "erase", PERSON["id"], "--db", db_file]) == 1
    assert main(["person", "erase", PERSON["id"], "--db", db_file]) == 0
    with Database(db_file) as db:
        assert db.table_counts()["people"] == 3
