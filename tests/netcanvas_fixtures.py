"""Network Canvas exports of the shipped protocol, written as the exporter writes them
(network-exporters: CSV with CRLF, categorical options as <var>_<option> booleans, layout as
<var>_x/_y, a trailing empty ``null`` column, 40-hex ids for roster nodes; GraphML with keys per
variable and nc: attributes on the graph)."""

from __future__ import annotations

import csv
import hashlib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from dashboard.exchange import netcanvas as nc


@dataclass
class Interview:
    case: str
    session: str
    trainee: str
    wave: str
    people: list[dict]
    overleg: list[tuple[int, int, str]] = field(default_factory=list)  # (node index, node index, frequency)
    support: str = ""
    needs: list[str] = field(default_factory=list)
    protocol: str = nc.PROTOCOL_NAME


def sample_interview(session: str = "d122207e-5277-47f8-800a-afe705e975d4", wave: str = "midden",
                     protocol: str = nc.PROTOCOL_NAME) -> Interview:
    return Interview(
        case="T1001", session=session, trainee="007", wave=wave, support="deels", needs=["reflectie", "vakexpert"],
        protocol=protocol,
        people=[
            {"name": "Wim Peters", "person_id": "P1", "role": "werkplekbegeleider", "formal": True,
             "strength": "sterk", "klik": "ja", "functions": ["gastheer", "leermeester"], "contribution": "positief",
             "assesses": False, "contact_frequency": "dagelijks", "contact_note": "elke ochtend,\nkort"},
            {"name": "Sara Bakker", "person_id": "P2", "role": "schoolopleider", "formal": True,
             "strength": "zwak", "klik": "twijfel", "functions": ["reflectie"], "contribution": "positief",
             "assesses": True, "contact_frequency": "maandelijks", "contact_note": ""},
            {"name": "Oma Jansen", "person_id": "", "role": "overig", "formal": False, "strength": "sterk",
             "klik": "ja", "functions": ["emotionele_steun"], "contribution": "positief", "assesses": None,
             "contact_frequency": "wekelijks", "contact_note": "zondag"},
        ],
        overleg=[(0, 1, "wekelijks")],
    )


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def _node_uuid(interview: Interview, index: int, person: dict) -> str:
    if person.get("person_id"):  # a roster node: the exporter writes the object hash
        return hashlib.sha1(f"{person['person_id']}".encode()).hexdigest()
    return _uuid(interview.session, "node", str(index))


def _cell(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _values(variables, data: dict, layout: tuple[float, float] = (0.25, 0.75)) -> dict[str, str]:
    """Variable values as the exporter's columns (categorical: one boolean per option)."""
    cells = {}
    for variable in variables:
        value = data.get(variable.name)
        if variable.type == "categorical":
            for option in variable.options:
                cells[f"{variable.name}_{option}"] = "" if value is None else _cell(option in (
                    value if isinstance(value, list) else [value]))
        elif variable.type == "layout":
            cells[f"{variable.name}_x"], cells[f"{variable.name}_y"] = (str(layout[0]), str(layout[1]))
        else:
            cells[variable.name] = _cell(value)
    return cells


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_csv(interview: Interview, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    prefix = f"{interview.case}_{interview.session}"
    ego_uuid = _uuid(interview.session, "ego")
    ego = {"networkCanvasEgoUUID": ego_uuid, "networkCanvasCaseID": interview.case,
           "networkCanvasSessionID": interview.session, "networkCanvasProtocolName": interview.protocol,
           "sessionStart": "2026-11-02T09:00:00.000Z", "sessionFinish": "2026-11-02T09:40:00.000Z",
           "sessionExported": "2026-11-02T10:00:00.000Z",
           **_values(nc.EGO_VARIABLES, {"trainee_id": interview.trainee, "wave": interview.wave,
                                        "support": interview.support, "needs": interview.needs})}
    _write(folder / f"{prefix}_ego.csv", list(ego), [list(ego.values())])
    rows = []
    for index, person in enumerate(interview.people):
        cells = {"nodeID": str(index + 1), "networkCanvasEgoUUID": ego_uuid,
                 "networkCanvasUUID": _node_uuid(interview, index, person),
                 **_values(nc.PERSON_VARIABLES, person, (0.1 * (index + 1), 0.5)), "null": ""}
        rows.append(cells)
    _write(folder / f"{prefix}_attributeList_{nc.PERSON_TYPE}.csv", list(rows[0]), [list(r.values()) for r in rows])
    if interview.overleg:  # a type without edges has no file
        edges = []
        for number, (a, b, frequency) in enumerate(interview.overleg, start=len(interview.people) + 1):
            edges.append([str(number), str(a + 1), str(b + 1), ego_uuid, _uuid(interview.session, "edge", str(number)),
                          _node_uuid(interview, a, interview.people[a]), _node_uuid(interview, b, interview.people[b]),
                          frequency])
        _write(folder / f"{prefix}_edgeList_{nc.OVERLEG_TYPE}.csv", [*nc.EDGE_RESERVED, "frequency"], edges)
    return folder


def write_graphml(interview: Interview, path: Path) -> Path:
    """The same interview as Network Canvas's GraphML export."""
    def key_id(entity: str, column: str) -> str:
        return hashlib.sha1(f"{entity}/{column}".encode()).hexdigest()

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '  <graphml', '    xmlns="http://graphml.graphdrawing.org/xmlns"',
             '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
             '    xmlns:nc="http://schema.networkcanvas.com/xmlns">']
    ego_cells = _values(nc.EGO_VARIABLES, {"trainee_id": interview.trainee, "wave": interview.wave,
                                           "support": interview.support, "needs": interview.needs})
    node_cells = [_values(nc.PERSON_VARIABLES, p, (0.1 * (i + 1), 0.5)) for i, p in enumerate(interview.people)]
    for column in ego_cells:
        lines.append(f'<key id="{key_id("ego", column)}" attr.name="{column}" attr.type="string" for="graph"/>')
    for key in ("label", "networkCanvasType", "networkCanvasUUID"):
        lines.append(f'<key id="{key}" attr.name="{key}" attr.type="string" for="all"/>')
    for column in node_cells[0]:
        name = column[:-2] + column[-2:].upper() if column.endswith(("_x", "_y")) else column
        lines.append(f'<key id="{key_id("node", name)}" attr.name="{name}" attr.type="string" for="node"/>')
    lines.append(f'<key id="{key_id("edge", "frequency")}" attr.name="frequency" attr.type="string" for="edge"/>')
    for key in ("networkCanvasTargetUUID", "networkCanvasSourceUUID"):
        lines.append(f'<key id="{key}" attr.name="{key}" attr.type="string" for="edge"/>')
    lines += ['<graph', '  edgedefault="undirected"', f'  nc:caseId={quoteattr(interview.case)}',
              f'  nc:sessionUUID="{interview.session}"', f'  nc:protocolName={quoteattr(interview.protocol)}',
              '  nc:sessionExportTime="2026-11-02T10:00:00.000Z"', '>',
              f'<data key="networkCanvasUUID">{_uuid(interview.session, "ego")}</data>']
    for column, value in ego_cells.items():
        if value != "":
            lines.append(f'<data key="{key_id("ego", column)}">{escape(value)}</data>')
    for index, (person, cells) in enumerate(zip(interview.people, node_cells)):
        lines += [f'<node id="{index + 1}">',
                  f'\t<data key="networkCanvasUUID">{_node_uuid(interview, index, person)}</data>',
                  f'\t<data key="networkCanvasType">{nc.PERSON_TYPE}</data>',
                  f'\t<data key="label">{escape(person["name"])}</data>']
        for column, value in cells.items():
            name = column[:-2] + column[-2:].upper() if column.endswith(("_x", "_y")) else column
            if value != "":
                lines.append(f'\t<data key="{key_id("node", name)}">{escape(value)}</data>')
        lines.append("</node>")
    for number, (a, b, frequency) in enumerate(interview.overleg, start=len(interview.people) + 1):
        lines += [f'<edge id="{number}" source="{a + 1}" target="{b + 1}">',
                  f'\t<data key="networkCanvasUUID">{_uuid(interview.session, "edge", str(number))}</data>',
                  f'\t<data key="networkCanvasType">{nc.OVERLEG_TYPE}</data>',
                  f'\t<data key="{key_id("edge", "frequency")}">{frequency}</data>', "</edge>"]
    lines += ["</graph>", "</graphml>"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
