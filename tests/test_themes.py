"""The four dialogue themes (analysis.themes): every figure on hand-built data,
and the suppression of groups below k (with the complementary group)."""

from __future__ import annotations

import pytest

from dashboard.analysis import Filters, themes
from dashboard.store.db import Database
from tests.analysis_fixtures import Dataset, base


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def three_trainees() -> Dataset:
    """T1, T2, T3 at school S1 (see the figures each test expects)."""
    data = base()
    for trainee in ("T1", "T2", "T3"):
        data.trainee(trainee)
    data.person("P1", "werkplekbegeleider").person("P3", "werkplekbegeleider").person("P2", "schoolopleider")
    data.person("C1", "collega").person("C2", "collega")
    # T1: wpb sterk (assesses), so zwak with doubt, a strong informal colleague; wpb and so consult
    data.rel("T1", "P1", strength="sterk", functions=["leermeester"], klik="ja", assesses=True)
    data.rel("T1", "P2", strength="zwak", klik="twijfel", assesses=False)
    data.rel("T1", "C1", formal=False, strength="sterk", functions=["emotionele_steun"], klik=None)
    data.consult("T1", "P1", "P2")
    # T2: the same wpb rated geen without klik, so sterk (assesses), a weak colleague; no consultation
    data.rel("T2", "P1", strength="geen", klik="nee", assesses=None)
    data.rel("T2", "P2", strength="sterk", functions=["gastheer"], klik="ja", assesses=True)
    data.rel("T2", "C2", formal=False, strength="zwak", klik=None)
    # T3: only a werkplekbegeleider of their own
    data.rel("T3", "P3", strength="sterk", functions=["gastheer"], klik="ja", assesses=False)
    return data


def with_contact_and_orientation(db: Database) -> None:
    # The fixture has no columns for these; test code may hold SQL.
    with db.transaction() as cur:
        cur.execute("UPDATE relationships SET contact_frequency = 'dagelijks' WHERE trainee_id = 'T1' AND person_id = 'P1'")
        cur.execute("UPDATE relationships SET contact_frequency = 'wekelijks' WHERE trainee_id = 'T3'")
        cur.execute("UPDATE people SET orientation = 'technisch' WHERE person_id = 'P1'")


def value(frame, figure, category=None, detail=None, group_by="all", group_id="*"):
    rows = frame[(frame["figure"] == figure) & (frame["group_by"] == group_by)
                 & (frame["group_id"].astype(object) == group_id)]
    rows = rows[rows["category"].isna()] if category is None else rows[rows["category"] == category]
    rows = rows[rows["detail"].isna()] if detail is None else rows[rows["detail"] == detail]
    assert len(rows) == 1, rows
    row = rows.iloc[0]
    return row["value"], row["numerator"], row["denominator"]


@pytest.fixture
def found(db):
    three_trainees().write(db)
    with_contact_and_orientation(db)
    return themes.themes(db, k=1)


def test_initiatief(found):
    # contributing (sterk/zwak): T1 P1 P2 C1, T2 P2 C2, T3 P3 -> 2 of 6 informal (T2-P1 is geen: no tie)
    assert value(found, "informal_share")[1:] == (2, 6)
    # a strong informal relationship: T1 only
    assert value(found, "strong_informal")[1:] == (1, 3)
    # strong cells: T1 leermeester (formal), T1 emotionele_steun (informal only), T2 gastheer, T3 gastheer
    assert value(found, "informal_only_cover")[1:] == (1, 4)
    # klik of the five formal relationships
    assert value(found, "klik", "ja")[1:] == (3, 5)
    assert value(found, "klik", "twijfel")[1:] == (1, 5)
    assert value(found, "klik", "nee")[1:] == (1, 5)
    assert value(found, "klik", "onbekend")[1:] == (0, 5)


def test_bedoeling(found):
    assert value(found, "strong_cover", "gastheer")[1:] == (2, 3)
    assert value(found, "strong_cover", "rolmodel")[1:] == (0, 3)
    # career: gastheer, leermeester, vakexpert -> 3 strong of 9 cells
    assert value(found, "strong_cover_group", "career")[1:] == (3, 9)
    assert value(found, "strong_cover_group", "psychosocial")[1:] == (1, 9)
    # formal mentors P1 (technisch), P2, P3 (unknown)
    assert value(found, "orientation", "technisch")[1:] == (1, 3)
    assert value(found, "orientation", "onbekend")[1:] == (2, 3)
    # P1's one contributing formal relationship (T1) serves leermeester
    assert value(found, "orientation_function", "technisch", "leermeester")[1:] == (1, 1)
    assert value(found, "orientation_function", "technisch", "gastheer")[1:] == (0, 1)


def test_vormgeving(found):
    assert value(found, "mentors", "werkplekbegeleider")[0] == 2
    assert value(found, "mentors", "schoolopleider")[0] == 1
    # P1 guides T1 and T2, P3 guides T3
    assert value(found, "trainees_per_mentor", "werkplekbegeleider", "median")[0] == 1.5
    assert value(found, "trainees_per_mentor", "werkplekbegeleider", "max")[0] == 2
    assert value(found, "contact_frequency", "werkplekbegeleider", "dagelijks")[1:] == (1, 3)
    assert value(found, "contact_frequency", "werkplekbegeleider", "wekelijks")[1:] == (1, 3)
    assert value(found, "contact_frequency", "werkplekbegeleider", "onbekend")[1:] == (1, 3)
    # wpb-so required: both present for T1 (consulted) and T2 (not); T3 has no so
    assert value(found, "consultation", "schoolopleider", "werkplekbegeleider")[1:] == (1, 2)
    # so-io: no trainee has an io, so no row
    assert found[(found["figure"] == "consultation") & (found["category"] == "instituutsopleider")].empty


def test_beoordelen(found):
    # wpb: T1-P1 assesses, T2-P1 not filled in (counts as not), T3-P3 not
    assert value(found, "assessing", "werkplekbegeleider")[1:] == (1, 3)
    assert value(found, "assessing", "schoolopleider")[1:] == (1, 2)
    assert value(found, "assessing_strength", "ja", "sterk")[1:] == (2, 2)
    assert value(found, "assessing_strength", "nee", "geen")[1:] == (1, 3)
    assert value(found, "assessing_klik", "nee", "nee")[1:] == (1, 3)
    assert value(found, "assessing_klik", "ja", "ja")[1:] == (2, 2)


def test_every_theme_figure_is_there_and_per_group(found):
    assert set(found["theme"]) == set(themes.THEMES)
    assert set(found["figure"]) == {f for figures in themes.FIGURES.values() for f in figures}
    # the school grouping gives the same figures as the whole view (one school)
    assert value(found, "informal_share", group_by="school", group_id="S1")[1:] == (2, 6)


def test_formal_only_norm_changes_coverage_figures_not_the_informal_split(db):
    three_trainees().write(db)
    from dashboard.analysis import formal_only, load_norms
    found = themes.themes(db, norm=formal_only(load_norms(db)), k=1)
    # informal relationships do not count: emotionele_steun of T1 is no longer strong
    assert value(found, "strong_cover_group", "psychosocial")[1:] == (0, 9)
    # who gives strong cover is a fact, whatever the norm counts
    assert value(found, "informal_only_cover")[1:] == (1, 4)


def small_and_large(db: Database, small: int, large: int, third: int = 0) -> None:
    data = base("S1").school("S2").school("S3")
    data.person("W", "werkplekbegeleider")
    for i in range(small):
        data.trainee(f"A{i}", school="S1").rel(f"A{i}", "W")
    for i in range(large):
        data.trainee(f"B{i}", school="S2").rel(f"B{i}", "W")
    for i in range(third):
        data.trainee(f"C{i}", school="S3").rel(f"C{i}", "W")
    data.write(db)


def test_group_below_k_is_suppressed_with_a_complementary_group(db):
    small_and_large(db, small=3, large=6, third=7)
    found = themes.themes(db, k=5)
    schools = found[found["group_by"] == "school"]
    s1, s2, s3 = (schools[schools["group_id"] == s] for s in ("S1", "S2", "S3"))
    assert s1["suppressed"].all() and s1["small_group"].all()
    assert s1["value"].isna().all() and s1["numerator"].isna().all() and s1["n_trainees"].isna().all()
    # the total minus S3 would give S1 back: the smallest other school is hidden too
    assert s2["suppressed"].all() and not s2["small_group"].any()
    assert not s3["suppressed"].any()
    assert value(found, "informal_share", group_by="school", group_id="S3")[1:] == (0, 7)
    # the whole view (16 trainees) is shown
    assert value(found, "informal_share")[1:] == (0, 16)


def test_near_miss_group_of_exactly_k_is_shown(db):
    small_and_large(db, small=5, large=6)
    found = themes.themes(db, k=5)
    assert not found["suppressed"].any()


def test_whole_view_below_k_is_hidden(db):
    small_and_large(db, small=2, large=2)
    found = themes.themes(db, k=5)
    assert themes.whole_view(found)["suppressed"].all()


def test_filters_narrow_the_trainees(db):
    small_and_large(db, small=5, large=6)
    found = themes.themes(db, Filters(school="S2"), k=5)
    assert value(found, "informal_share")[1:] == (0, 6)


def test_questions_in_both_languages():
    for theme in themes.THEMES:
        nl, en = themes.questions(theme, "nl"), themes.questions(theme, "en")
        assert 2 <= len(nl) <= 4 and len(nl) == len(en)
        assert all(q.endswith("?") for q in nl + en)
        assert nl != en


def test_figure_table_text_and_labels(found):
    table = themes.figure_table(found, "assessing_klik", "nl", category="ja")
    assert table.title == "beoordeelt"
    assert table.header == ["Groep", "Studenten", "ja", "twijfel", "nee", "onbekend"]
    assert table.rows[0] == ["Hele selectie", "3", "100%", "0%", "0%", "0%"]
    one_value = themes.figure_table(found, "informal_share", "en")
    assert one_value.rows[0] == ["Whole view", "3", "33%"]
    assert one_value.chart[0] == ("Whole view", pytest.approx(2 / 6), "33%")


def test_figure_table_shows_small_groups_as_below_k(db):
    small_and_large(db, small=3, large=6, third=7)
    table = themes.figure_table(themes.themes(db, k=5), "informal_share", groupings=("all", "school"))
    by_name = {row[0].removeprefix("per school: "): row for row in table.rows}
    assert by_name["School S1"][1:] == ["< 5", "< 5"] and by_name["School S2"][1:] == ["< 5", "< 5"]
    assert by_name["School S3"][1:] == ["7", "0%"]
