"""Lean prototype of the overview after a school change (bench only, see README.md):
a school choice, what the overview leads with (trainees per attention tier, the patterns:
a signal about a role for at least 40 % of a group of at least 5), the school's coverage
(trainees x functions heatmap, headline figures) and its signals table. Every rerun computes
afresh; only the connection and the vocabulary are kept (as the real app keeps them)."""

import os

import plotly.graph_objects as go
import streamlit as st

from dashboard.store.db import DB_ENV_VAR, Database
from dashboard.tools import floors

LEVEL_RANK = {"geen": 0, "zwak": 1, "sterk": 2}


@st.cache_resource
def connection(path: str):
    db = Database(path)
    bound = floors.inputs(db)
    schools = floors.run(db, "schools", bound).to_pylist()
    return db, bound, {row["school_id"]: row["name"] for row in schools}


db, bound, schools = connection(os.environ[DB_ENV_VAR])
st.title("Overzicht")
school = st.selectbox("School", list(schools), format_func=schools.get, key="school")
levels = floors.run(db, "coverage_trainees", bound, school=school).to_pandas()
found = floors.run(db, "signals", bound, school=school).to_pandas()
tiers = floors.run(db, "triage", bound, school=school).to_pandas()["tier"].value_counts()

for column, tier in zip(st.columns(3), ("nu", "bespreken", "volgen")):
    column.metric(tier, int(tiers.get(tier, 0)))
# Patterns in pandas from the signals: per institute within the school, and the school itself.
in_view = levels[["trainee_id", "institute_id"]].drop_duplicates()
signal_roles = found.dropna(subset=["trainee_id", "role"])[["trainee_id", "code", "role"]].drop_duplicates()
patterns = []
for members in (in_view.assign(group=school), in_view.rename(columns={"institute_id": "group"})):
    sizes = members.groupby("group")["trainee_id"].nunique()
    counted = members.merge(signal_roles, on="trainee_id").groupby(["group", "code", "role"])["trainee_id"].nunique()
    for (group_id, code, role), n in counted.items():
        if sizes[group_id] >= 5 and n * 100 >= sizes[group_id] * 40:
            patterns.append({"group": group_id, "code": code, "role": role, "n": n, "share": n / sizes[group_id]})
if patterns:
    st.table(sorted(patterns, key=lambda p: -p["share"]))

n_trainees = levels["trainee_id"].nunique()
all_strong = levels.groupby("trainee_id")["level"].agg(lambda s: (s == "sterk").all()).mean() if n_trainees else 0
first, second, third = st.columns(3)
first.metric("Studenten", n_trainees)
second.metric("Alle functies sterk", f"{all_strong:.0%}")
third.metric("Met een signaal", found["trainee_id"].nunique())

wide = levels.pivot_table(index="name", columns="function", values="level",
                          aggfunc="first").replace(LEVEL_RANK)
figure = go.Figure(go.Heatmap(z=wide.to_numpy(dtype=float), x=list(wide.columns), y=list(wide.index),
                              zmin=0, zmax=2, colorscale="Greens"))
figure.update_layout(height=max(300, 18 * len(wide)), margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(figure, key="heatmap")
st.dataframe(found[["trainee_id", "person_id", "function", "code", "severity", "wave"]], hide_index=True)
