"""Issue 16: the management overview gives no hidden group back by subtraction.

Two attacks found on a screenshot of school S04 as management on the sample
(S04: 29 trainees; 13 nu, 15 bespreken, 0 volgen, and 1 trainee with no
signal; 2 at institute I1, 27 at I2):

1. the tier tiles against the total: 29 - 13 - 15 - 0 - 0 = 1 trainee;
2. the total minus a pattern's denominator: "Bij 15 van 27 studenten van
   instituut I2" gives 29 - 27 = 2, the I1 group the institute breakdown hides.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, strategies as st

from dashboard.analysis import Filters
from dashboard.analysis.triage import patterns, share_in_tens, tier_counts
from dashboard.privacy import suppression
from dashboard.privacy.access import CLI_VIEWER, MIN_GROUP_ENV_VAR, Viewer
from dashboard.store.db import Database
from dashboard.web import session
from tests.app_fixtures import *  # noqa: F403

MANAGEMENT = Viewer(actor="m@x.nl", role="management")
TILES = ("Nu handelen", "Bespreken", "Volgen", "Geen gegevens in deze fase")
K = 5


@pytest.fixture(autouse=True)
def default_k(monkeypatch):
    monkeypatch.delenv(MIN_GROUP_ENV_VAR, raising=False)


@pytest.fixture
def as_management(monkeypatch):
    monkeypatch.setattr(session, "current_viewer", lambda: MANAGEMENT)


def clean(app):
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def pattern_texts(app) -> list[str]:
    return [text for text in re.findall(r"Bij [^\n\"]*?studenten van [^\n\"]*?:", page_text(app))]


# --- the rule, hand-built ---------------------------------------------------------------


def test_parts_hide_a_part_with_the_small_rest():
    # S04: the rest (29 - 28 = 1) is small, so the smallest non-zero tile goes with it.
    assert suppression.suppress_parts({"nu": 13, "bespreken": 15, "volgen": 0}, 29, K) == {
        "nu": None, "bespreken": 15, "volgen": 0}


def test_parts_near_miss_rest_of_k_or_zero_shows_everything():
    assert suppression.suppress_parts({"nu": 13, "bespreken": 15, "volgen": 0}, 33, K) == {
        "nu": 13, "bespreken": 15, "volgen": 0}  # 5 left: not small
    assert suppression.suppress_parts({"nu": 7, "bespreken": 15, "volgen": 0}, 22, K) == {
        "nu": 7, "bespreken": 15, "volgen": 0}  # nothing left


def test_parts_a_small_tile_is_hidden_with_a_second_tile_never_with_the_rest():
    # The rest (5) is n minus the headline's "met een signaal": visible, so it cannot be the second cell.
    shown = suppression.suppress_parts({"nu": 2, "bespreken": 15, "volgen": 12}, 34, K)
    assert shown == {"nu": None, "bespreken": 15, "volgen": None}
    # A tile that leaves a few out of n is hidden too (26 of 29 leaves 3).
    assert suppression.suppress_parts({"nu": 26, "bespreken": 0, "volgen": 0}, 29, K)["nu"] is None


def test_parts_hidden_view_or_few_trainees_hide_every_tile():
    assert set(suppression.suppress_parts({"nu": 13, "bespreken": 15}, 28, K, hidden_by="programme").values()) == {None}
    assert set(suppression.suppress_parts({"nu": 1, "bespreken": 2}, 3, K).values()) == {None}


def test_share_in_tens():
    assert [share_in_tens(s) for s in (15 / 27, 0.44, 0.45, 0.5)] == [0.6, 0.4, 0.5, 0.5]


def test_tier_counts_hidden_one_filter_wider(sample_db_path):
    # S04 zij-instroom (2) hides eerstegraads (8) in the breakdown of S04 by programme.
    with Database(sample_db_path) as db:
        shown = tier_counts(db.scoped(MANAGEMENT), Filters(school="S04", programme="eerstegraads"))
        full = tier_counts(db.scoped(CLI_VIEWER), Filters(school="S04", programme="eerstegraads"))
    assert full["n_trainees"] == 8
    assert shown["n_trainees"] is None and set(shown["tiers"].values()) == {None} and shown["n_no_data"] is None


def test_pattern_counts_of_a_hidden_group_are_not_numbers(sample_db_path):
    with Database(sample_db_path) as db:
        found = patterns(db.scoped(MANAGEMENT), Filters(school="S04"))
        full = patterns(db.scoped(CLI_VIEWER), Filters(school="S04"))
    i2 = found[(found["group_by"] == "institute") & (found["group_id"] == "I2")]
    assert len(i2) == 1 and i2["n_in_group"].isna().all() and i2["n_trainees"].isna().all()
    assert i2["share"].iloc[0] == 0.6 and "ongeveer 60%" in i2["message"].iloc[0]
    assert "27" not in i2["message"].iloc[0]
    assert 27 in set(full["n_in_group"])  # the attack was real: who sees persons sees the count
    # Near miss: the S04 pattern's denominator is the total itself (complement 0): shown.
    s04 = found[found["group_by"] == "school"]
    assert list(s04["n_in_group"]) == [29] and "Bij 15 van 29" in s04["message"].iloc[0]


# --- the attacks on the page ----------------------------------------------------------------


def test_tiles_against_the_total_give_no_small_group_back(run_app, sample_db_path, as_management):
    app = clean(run_app(sample_db_path, school="S04"))
    values = metrics(app)
    total = int(values["Studenten in beeld"])
    assert total == 29
    shown = {label: values[label] for label in TILES}
    assert shown["Nu handelen"] == "verborgen"
    numbers = [int(v) for v in shown.values() if v.isdigit()]
    # The attack: total minus the shown tiles. It now yields the hidden tile and the
    # trainee without a signal together: 14, at least k and at least two cells.
    left = total - sum(numbers)
    assert left >= K and left == 14
    assert not any(0 < total - n < K for n in numbers)
    assert any("zodat aftrekken niets oplevert" in c.value for c in app.caption)
    assert "Nu handelen: verborgen" in [h.value for h in app.subheader]


def test_tiles_near_miss_every_tile_shown_when_nothing_small_is_left(run_app, sample_db_path, as_management):
    app = clean(run_app(sample_db_path, school="S01"))  # 7 + 15 + 0 + 0 = 22: nothing left
    values = metrics(app)
    assert [values[label] for label in TILES] == ["7", "15", "0", "0"] and values["Studenten in beeld"] == "22"
    assert not [h.value for h in app.subheader if "verborgen" in h.value]


def test_total_minus_a_pattern_denominator_gives_no_hidden_group_back(run_app, sample_db_path, as_management):
    app = clean(run_app(sample_db_path, school="S04"))
    total = int(metrics(app)["Studenten in beeld"])
    texts = pattern_texts(app)
    assert any("ongeveer 60% van de studenten van instituut" in text for text in texts), texts
    for text in texts:
        found = re.match(r"Bij (\d+) van (\d+) studenten", text)
        if found:  # the attack: total minus the denominator, denominator minus the count
            n, of = int(found[1]), int(found[2])
            assert not 0 < total - of < K and not 0 < of - n < K, text
    assert "27" not in " ".join(texts)


def test_pattern_near_miss_counts_shown_nationally(run_app, sample_db_path, as_management):
    app = clean(run_app(sample_db_path))
    texts = pattern_texts(app)
    assert any(re.match(r"Bij 20 van 33 studenten van school", text) for text in texts), texts
    assert not any("ongeveer" in text for text in texts)


# --- invariant -----------------------------------------------------------------------------


@given(st.lists(st.integers(0, 30), min_size=1, max_size=4), st.integers(0, 30), st.integers(2, 8))
def test_parts_subtraction_never_gives_a_small_number(values, rest, k):
    parts = {f"p{i}": v for i, v in enumerate(values)}
    n = sum(values) + rest
    shown = suppression.suppress_parts(parts, n, k)
    if n < k:
        return
    numbers = [v for v in shown.values() if v is not None]
    assert not any(suppression.small_either_way(v, n, k) for v in numbers)
    # Total minus the shown tiles: nothing, or at least k trainees.
    assert not 0 < n - sum(numbers) < k
    # "Met een signaal" (the sum of the tiles) minus the shown tiles: the same, whenever the headline shows it.
    if not suppression.small_either_way(sum(values), n, k):
        assert not 0 < sum(values) - sum(numbers) < k
