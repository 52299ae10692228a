"""Research export: a pseudonymised copy for researchers (``python -m dashboard export OUT --research``).

What it writes in ``OUT`` (a folder):

- ``egos.csv``, ``alters.csv``, ``aaties.csv``: the three tables the R package
  egor reads (``egor::egor(alters, egos, aaties, ID.vars = list(ego = ".egoID",
  alter = ".altID", source = ".srcID", target = ".tgtID"))``); one ego per
  trainee and wave;
- ``graphml/<egoID>.graphml``: one network per trainee and wave, the ego, its
  alters with their attributes, the ego–alter ties and the overleg ties;
- ``README.md``: what was removed and how the pseudonyms are made.

Pseudonyms are an HMAC of the id under the export key: the same key gives the
same pseudonyms (so two exports can be linked by whoever holds the key), a
different key gives unlinkable ones. Names, e-mail addresses, free-text notes
(contact notes, ``x_`` attributes) and the ids themselves are left out.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import networkx as nx
import pandas as pd

from dashboard.core.spreadsheet_safety import MACHINE, frame_csv
from dashboard.exchange.exporter import export_tables
from dashboard.exchange.progress import Steps, report
from dashboard.store.db import Database

KEY_VARIABLE = "CONSTELLATIEMONITOR_RESEARCH_KEY"
_PREFIX = {"trainee": "S", "person": "P", "school": "SCH", "institute": "INST"}

# Kept per table (everything else, names, e-mails, notes, x_ attributes and ids, is left out).
EGO_COLUMNS = ("cohort", "programme", "study_year")
ALTER_COLUMNS = ("role", "orientation", "formal", "strength", "klik", "functions", "contribution", "assesses",
                 "contact_frequency")
REMOVED = ("name", "email", "contact_note", "description", "x_*")


class Pseudonyms:
    """Stable pseudonyms under one export key."""

    def __init__(self, key: str):
        self._key = key.encode("utf-8")

    def __call__(self, kind: str, identifier: str) -> str:
        if not identifier:
            return ""
        digest = hmac.new(self._key, f"{kind}\x1f{identifier}".encode(), hashlib.sha256).hexdigest()
        return f"{_PREFIX[kind]}-{digest[:12]}"


def export_key(given: str | None) -> tuple[str, bool]:
    """The export key: given, else $CONSTELLATIEMONITOR_RESEARCH_KEY, else a fresh random one (True)."""
    key = given or os.environ.get(KEY_VARIABLE)
    if key:
        return key, False
    return secrets.token_hex(16), True


def research_tables(db: Database, key: str) -> dict[str, pd.DataFrame]:
    """egos, alters and aaties, pseudonymised."""
    tables = export_tables(db)
    pseudo = Pseudonyms(key)
    trainees = tables["trainees"].set_index("trainee_id")
    people = tables["people"].set_index("person_id")
    relationships = tables["relationships"]
    waves = relationships[["trainee_id", "wave"]].drop_duplicates()

    def ego_id(trainee: str, wave: str) -> str:
        return f"{pseudo('trainee', trainee)}_{wave}"

    egos = pd.DataFrame({
        ".egoID": [ego_id(t, w) for t, w in zip(waves.trainee_id, waves.wave)],
        "trainee": [pseudo("trainee", t) for t in waves.trainee_id],
        "wave": waves.wave.tolist(),
        "school": [pseudo("school", trainees.at[t, "school_id"]) if t in trainees.index else "" for t in waves.trainee_id],
        "institute": [pseudo("institute", trainees.at[t, "institute_id"]) if t in trainees.index else ""
                      for t in waves.trainee_id],
        **{column: [trainees.at[t, column] if t in trainees.index else "" for t in waves.trainee_id]
           for column in EGO_COLUMNS},
    })
    alters = pd.DataFrame({
        ".altID": [pseudo("person", p) for p in relationships.person_id],
        ".egoID": [ego_id(t, w) for t, w in zip(relationships.trainee_id, relationships.wave)],
        **{column: (relationships[column].tolist() if column in relationships
                    else [people.at[p, column] if p in people.index else "" for p in relationships.person_id])
           for column in ALTER_COLUMNS},
    })
    consultations = tables["consultations"]
    aaties = pd.DataFrame({
        ".egoID": [ego_id(t, w) for t, w in zip(consultations.trainee_id, consultations.wave)],
        ".srcID": [pseudo("person", p) for p in consultations.person_a],
        ".tgtID": [pseudo("person", p) for p in consultations.person_b],
        "frequency": consultations["frequency"].tolist() if "frequency" in consultations else "",
    })
    order = {name: frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)
             for name, frame in (("egos", egos), ("alters", alters), ("aaties", aaties))}
    return order


def ego_graphs(tables: dict[str, pd.DataFrame]) -> dict[str, nx.Graph]:
    """One network per ego (trainee and wave): the ego, its alters with their attributes, the ties."""
    graphs: dict[str, nx.Graph] = {}
    for ego in tables["egos"].itertuples(index=False):
        values = ego._asdict()
        ego_id = values.pop("_0")
        graph = nx.Graph(ego=ego_id)
        graph.add_node(ego_id, kind="ego", **{k: str(v) for k, v in values.items()})
        graphs[ego_id] = graph
    for alter in tables["alters"].to_dict("records"):
        graph = graphs[alter[".egoID"]]
        attributes = {k: str(v) for k, v in alter.items() if not k.startswith(".")}
        graph.add_node(alter[".altID"], kind="alter", **attributes)
        graph.add_edge(graph.graph["ego"], alter[".altID"], kind="relatie", strength=attributes["strength"])
    for tie in tables["aaties"].to_dict("records"):
        graphs[tie[".egoID"]].add_edge(tie[".srcID"], tie[".tgtID"], kind="overleg", frequency=str(tie["frequency"]))
    return graphs


README = """# Onderzoeksexport van de Constellatiemonitor (gepseudonimiseerd)

Deze map is gemaakt met `python -m dashboard export {out} --research`.

## Wat erin staat

- `egos.csv`: één rij per student en fase (`.egoID` = pseudoniem van de student + fase), met
  school en instituut als pseudoniem, cohort, opleiding en studiejaar.
- `alters.csv`: één rij per relatie (`.altID` = pseudoniem van de persoon, `.egoID`), met rol,
  oriëntatie, formeel, sterkte, klik, functies (codes gescheiden door `;`), bijdrage, beoordeelt
  en contactfrequentie.
- `aaties.csv`: het overleg tussen twee begeleiders over een student (`.egoID`, `.srcID`,
  `.tgtID`, frequentie).
- `graphml/<egoID>.graphml`: per student en fase het netwerk: de ego, de alters met hun
  kenmerken, de relaties ego–alter (`kind=relatie`) en het overleg (`kind=overleg`).

In R: `egor::egor(alters, egos, aaties, ID.vars = list(ego = ".egoID", alter = ".altID",
source = ".srcID", target = ".tgtID"))`.

## Wat is weggelaten

- alle namen (studenten, begeleiders, scholen, instituten);
- alle e-mailadressen;
- alle vrije tekst: de contactnotities bij relaties, de omschrijvingen, en alle eigen
  `x_`-kolommen (die kunnen alles bevatten);
- de echte codes van studenten, personen, scholen en instituten: in hun plaats staan
  pseudoniemen.

## Pseudoniemen

Een pseudoniem is een HMAC-SHA256 van de code onder de exportsleutel. Met dezelfde sleutel
krijgt dezelfde persoon in een latere export hetzelfde pseudoniem; met een andere sleutel zijn
de exports niet aan elkaar te koppelen. De sleutel staat niet in deze map. Bewaar hem apart
(of gebruik een nieuwe per onderzoek). Kleine groepen kunnen nog herkenbaar zijn aan hun
kenmerken (een school met één student): deel de export alleen onder een
verwerkersovereenkomst.
"""


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    # The one CSV writer (``,``, UTF-8, LF: what R and egor read), formula-safe like every CSV.
    path.write_text(frame_csv(frame.astype(str), MACHINE), encoding="utf-8", newline="")


def write_research(db: Database, out: str | Path, key: str, steps: Steps | None = None) -> dict[str, int]:
    """Write the research export to the folder ``out``; returns the rows per table and graphs."""
    out = Path(out)
    report(steps, "reading", source=str(getattr(db, "path", "")))
    tables = research_tables(db, key)
    report(steps, "read", rows=sum(len(frame) for frame in tables.values()))
    graphs = ego_graphs(tables)
    report(steps, "writing", files=len(tables) + len(graphs) + 1)
    (out / "graphml").mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        _write_csv(frame, out / f"{name}.csv")
    for ego_id, graph in graphs.items():
        nx.write_graphml(graph, out / "graphml" / f"{ego_id}.graphml")
    (out / "README.md").write_text(README.format(out=out.name), encoding="utf-8")
    counts = {name: len(frame) for name, frame in tables.items()}
    counts["graphml"] = len(graphs)
    report(steps, "done", files=len(tables) + len(graphs) + 1)
    return counts


def command_export(args) -> int:
    """``export``: with ``--research`` the pseudonymised copy; otherwise the interchange export."""
    import sys

    from dashboard.core.i18n import normalise_language, t
    from dashboard.exchange import exporter
    from dashboard.exchange.progress import terminal_steps
    from dashboard.privacy import audit
    from dashboard.store.db import DatabaseError

    if not getattr(args, "research", False):
        return exporter.command_export(args)
    lang = normalise_language(getattr(args, "lang", "nl"))
    if Path(args.out).suffix.lower() == ".xlsx":
        print(t("research.folder_only", lang, path=args.out), file=sys.stderr)
        return 2
    key, fresh = export_key(getattr(args, "key", None))
    try:
        db = Database(args.db or None)
    except DatabaseError as exc:
        key_name = "export.db_locked" if "lock" in str(exc).lower() else "export.db_error"
        print(t(key_name, lang, path=args.db or "", detail=str(exc)), file=sys.stderr)
        return 2
    try:
        try:
            counts = write_research(db, args.out, key, steps=terminal_steps(lang))
        except OSError as exc:
            print(t("export.write_error", lang, path=args.out, detail=str(exc)), file=sys.stderr)
            return 2
        audit.record(db, audit.ACTOR_CLI, "beheerder", "export", detail={"format": "research", "rows": counts})
    finally:
        db.close()
    print(t("research.done", lang, path=args.out, egos=counts["egos"], alters=counts["alters"],
            aaties=counts["aaties"], graphs=counts["graphml"]))
    if fresh:
        print(t("research.fresh_key", lang, variable=KEY_VARIABLE), file=sys.stderr)
    return 0
