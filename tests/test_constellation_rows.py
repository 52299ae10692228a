"""One trainee's questions run on that trainee's copied rows (issue 6: the
constellation page under 150 ms).

``analysis.trainee_view``, ``constellation`` and ``trainee_detail`` read the
trainee's rows once (``copied_rows.sql``) and run the usual SQL files
on those copies. The oracle is the same SQL on the national tables (the
constellation parts) and the group questions of the whole database (coverage,
signals, measures), for random datasets with shared mentors, programme norms
and viewers of one school. Hand-built cases check what is copied, the scope,
the page (a new trainee from the URL in the same session) and its wave table.

``analysis.group_view`` does the same for the trainees of one school (the
overview filtered on a school): its oracle is coverage, signals, coverage by
group and the trainees on the national tables with the same filters.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import analysis
from dashboard.core import domain
from dashboard.privacy.access import AccessDenied, Viewer
from dashboard.analysis import Filters, Norm, derived, triage
from dashboard.store.db import Database
from tests.analysis_fixtures import Dataset, base, healthy_trainee, random_datasets
from tests.app_fixtures import *  # noqa: F403

TRAINEES = {"T1": "S1", "T2": "S1", "T3": "S2"}
PEOPLE = {
    "W1": "werkplekbegeleider", "W2": "werkplekbegeleider", "SO": "schoolopleider", "IO": "instituutsopleider",
    "SL": "studieloopbaanbegeleider", "C1": "collega", "M1": "medestudent", "L1": "leidinggevende",
}
CONSTELLATION = "views/constellatie.py"


def datasets() -> st.SearchStrategy[Dataset]:
    """Three trainees at two schools sharing their mentors; any waves (also none),
    ratings, functions, consultations and needs; sometimes a programme with its own norm."""
    return random_datasets(TRAINEES, PEOPLE, programmes=(None, "pabo", "lio"), programme_norm=True)


def national_constellation(db: Database, trainee_id: str, norm: Norm | None = None) -> dict | None:
    """The constellation SQL files run on the national tables (the path before the copies)."""
    params = {"trainee_id": trainee_id}
    found = analysis._run(db, ["analysis/constellation_trainee"], params)
    if found.empty:
        return None
    trainee = {k: (None if pd.isna(v) else v) for k, v in found.iloc[0].to_dict().items()}
    if norm is None:
        norms = analysis.load_norms(db)
        norm = norms.get(trainee["programme"] or "*", norms["*"])
    tables = analysis._norm_tables({"*": norm})
    tables["roles_param"] = analysis._roles_table()
    tables["taxonomy_param"] = analysis._taxonomy_table(db)
    parts = {name: analysis._run(db, [f"analysis/constellation_{name}"], params, tables)
             for name in ("relationships", "consultations", "needs", "missing_roles")}
    parts["relationships"]["functions"] = parts["relationships"]["functions"].map(list)
    return {"trainee": trainee, **parts, "waves": [w for w in domain.WAVES if w in set(parts["relationships"]["wave"])]}


def group_questions(db: Database, wave: str | None, norm: Norm | None = None) -> dict[str, pd.DataFrame]:
    """The public questions about everyone in view (coverage, signals, measures)."""
    filters = Filters(wave=wave)
    return {"coverage": analysis.coverage(db, filters, norm), "signals": analysis.signals(db, filters, norm),
            "measures": analysis.measures(db, filters)}


def rows_of(found: dict[str, pd.DataFrame], trainee_id: str) -> dict[str, pd.DataFrame]:
    return {name: frame[frame["trainee_id"] == trainee_id].reset_index(drop=True) for name, frame in found.items()}


def same_frame(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    return list(left.columns) == list(right.columns) and left.astype(object).equals(right.astype(object))


def assert_same_constellation(found: dict | None, expected: dict | None) -> None:
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found["trainee"] == expected["trainee"]
    assert found["waves"] == expected["waves"]
    for name in ("relationships", "consultations", "needs", "missing_roles"):
        assert same_frame(found[name], expected[name]), name


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.sampled_from([None, ("S1",)]))
def test_questions_on_the_copied_rows_equal_the_questions_on_the_national_tables(data, schools):
    with data.write(Database.in_memory()) as full:
        db = full if schools is None else full.scoped(Viewer("so@school.nl", "schoolopleider", schools=schools))
        everyone = {wave: group_questions(db, wave) for wave in (None, *domain.WAVES)}
        for trainee_id in (*TRAINEES, "T9"):
            found, latest = analysis.trainee_view(db, trainee_id)
            expected = national_constellation(db, trainee_id)
            assert_same_constellation(found, expected)
            if trainee_id == "T1":  # the same path without the detail
                assert_same_constellation(analysis.constellation(db, trainee_id), expected)
            for wave, group in everyone.items():
                detail = analysis.trainee_detail(db, trainee_id, wave)
                rows = rows_of(group, trainee_id)
                for name in ("coverage", "signals", "measures"):
                    assert same_frame(detail[name], rows[name]), (trainee_id, wave, name)
            if found is None:
                assert latest is None
            else:
                rows = rows_of(everyone[None], trainee_id)
                for name in ("coverage", "signals", "measures"):
                    assert same_frame(latest[name], rows[name]), name


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.booleans())
def test_an_in_memory_norm_applies_on_the_copied_rows_as_on_the_national_tables(data, informal_counts):
    norm = Norm(roles=(("werkplekbegeleider", "sterk"), ("collega", "zwak")),
                consultations=(("collega", "werkplekbegeleider"),), informal_counts=informal_counts)
    with data.write(Database.in_memory()) as db:
        group = group_questions(db, None, norm)
        for trainee_id in TRAINEES:
            found, latest = analysis.trainee_view(db, trainee_id, norm=norm)
            assert_same_constellation(found, national_constellation(db, trainee_id, norm))
            detail = analysis.trainee_detail(db, trainee_id, None, norm)
            rows = rows_of(group, trainee_id)
            for name in ("coverage", "signals"):
                assert same_frame(detail[name], rows[name]), name
                if latest is not None:
                    assert same_frame(latest[name], rows[name]), name


def shared_mentor_data() -> Dataset:
    data = base().school("S2")
    healthy_trainee(data, "T1", "begin")
    healthy_trainee(data, "T2", "begin", school="S2")
    data.person("W", "werkplekbegeleider").rel("T1", "W", "midden", strength="zwak").rel("T2", "W", "eind")
    data.need("T1", "reflectie", "midden").need("T2", "gastheer", "eind")
    return data


def test_the_copies_hold_the_trainee_s_own_rows_and_nobody_else_s():
    with shared_mentor_data().write(Database.in_memory()) as db:
        rows = analysis._trainee_rows(db, "T1")
        assert set(rows) == set(analysis.TRAINEE_TABLES)
        assert rows["trainees"].column("trainee_id").to_pylist() == ["T1"]
        assert rows["schools"].column("school_id").to_pylist() == ["S1"]
        assert rows["institutes"].column("institute_id").to_pylist() == ["I1"]
        for table in ("relationships", "relationship_functions", "consultations", "needs"):
            assert set(rows[table].column("trainee_id").to_pylist()) == {"T1"}, table
        # only the people T1 rates: W, whom T2 rates too, and T1's own mentors; none of T2's
        assert set(rows["people"].column("person_id").to_pylist()) == set(
            rows["relationships"].column("person_id").to_pylist())
        assert not any(p.startswith("T2-") for p in rows["people"].column("person_id").to_pylist())
        # the tables' own columns and types, also for a table with no rows of this trainee
        cursor = db.cursor()
        try:
            for table in analysis.TRAINEE_TABLES:
                stored = cursor.execute("SELECT * FROM query_table($table) LIMIT 0", {"table": table}).to_arrow_table().schema
                assert rows[table].schema.names == stored.names, table
                assert rows[table].schema.types == stored.types, table
        finally:
            cursor.close()
        assert rows["relationships"].num_rows == 5 and rows["needs"].num_rows == 1


def test_a_trainee_outside_the_scope_has_no_rows_to_copy():
    with shared_mentor_data().write(Database.in_memory()) as full:
        db = full.scoped(Viewer("so@school.nl", "schoolopleider", schools=("S1",)))
        assert all(table.num_rows == 0 for table in analysis._trainee_rows(db, "T2").values())
        assert analysis.trainee_view(db, "T2") == (None, None)
        assert analysis.constellation(db, "T2") is None
        assert all(frame.empty for frame in analysis.trainee_detail(db, "T2").values())
        mine, latest = analysis.trainee_view(db, "T1")
        assert mine is not None and mine["waves"] == ["begin", "midden"]
        assert set(latest["coverage"]["wave"]) == {"midden"}


def test_the_scratch_database_holds_no_data_between_questions():
    with shared_mentor_data().write(Database.in_memory()) as db:
        analysis.trainee_view(db, "T1")
        cursor = analysis._scratch_cursor()
        try:
            assert cursor.execute("SELECT count(*) FROM duckdb_tables()").fetchone() == (0,)
            assert cursor.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchone() == (0,)
        finally:
            cursor.close()


# --- one school's trainees (the overview filtered on a school) ------------------------------


def national_group(db: Database, by: str, filters: Filters, norm: Norm | None = None) -> dict[str, pd.DataFrame]:
    """What the overview asked before the copies: the public questions on the national tables."""
    return {"coverage": analysis.coverage(db, filters, norm), "signals": analysis.signals(db, filters, norm),
            "coverage_by": analysis.coverage_by(db, by, filters, norm), "trainees": analysis.trainees(db, filters)}


def assert_same_group(found: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    assert set(found) == set(expected) | {"signal_rows"}
    # the signals as found, with what the tiers and patterns read besides (triage.group_lead)
    assert {"role", "other_role", "cohort"} <= set(found["signal_rows"].columns)
    assert same_frame(analysis._copied_signals(found["signal_rows"]).reset_index(drop=True),
                      found["signals"].reset_index(drop=True))
    for name in expected:
        left, right = found[name].reset_index(drop=True), expected[name].reset_index(drop=True)
        if name == "trainees":  # lists of waves
            left, right = left.assign(waves=left["waves"].map(tuple)), right.assign(waves=right["waves"].map(tuple))
        assert same_frame(left, right), name


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.sampled_from([None, ("S1",)]), st.sampled_from(["S1", "S2", "S9"]),
       st.sampled_from([None, *domain.WAVES]), st.sampled_from(sorted(analysis.GROUP_COLUMNS)))
def test_a_schools_questions_on_its_copied_rows_equal_the_questions_on_the_national_tables(
        data, schools, school, wave, by):
    filters = Filters(school=school, wave=wave)
    with data.write(Database.in_memory()) as full:
        db = full if schools is None else full.scoped(Viewer("so@school.nl", "schoolopleider", schools=schools))
        found = analysis.group_view(db, by, filters)
        assert_same_group(found, national_group(db, by, filters))
        assert triage.group_lead(db, found, filters) is None  # no derived layer yet: nothing to read
        # Once the derived layer is current: the group's rows read there, and what the
        # overview leads with from the same signals.
        assert derived.ensure(full)
        found = analysis.group_view(db, by, filters)
        assert_same_group(found, national_group(db, by, filters))
        tiers, found_patterns = triage.group_lead(db, found, filters)
        assert tiers == triage.tier_counts(db, filters)
        assert same_frame(found_patterns, triage.patterns(db, filters))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), st.booleans())
def test_an_in_memory_norm_applies_to_a_schools_copied_rows_as_nationally(data, informal_counts):
    norm = Norm(roles=(("werkplekbegeleider", "sterk"), ("collega", "zwak")),
                consultations=(("collega", "werkplekbegeleider"),), informal_counts=informal_counts)
    with data.write(Database.in_memory()) as db:
        filters = Filters(school="S1")
        assert_same_group(analysis.group_view(db, "school", filters, norm), national_group(db, "school", filters, norm))


def test_a_schools_copies_hold_its_trainees_rows_only():
    with shared_mentor_data().write(Database.in_memory()) as db:
        rows = analysis._copied_rows(db, (analysis._CHOSEN, "analysis/_copy_chosen"),
                                     analysis._filter_params(Filters(school="S2")))
        assert rows["trainees"].column("trainee_id").to_pylist() == ["T2"]
        assert rows["schools"].column("school_id").to_pylist() == ["S2"]
        for table in ("relationships", "relationship_functions", "consultations", "needs"):
            assert set(rows[table].column("trainee_id").to_pylist()) <= {"T2"}, table
        assert rows["relationships"].num_rows > 0


def test_a_school_outside_the_scope_has_nothing_to_copy_and_management_may_not_ask():
    with shared_mentor_data().write(Database.in_memory()) as full:
        db = full.scoped(Viewer("so@school.nl", "schoolopleider", schools=("S1",)))
        found = analysis.group_view(db, "school", Filters(school="S2"))
        assert all(frame.empty for frame in found.values())
        management = full.scoped(Viewer("mt@school.nl", "management"))
        with pytest.raises(AccessDenied):
            analysis.group_view(management, "school", Filters(school="S1"))


# --- the page ------------------------------------------------------------------------------

OTHER_TRAINEE, RELATIONSHIPS_TABLE, WAVES_TABLE = CONSTELLATION_FOLDED  # noqa: F405


def _tables(app) -> list[pd.DataFrame]:
    return [d.value for d in app.dataframe if "Naam" in d.value.columns]


def test_folded_parts_are_built_only_once_opened(run_app, sample_db_path):
    with Database(sample_db_path) as db:
        people = analysis.trainees(db)
        multi = people[people["waves"].map(len) > 1].iloc[0]
    app = run_app(sample_db_path, CONSTELLATION, trainee=multi["trainee_id"])
    assert not app.exception and not app.error
    labels = [e.label for e in app.expander]
    assert {"Andere student kiezen", "Tabel"} <= set(labels) and len(labels) == 3  # drawn, folded
    assert _tables(app) == [] and not [s for s in app.selectbox if s.key == "constellation_picker"]
    unfold(app)  # noqa: F405
    assert not app.exception and not app.error
    assert app.selectbox(key="constellation_picker").value == multi["trainee_id"]
    relationships, waves = _tables(app)
    assert "Fase" in relationships.columns and "Fase" not in waves.columns
    # near miss: folded again, nothing of them is built
    for key in (OTHER_TRAINEE, RELATIONSHIPS_TABLE, WAVES_TABLE):
        app.session_state[key] = False
    app.run()
    assert _tables(app) == []



def test_another_trainee_from_the_url_in_the_same_session_is_shown(run_app, sample_db_path):
    with Database(sample_db_path) as db:
        people = analysis.trainees(db).drop_duplicates("name")  # told apart by what the page shows
    first, second, third = people.iloc[0], people.iloc[1], people.iloc[2]
    app = run_app(sample_db_path, CONSTELLATION, trainee=first["trainee_id"])
    app.session_state[OTHER_TRAINEE] = True  # the folded picker, opened
    for trainee in (second, third):
        app.query_params["trainee"] = trainee["trainee_id"]  # a link to another trainee, same session
        app.run()
        assert not app.exception and not app.error
        assert app.query_params["trainee"] == trainee["trainee_id"]  # not sent back to the previous one
        assert app.subheader[0].value.replace("\\", "") == trainee["name"]
        assert app.selectbox(key="constellation_picker").value == trainee["trainee_id"]
    app.selectbox(key="constellation_picker").set_value(first["trainee_id"]).run()
    assert app.query_params["trainee"] == first["trainee_id"]
    assert app.subheader[0].value.replace("\\", "") == first["name"]


def test_the_side_panel_of_an_earlier_wave_is_that_wave_s_detail(run_app, sample_db_path):
    with Database(sample_db_path) as db:
        people = analysis.trainees(db)
        multi = people[people["waves"].map(len) > 1].iloc[0]
        earliest = multi["waves"][0]
        expected = analysis.trainee_detail(db, multi["trainee_id"], earliest)["coverage"]
    app = run_app(sample_db_path, CONSTELLATION, trainee=multi["trainee_id"])
    app.radio(key=f"constellation_wave_{multi['trainee_id']}").set_value(earliest).run()
    assert not app.exception and not app.error
    shown = next(d.value for d in app.dataframe if "Dekking" in d.value.columns)
    assert shown["Dekking"].tolist() == [f"{level}" for level in expected["level"]]


def test_the_waves_table_shows_each_person_s_strength_per_wave(run_app, sample_db_path):
    with Database(sample_db_path) as db:
        people = analysis.trainees(db)
        multi = people[people["waves"].map(len) > 1].iloc[0]
        relationships = analysis.constellation(db, multi["trainee_id"])["relationships"]
    # the oracle: the pandas pivot the page used before (first rating per name, role and wave)
    wide = relationships.groupby(["name", "role", "wave"])["strength"].first().unstack("wave")
    wide = wide[[w for w in domain.WAVES if w in wide.columns]].fillna("")
    labels = {"sterk": "sterk", "zwak": "zwak", "geen": "geen", "": "–"}
    app = run_app(sample_db_path, CONSTELLATION, trainee=multi["trainee_id"])
    app.session_state[WAVES_TABLE] = True  # the folded table, opened
    app.run()
    assert not app.exception and not app.error
    [shown] = [d.value for d in app.dataframe if "Naam" in d.value.columns and "Fase" not in d.value.columns]
    assert shown["Naam"].tolist() == [name for name, _ in wide.index]
    assert shown["Rol"].tolist() == [domain.role_label(role, "nl") for _, role in wide.index]
    wave_labels = {"begin": "begin", "midden": "midden", "eind": "eind"}
    for wave in wide.columns:
        column = next(c for c in shown.columns if c.lower().startswith(wave_labels[wave]))
        assert shown[column].tolist() == [labels[v] for v in wide[wave]], wave


def _in_column(node, label: str, inside: bool = False) -> bool | None:
    """Whether the expander ``label`` sits inside a column of st.columns (None: not found)."""
    if getattr(node, "type", None) == "expander" and getattr(node, "label", None) == label:
        return inside
    for child in getattr(node, "children", {}).values():
        found = _in_column(child, label, inside or getattr(child, "type", None) == "column")
        if found is not None:
            return found
    return None


def test_the_relationships_table_spans_the_page_under_the_drawing(run_app, sample_db_path):
    # In half the page its eleven columns scrolled sideways; step 6 and the coverage stay side by side.
    with Database(sample_db_path) as db:
        trainee = analysis.trainees(db)["trainee_id"].iloc[0]
    app = run_app(sample_db_path, CONSTELLATION, trainee=trainee)
    assert not app.exception and not app.error
    assert _in_column(app.main, "Tabel") is False  # True before 116bbb8, when it sat in the left half
