"""Dutch names of the interchange files, sheets and columns (data contract, version 2).

People fill the files in by hand, in Dutch, so every file, sheet and column
also answers to its Dutch name. Names compare case-insensitively, with spaces,
``-`` and ``_`` alike. This is the one table of those names: the import
resolves headers and file names through it, the template and the docs show
the Dutch names from it, and the export keeps writing the English ones.

The valuations/actions files of contract version 2 are listed too, so their
Dutch names work as soon as their file specs exist.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

# Dutch file (and sheet) name -> the contract's English name.
DUTCH_FILES: dict[str, str] = {
    "scholen": "schools",
    "instituten": "institutes",
    "studenten": "trainees",
    "personen": "people",
    "begeleiders": "people",
    "relaties": "relationships",
    "overleg": "consultations",
    "behoeften": "needs",
    "functies": "functions",
    "norm_rollen": "norm_roles",
    "norm_overleg": "norm_consultations",
    "waarderingen": "valuations",
    "acties": "actions",
}

# Dutch column name -> the contract's English name (the same in every file).
DUTCH_COLUMNS: dict[str, str] = {
    "school": "school_id",
    "instituut": "institute_id",
    "studentnummer": "trainee_id",
    "student": "trainee_id",
    "persoon": "person_id",
    "begeleider": "person_id",
    "naam": "name",
    "rol": "role",
    "fase": "wave",
    "formeel": "formal",
    "sterkte": "strength",
    "functies": "functions",
    "bijdrage": "contribution",
    "beoordeelt": "assesses",
    "contactfrequentie": "contact_frequency",
    "contact": "contact_note",
    "opleiding": "programme",
    "studiejaar": "study_year",
    "orientatie": "orientation",
    "oriëntatie": "orientation",
    "persoon_a": "person_a",
    "persoon_b": "person_b",
    "functie": "function",
    "verwachte_sterkte": "expected_strength",
    "rol_a": "role_a",
    "rol_b": "role_b",
    "steun": "support",
    "notitie": "note",
    "actie": "action_id",
    "frequentie": "frequency",
    "groep": "group",
    "omschrijving": "description",
}

# The first Dutch name of each English column: what the template and the docs show.
DUTCH_COLUMN_OF: dict[str, str] = {}
for _dutch, _english in DUTCH_COLUMNS.items():
    DUTCH_COLUMN_OF.setdefault(_english, _dutch)
DUTCH_FILE_OF: dict[str, str] = {}
for _dutch, _english in DUTCH_FILES.items():
    DUTCH_FILE_OF.setdefault(_english, _dutch)


def normalise(name: str) -> str:
    """``Verwachte sterkte``, ``verwachte-sterkte`` and ``VERWACHTE_STERKTE`` are one name."""
    return re.sub(r"[\s\-_]+", "_", name.lstrip("\ufeff").strip().lower())


def column_name(written: str, allowed: Iterable[str]) -> str:
    """The English column ``written`` stands for among ``allowed``, else the normalised name itself.

    ``x_`` columns keep their name as written (lower-cased), as before.
    """
    plain = written.lstrip("\ufeff").strip().lower()
    if plain.startswith("x_"):
        return plain
    name = normalise(written)
    allowed = tuple(allowed)
    if name in allowed:
        return name
    english = DUTCH_COLUMNS.get(name)
    return english if english in allowed else name


def file_name(stem: str, known: Iterable[str]) -> str | None:
    """The English file name a file or sheet stem stands for, None if it is none of ``known``."""
    name = normalise(stem)
    known = tuple(known)
    if name in known:
        return name
    english = DUTCH_FILES.get(name)
    return english if english in known else None


def nearest(name: str, english: Iterable[str], dutch: dict[str, str]) -> str | None:
    """The known name (English, or a Dutch one for those) closest to ``name``, for "bedoelt u …?"."""
    english = tuple(english)
    candidates = list(english) + [d for d, e in dutch.items() if e in english]
    found = difflib.get_close_matches(normalise(name), candidates, n=1, cutoff=0.6)
    return found[0] if found else None
