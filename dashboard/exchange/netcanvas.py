"""Network Canvas in: the exports of an interview (CSV files or GraphML) as a merge import.

Network Canvas (Interviewer, Fresco) exports every session as
``<case>_<session>_ego.csv``, ``<case>_<session>_attributeList_<NodeType>.csv``
and ``<case>_<session>_edgeList_<EdgeType>.csv`` (a type without rows has no
file), or as ``<case>_<session>.graphml``; several sessions sit side by side
in a folder or zip. This module reads them as the exporter writes them (CRLF,
quoted cells with newlines, a trailing empty ``null`` column, categorical
variables as one ``true``/``false`` column per option ``<var>_<option>``,
layout variables as ``<var>_x``/``<var>_y``, ordinals as their value, 40-hex
ids for roster nodes, protocol names like ``Name (1)``), turns the sessions
into interchange tables and hands them to the importer: the importer's
validation and merge are the only rules; this module only says where each
value came from, so that every message names the Network Canvas file, line,
column and value.

The protocol shipped in ``docs/networkcanvas/constellatie.netcanvas`` is
built from ``PROTOCOL`` below (``python -m dashboard.exchange.netcanvas``), so
the variables the import expects and the ones the protocol asks are defined
once. A protocol of one's own maps through a TOML file (``--nc-mapping``).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import io
import json
import re
import sys
import tomllib
import uuid
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import pandas as pd

from dashboard.core import domain
from dashboard.core.i18n import normalise_language, t, tn
from dashboard.core.spreadsheet_safety import MACHINE, frame_csv
from dashboard.exchange import importer
from dashboard.exchange.importer import ImportIssue, ImportResult
from dashboard.exchange.interchange import FILE_BY_NAME
from dashboard.exchange.progress import Steps, report, terminal_steps
from dashboard.privacy import audit
from dashboard.store.db import Database, DatabaseError

# --- the shipped protocol ------------------------------------------------------

PROTOCOL_NAME = "constellatie"  # the file name: what the exports write as networkCanvasProtocolName
PERSON_TYPE = "Person"
OVERLEG_TYPE = "overleg"
SCHEMA_VERSION = 7  # as the real protocols of Network Canvas (IJE_RADAR_Protocol.netcanvas)
FUNCTION_CODES = tuple(f.code for f in domain.DEFAULT_FUNCTIONS)


@dataclass(frozen=True)
class Variable:
    name: str
    type: str  # text, ordinal, categorical, boolean, layout
    options: tuple[str, ...] = ()


EGO_VARIABLES: tuple[Variable, ...] = (
    Variable("trainee_id", "text"),
    Variable("wave", "ordinal", domain.WAVES),
    Variable("support", "ordinal", ("ja", "deels", "nee")),
    Variable("needs", "categorical", FUNCTION_CODES),
)
PERSON_VARIABLES: tuple[Variable, ...] = (
    Variable("name", "text"),
    Variable("person_id", "text"),
    Variable("role", "categorical", domain.ROLE_CODES),
    Variable("formal", "boolean"),
    Variable("strength", "ordinal", ("sterk", "zwak", "geen")),
    Variable("klik", "ordinal", domain.KLIK),
    Variable("functions", "categorical", FUNCTION_CODES),
    Variable("contribution", "ordinal", domain.CONTRIBUTIONS),
    Variable("assesses", "boolean"),
    Variable("contact_frequency", "ordinal", domain.FREQUENCIES),
    Variable("contact_note", "text"),
    Variable("layout", "layout"),
)
OVERLEG_VARIABLES: tuple[Variable, ...] = (Variable("frequency", "ordinal", domain.FREQUENCIES),)

# Columns the exporter writes before the variables (network-exporters, reservedAttributes.js).
EGO_RESERVED = ("networkCanvasEgoUUID", "networkCanvasCaseID", "networkCanvasSessionID",
                "networkCanvasProtocolName", "sessionStart", "sessionFinish", "sessionExported")
NODE_RESERVED = ("nodeID", "networkCanvasEgoUUID", "networkCanvasUUID")
EDGE_RESERVED = ("edgeID", "from", "to", "networkCanvasEgoUUID", "networkCanvasUUID",
                 "networkCanvasSourceUUID", "networkCanvasTargetUUID")

_NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4f0b-9a57-0c0e5a1d2b18")  # stable ids in the protocol file


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def variable_columns(variable: Variable) -> tuple[str, ...]:
    """The columns the CSV exporter writes for a variable."""
    if variable.type == "categorical":
        return tuple(f"{variable.name}_{option}" for option in variable.options)
    if variable.type == "layout":
        return (f"{variable.name}_x", f"{variable.name}_y")
    return (variable.name,)


def _codebook_variables(entity: str, variables: Iterable[Variable]) -> dict[str, dict]:
    component = {"text": "Text", "ordinal": "RadioGroup", "categorical": "CheckboxGroup", "boolean": "Boolean"}
    result = {}
    for variable in variables:
        spec: dict[str, object] = {"name": variable.name, "type": variable.type}
        if variable.type in component:
            spec["component"] = component[variable.type]
        if variable.options:
            spec["options"] = [{"label": option.replace("_", " "), "value": option} for option in variable.options]
        if variable.type == "boolean":
            spec["options"] = [{"label": "ja", "value": True}, {"label": "nee", "value": False, "negative": True}]
        result[_id(entity, variable.name)] = spec
    return result


def protocol_json() -> dict:
    """protocol.json of the shipped protocol: the booklet's six steps as Network Canvas stages."""
    person = _id("node", PERSON_TYPE)
    overleg = _id("edge", OVERLEG_TYPE)

    def var(entity: str, name: str) -> str:
        return _id(entity, name)

    def field_of(entity: str, name: str, prompt: str) -> dict:
        return {"variable": var(entity, name), "prompt": prompt}

    def stage(key: str, kind: str, label: str, **rest: object) -> dict:
        return {"id": _id("stage", key), "type": kind, "label": label, **rest}

    subject = {"entity": "node", "type": person}
    stages = [
        stage("ego", "EgoForm", "Stap 0: wie en wanneer", introductionPanel={
            "title": "Uw begeleidingsconstellatie", "text": "Vul uw studentnummer en de fase in."},
            form={"fields": [field_of("ego", "trainee_id", "Studentnummer"), field_of("ego", "wave", "Fase")]}),
        stage("roster", "NameGeneratorRoster", "Stap 1: begeleiders uit de lijst", subject=subject,
              dataSource=_id("asset", "roster"),
              prompts=[{"id": _id("prompt", "roster"), "text": "Wie uit deze lijst begeleidt u?"}]),
        stage("others", "NameGenerator", "Stap 1: wie nog meer", subject=subject,
              form={"title": "Persoon", "fields": [field_of("node", "name", "Naam")]},
              prompts=[{"id": _id("prompt", "others"), "text": "Wie helpt u verder, die niet in de lijst staat?"}]),
        stage("role", "CategoricalBin", "Stap 2: rol", subject=subject,
              prompts=[{"id": _id("prompt", "role"), "text": "Welke rol heeft deze persoon?",
                        "variable": var("node", "role")}]),
        stage("form", "AlterForm", "Stap 2: formeel en beoordelen", subject=subject,
              form={"fields": [field_of("node", "formal", "Georganiseerd door de opleiding?"),
                               field_of("node", "assesses", "Beoordeelt deze persoon u?"),
                               field_of("node", "contact_frequency", "Hoe vaak hebt u contact?"),
                               field_of("node", "contact_note", "Wanneer, hoe, waar?")]}),
        stage("strength", "OrdinalBin", "Stap 3: sterkte", subject=subject,
              prompts=[{"id": _id("prompt", "strength"), "text": "Hoe sterk is de relatie?",
                        "variable": var("node", "strength")}]),
        stage("klik", "OrdinalBin", "Stap 3: klik", subject=subject,
              prompts=[{"id": _id("prompt", "klik"), "text": "Is er een klik?", "variable": var("node", "klik")}]),
        stage("functions", "CategoricalBin", "Stap 4: functies", subject=subject,
              prompts=[{"id": _id("prompt", "functions"), "text": "Wat doet deze persoon voor u?",
                        "variable": var("node", "functions")}]),
        stage("contribution", "OrdinalBin", "Stap 4: bijdrage", subject=subject,
              prompts=[{"id": _id("prompt", "contribution"), "text": "Draagt deze relatie positief bij?",
                        "variable": var("node", "contribution")}]),
        stage("overleg", "Sociogram", "Stap 5: overleg", subject=subject,
              prompts=[{"id": _id("prompt", "overleg"), "text": "Wie overleggen met elkaar over u?",
                        "layout": {"layoutVariable": var("node", "layout")},
                        "edges": {"create": overleg}}]),
        stage("frequency", "AlterEdgeForm", "Stap 5: hoe vaak overleg", subject={"entity": "edge", "type": overleg},
              form={"fields": [field_of("edge", "frequency", "Hoe vaak overleggen zij?")]}),
        stage("needs", "EgoForm", "Stap 6: steun en behoeften",
              form={"fields": [field_of("ego", "support", "Geeft uw netwerk de steun die u nodig hebt?"),
                               field_of("ego", "needs", "Welke functies hebt u (meer) nodig?")]}),
    ]
    # The keys of the real protocol files (Network Canvas names a protocol after its file).
    return {
        "description": "De zes stappen van het boekje: de begeleidingsconstellatie van een leraar in opleiding.",
        "schemaVersion": SCHEMA_VERSION,
        "lastModified": "2026-12-01T00:00:00.000Z",
        "codebook": {
            "ego": {"variables": _codebook_variables("ego", EGO_VARIABLES)},
            "node": {person: {"name": PERSON_TYPE, "color": "node-color-seq-1", "iconVariant": "add-a-person",
                              "variables": _codebook_variables("node", PERSON_VARIABLES)}},
            "edge": {overleg: {"name": OVERLEG_TYPE, "color": "edge-color-seq-1",
                               "variables": _codebook_variables("edge", OVERLEG_VARIABLES)}},
        },
        "assetManifest": {_id("asset", "roster"): {"id": _id("asset", "roster"), "type": "network",
                                                   "name": "begeleiders", "source": "roster.csv"}},
        "stages": stages,
    }


def protocol_bytes(roster: bytes = b"name,person_id\n") -> bytes:
    """The .netcanvas file (a zip of protocol.json and assets/), the same bytes every time."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in (("protocol.json", json.dumps(protocol_json(), indent=2, ensure_ascii=False).encode()),
                              ("assets/roster.csv", roster)):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return out.getvalue()


SHIPPED_PROTOCOL = Path(__file__).resolve().parents[2] / "docs" / "networkcanvas" / "constellatie.netcanvas"


# --- reading an export ---------------------------------------------------------


@dataclass
class Row:
    """One record of a Network Canvas file, and where it is (spreadsheet lines, header = 1)."""

    file: str
    line: int
    values: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)  # value name -> column as the file names it


@dataclass
class Session:
    case: str
    session: str
    protocol: str = ""
    ego: Row | None = None
    nodes: dict[str, list[Row]] = field(default_factory=dict)  # node type -> rows (values keyed by nodeID)
    edges: dict[str, list[Row]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    ego_file: str = ""  # the ego file, also when it has no row


_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_CSV_NAME = re.compile(rf"^(?P<case>.+?)_(?P<session>{_UUID}|[^_]+)_(?P<kind>ego|attributeList_(?P<node>.+)"
                       rf"|edgeList_(?P<edge>.+))\.csv$")
_GRAPHML_NAME = re.compile(rf"^(?P<case>.+?)_(?P<session>{_UUID}|[^_]+)\.graphml$", re.IGNORECASE)
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")  # "Name (1)": the same protocol imported twice


def looks_like_netcanvas(path: str | Path) -> bool:
    """True for a .graphml, or a folder or zip with a Network Canvas file name in it."""
    path = Path(path)
    if path.suffix.lower() == ".graphml":
        return True
    return any(_CSV_NAME.match(name) or name.lower().endswith(".graphml") for name, _ in _entries(path, names_only=True))


def _entries(path: Path, names_only: bool = False) -> list[tuple[str, bytes]]:
    if path.is_dir():
        return [(p.name, b"" if names_only else p.read_bytes()) for p in sorted(path.iterdir()) if p.is_file()]
    if path.suffix.lower() == ".zip" and path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                return [(Path(info.filename).name, b"" if names_only else archive.read(info))
                        for info in archive.infolist()
                        if not info.is_dir() and not info.filename.startswith("__MACOSX/")
                        and not Path(info.filename).name.startswith(".")]
        except (zipfile.BadZipFile, OSError):
            return []
    if path.is_file():
        return [(path.name, b"" if names_only else path.read_bytes())]
    return []


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", errors="replace")


def _csv_rows(name: str, data: bytes) -> list[Row]:
    """Records as the exporter writes them: CRLF, quoted cells with newlines; the trailing ``null``
    column (always empty) and unnamed columns are dropped."""
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    rows: list[Row] = []
    header: list[str] | None = None
    # Lines as a spreadsheet counts them (and the importer): one per record, a cell's newlines included.
    for line, record in enumerate(reader, start=1):
        if header is None:
            header = [cell.strip() for cell in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        values = {column: cell.strip() for column, cell in zip(header, record) if column and column != "null"}
        rows.append(Row(name, line, values, {column: column for column in values}))
    return rows


def _graphml_sessions(name: str, data: bytes, issues: list[ImportIssue]) -> list[Session]:
    """The sessions in a GraphML export (one ``<graph>`` each), with the same value names as the CSV:
    a key's ``attr.name`` (categorical options and layout already ``<var>_<option>``, ``<var>_X``)."""
    keys: dict[str, str] = {}
    sessions: list[Session] = []
    stack: list[tuple[str, Row | None]] = []
    current: dict[str, object] = {}
    parser = expat.ParserCreate(namespace_separator=" ")

    def local(tag: str) -> str:
        return tag.rsplit(" ", 1)[-1]

    def start(tag: str, attributes: dict[str, str]) -> None:
        tag = local(tag)
        line = parser.CurrentLineNumber
        if tag == "key":
            keys[attributes.get("id", "")] = attributes.get("attr.name", attributes.get("id", ""))
        elif tag == "graph":
            nc = {local(k): v for k, v in attributes.items()}
            session = Session(nc.get("caseId", ""), nc.get("sessionUUID", ""), nc.get("protocolName", ""),
                              files=[name])
            session.ego = Row(name, line, {"networkCanvasCaseID": session.case,
                                           "networkCanvasSessionID": session.session})
            sessions.append(session)
            current.clear()
            current["session"] = session
        elif tag in ("node", "edge") and "session" in current:
            values = {"nodeID": attributes.get("id", "")} if tag == "node" else {
                "edgeID": attributes.get("id", ""), "from": attributes.get("source", ""),
                "to": attributes.get("target", "")}
            row = Row(name, line, values)
            stack.append((tag, row))
            return
        elif tag == "data":
            stack.append(("data", None))
            current["key"] = attributes.get("key", "")
            current["text"] = []
            return
        stack.append((tag, None))

    def end(tag: str) -> None:
        tag = local(tag)
        kind, row = stack.pop() if stack else ("", None)
        session = current.get("session")
        if kind == "data" and isinstance(session, Session):
            key = str(current.get("key", ""))
            if key not in keys and not key.startswith("networkCanvas") and key != "label":
                return  # undeclared (the sha1 of "type" for roster columns): not a variable
            value = "".join(current.get("text", [])).strip()  # type: ignore[arg-type]
            attr = keys.get(key, key)
            target = next((r for k, r in reversed(stack) if k in ("node", "edge")), None)
            if target is None:
                assert session.ego is not None
                session.ego.values[attr] = value
                session.ego.columns[attr] = attr
            else:
                target.values[attr] = value
                target.columns[attr] = attr
        elif kind in ("node", "edge") and row is not None and isinstance(session, Session):
            kind_type = row.values.pop("networkCanvasType", "")
            # GraphML writes layout as <var>_X / <var>_Y; the CSV as _x / _y.
            row.values = {re.sub(r"_([XY])$", lambda m: "_" + m.group(1).lower(), k): v for k, v in row.values.items()}
            row.columns = {k: k for k in row.values}
            (session.nodes if kind == "node" else session.edges).setdefault(kind_type, []).append(row)

    def text(content: str) -> None:
        if stack and stack[-1][0] == "data":
            current["text"].append(content)  # type: ignore[union-attr]

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        issues.append(ImportIssue(name, exc.lineno, None, None, "unreadable_file", (("detail", str(exc)),)))
        return []
    return sessions


def read_export(path: Path) -> tuple[list[Session], list[ImportIssue]]:
    """Every session of a Network Canvas export (folder, zip, or one .graphml)."""
    issues: list[ImportIssue] = []
    sessions: dict[tuple[str, str], Session] = {}
    graphml: list[Session] = []
    entries = _entries(path)
    if not entries:
        return [], [ImportIssue(path.name, None, None, None, "source_not_found")]
    for name, data in entries:
        if name.lower().endswith(".graphml"):
            graphml.extend(_graphml_sessions(name, data, issues))
            continue
        match = _CSV_NAME.match(name)
        if not match:
            continue  # a README or a protocol file next to the export
        key = (match["case"], match["session"])
        session = sessions.setdefault(key, Session(match["case"], match["session"]))
        session.files.append(name)
        rows = _csv_rows(name, data)
        if match["kind"] == "ego":
            session.ego_file = name
            if rows:
                session.ego = rows[0]
                session.protocol = rows[0].values.get("networkCanvasProtocolName", "")
        elif match["node"]:
            session.nodes[match["node"]] = rows
        else:
            session.edges[match["edge"]] = rows
    csv_ids = {s.session for s in sessions.values()}
    # A GraphML next to the CSV of the same session is the same interview: read it once.
    found = list(sessions.values()) + [s for s in graphml if s.session not in csv_ids]
    for session in found:
        if session.ego is None:
            issues.append(ImportIssue(session.ego_file or (session.files[0] if session.files else path.name),
                                      2 if session.ego_file else None, None, None,
                                      "nc_no_ego", (("session", session.session),)))
    return [s for s in found if s.ego is not None], issues


# --- mapping a protocol onto the interchange format --------------------------


@dataclass
class NcMapping:
    """Which Network Canvas names stand for the shipped protocol's variables (the default is the identity)."""

    ego: dict[str, str] = field(default_factory=lambda: {v.name: v.name for v in EGO_VARIABLES})
    person_type: str = PERSON_TYPE
    person: dict[str, str] = field(default_factory=lambda: {v.name: v.name for v in PERSON_VARIABLES})
    overleg_type: str = OVERLEG_TYPE
    overleg: dict[str, str] = field(default_factory=lambda: {v.name: v.name for v in OVERLEG_VARIABLES})
    fixed: dict[str, str] = field(default_factory=dict)  # variable -> a value for every row
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # variable -> their value -> ours
    source: str = ""  # the mapping file, for messages


def load_mapping(path: str | Path) -> NcMapping:
    """A mapping file (TOML, see docs/networkcanvas.md): sections ego, person, overleg, fixed, values.<var>."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    mapping = NcMapping(source=Path(path).name)
    person = dict(data.get("person", {}))
    overleg = dict(data.get("overleg", {}))
    mapping.person_type = str(person.pop("type", PERSON_TYPE))
    mapping.overleg_type = str(overleg.pop("type", OVERLEG_TYPE))
    mapping.ego.update({k: str(v) for k, v in data.get("ego", {}).items()})
    mapping.person.update({k: str(v) for k, v in person.items()})
    mapping.overleg.update({k: str(v) for k, v in overleg.items()})
    mapping.fixed = {k: str(v) for k, v in data.get("fixed", {}).items()}
    mapping.values = {k: {str(a): str(b) for a, b in v.items()} for k, v in data.get("values", {}).items()}
    return mapping


def _found(sessions: list[Session]) -> tuple[tuple[str, str], ...]:
    """What an export holds, for the message about an unknown protocol."""
    protocols = sorted({_COPY_SUFFIX.sub("", s.protocol) for s in sessions if s.protocol}) or ["?"]
    nodes = sorted({n for s in sessions for n in s.nodes})
    edges = sorted({e for s in sessions for e in s.edges})
    ego = sorted({c for s in sessions if s.ego for c in s.ego.values if c not in EGO_RESERVED})
    shown = ", ".join(ego[:12]) + (" …" if len(ego) > 12 else "")
    return (("protocol", ", ".join(protocols)), ("nodes", ", ".join(nodes) or "-"),
            ("edges", ", ".join(edges) or "-"), ("ego", shown or "-"))


def _recognised(sessions: list[Session], mapping: NcMapping) -> bool:
    """The shipped protocol, or one the mapping maps: every ego has a trainee_id, and the people
    are of the person type (a session without any node is fine)."""
    for session in sessions:
        assert session.ego is not None
        if "trainee_id" not in mapping.fixed and mapping.ego["trainee_id"] not in session.ego.values:
            return False
        if session.nodes and mapping.person_type not in session.nodes:
            return False
    return True


@dataclass
class _Built:
    frames: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    # per table, per row: interchange column -> (file, line, column as the NC file names it)
    origins: dict[str, list[dict[str, tuple[str, int, str]]]] = field(default_factory=dict)
    issues: list[ImportIssue] = field(default_factory=list)

    def add(self, table: str, row: dict[str, str], origin: dict[str, tuple[str, int, str]]) -> None:
        self.frames.setdefault(table, []).append(row)
        self.origins.setdefault(table, []).append(origin)


def new_person_id(trainee_id: str, name: str, role: str) -> str:
    """A person added in the interview: the same trainee, name and role give the same id."""
    digest = hashlib.sha1(f"{trainee_id}\x1f{' '.join(name.lower().split())}\x1f{role}".encode()).hexdigest()
    return f"nc-{digest[:12]}"


class _Values:
    """Reads the mapped variables from one row, remembering where each came from."""

    def __init__(self, row: Row, names: Mapping[str, str], mapping: NcMapping, issues: list[ImportIssue]):
        self.row, self.names, self.mapping, self.issues = row, names, mapping, issues

    def where(self, variable: str) -> tuple[str, int, str]:
        """File, line and the column (as the file names it) a variable's value came from."""
        name = self.names.get(variable, variable)
        if name in self.row.values:
            return (self.row.file, self.row.line, self.row.columns.get(name, name))
        return (self.row.file, self.row.line, name)

    def text(self, variable: str) -> str:
        if variable in self.mapping.fixed:
            return self.mapping.fixed[variable]
        name = self.names.get(variable, variable)
        if name in self.row.values:
            return self._mapped(variable, self.row.values[name])
        return self._mapped(variable, ";".join(self.options(variable)))

    def options(self, variable: str) -> list[str]:
        """A categorical variable: the options whose ``<var>_<option>`` column is true."""
        name = self.names.get(variable, variable)
        prefix = f"{name}_"
        return [self._mapped(variable, column[len(prefix):]) for column, value in self.row.values.items()
                if column.startswith(prefix) and value.strip().lower() == "true"]

    def _mapped(self, variable: str, value: str) -> str:
        table = self.mapping.values.get(variable)
        if not table or not value:
            return value
        return ";".join(table.get(part, part) for part in value.split(";"))


def _build(sessions: list[Session], mapping: NcMapping, stored_sessions: Mapping[tuple[str, str], str]) -> _Built:
    built = _Built()
    seen: dict[tuple[str, str], Session] = {}
    people: set[str] = set()
    for session in sessions:
        assert session.ego is not None
        ego = _Values(session.ego, mapping.ego, mapping, built.issues)
        trainee, wave = ego.text("trainee_id"), ego.text("wave")
        here = {"trainee_id": ego.where("trainee_id"), "wave": ego.where("wave")}
        key = (trainee, domain.canonical("wave", wave) or wave)
        earlier = seen.get(key)
        stored = stored_sessions.get(key)
        if trainee and wave and ((earlier is not None and earlier.session != session.session)
                                 or (stored is not None and stored != session.session)):
            built.issues.append(ImportIssue(
                session.ego.file, session.ego.line, here["trainee_id"][2], trainee, "nc_second_session",
                (("wave", wave), ("other", earlier.session if earlier else stored or ""),
                 ("session", session.session))))
            continue
        seen[key] = session
        ids: dict[str, str] = {}
        for row in session.nodes.get(mapping.person_type, []):
            person = _Values(row, mapping.person, mapping, built.issues)
            roles = person.options("role") if "role" not in mapping.fixed and mapping.person["role"] not in row.values \
                else [person.text("role")]
            role = roles[0] if len(roles) == 1 else ""
            if len(roles) > 1:
                built.issues.append(ImportIssue(row.file, row.line, person.where("role")[2], ", ".join(roles),
                                                "nc_several_values"))
            name = person.text("name")
            person_id = person.text("person_id")
            if not person_id:
                person_id = new_person_id(trainee, name, role)
                if person_id not in people:
                    people.add(person_id)
                    built.add("people", {"person_id": person_id, "name": name, "role": role},
                              {"person_id": person.where("name"), "name": person.where("name"),
                               "role": person.where("role")})
            ids[row.values.get("nodeID", "")] = person_id
            relationship = {"trainee_id": trainee, "person_id": person_id, "wave": wave,
                            "x_nc_session": session.session}
            origin = {**here, "person_id": person.where("person_id" if row.values.get(mapping.person["person_id"])
                                                        else "name"), "x_nc_session": here["trainee_id"]}
            for variable in ("formal", "strength", "klik", "functions", "contribution", "assesses",
                             "contact_frequency", "contact_note"):
                relationship[variable] = person.text(variable)
                origin[variable] = person.where(variable)
            if not relationship["formal"]:
                relationship["formal"] = "nee"  # a boolean the interviewee left alone is false
            built.add("relationships", relationship, origin)
        for row in session.edges.get(mapping.overleg_type, []):
            edge = _Values(row, mapping.overleg, mapping, built.issues)
            ends = []
            for column in ("from", "to"):
                node = row.values.get(column, "")
                if node not in ids:
                    built.issues.append(ImportIssue(row.file, row.line, column, node, "nc_unknown_node",
                                                    (("type", mapping.person_type),)))
                ends.append(ids.get(node, ""))
            built.add("consultations", {"trainee_id": trainee, "person_a": ends[0], "person_b": ends[1],
                                        "wave": wave, "frequency": edge.text("frequency")},
                      {**here, "person_a": (row.file, row.line, "from"), "person_b": (row.file, row.line, "to"),
                       "frequency": edge.where("frequency")})
        for function in ego.options("needs") if "needs" not in mapping.fixed else []:
            built.add("needs", {"trainee_id": trainee, "wave": wave, "function": function},
                      {**here, "function": ego.where("needs")})
        if "valuations" in FILE_BY_NAME and ego.text("support"):  # the file of contract v2 (issue 12)
            built.add("valuations", {"trainee_id": trainee, "wave": wave, "support": ego.text("support")},
                      {**here, "support": ego.where("support")})
    return built


def _stored_sessions(db: Database, trainees: list[str]) -> dict[tuple[str, str], str]:
    found = db.query("exchange/netcanvas/stored_sessions", {"trainees": trainees})
    return {(r.trainee_id, r.wave): r.session for r in found.itertuples()}


def _locator(built: _Built) -> Callable[[ImportIssue], ImportIssue]:
    def locate(issue: ImportIssue) -> ImportIssue:
        table = issue.file.removesuffix(".csv")
        origins = built.origins.get(table)
        if origins is None or issue.line is None or not 2 <= issue.line < len(origins) + 2:
            return issue
        origin = origins[issue.line - 2]
        first = (issue.column or "").split(", ")[0]
        file, line, column = origin.get(first) or next(iter(origin.values()))
        if first in ("functions", "function", "role") and issue.value and not column.endswith(f"_{issue.value}"):
            column = f"{column}_{issue.value}"  # a categorical option's own column
        # The message still speaks of the interchange column ("een person_id uit people.csv").
        params = issue.params if any(k == "column" for k, _ in issue.params) else (
            *issue.params, ("column", issue.column or ""))
        return dataclasses.replace(issue, file=file, line=line, column=column, params=params)

    return locate


def _refused(db: Database, result: ImportResult, issues: list[ImportIssue], dry_run: bool, actor: str,
             role: str | None) -> ImportResult:
    """Refused before the importer's checks: recorded as a failed import, as the importer does."""
    result.errors = issues
    if not dry_run:
        importer._record_failure(db, result, actor, role, errors=len(issues))
    return result


def import_export(db: Database, path: str | Path, *, mapping: NcMapping | None = None, dry_run: bool = False,
                  progress=None, actor: str = audit.ACTOR_LOCAL, role: str | None = "beheerder",
                  steps: Steps | None = None) -> ImportResult:
    """Import a Network Canvas export as a merge, through the importer's validation and writing."""
    path = Path(path)
    result = ImportResult(errors=[], source=str(path))
    report(steps, "reading", source=path.name)
    sessions, issues = read_export(path)
    report(steps, "read", sessions=len(sessions))
    mapping = mapping or NcMapping()
    if not issues and not sessions:
        issues.append(ImportIssue(path.name, None, None, None, "nc_no_sessions"))
    if sessions and not _recognised(sessions, mapping):
        first = sessions[0]
        issues.append(ImportIssue(first.ego.file if first.ego else path.name, None, None,
                                  _COPY_SUFFIX.sub("", first.protocol) or None, "nc_unknown_protocol",
                                  _found(sessions)))
    if issues:
        return _refused(db, result, issues, dry_run, actor, role)
    trainees = sorted({_Values(s.ego, mapping.ego, mapping, []).text("trainee_id") for s in sessions if s.ego})
    built = _build(sessions, mapping, _stored_sessions(db, trainees))
    frames = {name: pd.DataFrame(rows, dtype="str") for name, rows in built.frames.items()}
    if "relationships" not in frames and not built.issues:
        built.issues.append(ImportIssue(path.name, None, None, None, "nc_no_people",
                                        (("type", mapping.person_type),)))
    if built.issues:
        return _refused(db, result, built.issues, dry_run, actor, role)
    source = importer.source_from_frames(frames)
    return importer.import_source(db, source, str(path), dry_run=dry_run, progress=progress, actor=actor, role=role,
                                  locate=_locator(built), steps=steps)


# --- roster ------------------------------------------------------------------


def roster_frame(db: Database, *, school: str | None = None, institute: str | None = None,
                 role: str | None = None) -> pd.DataFrame:
    """The partnership's mentors as a Network Canvas roster: ``name`` and ``person_id`` (variables of
    the shipped protocol), then ``role`` and ``school_id`` to recognise them by."""
    return db.query("exchange/netcanvas/roster", {"school": school, "institute": institute, "role": role})


def command_roster(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    try:
        db = Database(args.db or None)
    except DatabaseError as exc:
        print(t("import.db_error", lang, path=args.db or "", detail=str(exc)), file=sys.stderr)
        return 2
    try:
        role = domain.canonical("role", args.role) if args.role else None
        if args.role and role is None:
            print(t("nc.roster.bad_role", lang, value=args.role), file=sys.stderr)
            return 2
        frame = roster_frame(db, school=args.school, institute=args.institute, role=role)
    finally:
        db.close()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(frame_csv(frame, MACHINE), encoding="utf-8", newline="")  # the one CSV writer: names are formula-safe
    print(tn("nc.roster.written", len(frame), lang, path=out))
    return 0


# --- command line ------------------------------------------------------------


def command_import(args: argparse.Namespace) -> int:
    """``import``: a Network Canvas export goes through ``import_export``; anything else to the importer."""
    mapping_file = getattr(args, "nc_mapping", None)
    if not looks_like_netcanvas(args.path) and not mapping_file:
        return importer.command_import(args)
    lang = normalise_language(getattr(args, "lang", "nl"))
    if getattr(args, "replace", False):
        print(t("nc.no_replace", lang), file=sys.stderr)
        return 2
    try:
        mapping = load_mapping(mapping_file) if mapping_file else None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(t("nc.bad_mapping", lang, path=mapping_file, detail=str(exc)), file=sys.stderr)
        return 2
    try:
        db = Database(args.db or None)
    except DatabaseError as exc:
        print(importer._database_message(exc, args.db or "", lang), file=sys.stderr)
        return 2
    try:
        result = import_export(db, args.path, mapping=mapping, dry_run=args.dry_run, actor=audit.ACTOR_CLI,
                               steps=terminal_steps(lang),
                               progress=lambda: print(t("import.writing", lang), flush=True))
    except DatabaseError as exc:
        print(importer._database_message(exc, db.path, lang), file=sys.stderr)
        return 2
    finally:
        db.close()
    if result.errors:
        for issue in result.errors:
            print(issue.message(lang), file=sys.stderr)
        print(t("import.failed", lang, count=len(result.errors)), file=sys.stderr)
        return 1
    for line in importer.summary_lines(result, lang):
        print(line)
    return 0


if __name__ == "__main__":  # rebuild docs/networkcanvas/constellatie.netcanvas
    SHIPPED_PROTOCOL.parent.mkdir(parents=True, exist_ok=True)
    SHIPPED_PROTOCOL.write_bytes(protocol_bytes())
    print(SHIPPED_PROTOCOL)
