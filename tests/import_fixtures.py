"""Hand-built datasets for the import and export tests."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.exchange.interchange import write_dataset


def frame(rows: list[dict[str, str]], columns: list[str] | None = None) -> pd.DataFrame:
    columns = columns or (list(rows[0]) if rows else [])
    return pd.DataFrame(rows, columns=columns, dtype="str")


def tiny_partnership() -> dict[str, pd.DataFrame]:
    """Two schools, one institute, two trainees (one with id 007), their mentors."""
    return {
        "schools": frame([
            {"school_id": "S1", "name": "Het Baken", "sector": "vo"},
            {"school_id": "S2", "name": "De Linde", "sector": "po"},
        ]),
        "institutes": frame([{"institute_id": "I1", "name": "Hogeschool Noord"}]),
        "trainees": frame([
            {"trainee_id": "007", "name": "Anna de Vries", "school_id": "S1", "institute_id": "I1",
             "cohort": "2025-2026", "programme": "lerarenopleiding", "study_year": "3", "email": "anna@example.nl"},
            {"trainee_id": "T2", "name": "Bram Jansen", "school_id": "S2", "institute_id": "I1",
             "cohort": "2025-2026", "programme": "", "study_year": "", "email": ""},
        ]),
        "people": frame([
            {"person_id": "P1", "name": "Wim Peters", "role": "werkplekbegeleider", "school_id": "S1",
             "institute_id": "", "orientation": "technisch", "email": ""},
            {"person_id": "P2", "name": "Sara Bakker", "role": "schoolopleider", "school_id": "S1",
             "institute_id": "", "orientation": "", "email": ""},
            {"person_id": "P3", "name": "Ilse Mulder", "role": "instituutsopleider", "school_id": "",
             "institute_id": "I1", "orientation": "persoonlijk", "email": ""},
            {"person_id": "P4", "name": "Koen Smit", "role": "collega", "school_id": "S1",
             "institute_id": "", "orientation": "", "email": ""},
        ]),
        "relationships": frame([
            {"trainee_id": "007", "person_id": "P1", "wave": "begin", "formal": "ja", "strength": "sterk",
             "functions": "gastheer;leermeester", "klik": "ja", "contribution": "positief", "assesses": "nee",
             "contact_frequency": "dagelijks", "contact_note": "elke ochtend kort"},
            {"trainee_id": "007", "person_id": "P2", "wave": "begin", "formal": "ja", "strength": "zwak",
             "functions": "reflectie", "klik": "twijfel", "contribution": "positief", "assesses": "ja",
             "contact_frequency": "maandelijks", "contact_note": ""},
            {"trainee_id": "007", "person_id": "P3", "wave": "begin", "formal": "ja", "strength": "geen",
             "functions": "", "klik": "", "contribution": "", "assesses": "",
             "contact_frequency": "", "contact_note": ""},
            {"trainee_id": "007", "person_id": "P4", "wave": "begin", "formal": "nee", "strength": "sterk",
             "functions": "emotionele_steun", "klik": "ja", "contribution": "positief", "assesses": "nee",
             "contact_frequency": "wekelijks", "contact_note": "koffie"},
            {"trainee_id": "T2", "person_id": "P2", "wave": "begin", "formal": "ja", "strength": "sterk",
             "functions": "vakexpert", "klik": "ja", "contribution": "positief", "assesses": "nee",
             "contact_frequency": "", "contact_note": ""},
        ]),
        "consultations": frame([
            {"trainee_id": "007", "person_a": "P2", "person_b": "P1", "wave": "begin", "frequency": "wekelijks"},
        ]),
        "needs": frame([{"trainee_id": "007", "wave": "begin", "function": "vakexpert"}]),
    }


def write_csv(folder: Path, name: str, rows: list[list[str]], *, delimiter: str = ",",
              encoding: str = "utf-8") -> Path:
    """Write one CSV file exactly as given (header first), in a chosen dialect."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.csv"
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return path


def write_tiny(folder: Path, **changes: pd.DataFrame | None) -> Path:
    """The tiny partnership as a CSV folder, with files replaced (or dropped with None)."""
    tables = tiny_partnership()
    for name, value in changes.items():
        if value is None:
            tables.pop(name, None)
        else:
            tables[name] = value
    return write_dataset(tables, folder)


def large_partnership(n_trainees: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """A big valid dataset built with numpy (about 5 relationships per trainee)."""
    rng = np.random.default_rng(seed)
    n_schools, n_mentors = 50, max(10, n_trainees // 2)
    schools = pd.DataFrame({"school_id": [f"S{i}" for i in range(n_schools)],
                            "name": [f"School {i}" for i in range(n_schools)]}, dtype="str")
    institutes = pd.DataFrame({"institute_id": ["I1", "I2"], "name": ["Instituut 1", "Instituut 2"]}, dtype="str")
    trainee_ids = np.array([f"T{i:06d}" for i in range(n_trainees)])
    trainees = pd.DataFrame({
        "trainee_id": trainee_ids,
        "name": [f"Student {i}" for i in range(n_trainees)],
        "school_id": [f"S{i}" for i in rng.integers(0, n_schools, n_trainees)],
        "institute_id": np.where(rng.random(n_trainees) < 0.5, "I1", "I2"),
        "cohort": "2025-2026",
    }, dtype="str")
    roles = np.array(["werkplekbegeleider", "schoolopleider", "instituutsopleider", "studieloopbaanbegeleider",
                      "collega"])
    person_ids = np.array([f"P{i:06d}" for i in range(n_mentors * len(roles))])
    people = pd.DataFrame({
        "person_id": person_ids,
        "name": [f"Begeleider {i}" for i in range(len(person_ids))],
        "role": np.repeat(roles, n_mentors),
    }, dtype="str")
    # Trainee i relates to mentor (i mod n_mentors) of every role: 5 distinct people.
    role_index = np.tile(np.arange(len(roles)), n_trainees)
    trainee_index = np.repeat(np.arange(n_trainees), len(roles))
    person_index = role_index * n_mentors + trainee_index % n_mentors
    n = len(trainee_index)
    strengths = np.array(["sterk", "zwak", "geen"])[rng.integers(0, 3, n)]
    function_lists = np.array(["gastheer;leermeester", "vakexpert", "reflectie;emotionele_steun", ""])
    relationships = pd.DataFrame({
        "trainee_id": trainee_ids[trainee_index],
        "person_id": person_ids[person_index],
        "wave": "begin",
        "formal": np.where(role_index < 4, "ja", "nee"),
        "strength": strengths,
        "functions": function_lists[rng.integers(0, 4, n)],
        "klik": np.array(["ja", "twijfel", "nee", ""])[rng.integers(0, 4, n)],
    }, dtype="str")
    consultations = pd.DataFrame({
        "trainee_id": trainee_ids,
        "person_a": person_ids[np.arange(n_trainees) % n_mentors],
        "person_b": person_ids[n_mentors + np.arange(n_trainees) % n_mentors],
        "wave": "begin",
    }, dtype="str")
    return {"schools": schools, "institutes": institutes, "trainees": trainees, "people": people,
            "relationships": relationships, "consultations": consultations}


TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "docs" / "template"
TEMPLATE_XLSX = TEMPLATE_DIR.parent / "template.xlsx"


def template_tables() -> dict[str, pd.DataFrame]:
    """docs/template: every file with every column and 1 to 3 fictitious example rows.

    functions and the norm files hold the complete shipped defaults instead, so
    that a template filled in and imported keeps the whole taxonomy and norm.
    """
    from dashboard.core import domain
    from dashboard.exchange.interchange import FILES

    tables = tiny_partnership()
    tables["people"] = tables["people"].iloc[:3]
    tables["relationships"] = tables["relationships"].iloc[:3]
    tables["functions"] = frame([
        {"code": f.code, "label_nl": f.label_nl, "label_en": f.label_en, "group": f.group,
         "description": f.description} for f in domain.DEFAULT_FUNCTIONS])
    tables["norm_roles"] = frame([
        {"programme": domain.DEFAULT_PROGRAMME, "role": role, "expected_strength": strength}
        for role, strength in domain.DEFAULT_NORM_ROLES])
    tables["norm_consultations"] = frame([
        {"programme": domain.DEFAULT_PROGRAMME, "role_a": min(pair), "role_b": max(pair)}
        for pair in domain.DEFAULT_NORM_CONSULTATIONS])
    # Contract version 2: step 5 (valuations) and step 6 (actions).
    tables["valuations"] = frame([{"trainee_id": "007", "wave": "begin", "support": "deels",
                                   "note": "ik mis iemand om mee te reflecteren"}])
    tables["actions"] = frame([
        {"trainee_id": "007", "wave": "begin", "action_id": "A1", "function": "reflectie", "person_id": "P2",
         "note": "maandelijks reflectiegesprek plannen", "status": "open"},
        {"trainee_id": "007", "wave": "begin", "action_id": "A2", "function": "vakexpert", "person_id": "",
         "note": "", "status": "gedaan"},
    ])
    return {spec.name: tables[spec.name].reindex(columns=list(spec.columns)).fillna("") for spec in FILES}


def write_dutch(tables: dict[str, pd.DataFrame], out: Path) -> Path:
    """The interchange files under their Dutch file, sheet and column names (data contract v2):
    what a coordinator fills in. The export itself keeps writing the English names."""
    import io
    import tempfile

    from openpyxl import load_workbook

    from dashboard.exchange import aliases
    from dashboard.exchange.interchange import _normalise_zip

    def header(names: list[str]) -> list[str]:
        return [aliases.DUTCH_COLUMN_OF.get(name, name) for name in names]

    with tempfile.TemporaryDirectory() as folder:
        english = write_dataset(tables, Path(folder) / out.name)
        if out.suffix.lower() == ".xlsx":
            workbook = load_workbook(english)
            for sheet in workbook.worksheets:
                columns = [cell.value for cell in sheet[1]]
                for cell, name in zip(sheet[1], header(columns)):
                    cell.value = name
                sheet.title = aliases.DUTCH_FILE_OF[sheet.title]
            raw = io.BytesIO()
            workbook.save(raw)
            out.write_bytes(_normalise_zip(raw.getvalue()))
            return out
        out.mkdir(parents=True, exist_ok=True)
        for path in sorted(english.iterdir()):
            lines = path.read_text(encoding="utf-8").split("\n")
            lines[0] = ",".join(header(lines[0].split(",")))
            (out / f"{aliases.DUTCH_FILE_OF[path.stem]}.csv").write_text("\n".join(lines), encoding="utf-8")
        return out


def write_template() -> None:
    """Regenerate docs/template/ and docs/template.xlsx (run: python tests/import_fixtures.py),
    with the Dutch names."""
    import shutil

    tables = template_tables()
    shutil.rmtree(TEMPLATE_DIR, ignore_errors=True)
    write_dutch(tables, TEMPLATE_DIR)
    write_dutch(tables, TEMPLATE_XLSX)


if __name__ == "__main__":
    write_template()
