"""One mentor, seen from the trainees they guide: the mentor page
(``/begeleider?person=ID``).

Everything is computed on a copy of the rows of the trainees who have a
relationship with the person (``queries/analysis/_copy_person_trainees.sql``,
the copy the scenario "a mentor leaves" uses), through the viewer's scope:
a person who guides nobody the viewer may see is not found, exactly like an
unknown id (no probing).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard import analysis
from dashboard.analysis import Filters, suggestions
from dashboard.core.i18n import normalise_language
from dashboard.store.db import Database

TRAINEE_COLUMNS: tuple[str, ...] = (
    "trainee_id", "name", "school_id", "institute_id", "cohort", "wave", "formal", "strength", "klik",
    "contribution", "functions",
)
FUNCTION_COLUMNS: tuple[str, ...] = ("function", "n_sterk", "n_zwak", "n_geen")

_PARTS = ("analysis/_chosen", "analysis/_scope")


def person_rows(db: Database, person_id: str, filters: Filters = Filters()):
    """The copied rows of the trainees (in scope and filters) who have a relationship with ``person_id``."""
    params = {**analysis._filter_params(filters), "person_id": person_id}
    return analysis._copied_rows(db, ("analysis/_chosen", "analysis/_copy_person_trainees"), params)


def mentor(
    db: Database, person_id: str, filters: Filters = Filters(), lang: str = "nl",
    caps: Mapping[str, int] | None = None,
) -> dict | None:
    """The mentor page's facts, or None for a person unknown or guiding nobody in scope.

    Keys: person (dict: person_id, name, role, school_id, institute_id),
    trainees (TRAINEE_COLUMNS: each trainee in scope they have a relationship
    with in that trainee's evaluated wave), functions (FUNCTION_COLUMNS: how
    many of those relationships serve each function, by strength), signals
    (the signals about this person: mentor-level ones and those of the
    trainees that name them), load (trainees in ``trainees``) and cap (the
    role's load cap, ``suggestions.DEFAULT_LOAD_CAPS``).
    """
    analysis._require_persons(db)
    lang = normalise_language(lang)
    rows = person_rows(db, person_id, filters)
    if rows["trainees"].num_rows == 0:
        return None
    people = rows["people"].to_pandas()
    me = people[people["person_id"] == person_id]
    if me.empty:
        return None
    taxonomy = analysis.functions(db)
    tables = analysis._analysis_tables(db, None, taxonomy)
    signal_tables = {**tables, **analysis._message_tables(db, lang, taxonomy)}
    params = {**analysis._filter_params(filters), "person_id": person_id}
    found_trainees, found_signals = analysis._run_on_rows(db, rows, [
        ([*_PARTS, "analysis/mentor_trainees"], params, tables),
        (analysis.SIGNAL_PARTS, params, signal_tables),
    ])
    found_trainees["functions"] = found_trainees["functions"].map(list)
    found_signals = analysis._copied_signals(found_signals)
    found_signals = found_signals[found_signals["person_id"] == person_id].reset_index(drop=True)
    person = {k: (None if pd.isna(v) else v) for k, v in me.iloc[0][["person_id", "name", "role", "school_id",
                                                                      "institute_id"]].to_dict().items()}
    counts = []
    for code in taxonomy["code"]:
        serving = found_trainees[found_trainees["functions"].map(lambda f, c=code: c in f)
                                 & found_trainees["contribution"].eq("positief")]
        n = serving["strength"].value_counts()
        if len(serving):
            counts.append((code, int(n.get("sterk", 0)), int(n.get("zwak", 0)), int(n.get("geen", 0))))
    caps_table, default_cap = suggestions._caps_table(caps)
    cap = dict(zip(caps_table.column("role").to_pylist(), caps_table.column("cap").to_pylist())).get(
        person["role"], default_cap)
    return {
        "person": person,
        "trainees": found_trainees[list(TRAINEE_COLUMNS)].reset_index(drop=True),
        "functions": pd.DataFrame(counts, columns=list(FUNCTION_COLUMNS)),
        "signals": found_signals,
        "load": int(found_trainees["trainee_id"].nunique()),
        "cap": int(cap),
    }
