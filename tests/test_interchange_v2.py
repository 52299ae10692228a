"""Contract version 2: valuations.csv (step 5) and actions.csv (step 6) in import, export and generator."""

from __future__ import annotations

import pandas as pd

from dashboard.exchange.exporter import export_dataset
from dashboard.exchange.generator import generate
from dashboard.exchange.importer import import_dataset
from dashboard.exchange.interchange import CONTRACT_VERSION, FILE_BY_NAME
from import_fixtures import frame, write_tiny

VALUATIONS = frame([{"trainee_id": "007", "wave": "begin", "support": "Partly", "note": "mist reflectie"},
                    {"trainee_id": "T2", "wave": "begin", "support": "ja", "note": ""}])
ACTIONS = frame([
    {"trainee_id": "007", "wave": "begin", "action_id": "A1", "function": "reflectie", "person_id": "P2",
     "note": "plannen", "status": ""},
    {"trainee_id": "007", "wave": "begin", "action_id": "A2", "function": "Vakexpert", "person_id": "",
     "note": "", "status": "done"},
])


def _messages(result) -> list[str]:
    return [issue.message("nl") for issue in result.errors]


def test_contract_version_2_names_both_files_with_their_keys():
    assert CONTRACT_VERSION == 2
    assert FILE_BY_NAME["valuations"].key == ("trainee_id", "wave")
    assert FILE_BY_NAME["actions"].required == ("trainee_id", "wave", "action_id", "function")


def test_valuations_and_actions_import_with_aliases_and_defaults(tmp_path, empty_db):
    result = import_dataset(empty_db, write_tiny(tmp_path / "d", valuations=VALUATIONS, actions=ACTIONS))
    assert result.ok, _messages(result)
    assert empty_db.cursor().execute("SELECT trainee_id, support, note FROM valuations ORDER BY ALL").fetchall() == [
        ("007", "deels", "mist reflectie"), ("T2", "ja", None)]
    assert empty_db.cursor().execute("SELECT action_id, function, person_id, status FROM actions ORDER BY ALL"
                                     ).fetchall() == [("A1", "reflectie", "P2", "open"), ("A2", "vakexpert", None, "gedaan")]


def test_the_files_are_optional_and_the_export_writes_them_with_a_header_only(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "d")).ok
    out = export_dataset(empty_db, tmp_path / "out")
    assert (out / "valuations.csv").read_text() == "trainee_id,wave,support,note\n"
    assert (out / "actions.csv").read_text() == "trainee_id,wave,action_id,function,person_id,note,status\n"


def test_round_trip_with_both_files_is_byte_identical(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "d", valuations=VALUATIONS, actions=ACTIONS)).ok
    first = export_dataset(empty_db, tmp_path / "first")
    from dashboard.store.db import Database

    with Database(tmp_path / "again.duckdb") as again:
        assert import_dataset(again, first).ok
        second = export_dataset(again, tmp_path / "second")
    for name in ("valuations.csv", "actions.csv", "relationships.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_bad_values_are_refused_at_file_line_column_and_nothing_is_written(tmp_path, empty_db):
    bad_valuations = frame([{"trainee_id": "007", "wave": "begin", "support": "misschien", "note": ""},
                            {"trainee_id": "007", "wave": "begin", "support": "ja", "note": ""},
                            {"trainee_id": "T9", "wave": "begin", "support": "nee", "note": ""}])
    bad_actions = frame([{"trainee_id": "007", "wave": "begin", "action_id": "A1", "function": "toveren",
                          "person_id": "P99", "note": "", "status": "bezig"}])
    result = import_dataset(empty_db, write_tiny(tmp_path / "d", valuations=bad_valuations, actions=bad_actions))
    messages = _messages(result)
    assert any(m.startswith("valuations.csv, regel 2, kolom support") and "ja, deels of nee" in m for m in messages)
    assert any(m.startswith("valuations.csv, regel 3") for m in messages)  # the repeated (trainee, wave)
    assert any(m.startswith("valuations.csv, regel 4, kolom trainee_id") for m in messages)
    assert any(m.startswith("actions.csv, regel 2, kolom function") for m in messages)
    assert any(m.startswith("actions.csv, regel 2, kolom person_id") for m in messages)
    assert any(m.startswith("actions.csv, regel 2, kolom status") for m in messages)
    assert empty_db.is_empty()
    # the near miss: the same files with good values import
    good = bad_valuations.iloc[:1].assign(support="nee")
    assert import_dataset(empty_db, write_tiny(tmp_path / "e", valuations=good)).ok


def test_generator_steps_5_and_6_are_deterministic_and_realistic():
    first, second = generate(400, seed=3), generate(400, seed=3)
    for name in ("valuations", "actions"):
        pd.testing.assert_frame_equal(first[name], second[name])
    assert not first["valuations"].equals(generate(400, seed=4)["valuations"])
    support = first["valuations"]["support"].value_counts(normalize=True)
    assert support.idxmax() == "deels" and support["deels"] > 0.5
    statuses = set(first["actions"]["status"])
    assert {"open", "gedaan"} <= statuses
    # every valuation belongs to a wave with relationships; actions name a person of that wave or none
    waves = set(zip(first["relationships"]["trainee_id"], first["relationships"]["wave"]))
    assert set(zip(first["valuations"]["trainee_id"], first["valuations"]["wave"])) == waves
    people = set(zip(first["relationships"]["trainee_id"], first["relationships"]["wave"],
                     first["relationships"]["person_id"]))
    named = first["actions"][first["actions"]["person_id"] != ""]
    assert set(zip(named["trainee_id"], named["wave"], named["person_id"])) <= people
