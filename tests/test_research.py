"""Research export: pseudonymised, no names, e-mails or notes; GraphML and egor tables."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from dashboard.cli import main
from dashboard.exchange import research
from dashboard.exchange.importer import import_dataset
from import_fixtures import tiny_partnership, write_tiny


def _secrets() -> list[str]:
    tables = tiny_partnership()
    found = []
    for name, columns in (("trainees", ("name", "email", "trainee_id")), ("people", ("name", "email")),
                          ("schools", ("name", "school_id")), ("institutes", ("name",)),
                          ("relationships", ("contact_note",))):
        for column in columns:
            found += [v for v in tables[name][column].tolist() if isinstance(v, str) and len(v) > 2]
    return found


def test_no_name_email_or_note_in_any_file(tmp_path, empty_db):
    tables = tiny_partnership()
    tables["relationships"]["x_dagboek"] = "geheime aantekening"
    assert import_dataset(empty_db, write_tiny(tmp_path / "data", relationships=tables["relationships"])).ok

    research.write_research(empty_db, tmp_path / "out", "sleutel")

    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"egos.csv", "alters.csv", "aaties.csv", "README.md"}
    secrets = _secrets() + ["geheime aantekening"]
    assert "elke ochtend kort" in secrets and "anna@example.nl" in secrets and "Wim Peters" in secrets
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.name == "README.md":
            continue
        for secret in secrets:
            assert secret not in text, (path.name, secret)


def test_graphml_per_trainee_and_wave_has_the_ego_alters_and_overleg(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok

    counts = research.write_research(empty_db, tmp_path / "out", "sleutel")

    pseudo = research.Pseudonyms("sleutel")
    ego = f"{pseudo('trainee', '007')}_begin"
    graph = nx.read_graphml(tmp_path / "out" / "graphml" / f"{ego}.graphml")
    alters = {pseudo("person", p) for p in ("P1", "P2", "P3", "P4")}
    assert set(graph.nodes) == {ego} | alters
    assert graph.nodes[ego]["kind"] == "ego" and graph.nodes[pseudo("person", "P1")]["strength"] == "sterk"
    assert graph.nodes[pseudo("person", "P1")]["functions"] == "gastheer;leermeester"
    overleg = {frozenset((a, b)) for a, b, kind in graph.edges(data="kind") if kind == "overleg"}
    assert overleg == {frozenset((pseudo("person", "P1"), pseudo("person", "P2")))}
    assert sum(1 for *_, kind in graph.edges(data="kind") if kind == "relatie") == 4
    assert counts["graphml"] == 2 and counts["egos"] == 2
    egos = pd.read_csv(tmp_path / "out" / "egos.csv", dtype=str)
    alters_table = pd.read_csv(tmp_path / "out" / "alters.csv", dtype=str)
    aaties = pd.read_csv(tmp_path / "out" / "aaties.csv", dtype=str)
    assert set(alters_table[".egoID"]) <= set(egos[".egoID"]) and set(aaties[".egoID"]) <= set(egos[".egoID"])


def test_pseudonyms_are_stable_per_key(tmp_path, empty_db):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    first = research.research_tables(empty_db, "k1")
    again = research.research_tables(empty_db, "k1")
    other = research.research_tables(empty_db, "k2")
    assert first["alters"].equals(again["alters"])
    assert set(first["alters"][".altID"]).isdisjoint(other["alters"][".altID"])


def test_cli_research_export(tmp_path, empty_db, capsys):
    assert import_dataset(empty_db, write_tiny(tmp_path / "data")).ok
    db_path = empty_db.path
    empty_db.close()

    assert main(["export", str(tmp_path / "out"), "--research", "--key", "k", "--db", str(db_path)]) == 0

    assert "egos.csv (2 regels)" in capsys.readouterr().out
    assert (tmp_path / "out" / "README.md").read_text(encoding="utf-8").count("weggelaten") == 1
