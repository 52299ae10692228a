"""The constellation drawing is legible: no two name labels overlap for any
network of 3 to 15 people at the widths the page is seen at, names stay
inside the picture, the text colours meet WCAG AA (4.5:1), every tie shows
its functions beside the name, and the drawing is valid plotly."""

from __future__ import annotations

import plotly.graph_objects as go
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.domain import DEFAULT_FUNCTIONS, ROLE_BY_CODE, WAVES
from dashboard.web import charts

FUNCTIONS = pd.DataFrame([{"code": f.code, "label_nl": f.label_nl, "label_en": f.label_en} for f in DEFAULT_FUNCTIONS])
CODES = [f.code for f in DEFAULT_FUNCTIONS]
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ éëï-'", min_size=2, max_size=26).map(str.strip).filter(bool)


@st.composite
def networks(draw, min_people=3, max_people=15):
    n = draw(st.integers(min_people, max_people))
    waves = draw(st.lists(st.sampled_from(WAVES), unique=True, min_size=1, max_size=3))
    rows = []
    for i in range(n):
        role = draw(st.sampled_from(sorted(ROLE_BY_CODE)))
        for wave in waves:
            rows.append({
                "wave": wave, "person_id": f"P{i}", "name": draw(NAME) if not rows or wave == waves[0] else rows[-1]["name"],
                "role": role, "side": ROLE_BY_CODE[role].side, "line": ROLE_BY_CODE[role].line,
                "formal": draw(st.booleans()), "strength": draw(st.sampled_from(["sterk", "zwak", "geen"])),
                "contribution": "positief", "klik": "ja", "assesses": None,
                "functions": draw(st.lists(st.sampled_from(CODES), unique=True, max_size=6)),
                "contact_frequency": None, "contact_note": None,
            })
    missing = draw(st.lists(st.sampled_from(["werkplekbegeleider", "schoolopleider", "instituutsopleider",
                                             "studieloopbaanbegeleider"]), unique=True, max_size=2))
    return {
        "trainee": {"trainee_id": "T1", "name": draw(NAME)},
        "relationships": pd.DataFrame(rows),
        "consultations": pd.DataFrame(columns=["wave", "person_a", "person_b", "frequency"]),
        "needs": pd.DataFrame(columns=["wave", "function"]),
        "missing_roles": pd.DataFrame([{"wave": w, "role": r} for w in waves for r in missing], columns=["wave", "role"]),
        "waves": [w for w in WAVES if w in waves],
    }


@settings(max_examples=80, deadline=None)
@given(con=networks())
def test_no_two_labels_overlap_in_networks_of_3_to_15(con):
    wave = con["waves"][-1]
    figure, waves_figure = charts.constellation_figures(con, wave, FUNCTIONS, "nl")
    # the constellation page: 1366 px screen, the picture at full width; a narrow window
    for width in (700, 1000, 1300):
        assert charts.overlapping_labels(figure, width) == []
    n_people = con["relationships"].query("wave == @wave")["person_id"].nunique()
    n_ghosts = len(con["missing_roles"].query("wave == @wave"))
    assert len(charts.label_boxes(figure, 1300)) == n_people + n_ghosts + 1  # every name, every ghost, the trainee
    # the names stay inside the picture at the page's width
    for _, (left, bottom, right, top) in charts.label_boxes(figure, 1300):
        assert left >= 0 and right <= 1300 and bottom >= 0 and top <= figure.layout.height
    if waves_figure is not None:
        assert charts.overlapping_labels(waves_figure, 1300) == []


def test_a_nine_person_network_has_every_name_and_its_functions_beside_it():
    rows = []
    roles = ["werkplekbegeleider", "werkplekbegeleider", "schoolopleider", "collega", "leidinggevende",
             "instituutsopleider", "studieloopbaanbegeleider", "medestudent", "overig"]
    for i, role in enumerate(roles):
        rows.append({"wave": "midden", "person_id": f"P{i}", "name": f"Begeleider Nummer {i}", "role": role,
                     "side": ROLE_BY_CODE[role].side, "line": ROLE_BY_CODE[role].line, "formal": i < 3,
                     "strength": "sterk", "contribution": "positief", "klik": "ja", "assesses": None,
                     "functions": ["gastheer", "leermeester"] if i == 0 else ["reflectie"],
                     "contact_frequency": None, "contact_note": None})
    con = {"trainee": {"name": "Sanne"}, "relationships": pd.DataFrame(rows),
           "consultations": pd.DataFrame([{"wave": "midden", "person_a": "P0", "person_b": "P2", "frequency": None}]),
           "missing_roles": pd.DataFrame(columns=["wave", "role"]), "waves": ["midden"]}
    figure = charts.constellation_figure(con, "midden", FUNCTIONS, "nl")
    labels = [text for text, _ in charts.label_boxes(figure, 1300)]
    assert any("Begeleider Nummer 0" in text and "WPB · gast leer" in text for text in labels)
    assert any("Begeleider Nummer 5" in text and "IO · refl" in text for text in labels)
    assert charts.overlapping_labels(figure, 800) == []
    go.Figure(figure.to_dict())  # valid plotly


def test_label_colours_meet_wcag_aa():
    for colour in (charts.NAME_COLOUR, charts.DETAIL_COLOUR, charts.GHOST_TEXT_COLOUR):
        assert charts.contrast_ratio(colour) >= 4.5
    # the old grey of the labels (3.7:1 on white) would fail
    assert charts.contrast_ratio("#8C8C8C") < 4.5
    assert round(charts.contrast_ratio("#000000"), 1) == 21.0


def test_overlap_check_finds_an_overlap():
    figure = go.Figure(layout=dict(height=400, width=400, margin=dict(l=0, r=0, t=0, b=0),
                                   xaxis=dict(range=[-1, 1]), yaxis=dict(range=[-1, 1])))
    for x in (0.0, 0.05):
        figure.add_annotation(x=x, y=0, text="Een lange naam", name="label", xanchor="left", yanchor="middle",
                              showarrow=False, font=dict(size=13))
    assert len(charts.overlapping_labels(figure, 400)) == 1
