"""Lean prototype of the constellation page after a trainee change (bench only, see README.md):
what the page shows first for the trainee in the URL (``?trainee=``): the network drawing with
the roles the norm expects but nobody fills as ghosts, their needs, coverage per function,
signals, network measures and step 6 (who could fill an open function)."""

import math
import os

import plotly.graph_objects as go
import streamlit as st

from dashboard.store.db import DB_ENV_VAR, Database
from dashboard.tools import floors

STRENGTH_COLOUR = {"sterk": "#1a7f37", "zwak": "#d4a72c", "geen": "#cf222e"}


@st.cache_resource
def connection(path: str):
    db = Database(path)
    return db, floors.inputs(db)


db, bound = connection(os.environ[DB_ENV_VAR])
trainee = st.query_params.get("trainee")
network = floors.run(db, "constellation", bound, trainee=trainee).to_pylist()
levels = floors.run(db, "coverage_trainees", bound, trainee=trainee).to_pandas()
found = floors.run(db, "signals", bound, trainee=trainee).to_pandas()
measures = floors.run(db, "measures", bound, trainee=trainee).to_pandas()
candidates = floors.run(db, "suggest", bound, trainee=trainee).to_pandas()

people = [row for row in network if row["kind"] == "relationship"]
ghosts = [row["role"] for row in network if row["kind"] == "missing_role"]
needs = [row["function"] for row in network if row["kind"] == "need"]
st.title(people[0]["trainee_name"] if people else "Constellatie")
place = {row["person_a"]: (math.cos(2 * math.pi * i / max(len(people), 1)), math.sin(2 * math.pi * i / max(len(people), 1)))
         for i, row in enumerate(people)}
figure = go.Figure()
for row in network:
    if row["kind"] == "consultation" and row["person_a"] in place and row["person_b"] in place:
        (xa, ya), (xb, yb) = place[row["person_a"]], place[row["person_b"]]
        figure.add_trace(go.Scatter(x=[xa, xb], y=[ya, yb], mode="lines", line={"color": "#999", "dash": "dot"},
                                    hoverinfo="skip", showlegend=False))
for row in people:
    x, y = place[row["person_a"]]
    figure.add_trace(go.Scatter(x=[0, x], y=[0, y], mode="lines", showlegend=False, hoverinfo="skip",
                                line={"color": STRENGTH_COLOUR[row["strength"]], "width": 3 if row["formal"] else 1}))
figure.add_trace(go.Scatter(x=[x for x, _ in place.values()], y=[y for _, y in place.values()], mode="markers+text",
                            text=[f"{row['name']} ({row['role']})" for row in people], textposition="top center",
                            marker={"size": 14}, showlegend=False))
figure.add_trace(go.Scatter(x=[0], y=[0], mode="markers", marker={"size": 20, "color": "#0969da"}, showlegend=False))
if ghosts:
    figure.add_trace(go.Scatter(x=[-1.6] * len(ghosts), y=[1.1 - 0.3 * i for i in range(len(ghosts))],
                                mode="markers+text", text=ghosts, textposition="middle right", showlegend=False,
                                marker={"size": 14, "color": "rgba(0,0,0,0)", "line": {"color": "#999", "dash": "dot"}}))
# Room beside the circle for the labels (a name and role reach about half the radius out).
figure.update_layout(height=520, xaxis={"visible": False, "range": [-1.9, 1.9]},
                     yaxis={"visible": False, "range": [-1.3, 1.3]},
                     margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(figure, key="network")
st.dataframe(levels[["function", "level"]], hide_index=True)
st.dataframe(found[["person_id", "function", "code", "severity", "wave"]], hide_index=True)
st.caption("Behoeften: " + ", ".join(needs) if needs else "Geen behoeften")
st.dataframe(measures.drop(columns=["alter_ids", "tie_pairs"], errors="ignore"), hide_index=True)
st.dataframe(candidates[["function", "name", "role", "rank", "n_strong", "load"]], hide_index=True)
