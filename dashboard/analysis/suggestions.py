"""Step 6 of the booklet: what is missing, and who could help fill it?

For one trainee and wave: the open functions (``open_functions``) and per
open function the ranked candidates with a one-sentence reason
(``candidates``). The rules are shared/domain.md, "Step 6: who could fill
the gap"; the SQL is ``queries/analysis/suggestions_open.sql`` (which
functions are open) and ``suggestions_candidates.sql`` (who could help).

Other trainees only ever appear as counts (how many a candidate serves
strongly, how many they guide now), never by name. Scope applies: both run
on the caller's handle, so a viewer-scoped handle counts the viewer's
trainees only and finds nobody for a trainee outside the scope.
"""

from __future__ import annotations

from collections.abc import Mapping
import pandas as pd
import pyarrow as pa

from dashboard import analysis
from dashboard.analysis import Filters, Norm
from dashboard.core.i18n import normalise_language, t, tn
from dashboard.store.db import Database, side_by_side

# A werkplekbegeleider guides a few trainees daily; others coordinate many.
DEFAULT_LOAD_CAPS: dict[str, int] = {"werkplekbegeleider": 3}
DEFAULT_CAP = 25

OPEN_COLUMNS: tuple[str, ...] = analysis.OPEN_COLUMNS
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "trainee_id", "wave", "function", "person_id", "name", "role", "rank",
    "n_strong", "load", "cap", "in_network", "reason",
)


def _caps_table(caps: Mapping[str, int] | None) -> tuple[pa.Table, int]:
    """(caps_param, the cap of roles not named): ``caps`` may name any role, and ``"*"`` for the rest."""
    merged = {**DEFAULT_LOAD_CAPS, **(caps or {})}
    default_cap = int(merged.pop("*", DEFAULT_CAP))
    table = pa.table({
        "role": pa.array(list(merged), type=pa.string()),
        "cap": pa.array([int(v) for v in merged.values()], type=pa.int64()),
    })
    return table, default_cap


def open_functions(db: Database, trainee_id: str, wave: str | None = None, norm: Norm | None = None) -> pd.DataFrame:
    """The open functions of one trainee in ``wave`` (None: their latest):
    trainee_id, wave, function, level (its coverage), reasons (list of
    uncovered_need / no_klik / negative_contribution / missing_formal).
    Empty for a trainee who is unknown, outside the scope or without
    relationships in the wave."""
    return _open_functions(db, trainee_id, wave, norm)[0]


def _open_functions(db: Database, trainee_id: str, wave: str | None, norm: Norm | None,
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(:func:`open_functions`, the taxonomy it was judged by)."""
    analysis._require_persons(db)
    norms, taxonomy = side_by_side(lambda: analysis.norms_for(db, norm), lambda: analysis.functions(db))
    # One statement on the stored tables, not a copy of the trainee's rows first: the
    # filter on the trainee reaches every scan, and at 40,000 trainees the copy and a
    # statement on it cost more (about 45 against 35 ms) than this one statement.
    params = analysis._filter_params(Filters(wave=wave), trainee=trainee_id)
    coverage_parts, _ = analysis.rule_parts(db, norm)  # the derived layer's coverage when it applies
    found = analysis._run(db, (*coverage_parts, "analysis/suggestions_open"), params, _open_tables(db, norms, taxonomy))
    return analysis.open_found(found), taxonomy


def _open_tables(db: Database, norms: Mapping[str, Norm], taxonomy: pd.DataFrame) -> dict[str, pa.Table]:
    tables = analysis._norm_tables(norms)
    tables["roles_param"] = analysis._roles_table()
    tables["taxonomy_param"] = analysis._taxonomy_table(db, taxonomy)
    return tables


def candidates_for(
    db: Database, wanted: pd.DataFrame, lang: str = "nl", caps: Mapping[str, int] | None = None,
    *, leaving: str | None = None, taxonomy: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The ranked candidates for each (trainee_id, wave, function) row of
    ``wanted`` (several trainees at once: the scenario asks for all it
    affects), leaving out the person ``leaving``. Columns: CANDIDATE_COLUMNS."""
    analysis._require_persons(db)
    lang = normalise_language(lang)
    caps_table, default_cap = _caps_table(caps)
    wanted = wanted[["trainee_id", "wave", "function"]].drop_duplicates()
    open_table = pa.table({
        name: pa.array([str(v) for v in wanted[name]], type=pa.string()) for name in ("trainee_id", "wave", "function")
    })
    found = analysis._run(
        db, ["analysis/suggestions_candidates"],
        {"default_cap": default_cap, "leaving": leaving},
        {"open_param": open_table, "caps_param": caps_table, "roles_param": analysis._roles_table()},
    )
    waves = dict(zip(zip(wanted["trainee_id"], wanted["function"]), wanted["wave"]))
    found["wave"] = [waves.get((tid, f)) for tid, f in zip(found["trainee_id"], found["function"])]
    labels = _function_labels(db, lang, taxonomy)
    found["reason"] = [
        reason_text(labels.get(f, f), int(n), int(load), lang)
        for f, n, load in zip(found["function"], found["n_strong"], found["load"])
    ]
    for column in ("rank", "n_strong", "load", "cap"):
        found[column] = found[column].astype("int64")
    found["in_network"] = found["in_network"].astype(bool)
    return found[list(CANDIDATE_COLUMNS)].reset_index(drop=True)


def _function_labels(db: Database, lang: str, taxonomy: pd.DataFrame | None = None) -> dict[str, str]:
    taxonomy = analysis.functions(db) if taxonomy is None else taxonomy
    return dict(zip(taxonomy["code"], taxonomy["label_en" if lang == "en" else "label_nl"]))


def reason_text(function_label: str, n_strong: int, load: int, lang: str = "nl") -> str:
    """"sterk als rolmodel voor 3 andere studenten; begeleidt er nu 2"."""
    served = tn("suggestions.reason.served", n_strong, lang, function=function_label)
    guides = tn("suggestions.reason.load", load, lang)
    return t("suggestions.reason", lang, served=served, load=guides)


def step_six(
    db: Database, trainee_id: str, wave: str | None = None, lang: str = "nl",
    caps: Mapping[str, int] | None = None, *, norm: Norm | None = None,
    found_open: pd.DataFrame | None = None, taxonomy: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """{"open": :func:`open_functions`, "candidates": the candidates for them}.

    ``found_open``: the open functions as the caller already has them (the
    trainee's detail, ``analysis.trainee_detail``, computes them on the
    trainee's copied rows by the same SQL); ``taxonomy``: ``analysis.functions``."""
    if found_open is None:
        found_open, taxonomy = _open_functions(db, trainee_id, wave, norm)
    if found_open.empty:
        empty = pd.DataFrame({c: pd.Series([], dtype="object") for c in CANDIDATE_COLUMNS})
        return {"open": found_open, "candidates": empty}
    return {"open": found_open, "candidates": candidates_for(db, found_open, lang, caps, taxonomy=taxonomy)}


def candidates(
    db: Database, trainee_id: str, wave: str | None = None, lang: str = "nl",
    caps: Mapping[str, int] | None = None, *, norm: Norm | None = None,
) -> pd.DataFrame:
    """The ranked candidates for every open function of one trainee in
    ``wave`` (None: their latest), best first per function. Columns:
    trainee_id, wave, function, person_id, name, role, rank, n_strong (other
    trainees served strongly for the function), load (trainees they guide in
    the wave), cap, in_network, reason (one sentence in ``lang``).
    ``caps``: role -> load cap (``"*"``: every other role); defaults
    werkplekbegeleider 3, others 25."""
    return step_six(db, trainee_id, wave, lang, caps, norm=norm)["candidates"]
