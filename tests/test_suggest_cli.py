"""The command line of step 6 and the scenario: field names are a contract."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dashboard.cli import main
from dashboard.store.db import Database
from tests.analysis_fixtures import base


@pytest.fixture
def db_path(tmp_path):
    """T1 and T2 share werkplekbegeleider W (rolmodel); colleague C serves T2 strongly."""
    path = tmp_path / "cm.duckdb"
    data = base()
    data.trainee("T1").trainee("T2")
    data.person("W", "werkplekbegeleider", "Wim de Wit").person("C", "collega", "Carla Claes")
    data.rel("T1", "W", functions=["rolmodel"]).rel("T2", "W", functions=["rolmodel"])
    data.rel("T2", "C", formal=False, functions=["rolmodel"])
    data.need("T1", "vakexpert")
    data.person("V", "collega", "Vera Vos").rel("T2", "V", formal=False, functions=["vakexpert"])
    with Database(path) as db:
        data.write(db)
        db.query_sql("UPDATE people SET school_id = 'S1' WHERE person_id IN ('W', 'C', 'V')")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_suggest_json_fields_and_order(capsys, db_path):
    code, out, _ = run(capsys, "suggest", "--db", str(db_path), "--trainee", "T1", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert list(records[0]) == ["trainee_id", "function", "person_id", "name", "role", "rank", "reason"]
    assert [(r["function"], r["person_id"], r["rank"]) for r in records] == [("vakexpert", "V", 1)]
    assert records[0]["reason"] == "sterk als vakexpert voor 1 andere student; begeleidt er nu 1"


def test_suggest_english_csv_and_bad_cap(capsys, db_path):
    code, out, _ = run(capsys, "--lang", "en", "suggest", "--db", str(db_path), "--trainee", "T1", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["reason"] == "strong as subject expert for 1 other trainee; currently guides 1"
    code, _, err = run(capsys, "suggest", "--db", str(db_path), "--trainee", "T1", "--cap", "werkplekbegeleider=x")
    assert code == 2 and "--cap" in err


def test_scenario_leave_fields_and_candidates(capsys, db_path):
    code, out, _ = run(capsys, "scenario", "leave", "W", "--db", str(db_path), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert list(records[0]) == ["trainee_id", "function", "level_before", "level_after", "tier_before",
                                "tier_after", "candidates"]
    lost = [r for r in records if r["function"] == "rolmodel"]
    assert [(r["trainee_id"], r["level_before"], r["level_after"], r["candidates"]) for r in lost] == [
        ("T1", "sterk", "geen", ["C"])]


def test_scenario_csv_joins_candidates_and_empty_tier(capsys, db_path):
    code, out, _ = run(capsys, "scenario", "leave", "W", "--db", str(db_path), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and rows[0]["candidates"] in ("C", "")
    code, out, _ = run(capsys, "scenario", "leave", "nobody", "--db", str(db_path), "--format", "table")
    assert code == 0
