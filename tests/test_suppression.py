"""Small-group suppression (issue 5): the rule, its invariants (hypothesis),
the headline, the display and export texts, and the data layer for management.

The pages (AppTest) are in test_suppression_pages.py.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import analysis
from dashboard.web import charts, loaders
from dashboard.privacy import suppression
from dashboard.privacy.access import CLI_VIEWER, MIN_GROUP_ENV_VAR, Viewer
from dashboard.analysis import Filters
from dashboard.store.db import Database
from tests.app_fixtures import sample_db_path  # noqa: F401  (fixture)

MANAGEMENT = Viewer("m@bestuur.nl", "management")
FUNCTIONS = ("gastheer", "leermeester")
FIGURES = ("n_trainees", "n_sterk", "n_zwak", "n_geen", "share_sterk")


@pytest.fixture(autouse=True)
def default_k(monkeypatch):
    monkeypatch.delenv(MIN_GROUP_ENV_VAR, raising=False)


def coverage_by_frame(sizes: dict[str | None, int], column: str = "school_id") -> pd.DataFrame:
    """A coverage_by-shaped frame: one row per group × function; n_sterk = n // 2."""
    rows = []
    for group, n in sizes.items():
        for function in FUNCTIONS:
            strong = n // 2
            rows.append({column: group, "group_name": None if group is None else f"Groep {group}",
                         "function": function, "n_trainees": n, "n_sterk": strong, "n_zwak": n - strong,
                         "n_geen": 0, "share_sterk": strong / n})
    return pd.DataFrame(rows).astype({"n_trainees": "int64", "n_sterk": "int64", "n_zwak": "int64",
                                      "n_geen": "int64", "share_sterk": "float64"})


def hidden_groups(frame: pd.DataFrame, column: str = "school_id") -> dict:
    """{group: small_group} for the suppressed groups of a suppressed frame."""
    rows = frame[frame[suppression.SUPPRESSED]]
    return dict(zip(rows[column], rows[suppression.SMALL_GROUP]))


# --- hand-built cases ---------------------------------------------------------------


def test_one_small_group_suppresses_a_second_group():
    found = suppression.suppress_groups(coverage_by_frame({"A": 3, "B": 12, "C": 8, "D": 30}), "school_id")
    # A is below 5; the smallest other group (C, 8) is hidden too, so 53 - (12 + 30) = 11 is not A.
    assert hidden_groups(found) == {"A": True, "C": False}
    hidden = found[found[suppression.SUPPRESSED]]
    assert hidden[list(FIGURES)].isna().all().all()
    shown = found[~found[suppression.SUPPRESSED]]
    assert list(shown["n_trainees"]) == [12, 12, 30, 30] and list(shown["n_sterk"]) == [6, 6, 15, 15]
    assert found.attrs["min_group"] == 5


def test_two_small_groups_suppress_exactly_those_two():
    found = suppression.suppress_groups(coverage_by_frame({"A": 3, "B": 12, "C": 4, "D": 30}), "school_id")
    assert hidden_groups(found) == {"A": True, "C": True}  # 3 + 4 >= 5: nothing else needed


def test_no_small_group_leaves_the_table_as_it_was():
    original = coverage_by_frame({"A": 5, "B": 12})
    found = suppression.suppress_groups(original, "school_id")
    assert not found[suppression.SUPPRESSED].any() and not found[suppression.SMALL_GROUP].any()
    pd.testing.assert_frame_equal(
        found.drop(columns=[suppression.SUPPRESSED, suppression.SMALL_GROUP]).astype({c: "float64" for c in FIGURES}),
        original.astype({c: "float64" for c in FIGURES}),
    )


def test_small_groups_that_together_stay_below_k_take_a_third():
    # 1 + 2 = 3 trainees: their combined figures (total minus the rest) would still single people out.
    found = suppression.suppress_groups(coverage_by_frame({"A": 1, "B": 2, "C": 9, "D": 6}), "school_id")
    assert hidden_groups(found) == {"A": True, "B": True, "D": False}


def test_ties_are_broken_by_id_and_a_missing_id_is_a_group_of_its_own():
    found = suppression.suppress_groups(coverage_by_frame({"A": 2, "Z": 7, "M": 7, "Q": 9}), "school_id")
    assert hidden_groups(found) == {"A": True, "M": False}
    # Trainees without a programme: a group (missing id) like any other, and it sorts after a named tie.
    found = suppression.suppress_groups(coverage_by_frame({None: 7, "X": 7, "Y": 1}, "programme"), "programme")
    assert hidden_groups(found, "programme") == {"Y": True, "X": False}
    found = suppression.suppress_groups(coverage_by_frame({None: 2, "X": 7, "Y": 20}, "programme"), "programme")
    hidden = found[found[suppression.SUPPRESSED]]
    assert hidden["programme"].isna().sum() == 2 and set(hidden["programme"].dropna()) == {"X"}


def test_k_of_one_turns_suppression_off_and_k_comes_from_the_environment(monkeypatch):
    sizes = {"A": 1, "B": 2, "C": 40}
    assert not suppression.suppress_groups(coverage_by_frame(sizes), "school_id", 1)[suppression.SUPPRESSED].any()
    monkeypatch.setenv(MIN_GROUP_ENV_VAR, "3")
    found = suppression.suppress_groups(coverage_by_frame(sizes), "school_id")
    assert found.attrs["min_group"] == 3 and hidden_groups(found) == {"A": True, "B": True}  # 1 + 2 >= 3
    monkeypatch.setenv(MIN_GROUP_ENV_VAR, "4")
    found = suppression.suppress_groups(coverage_by_frame(sizes), "school_id")
    assert found.attrs["min_group"] == 4 and hidden_groups(found) == {"A": True, "B": True, "C": False}
    assert suppression.effective_k() == 4 and suppression.effective_k(0) == 1 and suppression.effective_k(7) == 7


def test_an_empty_table_stays_empty():
    found = suppression.suppress_groups(coverage_by_frame({"A": 3}).iloc[0:0], "school_id")
    assert found.empty and {suppression.SUPPRESSED, suppression.SMALL_GROUP} <= set(found.columns)
    assert suppression.export_frame(found).empty


def test_a_single_group_below_k_is_suppressed_on_its_own():
    found = suppression.suppress_groups(coverage_by_frame({"A": 3}), "school_id")
    assert hidden_groups(found) == {"A": True}  # its total is below k too: the headline hides it


def test_suppressing_twice_changes_nothing_and_new_columns_are_hidden_too():
    frame = coverage_by_frame({"A": 3, "B": 12, "C": 8}).assign(some_new_rate=0.5)
    once = suppression.suppress_groups(frame, "school_id")
    assert once.loc[once[suppression.SUPPRESSED], "some_new_rate"].isna().all()  # fail closed
    twice = suppression.suppress_groups(once, "school_id", 1)
    pd.testing.assert_frame_equal(once, twice)


def test_wide_compare_frame_keeps_ids_and_names():
    frame = pd.DataFrame({"cohort": ["2025", "2026", "2027"], "group_name": ["2025", "2026", "2027"],
                          "n_trainees": [4, 30, 6], "rate_no_klik": [0.25, 0.1, 0.5]})
    found = suppression.suppress_groups(frame, "cohort")
    assert list(found["cohort"]) == ["2025", "2026", "2027"] and list(found["group_name"]) == ["2025", "2026", "2027"]
    assert list(found[suppression.SUPPRESSED]) == [True, False, True]
    assert found["rate_no_klik"].isna().tolist() == [True, False, True]
    assert str(found["n_trainees"].dtype) == "Int64"


# --- invariants -------------------------------------------------------------------


group_sizes = st.dictionaries(
    st.one_of(st.none(), st.text("ABCDEFGH", min_size=1, max_size=3)),
    st.integers(min_value=1, max_value=40),
    min_size=1, max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(sizes=group_sizes, k=st.integers(min_value=1, max_value=12))
def test_invariants_of_the_rule(sizes, k):
    small, complementary = suppression.groups_to_suppress(sizes, k)
    hidden = small | complementary
    total = sum(sizes.values())
    visible = sum(n for g, n in sizes.items() if g not in hidden)
    # Every group below k is suppressed; a group of k or more only by the complementary rule.
    assert small == {g for g, n in sizes.items() if n < k}
    assert all(sizes[g] >= k for g in complementary)
    if not small:
        assert not complementary
    if len(sizes) > 1:
        # Never exactly one suppressed group in a table with a total ...
        assert len(hidden) != 1
        # ... so no suppressed group is total minus the visible groups.
        for group in hidden:
            assert total - visible != sizes[group]
    # What subtraction gives describes at least k trainees, unless everything is hidden.
    if hidden and len(hidden) < len(sizes):
        assert total - visible >= k
    # The complementary groups are the smallest visible candidates, and no more than needed.
    order = sorted(((g, n) for g, n in sizes.items() if g not in small), key=suppression.selection_order)
    assert set(g for g, _ in order[: len(complementary)]) == complementary
    if complementary:
        last = order[len(complementary) - 1][0]
        fewer = hidden - {last}
        assert len(fewer) < 2 or sum(sizes[g] for g in fewer) < k


@settings(max_examples=150, deadline=None)
@given(sizes=group_sizes, k=st.integers(min_value=1, max_value=12))
def test_invariants_of_a_suppressed_table(sizes, k):
    frame = coverage_by_frame(sizes, "programme")
    found = suppression.suppress_groups(frame, "programme", k)
    hidden = found[suppression.SUPPRESSED].to_numpy()
    # Per group, across all its function rows.
    assert found.groupby(found["programme"].fillna("<none>"))[suppression.SUPPRESSED].nunique().max() == 1
    assert found.loc[hidden, list(FIGURES)].isna().all().all()
    shown = found.loc[~hidden]
    assert (shown["n_trainees"].astype("int64") >= k).all() or not hidden.any()
    assert list(shown["n_trainees"].astype("int64")) == list(frame.loc[~hidden, "n_trainees"])
    assert list(shown["n_sterk"].astype("int64")) == list(frame.loc[~hidden, "n_sterk"])
    assert (found.loc[found["n_trainees"].notna(), "n_trainees"] >= k).all()
    # Exported, a suppressed figure reads "< k": never 0, never blank.
    exported = suppression.export_frame(found)
    for column in FIGURES:
        values = exported.loc[hidden, column]
        assert set(values) <= {f"< {k}"}
    total = sum(sizes.values())
    per_group = found.drop_duplicates(subset=["programme"])
    visible = per_group["n_trainees"].dropna().astype("int64").sum()
    if len(sizes) > 1:
        for n in frame.loc[hidden, "n_trainees"]:
            assert total - visible != n


# --- display and export -------------------------------------------------------------


def test_labels():
    assert suppression.small_label(5) == "< 5" and suppression.small_label(3, "en") == "< 3"
    assert suppression.cell_label(False, 5, "nl") == suppression.cell_label(True, 5, "en") == "< 5"


def test_export_reads_labels_never_zero_or_blank():
    found = suppression.suppress_groups(coverage_by_frame({"A": 2, "B": 12, "C": 9}), "school_id")
    exported = suppression.export_frame(found, "en")
    assert suppression.SMALL_GROUP not in exported.columns and suppression.SUPPRESSED in exported.columns
    a = exported[exported["school_id"] == "A"].iloc[0]
    c = exported[exported["school_id"] == "C"].iloc[0]
    assert [a[f] for f in FIGURES] == ["< 5"] * 5 and [c[f] for f in FIGURES] == ["< 5"] * 5
    text = loaders.csv_bytes(exported).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # a Dutch download
    assert {r["n_trainees"] for r in rows} == {"< 5", "12"}
    assert all(r[f] not in ("", "0") for r in rows if r["school_id"] != "B" for f in FIGURES)


def test_display_column_formats_shown_values_and_labels_hidden_ones():
    found = suppression.suppress_groups(coverage_by_frame({"A": 2, "B": 12, "C": 9}), "school_id")
    shown = suppression.display_column(found, "share_sterk", "nl", lambda v: f"{v:.0%}")
    assert list(shown) == ["< 5", "< 5", "50%", "50%", "< 5", "< 5"]
    plain = coverage_by_frame({"A": 2})
    assert list(suppression.display_column(plain, "n_trainees")) == [2, 2]  # not suppressed: as it is


# --- headline -------------------------------------------------------------------------


def headline(n: int, share: float, n_with_signal: int, counts: dict[str, int]) -> dict:
    return {
        "n_trainees": n, "share_all_strong": share, "n_with_signal": n_with_signal,
        "signal_counts": pd.DataFrame({"code": list(counts), "n_trainees": pd.Series(list(counts.values()),
                                                                                     dtype="int64")}),
    }


def test_headline_with_fewer_than_k_trainees_suppresses_everything():
    found = suppression.suppress_headline(headline(3, 1 / 3, 2, {"no_klik": 1, "weak_formal": 2}))
    assert found["suppressed"] == ("n_trainees", "share_all_strong", "n_with_signal")
    assert found["n_trainees"] is None and found["n_with_signal"] is None and math.isnan(found["share_all_strong"])
    assert found["signal_counts"].empty and found["min_group"] == 5


def test_headline_suppresses_small_counts_only():
    found = suppression.suppress_headline(headline(40, 3 / 40, 25, {"no_klik": 4, "weak_formal": 12, "declining": 5}))
    assert found["n_trainees"] == 40 and found["n_with_signal"] == 25
    assert math.isnan(found["share_all_strong"]) and found["suppressed"] == ("share_all_strong",)  # 3 trainees
    counts = found["signal_counts"].set_index("code")
    assert pd.isna(counts.at["no_klik", "n_trainees"]) and counts.at["no_klik", "suppressed"]
    assert counts.at["weak_formal", "n_trainees"] == 12 and counts.at["declining", "n_trainees"] == 5
    assert not counts.at["declining", "suppressed"]
    assert suppression.headline_value(found, "share_all_strong", "8%") == "< 5 studenten"
    assert suppression.headline_value(found, "n_with_signal", "25") == "25"


def test_headline_shows_zero_and_no_trainees():
    found = suppression.suppress_headline(headline(30, 0.0, 2, {"no_klik": 2}))
    assert found["share_all_strong"] == 0.0 and found["suppressed"] == ("n_with_signal",)
    assert suppression.headline_value(found, "n_with_signal", "2", "en") == "< 5"
    empty = suppression.suppress_headline(headline(0, float("nan"), 0, {}))
    assert empty["n_trainees"] == 0 and empty["suppressed"] == ()


# --- charts ---------------------------------------------------------------------------


def test_heatmap_greys_suppressed_groups_and_keeps_their_counts_out():
    found = suppression.suppress_groups(coverage_by_frame({"A": 2, "B": 12, "C": 9}), "school_id")
    fig = charts.coverage_heatmap(found, "school_id", None, "nl")
    heat, overlay = fig.data
    assert list(heat.x) == ["Groep A", "Groep B", "Groep C"]
    assert [row[0] for row in heat.z] == [None, None] and heat.z[0][1] == pytest.approx(0.5)
    assert [list(row) for row in overlay.text] == [["&lt; 5", "", "&lt; 5"]] * 2  # plotly shows "< 5"
    assert [list(row) for row in overlay.z] == [[1.0, None, 1.0]] * 2 and overlay.showscale is False
    assert overlay.colorscale[0][1] == charts.SUPPRESSED_COLOUR and "%{text}" in overlay.hovertemplate
    assert all(list(cell) == [None] * 4 for row in heat.customdata for j, cell in enumerate(row) if j != 1)
    assert list(heat.customdata[0][1]) == [6, 6, 0, 12]
    import plotly.graph_objects as go

    go.Figure(fig.to_dict())  # valid plotly


def test_grouped_bars_draw_no_bars_for_a_suppressed_group():
    frame = pd.DataFrame({"cohort": ["x", "y", "z"], "group_name": ["X", "Y", "Z"], "n_trainees": [2, 20, 9],
                          "rate_no_klik": [0.5, 0.1, 0.2]})
    fig = charts.grouped_bars(suppression.suppress_groups(frame, "cohort"), [("rate_no_klik", "geen klik")], "en")
    assert [tr.name for tr in fig.data] == ["X (&lt; 5)", "Y", "Z (&lt; 5)"]
    assert list(fig.data[0].y) == [None] and list(fig.data[1].y) == [0.1]
    assert fig.data[0].marker.color == charts.SUPPRESSED_COLOUR


# --- the data layer: management gets suppressed aggregates ------------------------------


@pytest.fixture(scope="module")
def sample(sample_db_path):  # noqa: F811
    db = Database(sample_db_path)
    yield db
    db.close()


def test_coverage_by_for_management_on_the_sample(sample):
    # School S04: eerstegraads 8, tweedegraads 19, zij-instroom 2 trainees.
    filters = Filters(school="S04")
    everyone = analysis.coverage_by(sample.scoped(CLI_VIEWER), "programme", filters)
    assert suppression.SUPPRESSED not in everyone.columns
    assert set(everyone.loc[everyone["programme"] == "zij-instroom", "n_trainees"]) == {2}
    found = analysis.coverage_by(sample.scoped(MANAGEMENT), "programme", filters)
    assert hidden_groups(found, "programme") == {"zij-instroom": True, "eerstegraads": False}
    assert found.loc[found[suppression.SUPPRESSED], list(FIGURES)].isna().all().all()
    tweede = found[found["programme"] == "tweedegraads"]
    assert set(tweede["n_trainees"]) == {19}
    pd.testing.assert_series_equal(
        tweede["n_sterk"].astype("int64").reset_index(drop=True),
        everyone.loc[everyone["programme"] == "tweedegraads", "n_sterk"].astype("int64").reset_index(drop=True),
    )


def test_compare_for_management_on_the_sample(sample):
    found = analysis.compare(sample.scoped(MANAGEMENT), "institute", Filters(school="S04"))  # I1: 2, I2: 27
    assert list(found[suppression.SUPPRESSED]) == [True, True]
    assert list(found[suppression.SMALL_GROUP]) == [True, False]
    assert found.drop(columns=["institute_id", "group_name", suppression.SUPPRESSED, suppression.SMALL_GROUP]) \
        .isna().all().all()
    whole = analysis.compare(sample.scoped(MANAGEMENT), "school")  # every school has 21 or more trainees
    assert not whole[suppression.SUPPRESSED].any() and whole["n_trainees"].sum() == 240
    assert suppression.SUPPRESSED not in analysis.compare(sample.scoped(CLI_VIEWER), "school").columns


def test_headline_for_management_on_the_sample(sample):
    small = analysis.headline(sample.scoped(MANAGEMENT), Filters(school="S04", programme="zij-instroom"))
    assert small["n_trainees"] is None and small["signal_counts"].empty
    assert small["suppressed"] == suppression.HEADLINE_FIGURES
    coordinator = analysis.headline(sample.scoped(CLI_VIEWER), Filters(school="S04", programme="zij-instroom"))
    assert coordinator["n_trainees"] == 2 and "suppressed" not in coordinator
    whole = analysis.headline(sample.scoped(MANAGEMENT))
    assert whole["n_trainees"] == 240
    counts = whole["signal_counts"]
    shown = counts[~counts[suppression.SUPPRESSED]]
    assert (shown["n_trainees"] >= 5).all() and counts.loc[counts[suppression.SUPPRESSED], "n_trainees"].isna().all()
