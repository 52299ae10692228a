"""A partnership whose names and free text are hostile (issue 5, "Hardening").

Every kind of text a user can type carries a string that would do harm if a
page rendered it as HTML or Markdown, if plotly read it as markup, or if a
spreadsheet ran it as a formula: trainee, person (mentor), school and
institute names, a ``contact_note``, cohort and programme labels, one
trainee id and one person id. The dataset is written as a CSV folder (whose
own name is hostile too: it shows on /gegevens as the source of the last
import) and imported with the real importer.

Use ``hostile_db_path`` (session, read-only) or ``hostile_db_copy`` (a private
copy), or ``build_hostile_db(path)`` outside pytest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.store.db import Database
from dashboard.exchange.interchange import write_dataset

__all__ = [
    "BOLD", "BRACES", "FORMULA", "HOSTILE", "LINK_BAIT", "MAIL_BAIT", "MDLINK_BAIT", "URL_BAIT", "WWW_BAIT", "HOSTILE_COHORT", "HOSTILE_NOTE", "HOSTILE_PERSON_ID",
    "HOSTILE_SOURCE", "HOSTILE_TRAINEE", "HOSTILE_TRAINEE_ID", "LINK", "MATH", "TAG", "XSS",
    "build_hostile_db", "hostile_db_copy", "hostile_db_path", "hostile_tables", "write_hostile_dataset",
]

XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
BOLD = "**bold**"
LINK = "[link](http://x)"
TAG = "<b>x</b>"
BRACES = "{0}"
MATH = "$x$"
# Link bait (issue 16): Markdown makes links of these even when every
# character is escaped (bare URLs, www. hosts and e-mail addresses are found
# in the text); a page must show them as text that nobody can click.
URL_BAIT = "Log opnieuw in: https://login.evil.example/sso"
WWW_BAIT = "www.evil.example"
MAIL_BAIT = "helpdesk@evil.example"
MDLINK_BAIT = "[Inloggen](https://evil.example/login)"
LINK_BAIT: tuple[str, ...] = (URL_BAIT, WWW_BAIT, MAIL_BAIT, MDLINK_BAIT)
# Every hostile string; each is a whole name somewhere in the dataset.
HOSTILE: tuple[str, ...] = (XSS, FORMULA, BOLD, LINK, TAG, BRACES, MATH, *LINK_BAIT)

HOSTILE_TRAINEE = "HT1"  # named XSS, at school XSS, cohort FORMULA: in view on every page
HOSTILE_TRAINEE_ID = "=T8"  # an id a spreadsheet would run
HOSTILE_PERSON_ID = "@P8"
HOSTILE_COHORT = FORMULA
HOSTILE_NOTE = f"{FORMULA} {XSS} {BOLD}"
# The folder the dataset is imported from: /gegevens names it as the last import's source.
HOSTILE_SOURCE = XSS


def _frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, dtype="str")


def hostile_tables() -> dict[str, pd.DataFrame]:
    """The dataset as interchange frames (text): two schools, two institutes,
    eight trainees in two cohorts and two programmes, eight mentors.

    Signals occur on purpose (weak and missing formal ties, no klik for two
    trainees of one mentor, negative contribution), so that the messages, which
    name people, are on the attention list and the constellation page.
    """
    schools = _frame([
        {"school_id": "HS1", "name": XSS, "sector": "vo"},
        {"school_id": "HS2", "name": FORMULA, "sector": "po"},
    ])
    institutes = _frame([
        {"institute_id": "HI1", "name": TAG},
        {"institute_id": "HI2", "name": FORMULA},
    ])
    trainee_rows = [
        # id, name, school, institute, cohort, programme
        (HOSTILE_TRAINEE, XSS, "HS1", "HI1", HOSTILE_COHORT, BOLD),
        ("HT2", FORMULA, "HS1", "HI1", HOSTILE_COHORT, BOLD),
        ("HT3", BOLD, "HS1", "HI2", HOSTILE_COHORT, LINK),
        ("HT4", LINK, "HS1", "HI2", XSS, LINK),
        ("HT5", TAG, "HS2", "HI1", XSS, BOLD),
        ("HT6", BRACES, "HS2", "HI1", XSS, MATH),
        ("HT7", MATH, "HS2", "HI2", XSS, MATH),
        (HOSTILE_TRAINEE_ID, "@SUM(A1)", "HS2", "HI2", HOSTILE_COHORT, MATH),
        # Link bait: a trainee, their mentor, a note; in view on /?school=HS2 and their constellation.
        ("HT9", WWW_BAIT, "HS2", "HI2", XSS, MATH),
        ("HT10", MDLINK_BAIT, "HS2", "HI1", XSS, MATH),
    ]
    trainees = _frame([
        {"trainee_id": tid, "name": name, "school_id": school, "institute_id": institute, "cohort": cohort,
         "programme": programme, "study_year": "2", "email": ""}
        for tid, name, school, institute, cohort, programme in trainee_rows
    ])
    people = _frame([
        {"person_id": "HP1", "name": FORMULA, "role": "werkplekbegeleider", "school_id": "HS1", "institute_id": ""},
        {"person_id": "HP2", "name": XSS, "role": "schoolopleider", "school_id": "HS1", "institute_id": ""},
        {"person_id": "HP3", "name": TAG, "role": "instituutsopleider", "school_id": "", "institute_id": "HI1"},
        {"person_id": "HP4", "name": LINK, "role": "studieloopbaanbegeleider", "school_id": "", "institute_id": "HI1"},
        {"person_id": "HP5", "name": BOLD, "role": "collega", "school_id": "HS1", "institute_id": ""},
        {"person_id": "HP6", "name": MATH, "role": "werkplekbegeleider", "school_id": "HS2", "institute_id": ""},
        {"person_id": "HP7", "name": BRACES, "role": "schoolopleider", "school_id": "HS2", "institute_id": ""},
        {"person_id": HOSTILE_PERSON_ID, "name": "-1+2", "role": "instituutsopleider", "school_id": "",
         "institute_id": "HI2"},
        {"person_id": "HP9", "name": MAIL_BAIT, "role": "werkplekbegeleider", "school_id": "HS2", "institute_id": ""},
        {"person_id": "HP10", "name": URL_BAIT, "role": "schoolopleider", "school_id": "HS2", "institute_id": ""},
    ]).assign(orientation="", email="")

    def tie(trainee: str, person: str, strength: str, *, formal: str = "ja", klik: str = "ja",
            contribution: str = "positief", note: str = "", functions: str = "gastheer;leermeester") -> dict:
        return {"trainee_id": trainee, "person_id": person, "wave": "begin", "formal": formal,
                "strength": strength, "functions": functions, "klik": klik, "contribution": contribution,
                "assesses": "nee", "contact_frequency": "wekelijks", "contact_note": note}

    relationships = [
        # The hostile trainee: weak mentor (with a hostile note), no klik with the
        # schoolopleider, an institute educator felt as negative, an informal colleague.
        tie(HOSTILE_TRAINEE, "HP1", "zwak", note=HOSTILE_NOTE),
        tie(HOSTILE_TRAINEE, "HP2", "sterk", klik="nee", note=XSS, functions="reflectie"),
        tie(HOSTILE_TRAINEE, "HP3", "geen", contribution="negatief", functions=""),
        tie(HOSTILE_TRAINEE, "HP5", "sterk", formal="nee", note=FORMULA, functions="emotionele_steun"),
        # HP2 has no klik with a second trainee of the same cohort: a mentor-level signal.
        tie("HT2", "HP1", "sterk", note=TAG),
        tie("HT2", "HP2", "zwak", klik="nee", functions="reflectie"),
        tie("HT3", "HP1", "sterk", note=LINK),
        tie("HT3", "HP4", "zwak", note=MATH, functions="reflectie"),
        tie("HT4", "HP2", "sterk", note=BRACES),
        tie("HT4", HOSTILE_PERSON_ID, "sterk", note="-1+2", functions="vakexpert"),
        tie("HT5", "HP6", "sterk", note=BOLD),
        tie("HT5", "HP7", "zwak", functions="reflectie"),
        tie("HT6", "HP6", "zwak"),
        tie("HT7", "HP7", "sterk", note="@SUM(A1)"),
        tie(HOSTILE_TRAINEE_ID, "HP6", "sterk"),
        tie(HOSTILE_TRAINEE_ID, HOSTILE_PERSON_ID, "zwak", note=XSS, functions="vakexpert"),
        # The link-bait trainee: a weak mentor named by an e-mail address (a signal that names
        # them), no klik with a schoolopleider named by a URL, notes that are links.
        tie("HT9", "HP9", "zwak", note=URL_BAIT),
        tie("HT9", "HP10", "sterk", klik="nee", note=MDLINK_BAIT, functions="reflectie"),
        tie("HT10", "HP9", "zwak", note=WWW_BAIT),
        tie("HT10", "HP10", "sterk", note=MAIL_BAIT, functions="reflectie"),
    ]
    # A second wave for the hostile trainee: the page then also draws the waves side by side.
    relationships += [
        {**tie(HOSTILE_TRAINEE, "HP1", "zwak", note=HOSTILE_NOTE), "wave": "midden"},
        {**tie(HOSTILE_TRAINEE, "HP2", "zwak", klik="nee", functions="reflectie"), "wave": "midden"},
        {**tie(HOSTILE_TRAINEE, "HP3", "zwak", contribution="negatief", functions=""), "wave": "midden"},
        {**tie(HOSTILE_TRAINEE, "HP5", "sterk", formal="nee", functions="emotionele_steun"), "wave": "midden"},
    ]
    consultations = _frame([
        {"trainee_id": HOSTILE_TRAINEE, "person_a": "HP1", "person_b": "HP2", "wave": "begin", "frequency": ""},
        {"trainee_id": "HT5", "person_a": "HP6", "person_b": "HP7", "wave": "begin", "frequency": ""},
    ])
    needs = _frame([
        {"trainee_id": HOSTILE_TRAINEE, "wave": "begin", "function": "vakexpert"},
        {"trainee_id": HOSTILE_TRAINEE, "wave": "midden", "function": "vakexpert"},
    ])
    return {
        "schools": schools, "institutes": institutes, "trainees": trainees, "people": people,
        "relationships": _frame(relationships), "consultations": consultations, "needs": needs,
    }


def write_hostile_dataset(parent: Path) -> Path:
    """The dataset as a CSV folder under ``parent``, exactly as typed (no escaping)."""
    return write_dataset(hostile_tables(), Path(parent) / HOSTILE_SOURCE)


def build_hostile_db(path: Path, work: Path | None = None) -> Path:
    """A database file at ``path`` holding the hostile dataset, imported with the real importer."""
    from dashboard.exchange.importer import import_dataset

    folder = write_hostile_dataset(Path(work) if work is not None else Path(path).parent)
    with Database(path) as db:  # closing checkpoints: one self-contained file to copy
        result = import_dataset(db, folder)
        assert result.ok, f"the hostile dataset does not import: {[e.message('en') for e in result.errors][:5]}"
    return Path(path)


@pytest.fixture(scope="session")
def hostile_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-db")
    return build_hostile_db(folder / "hostile.duckdb")


@pytest.fixture
def hostile_db_copy(hostile_db_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "hostile-copy.duckdb"
    shutil.copyfile(hostile_db_path, copy)
    return copy
