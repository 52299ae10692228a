"""A headline figure hidden only for its complement (28 of 29 with a signal:
it points at the one without) is not below k, so it reads "verborgen", as the
tier tiles do, never a false "< 5". A figure below k still reads "< 5"; one
whose complement is k or more is shown (the near miss)."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from dashboard import analysis
from dashboard.privacy import suppression
from dashboard.privacy.access import MIN_GROUP_ENV_VAR, Viewer
from dashboard.web import session
from tests.app_fixtures import *  # noqa: F403

MANAGEMENT = Viewer(actor="m@x.nl", role="management")
SIGNAL = "Studenten met een signaal"
ALL_STRONG = "Alle functies sterk gedekt"


def _head(n_with_signal: int, all_strong: int, per_code: dict[str, int], n: int = 29) -> dict:
    return {
        "n_trainees": n,
        "share_all_strong": all_strong / n,
        "n_with_signal": n_with_signal,
        "signal_counts": pd.DataFrame({"code": list(per_code), "n_trainees": list(per_code.values())}),
    }


@pytest.fixture(autouse=True)
def default_k(monkeypatch):
    monkeypatch.delenv(MIN_GROUP_ENV_VAR, raising=False)


def test_the_headline_says_which_hidden_figures_are_hidden_for_their_complement():
    head = suppression.suppress_headline(_head(28, 26, {"weak_formal": 28, "no_klik": 3, "missing_formal": 24}), k=5)
    assert set(head["suppressed"]) == {"n_with_signal", "share_all_strong"}
    assert set(head[suppression.HIDDEN_FOR_COMPLEMENT]) == {"n_with_signal", "share_all_strong"}
    assert suppression.headline_value(head, "n_with_signal", "28") == "verborgen"
    assert suppression.headline_value(head, "n_with_signal", "28", "en") == "hidden"
    counts = head["signal_counts"].set_index("code")
    assert bool(counts.loc["weak_formal", suppression.SUPPRESSED]) and not counts.loc["weak_formal", suppression.SMALL_GROUP]
    assert bool(counts.loc["no_klik", suppression.SUPPRESSED]) and counts.loc["no_klik", suppression.SMALL_GROUP]
    assert not counts.loc["missing_formal", suppression.SUPPRESSED]


def test_near_miss_a_small_figure_still_reads_below_k_and_a_complement_of_k_is_shown():
    small = suppression.suppress_headline(_head(3, 2, {}), k=5)
    assert small[suppression.HIDDEN_FOR_COMPLEMENT] == ()
    assert suppression.headline_value(small, "n_with_signal", "3") == "< 5"
    assert suppression.headline_value(small, "share_all_strong", "7%") == "< 5 studenten"
    shown = suppression.suppress_headline(_head(24, 24, {}), k=5)  # 29 - 24 = 5 left out: not small
    assert shown["suppressed"] == () and shown["n_with_signal"] == 24


@pytest.fixture
def hand_built(monkeypatch):
    """The management overview of the sample with the headline's figures replaced by ``head``."""
    monkeypatch.setattr(session, "current_viewer", lambda: MANAGEMENT)

    def use(head: dict) -> None:
        monkeypatch.setattr(analysis, "headline_figures", lambda coverage, signals: head)
        st.cache_data.clear()  # the loaders keep the last headline for the same data version

    yield use
    st.cache_data.clear()


def _metrics(app) -> dict[str, str]:
    assert not app.exception, [e.value for e in app.exception]
    return {m.label: m.value for m in app.metric}


def test_the_overview_reads_hidden_for_28_of_29(run_app, sample_db_path, hand_built):
    hand_built(_head(28, 26, {"weak_formal": 28, "no_klik": 3, "missing_formal": 24}))
    app = run_app(sample_db_path, school="S04")
    values = _metrics(app)
    assert values[SIGNAL] == "verborgen"
    assert values[ALL_STRONG] == "verborgen"
    assert values["zwakke formele relatie"] == "verborgen"
    assert values["geen klik"] == "< 5"  # below k: the true "< 5"
    assert values["ontbrekende formele rol"] == "24"
    captions = " ".join(c.value for c in app.caption)
    assert "„verborgen”" in captions and "„< 5”" in captions


def test_near_miss_the_overview_shows_24_of_29_and_says_below_k_for_3(run_app, sample_db_path, hand_built):
    hand_built(_head(24, 15, {"weak_formal": 24}))
    values = _metrics(run_app(sample_db_path, school="S04"))
    assert values[SIGNAL] == "24"
    assert values[ALL_STRONG] == "52%"
    hand_built(_head(3, 2, {"weak_formal": 3}))
    app = run_app(sample_db_path, school="S04")
    values = _metrics(app)
    assert values[SIGNAL] == "< 5"
    assert values[ALL_STRONG] == "< 5 studenten"
    assert "verborgen" not in (values[SIGNAL], values["zwakke formele relatie"])
    assert not any("„verborgen”" in c.value and "erbuiten" in c.value for c in app.caption)
