"""Users: email -> role + scope, the rules per role, audit rows, the `users` command."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.privacy import audit
from dashboard.cli import main
from dashboard.store.db import Database
from dashboard.exchange.importer import import_dataset
from dashboard.privacy.users import ROLES, User, UserError, add_user, get_user, list_users, remove_user, validate
from import_fixtures import tiny_partnership, write_tiny

# The tiny partnership has schools S1, S2 and institute I1.


@pytest.fixture
def loaded_db(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    return empty_db


def test_a_schoolopleider_with_two_schools_is_stored_lower_case_and_audited(loaded_db):
    user, replaced = add_user(loaded_db, "  Sara.Bakker@Baken.NL ", "schoolopleider", ["S2", "S1", "S1"])
    assert not replaced
    assert user == User("sara.bakker@baken.nl", "schoolopleider", ("S1", "S2"), ())
    assert get_user(loaded_db, "SARA.BAKKER@baken.nl") == user
    rows = list_users(loaded_db)
    assert rows[["email", "role", "schools", "institutes", "unknown_ids"]].values.tolist() == [
        ["sara.bakker@baken.nl", "schoolopleider", "S1;S2", "", ""]]
    log = audit.audit_log(loaded_db, action="user_add")
    assert log["subject_id"].tolist() == ["sara.bakker@baken.nl"] and log["actor"].tolist() == ["cli"]
    assert json.loads(log["detail"].iloc[0]) == {"role": "schoolopleider", "schools": ["S1", "S2"],
                                                 "institutes": []}


def test_adding_an_existing_email_replaces_role_and_scope(loaded_db):
    add_user(loaded_db, "x@hs.nl", "schoolopleider", ["S1", "S2"])
    created = list_users(loaded_db)["created_at"].iloc[0]
    user, replaced = add_user(loaded_db, "X@hs.nl", "instituutsopleider", institutes=["I1"])
    assert replaced and get_user(loaded_db, "x@hs.nl") == User("x@hs.nl", "instituutsopleider", (), ("I1",))
    assert list_users(loaded_db)["created_at"].tolist() == [created]
    assert loaded_db.scalar("SELECT count(*) FROM user_scopes") == 1
    assert audit.audit_log(loaded_db)["action"].tolist()[-2:] == ["user_add", "user_change"]


@pytest.mark.parametrize(("email", "role", "schools", "institutes", "key"), [
    ("geen-adres", "beheerder", [], [], "users.bad_email"),
    ("a@b.nl", "directeur", [], [], "users.bad_role"),
    ("a@b.nl", "schoolopleider", [], [], "users.needs_school"),
    ("a@b.nl", "schoolopleider", ["S1"], ["I1"], "users.schools_only"),
    ("a@b.nl", "schoolopleider", ["S9"], [], "users.unknown_school"),
    ("a@b.nl", "instituutsopleider", [], [], "users.needs_institute"),
    ("a@b.nl", "instituutsopleider", ["S1"], ["I1"], "users.institutes_only"),
    ("a@b.nl", "instituutsopleider", [], ["I7"], "users.unknown_institute"),
    ("a@b.nl", "management", ["S1"], [], "users.no_scope_allowed"),
    ("a@b.nl", "beheerder", [], ["I1"], "users.no_scope_allowed"),
])
def test_rules_per_role_refuse_and_write_nothing(loaded_db, email, role, schools, institutes, key):
    with pytest.raises(UserError) as caught:
        add_user(loaded_db, email, role, schools, institutes)
    assert caught.value.key == key
    assert list_users(loaded_db).empty and audit.audit_log(loaded_db, action="user_add").empty


def test_unknown_scope_message_names_the_id_and_the_known_ones(loaded_db):
    with pytest.raises(UserError) as caught:
        add_user(loaded_db, "a@b.nl", "schoolopleider", ["S1", "S9"])
    assert caught.value.message("nl") == "Onbekende school: S9. Bekende school_id's: S1, S2."
    assert caught.value.message("en") == "Unknown school: S9. Known school_ids: S1, S2."


_SCOPE_IDS = st.lists(st.sampled_from(["S1", "S2", "S9", "I1", "I7"]), max_size=3)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(role=st.sampled_from([*ROLES, "directeur"]), schools=_SCOPE_IDS, institutes=_SCOPE_IDS)
def test_validate_accepts_exactly_the_combinations_the_role_table_allows(loaded_db, role, schools, institutes):
    allowed = {
        "beheerder": not schools and not institutes,
        "management": not schools and not institutes,
        "schoolopleider": bool(schools) and not institutes and set(schools) <= {"S1", "S2"},
        "instituutsopleider": bool(institutes) and not schools and set(institutes) <= {"I1"},
    }.get(role, False)
    try:
        user = validate(loaded_db, "a@b.nl", role, schools, institutes)
    except UserError:
        assert not allowed
    else:
        assert allowed
        assert set(user.schools) == set(schools) and set(user.institutes) == set(institutes)


def test_remove_takes_the_scope_too_and_is_audited(loaded_db):
    add_user(loaded_db, "a@b.nl", "schoolopleider", ["S1"])
    remove_user(loaded_db, "A@B.nl")
    assert list_users(loaded_db).empty and get_user(loaded_db, "a@b.nl") is None
    assert loaded_db.scalar("SELECT count(*) FROM user_scopes") == 0
    assert audit.audit_log(loaded_db, action="user_remove")["subject_id"].tolist() == ["a@b.nl"]
    with pytest.raises(UserError) as caught:
        remove_user(loaded_db, "a@b.nl")
    assert caught.value.key == "users.not_found"


def test_a_scope_whose_school_a_replace_import_removed_is_marked(tmp_path, loaded_db):
    add_user(loaded_db, "a@b.nl", "schoolopleider", ["S1", "S2"])
    tables = tiny_partnership()
    tables["schools"] = tables["schools"].iloc[:1]
    tables["trainees"] = tables["trainees"].iloc[:1]
    tables["relationships"] = tables["relationships"].iloc[:4]
    assert import_dataset(loaded_db, write_tiny(tmp_path / "smaller", **tables), replace=True).ok
    assert list_users(loaded_db)["unknown_ids"].tolist() == ["S2"]


def test_users_command_add_list_remove(tmp_path, capsys):
    db_file = str(tmp_path / "cli.duckdb")
    assert main(["import", str(write_tiny(tmp_path / "data")), "--db", db_file]) == 0
    capsys.readouterr()
    assert main(["users", "add", "Sara@Baken.nl", "--role", "schoolopleider", "--school", "S1",
                 "--school", "S2", "--db", db_file]) == 0
    assert capsys.readouterr().out.strip() == (
        "Gebruiker sara@baken.nl toegevoegd als schoolopleider (scope: S1, S2).")
    assert main(["users", "add", "dir@hs.nl", "--role", "management", "--db", db_file]) == 0
    capsys.readouterr()
    assert main(["users", "list", "--format", "json", "--db", db_file]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["email"], u["role"], u["schools"]) for u in listed] == [
        ("dir@hs.nl", "management", ""), ("sara@baken.nl", "schoolopleider", "S1;S2")]
    assert main(["users", "remove", "dir@hs.nl", "--db", db_file]) == 0
    assert capsys.readouterr().out.strip() == "Gebruiker dir@hs.nl verwijderd."
    assert main(["users", "list", "--db", db_file]) == 0
    out = capsys.readouterr().out
    assert "sara@baken.nl" in out and "dir@hs.nl" not in out
    with Database(db_file) as db:
        assert audit.audit_log(db)["action"].tolist() == ["import", "user_add", "user_add", "user_remove"]


def test_users_command_errors_are_dutch_or_english_and_exit_1(tmp_path, capsys):
    db_file = str(tmp_path / "cli.duckdb")
    assert main(["users", "add", "a@b.nl", "--role", "schoolopleider", "--db", db_file]) == 1
    assert capsys.readouterr().err.strip() == "Een schoolopleider heeft ten minste één school nodig: geef --school ID op."
    assert main(["--lang", "en", "users", "remove", "a@b.nl", "--db", db_file]) == 1
    assert capsys.readouterr().err.strip() == "There is no user with email address a@b.nl."
    assert main(["users", "list", "--db", db_file]) == 0
    assert "nog geen gebruikers" in capsys.readouterr().out


@pytest.mark.parametrize("command", [
    ["users", "add", "nieuw@baken.nl", "--role", "management"],
    ["users", "remove", "dir@hs.nl"],
])
def test_users_command_refused_by_the_integrity_check_says_why_and_exits_2(loaded_db, capsys, command):
    add_user(loaded_db, "dir@hs.nl", "management")
    cursor = loaded_db.cursor()  # one relationship stored twice, past every check (as a damaged file might hold it)
    cursor.execute("INSERT INTO relationships SELECT * FROM relationships WHERE trainee_id = 'T2'")
    cursor.close()
    db_file = str(loaded_db.path)
    loaded_db.close()
    assert main([*command, "--db", db_file]) == 2
    assert capsys.readouterr().err.strip() == (
        "Niet opgeslagen: in tabel relationships zou de sleutel (trainee_id, person_id, wave) \"T2/P2/begin\""
        " 2 keer voorkomen; elke sleutel mag maar één keer voorkomen. Er is niets gewijzigd.")
    with Database(db_file) as db:
        assert list_users(db)["email"].tolist() == ["dir@hs.nl"]
        assert audit.audit_log(db)["action"].tolist() == ["import", "user_add"]
