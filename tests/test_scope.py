"""Scope in the data layer: every question answers for the viewer's trainees only.

Hand-built viewers on the sample data (8 schools, 2 institutes): a
schoolopleider of one school, an instituutsopleider of one institute,
management and the beheerder. Plus a hypothesis invariant over random scopes,
and the guard that refuses an unscoped statement for a restricted viewer.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import analysis
from dashboard.privacy.access import CLI_VIEWER, AccessDenied, Viewer
from dashboard.analysis import Filters
from dashboard.store.db import PERSONAL_TABLES, QUERIES_DIR, Database, ScopeError
from tests.app_fixtures import *  # noqa: F403


@pytest.fixture(scope="module")
def sample(sample_db_path):
    db = Database(sample_db_path)  # read-write like the other tests: one configuration per file and process
    yield db
    db.close()


@pytest.fixture(scope="module")
def everyone(sample):
    return analysis.trainees(sample.scoped(CLI_VIEWER))


def _two_schools(everyone):
    counts = everyone["school_id"].value_counts()
    return counts.index[0], counts.index[1]


def test_a_schoolopleider_sees_only_the_trainees_of_their_school_in_every_question(sample, everyone):
    mine, other = _two_schools(everyone)
    db = sample.scoped(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    own = set(everyone.loc[everyone["school_id"] == mine, "trainee_id"])
    assert own

    assert set(analysis.trainees(db)["trainee_id"]) == own
    assert set(analysis.coverage(db)["trainee_id"]) <= own
    found = analysis.signals(db)
    assert set(found["trainee_id"].dropna()) <= own and len(found)
    assert set(analysis.measures(db)["trainee_id"]) <= own
    assert set(analysis.trainee_signals_summary(db)["trainee_id"]) <= own
    assert set(analysis.coverage_by(db, "school")["school_id"]) == {mine}
    assert set(analysis.compare(db, "school")["school_id"]) == {mine}
    assert analysis.headline(db)["n_trainees"] == len(set(analysis.coverage(db)["trainee_id"]))
    assert [school for school, _ in analysis.filter_options(db)["schools"]] == [mine]


def test_a_filter_or_a_trainee_id_outside_the_scope_never_widens_it(sample, everyone):
    mine, other = _two_schools(everyone)
    db = sample.scoped(Viewer("so@school.nl", "schoolopleider", schools=(mine,)))
    theirs = everyone.loc[everyone["school_id"] == other, "trainee_id"].iloc[0]

    assert analysis.trainees(db, Filters(school=other)).empty
    assert analysis.coverage(db, Filters(school=other)).empty
    assert analysis.coverage_by(db, "school", Filters(school=other)).empty
    assert analysis.constellation(db, theirs) is None
    detail = analysis.trainee_detail(db, theirs)
    assert all(frame.empty for frame in detail.values())
    # the same trainee is there for a viewer whose scope holds them
    assert analysis.constellation(sample.scoped(CLI_VIEWER), theirs) is not None


def test_an_instituutsopleider_sees_their_institutes_trainees_at_every_school(sample, everyone):
    institute = everyone["institute_id"].value_counts().index[0]
    db = sample.scoped(Viewer("io@inst.nl", "instituutsopleider", institutes=(institute,)))
    own = everyone[everyone["institute_id"] == institute]
    found = analysis.trainees(db)
    assert set(found["trainee_id"]) == set(own["trainee_id"])
    assert found["school_id"].nunique() == own["school_id"].nunique() > 1


def test_management_gets_aggregates_and_no_persons(sample):
    db = sample.scoped(Viewer("m@bestuur.nl", "management"))
    for question in (analysis.trainees, analysis.coverage, analysis.signals, analysis.measures,
                     analysis.trainee_signals_summary):
        with pytest.raises(AccessDenied):
            question(db)
    with pytest.raises(AccessDenied):
        analysis.constellation(db, "T0001")
    with pytest.raises(AccessDenied):
        analysis.trainee_detail(db, "T0001")
    assert len(analysis.coverage_by(db, "school"))
    assert len(analysis.compare(db, "institute"))
    assert analysis.headline(db)["n_trainees"] > 0


def test_an_unscoped_statement_on_personal_data_is_refused_for_a_restricted_viewer(sample):
    db = sample.scoped(Viewer("so@school.nl", "schoolopleider", schools=("S1",)))
    with pytest.raises(ScopeError):
        db.query_sql("SELECT name FROM trainees")
    with pytest.raises(ScopeError):
        db.query_sql("SELECT p.name FROM relationships r JOIN people p ON p.person_id = r.person_id")
    # vocabulary is not personal data; the beheerder's handle is not restricted
    assert len(db.query("analysis/functions")) >= 0
    assert len(sample.scoped(CLI_VIEWER).query_sql("SELECT name FROM trainees")) > 0


_READS = re.compile(r"\b(?:FROM|JOIN)\s+(%s)\b" % "|".join(PERSONAL_TABLES), re.IGNORECASE)


def test_every_analysis_statement_reads_trainees_through_the_scope():
    """Statements run by dashboard.analysis open with _visible.sql; none may read
    the trainees table itself (which would bypass the scope)."""
    for path in sorted((QUERIES_DIR / "analysis").glob("*.sql")):
        if path.name == "_visible.sql":
            continue
        text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("--"))
        assert not re.search(r"\b(?:FROM|JOIN)\s+trainees\b", text, re.IGNORECASE), path.name
        if _READS.search(text):
            # through `visible`, or through what is made of it: `chosen` (_chosen.sql) and `copied` (_copy_*.sql)
            # or they continue _scope.sql and read only the rows of `scope` / `rel` (the themes of issue 14)
            assert re.search(r"\b(?:visible|chosen|copied)\b", text) or path.name in (
                "_coverage.sql", "_signal_rows.sql", "signals.sql", "measures.sql", "compare.sql", "coverage_by.sql",
                "_theme_groups.sql", "themes_bedoeling.sql", "themes_vormgeving.sql"), path.name
    for opening in ("_chosen.sql", "_copy_one_trainee.sql", "_copy_chosen.sql"):
        assert re.search(r"\bvisible\b", (QUERIES_DIR / "analysis" / opening).read_text()), opening


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_visible_trainees_are_exactly_those_of_the_scope(sample, everyone, data):
    schools = sorted(everyone["school_id"].unique())
    institutes = sorted(everyone["institute_id"].unique())
    chosen_schools = data.draw(st.lists(st.sampled_from(schools), unique=True, max_size=3))
    chosen_institutes = data.draw(st.lists(st.sampled_from(institutes), unique=True, max_size=1))
    role = "schoolopleider" if chosen_schools or not chosen_institutes else "instituutsopleider"
    db = sample.scoped(Viewer("x@y.nl", role, schools=tuple(chosen_schools), institutes=tuple(chosen_institutes)))
    expected = everyone[everyone["school_id"].isin(chosen_schools) | everyone["institute_id"].isin(chosen_institutes)]
    assert set(analysis.trainees(db)["trainee_id"]) == set(expected["trainee_id"])
    n_in_view = analysis.headline(db)["n_trainees"]
    assert n_in_view <= len(expected)
