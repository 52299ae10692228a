"""The command line: flags, coverage and measures in table, csv and json."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from dashboard.cli import main
from dashboard.store.db import DB_ENV_VAR, Database
from tests.analysis_fixtures import ALL_FUNCTIONS, base, healthy_trainee


@pytest.fixture
def db_path(tmp_path):
    """Two schools; T2 lacks an SLB and has a weak WPB with no klik."""
    path = tmp_path / "cm.duckdb"
    data = base().school("S2", "Tweede School")
    healthy_trainee(data, "T1", programme="pabo")
    healthy_trainee(data, "T2", school="S2", skip=["studieloopbaanbegeleider", "werkplekbegeleider"],
                    cohort="2026-2027")
    data.person("W", "werkplekbegeleider", "Joost Hendriks").rel("T2", "W", strength="zwak", klik="nee")
    data.rel("T1", "T1-wpb", "midden")
    with Database(path) as db:
        data.write(db)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_flags_json_one_record_per_row(capsys, db_path):
    code, out, _ = run(capsys, "flags", "--db", str(db_path), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert len(out.strip().splitlines()) == len(records) + 2
    assert [set(r) for r in records] == [
        {"trainee_id", "person_id", "function", "code", "severity", "wave", "message"}] * len(records)
    by_code = {r["code"]: r for r in records}
    assert by_code["missing_formal"]["person_id"] is None and by_code["missing_formal"]["trainee_id"] == "T2"
    assert by_code["no_klik"]["message"] == (
        "Werkplekbegeleider Joost Hendriks: geen klik. Regel snel een andere of extra relatie.")


def test_flags_lang_en_and_csv(capsys, db_path):
    code, out, _ = run(capsys, "--lang", "en", "flags", "--db", str(db_path), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["trainee_id", "person_id", "function", "code", "severity", "wave", "message"]
    messages = {r["code"]: r["message"] for r in rows}
    assert messages["weak_formal"] == "Workplace mentor Joost Hendriks: relationship experienced as weak (norm: strong)."


def test_flags_table_is_readable(capsys, db_path):
    code, out, _ = run(capsys, "flags", "--db", str(db_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:6] == ["trainee_id", "person_id", "function", "code", "severity", "wave"]
    assert any("Joost Hendriks" in line for line in lines)


def test_filters_and_wave(capsys, db_path):
    _, out, _ = run(capsys, "flags", "--db", str(db_path), "--school", "S1", "--format", "json")
    assert {r["trainee_id"] for r in json.loads(out)} == {"T1"}  # midden: only the WPB
    _, out, _ = run(capsys, "flags", "--db", str(db_path), "--school", "S1", "--wave", "begin", "--format", "json")
    assert json.loads(out) == []
    _, out, _ = run(capsys, "flags", "--db", str(db_path), "--school", "S1", "--wave", "begin")
    assert out.strip() == "Geen resultaten voor deze selectie."
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--cohort", "2026-2027", "--format", "json")
    assert {r["trainee_id"] for r in json.loads(out)} == {"T2"}
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--programme", "pabo", "--format", "json")
    assert {r["wave"] for r in json.loads(out)} == {"midden"}
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--programme", "pabo", "--wave", "begin",
                    "--format", "json")
    assert {r["wave"] for r in json.loads(out)} == {"begin"}
    _, out, _ = run(capsys, "measures", "--db", str(db_path), "--institute", "I1", "--format", "json")
    assert {r["trainee_id"] for r in json.loads(out)} == {"T1", "T2"}


def test_coverage_by_trainee_fields(capsys, db_path):
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["trainee_id", "wave", "function", "level", "level_formal", "level_informal"]
    assert len(rows) == 2 * len(ALL_FUNCTIONS)


@pytest.mark.parametrize("by, id_column", [("school", "school_id"), ("institute", "institute_id"),
                                           ("cohort", "cohort"), ("programme", "programme")])
def test_coverage_by_group_fields(capsys, db_path, by, id_column):
    # --min-group 1: no group is too small, so the real counts of these one-trainee groups show.
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--by", by, "--min-group", "1", "--format", "json")
    records = json.loads(out)
    assert list(records[0]) == [id_column, "function", "n_trainees", "n_sterk", "n_zwak", "n_geen", "share_sterk",
                                "suppressed"]
    assert sum(r["n_trainees"] for r in records if r["function"] == "gastheer") == 2
    assert not any(r["suppressed"] for r in records)


def test_coverage_by_group_suppresses_small_groups_by_default(capsys, db_path, monkeypatch):
    monkeypatch.delenv("CONSTELLATIEMONITOR_MIN_GROUP", raising=False)
    code, out, _ = run(capsys, "coverage", "--db", str(db_path), "--by", "school", "--format", "json")
    records = json.loads(out)
    assert code == 0 and {r["school_id"] for r in records} == {"S1", "S2"}
    # Both schools have one trainee (< 5): every figure reads "< 5", never a number or 0.
    for record in records:
        assert record["suppressed"] is True
        assert [record[c] for c in ("n_trainees", "n_sterk", "n_zwak", "n_geen", "share_sterk")] == ["< 5"] * 5
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--by", "school", "--min-group", "2", "--format", "csv")
    assert {r["n_trainees"] for r in csv.DictReader(io.StringIO(out))} == {"< 2"}
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--by", "school")
    assert "< 5" in out and " 0 " not in out


def test_coverage_min_group_from_environment_and_bad_values(capsys, db_path, monkeypatch):
    monkeypatch.setenv("CONSTELLATIEMONITOR_MIN_GROUP", "1")
    _, out, _ = run(capsys, "coverage", "--db", str(db_path), "--by", "cohort", "--format", "json")
    assert {r["n_trainees"] for r in json.loads(out)} == {1}
    for bad in ("0", "-3", "vijf"):
        code, out, err = run(capsys, "coverage", "--db", str(db_path), "--by", "cohort", "--min-group", bad)
        assert code == 2 and out == "" and f"--min-group '{bad}'" in err and "Traceback" not in err


def test_measures_fields_and_nulls(capsys, db_path):
    _, out, _ = run(capsys, "measures", "--db", str(db_path), "--format", "json")
    records = json.loads(out)
    assert list(records[0]) == ["trainee_id", "wave", "size", "n_formal", "n_informal", "n_strong", "share_strong",
                                "density", "effective_size", "constraint", "ei_index", "n_roles", "n_sides"]
    t1 = next(r for r in records if r["trainee_id"] == "T1")
    assert t1["size"] == 1 and t1["density"] is None and t1["ei_index"] is None and t1["constraint"] == 1.0
    _, out, _ = run(capsys, "measures", "--db", str(db_path))
    assert "T1" in out and " - " in out  # nulls shown as a dash


def test_missing_database_gives_dutch_message(capsys, tmp_path):
    code, out, err = run(capsys, "flags", "--db", str(tmp_path / "nope.duckdb"))
    assert code == 2 and out == ""
    assert "Databasebestand niet gevonden" in err and "nope.duckdb" in err
    code, _, err = run(capsys, "--lang", "en", "measures", "--db", str(tmp_path / "nope.duckdb"))
    assert code == 2 and "Database file not found" in err


def test_default_database_path_from_environment(capsys, db_path, monkeypatch):
    monkeypatch.setenv(DB_ENV_VAR, str(db_path))
    code, out, _ = run(capsys, "coverage", "--by", "school", "--format", "json")
    assert code == 0 and json.loads(out)


def test_not_a_database_gives_message_not_traceback(capsys, tmp_path):
    bogus = tmp_path / "data.duckdb"
    bogus.write_text("trainee_id,name\nT1,Anna\n")
    code, _, err = run(capsys, "flags", "--db", str(bogus))
    assert code == 2 and "geen database van de Constellatiemonitor" in err and "Traceback" not in err


def test_locked_database_gives_message(tmp_path, db_path, locked_elsewhere):
    with locked_elsewhere(db_path):
        result = subprocess.run([sys.executable, "-m", "dashboard", "flags", "--db", str(db_path)],
                                capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 2
    assert "kan niet worden geopend" in result.stderr and "Traceback" not in result.stderr


def test_opens_read_only(capsys, db_path):
    """A reader must not take the write lock: two report commands can run side by side."""
    with Database(db_path, read_only=True):
        code, _, _ = run(capsys, "flags", "--db", str(db_path), "--format", "json")
    assert code == 0


# --- attention, patterns and --norm (issue 17) -------------------------------------------


def test_attention_json_has_the_contract_fields_in_rank_order(capsys, db_path):
    code, out, _ = run(capsys, "attention", "--db", str(db_path), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [list(r) for r in records] == [
        ["trainee_id", "name", "school_id", "wave", "tier", "rank", "codes", "new_codes", "messages"]] * len(records)
    # T1's midden wave has only the werkplekbegeleider: missing formal roles, to discuss
    assert [(r["trainee_id"], r["tier"], r["rank"]) for r in records] == [("T2", "nu", 1), ("T1", "bespreken", 2)]
    assert "no_klik" in records[0]["codes"] and records[0]["new_codes"] == records[0]["codes"]
    assert any("geen klik" in m for m in records[0]["messages"])


def test_attention_tier_and_new_narrow_the_list(capsys, db_path):
    found = json.loads(run(capsys, "attention", "--db", str(db_path), "--tier", "bespreken", "--format", "json")[1])
    assert [(r["trainee_id"], r["rank"]) for r in found] == [("T1", 2)]  # the rank of the whole list
    assert json.loads(run(capsys, "attention", "--db", str(db_path), "--tier", "volgen", "--format", "json")[1]) == []
    code, out, _ = run(capsys, "attention", "--db", str(db_path), "--new", "--wave", "begin", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["trainee_id"] for r in rows] == ["T2"]
    assert "no_klik" in rows[0]["codes"].split(";")
    with pytest.raises(SystemExit):  # argparse refuses an unknown tier
        run(capsys, "attention", "--db", str(db_path), "--tier", "later")


def test_patterns_fields_and_an_empty_answer(capsys, db_path):
    code, out, _ = run(capsys, "patterns", "--db", str(db_path), "--format", "csv")
    assert code == 0
    assert out.strip().split(",") == [
        "group_by", "group_id", "code", "role", "n_trainees", "n_in_group", "share", "message"]  # groups of < 5


def test_norm_folder_is_used_in_memory_and_validated_like_an_import(capsys, db_path, tmp_path):
    folder = tmp_path / "norm"
    folder.mkdir()
    # expect only a zwak werkplekbegeleider, nothing else: T2's zwak WPB meets it, the missing SLB is no longer expected
    (folder / "norm_roles.csv").write_text("programme,role,expected_strength\n*,werkplekbegeleider,zwak\n")
    (folder / "norm_consultations.csv").write_text("programme,role_a,role_b\n")
    code, out, _ = run(capsys, "flags", "--db", str(db_path), "--norm", str(folder), "--format", "json")
    assert code == 0
    assert sorted(r["code"] for r in json.loads(out)) == ["no_klik"]
    with Database(db_path, read_only=True) as db:
        assert len(db.query_sql("SELECT * FROM norm_roles WHERE expected_strength = 'zwak' AND role = 'werkplekbegeleider' AND programme = '*'")) == 0
    (folder / "norm_roles.csv").write_text("programme,role,expected_strength\n*,werkplekbegeleider,heel sterk\n")
    for command in ("attention", "flags", "coverage", "patterns"):
        code, out, err = run(capsys, command, "--db", str(db_path), "--norm", str(folder))
        assert code == 1 and out == ""
        assert 'norm_roles.csv, regel 2, kolom expected_strength: waarde "heel sterk"' in err
