"""Figure builders on hand-made frames: layout rules, edge styles, ghost
nodes, escaping, heatmap values and hover counts."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.web import charts
from dashboard.core.domain import DEFAULT_FUNCTIONS, ROLE_BY_CODE

XSS = "<img src=x onerror=alert(1)>"
FUNCTIONS = pd.DataFrame(
    [(f.code, f.label_nl, f.label_en, f.group, f.description) for f in DEFAULT_FUNCTIONS],
    columns=["code", "label_nl", "label_en", "group", "description"],
)


def relationship(person_id, role, strength="sterk", *, wave="midden", formal=True, name=None,
                 contribution="positief", klik="ja", functions=("gastheer",), side=None):
    return {
        "wave": wave, "person_id": person_id, "name": name or f"Naam {person_id}", "role": role,
        "side": side or ROLE_BY_CODE[role].side, "line": ROLE_BY_CODE[role].line, "formal": formal,
        "strength": strength, "contribution": contribution, "klik": klik, "assesses": False,
        "functions": list(functions), "contact_frequency": "wekelijks", "contact_note": "op school",
    }


def make_constellation(rows, consultations=(), missing=(), waves=("midden",), trainee_name="Sanne"):
    return {
        "trainee": {"trainee_id": "T1", "name": trainee_name},
        "relationships": pd.DataFrame(rows),
        "consultations": pd.DataFrame(list(consultations), columns=["wave", "person_a", "person_b", "frequency"]),
        "needs": pd.DataFrame(columns=["wave", "function"]),
        "missing_roles": pd.DataFrame(list(missing), columns=["wave", "role"]),
        "waves": list(waves),
    }


def all_text(fig) -> str:
    """Every string in the figure, joined (to_json would hide ``<`` as \\u003c)."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
        elif hasattr(value, "tolist"):
            walk(value.tolist())

    walk(fig.to_plotly_json())
    return "\n".join(found)


def traces(fig, kind):
    return [tr for tr in fig.data if (tr.meta or {}).get("kind") == kind]


def point(fig, name):
    """(x, y) of the node whose label is ``name``."""
    for tr in fig.data:
        if tr.mode and "markers" in tr.mode and tr.text is not None:
            for x, y, text in zip(tr.x, tr.y, tr.text):
                if text == name:
                    return x, y
    raise AssertionError(f"no node labelled {name!r}")


# --- layout --------------------------------------------------------------------------


def test_trainee_centre_school_left_institute_right_others_below():
    con = make_constellation([
        relationship("P1", "werkplekbegeleider", name="Wim"),
        relationship("P2", "instituutsopleider", name="Ines"),
        relationship("P3", "overig", formal=False, name="Oma"),
        relationship("P4", "collega", formal=False, name="Cor"),
        relationship("P5", "medestudent", formal=False, name="Mees"),
    ])
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    assert point(fig, "Sanne") == (0.0, 0.0)
    assert point(fig, "Wim")[0] < 0 and point(fig, "Cor")[0] < 0
    assert point(fig, "Ines")[0] > 0 and point(fig, "Mees")[0] > 0
    assert point(fig, "Oma")[1] < 0


def test_first_line_nearest_second_line_further_informal_furthest():
    # The booklet's legend: B1 (daily) nearest the trainee, B2 (coordinating) further out.
    con = make_constellation([
        relationship("P1", "werkplekbegeleider", "zwak", name="A"),
        relationship("P2", "schoolopleider", "sterk", name="B"),
        relationship("P3", "collega", "sterk", formal=False, name="C"),
    ])
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    distance = {n: abs(point(fig, n)[0]) for n in "ABC"}
    assert distance["A"] < distance["B"] < distance["C"]


ROLE_CODES = sorted(ROLE_BY_CODE)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ROLE_CODES), st.sampled_from(["sterk", "zwak", "geen"])),
                min_size=1, max_size=15))
def test_layout_rules_hold_for_any_network(people):
    rows = [relationship(f"P{i}", role, strength) for i, (role, strength) in enumerate(people)]
    positions = charts.constellation_positions(pd.DataFrame(rows)).set_index("person_id")
    for i, (role, strength) in enumerate(people):
        x, y, line = positions.loc[f"P{i}", ["x", "y", "line"]]
        side = ROLE_BY_CODE[role].side
        if side == "school":
            assert x < 0
        elif side == "instituut":
            assert x > 0
        else:
            assert y < 0
        if side != "overig":
            assert abs(x) == charts.LINE_X[ROLE_BY_CODE[role].line]
    # No two people on the same row of one side (so their labels cannot meet).
    assert len({(x < 0, y) for x, y in zip(positions["x"], positions["y"])}) == len(rows)


def test_person_keeps_place_across_waves():
    rows = [
        relationship("P1", "werkplekbegeleider", "sterk", wave="begin"),
        relationship("P1", "werkplekbegeleider", "zwak", wave="eind"),
        relationship("P2", "collega", "zwak", wave="eind", formal=False),
    ]
    frame = pd.DataFrame(rows)
    slots = charts.person_slots(frame)
    begin = charts.constellation_positions(frame[frame.wave == "begin"], slots).set_index("person_id")
    eind = charts.constellation_positions(frame[frame.wave == "eind"], slots).set_index("person_id")
    assert tuple(begin.loc["P1", ["x", "y"]]) == tuple(eind.loc["P1", ["x", "y"]])


# --- edges and nodes ---------------------------------------------------------------------


def test_edge_styles_strong_weak_geen_negative_and_consultation():
    con = make_constellation(
        [
            relationship("P1", "werkplekbegeleider", "sterk"),
            relationship("P2", "schoolopleider", "zwak"),
            relationship("P3", "studieloopbaanbegeleider", "geen"),
            relationship("P4", "instituutsopleider", "sterk", contribution="negatief"),
        ],
        consultations=[("midden", "P1", "P2", "wekelijks")],
    )
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    edges = {(tr.meta["strength"], tr.meta["negative"]): tr for tr in traces(fig, "edge")}
    strong, weak, geen, negative = edges[("sterk", False)], edges[("zwak", False)], edges[("geen", False)], edges[("sterk", True)]
    assert strong.line.dash == "solid" and weak.line.dash == "dash" and geen.line.dash == "dot"
    assert strong.line.width > weak.line.width >= geen.line.width
    assert geen.opacity < 1.0 == strong.opacity
    assert negative.line.color == charts.WARNING_COLOUR
    assert strong.line.color != charts.WARNING_COLOUR
    # Every edge starts at the trainee.
    assert strong.x[0] == 0.0 and strong.y[0] == 0.0
    (consultation,) = traces(fig, "consultation")
    assert consultation.line.dash == "dashdot"  # overleg: a line style of its own, not geen's dots
    assert (consultation.x[0], consultation.y[0]) == pytest.approx(point(fig, "Naam P1"))
    assert (consultation.x[1], consultation.y[1]) == pytest.approx(point(fig, "Naam P2"))


def test_consultation_with_person_outside_the_wave_is_not_drawn():
    con = make_constellation([relationship("P1", "werkplekbegeleider")],
                             consultations=[("midden", "P1", "P9", None)])
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    assert traces(fig, "consultation") == []


def test_nodes_coloured_by_role_filled_formal_hollow_informal():
    con = make_constellation([
        relationship("P1", "leidinggevende", formal=True, name="Formeel"),
        relationship("P2", "leidinggevende", formal=False, name="Informeel"),
        relationship("P3", "collega", formal=False),
    ])
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    (boss,) = [tr for tr in traces(fig, "person") if tr.meta["role"] == "leidinggevende"]
    symbols = dict(zip(boss.text, boss.marker.symbol))
    assert symbols == {"Formeel": "circle", "Informeel": "circle-open"}
    assert boss.marker.color == charts.ROLE_COLOURS["leidinggevende"]
    colours = {tr.meta["role"]: tr.marker.color for tr in traces(fig, "person")}
    assert colours["collega"] != colours["leidinggevende"]
    assert charts.WARNING_COLOUR not in charts.ROLE_COLOURS.values()


def test_hover_shows_role_functions_klik_and_contact():
    con = make_constellation([relationship("P1", "werkplekbegeleider", functions=("gastheer", "reflectie"), klik="twijfel")])
    (tr,) = traces(charts.constellation_figure(con, "midden", FUNCTIONS, "nl"), "person")
    hover = tr.hovertext[0]
    assert "werkplekbegeleider" in hover and "gastheer, reflectiepartner" in hover
    assert "Klik: twijfel" in hover and "wekelijks – op school" in hover
    (tr_en,) = traces(charts.constellation_figure(con, "midden", FUNCTIONS, "en"), "person")
    assert "workplace mentor" in tr_en.hovertext[0] and "host, reflection partner" in tr_en.hovertext[0]
    assert "Klik: doubt" in tr_en.hovertext[0]


def test_missing_roles_are_ghost_nodes_on_their_side():
    con = make_constellation(
        [relationship("P1", "werkplekbegeleider")],
        missing=[("midden", "schoolopleider"), ("midden", "instituutsopleider"), ("begin", "studieloopbaanbegeleider")],
    )
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    (ghost,) = traces(fig, "ghost")
    assert len(ghost.x) == 2  # only this wave's missing roles
    assert ghost.marker.symbol == "circle-open"
    labels = dict(zip(ghost.text, zip(ghost.x, ghost.y)))
    assert labels["(schoolopleider)"][0] < 0 and labels["(instituutsopleider)"][0] > 0
    assert all("ontbreekt" in h or "geen formele relatie" in h for h in ghost.hovertext)


def test_names_and_notes_are_escaped_everywhere():
    row = relationship("P1", "werkplekbegeleider", name=XSS)
    row["contact_note"] = "<b>vet</b> & meer"
    con = make_constellation([row], trainee_name=XSS)
    for fig in (charts.constellation_figure(con, "midden", FUNCTIONS),
                charts.constellation_waves_figure(con, FUNCTIONS)):
        text = all_text(fig)
        assert XSS not in text and "<b>vet</b>" not in text and "<img" not in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
    fig = charts.constellation_figure(con, "midden", FUNCTIONS)
    assert "&lt;img src=x onerror=alert(1)&gt;" in point_labels(fig)
    (person,) = traces(fig, "person")
    assert "&lt;b&gt;vet&lt;/b&gt; &amp; meer" in person.hovertext[0]


def point_labels(fig):
    return {text for tr in fig.data if tr.text is not None for text in tr.text}


def test_waves_side_by_side_one_panel_per_wave():
    rows = [relationship("P1", "werkplekbegeleider", "sterk", wave="begin"),
            relationship("P1", "werkplekbegeleider", "zwak", wave="eind")]
    con = make_constellation(rows, waves=("begin", "eind"))
    fig = charts.constellation_waves_figure(con, FUNCTIONS)
    assert [a.text for a in fig.layout.annotations if a.name == "wave"] == ["begin", "eind"]
    # the wave drawings keep names
    assert {a.text for a in fig.layout.annotations if a.name == "label"} >= {"Naam P1", "Sanne"}
    trainees = traces(fig, "trainee")
    assert {tr.xaxis for tr in trainees} == {"x", "x2"}
    edges = {(tr.xaxis, tr.meta["strength"]) for tr in traces(fig, "edge")}
    assert edges == {("x", "sterk"), ("x2", "zwak")}


def test_escape():
    assert charts.escape("<a & b>") == "&lt;a &amp; b&gt;"
    assert charts.escape(None) == "" and charts.escape(float("nan")) == ""


# --- heatmaps ------------------------------------------------------------------------------


def coverage_by_frame():
    rows = []
    for school, name, n, strong in (("S1", "De Linde", 10, 7), ("S2", XSS, 4, 1)):
        for f in DEFAULT_FUNCTIONS:
            rows.append({"school_id": school, "group_name": name, "function": f.code, "n_trainees": n,
                         "n_sterk": strong, "n_zwak": n - strong - 1, "n_geen": 1, "share_sterk": strong / n})
    return pd.DataFrame(rows)


def test_coverage_heatmap_values_and_hover_counts():
    fig = charts.coverage_heatmap(coverage_by_frame(), "school_id", FUNCTIONS)
    (heat,) = fig.data
    assert list(heat.y) == [f.label_nl for f in DEFAULT_FUNCTIONS]
    assert list(heat.x) == ["&lt;img src=x onerror=alert(1)&gt;", "De Linde"]  # sorted by name
    assert heat.z[0][1] == pytest.approx(0.7) and heat.z[0][0] == pytest.approx(0.25)
    assert list(heat.customdata[0][1]) == [7, 2, 1, 10]
    assert heat.zmin == 0 and heat.zmax == 1
    assert "customdata[0]" in heat.hovertemplate and "customdata[3]" in heat.hovertemplate
    assert XSS not in all_text(fig)


def test_coverage_heatmap_empty_frame_says_so():
    fig = charts.coverage_heatmap(coverage_by_frame().iloc[0:0], "school_id", FUNCTIONS)
    assert fig.data == () and "Geen gegevens" in fig.layout.annotations[0].text


def test_trainee_level_heatmap_levels_text_and_cap():
    coverage = pd.DataFrame([
        {"trainee_id": tid, "function": f, "level": level, "level_formal": "geen", "level_informal": level}
        for tid, levels in (("T1", ("sterk", "zwak")), ("T2", ("geen", "sterk")), ("T3", ("zwak", "zwak")))
        for f, level in zip(("gastheer", "leermeester"), levels)
    ])
    trainees = pd.DataFrame({"trainee_id": ["T1", "T2", "T3"], "name": ["Bea", XSS, "Ada"]})
    fig = charts.trainee_level_heatmap(coverage, trainees, FUNCTIONS, "nl")
    (heat,) = fig.data
    assert list(heat.y) == ["&lt;img src=x onerror=alert(1)&gt;", "Ada", "Bea"]
    assert [list(r) for r in heat.z] == [[0, 2], [1, 1], [2, 1]]
    assert [list(r) for r in heat.text] == [["geen", "sterk"], ["zwak", "zwak"], ["sterk", "zwak"]]
    assert list(heat.x) == ["gastheer", "leermeester"]
    capped = charts.trainee_level_heatmap(coverage, trainees, FUNCTIONS, "en", max_rows=2)
    assert len(capped.data[0].y) == 2 and capped.data[0].text[0][0] == "none"
    assert XSS not in all_text(fig)


def test_level_colours_differ_in_lightness():
    def lightness(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [lightness(charts.LEVEL_COLOURS[level]) for level in ("sterk", "zwak", "geen")]
    assert values[0] + 60 < values[1] and values[1] + 60 < values[2]


# --- grouped bars ----------------------------------------------------------------------------


def test_grouped_bars_one_trace_per_group():
    frame = pd.DataFrame({"group_name": ["A", XSS], "klik_ja": [0.5, 0.8], "klik_nee": [0.1, float("nan")]})
    fig = charts.grouped_bars(frame, [("klik_ja", "ja"), ("klik_nee", "nee"), ("missing", "x")])
    assert fig.layout.barmode == "group"
    assert [tr.name for tr in fig.data] == ["A", "&lt;img src=x onerror=alert(1)&gt;"]
    assert list(fig.data[0].x) == ["ja", "nee"]
    assert list(fig.data[1].y) == [0.8, None]
    assert list(fig.data[0].text) == ["50%", "10%"]
    assert XSS not in all_text(fig)


def test_every_figure_passes_plotly_validation():
    """The builders skip plotly's validation for speed; check here that nothing invalid slips through."""
    import plotly.graph_objects as go

    rows = [relationship("P1", "werkplekbegeleider", "sterk", wave="begin"),
            relationship("P1", "werkplekbegeleider", "zwak", wave="eind", contribution="negatief"),
            relationship("P2", "collega", "zwak", wave="eind", formal=False, klik=None)]
    con = make_constellation(rows, consultations=[("eind", "P1", "P2", None)],
                             missing=[("eind", "schoolopleider")], waves=("begin", "eind"))
    coverage = pd.DataFrame([{"trainee_id": "T1", "function": "gastheer", "level": "zwak",
                              "level_formal": "geen", "level_informal": "zwak"}])
    figures = [
        charts.constellation_figure(con, "eind", FUNCTIONS),
        charts.constellation_waves_figure(con, FUNCTIONS, "en"),
        charts.coverage_heatmap(coverage_by_frame(), "school_id", FUNCTIONS),
        charts.trainee_level_heatmap(coverage, pd.DataFrame({"trainee_id": ["T1"], "name": ["A"]}), FUNCTIONS),
        charts.grouped_bars(pd.DataFrame({"group_name": ["A", "B"], "x": [0.1, 0.2]}), [("x", "x")]),
        charts.coverage_heatmap(coverage_by_frame().iloc[0:0], "school_id", FUNCTIONS),
    ]
    for figure in figures:
        go.Figure(figure.to_dict())  # raises ValueError on any invalid property or value


def test_coverage_heatmap_draws_only_the_largest_groups():
    rows = []
    for i in range(5):
        for f in DEFAULT_FUNCTIONS:
            rows.append({"school_id": f"S{i}", "group_name": f"School {i}", "function": f.code, "n_trainees": 10 + i,
                         "n_sterk": 1, "n_zwak": 1, "n_geen": 8 + i, "share_sterk": 1 / (10 + i)})
    fig = charts.coverage_heatmap(pd.DataFrame(rows), "school_id", FUNCTIONS, max_groups=3)
    assert list(fig.data[0].x) == ["School 2", "School 3", "School 4"]
    assert list(fig.data[0].customdata[0][0]) == [1, 1, 10, 12]
