"""The mentor page's facts: trainees in scope, strength and klik, functions, load
against the cap, the signals about the mentor; nobody outside the scope."""

from __future__ import annotations

import pytest

from dashboard.analysis import mentors
from dashboard.privacy.access import Viewer
from dashboard.store.db import Database
from tests.analysis_fixtures import base


@pytest.fixture
def db():
    database = Database.in_memory()
    yield database
    database.close()


def test_mentor_facts_and_scope(db):
    data = base().school("S2")
    data.trainee("T1", "Anna").trainee("T2", "Bram").trainee("T3", "Cees", school="S2", institute="I2")
    data.institute("I2")
    data.person("W", "werkplekbegeleider", "Wim de Wit")
    data.rel("T1", "W", functions=["rolmodel", "gastheer"], klik="nee")
    data.rel("T2", "W", strength="zwak", functions=["rolmodel"], klik="nee")
    data.rel("T3", "W", wave="midden", functions=["gastheer"])
    data.write(db)
    found = mentors.mentor(db, "W")
    assert found["person"]["name"] == "Wim de Wit"
    assert found["trainees"][["trainee_id", "strength", "klik"]].values.tolist() == [
        ["T1", "sterk", "nee"], ["T2", "zwak", "nee"], ["T3", "sterk", "ja"]]
    assert found["load"] == 3 and found["cap"] == 3
    functions = found["functions"].set_index("function")
    assert functions.loc["rolmodel", ["n_sterk", "n_zwak"]].tolist() == [1, 1]
    assert set(found["signals"]["code"]) >= {"mentor_no_klik_repeated", "no_klik"}
    scoped = mentors.mentor(db.scoped(Viewer(actor="t", role="schoolopleider", schools=("S2",))), "W")
    assert scoped["trainees"]["trainee_id"].tolist() == ["T3"]
    assert mentors.mentor(db.scoped(Viewer(actor="t", role="schoolopleider", schools=("S9",))), "W") is None
    assert mentors.mentor(db, "nobody") is None
    with pytest.raises(Exception):
        mentors.mentor(db.scoped(Viewer(actor="t", role="management")), "W")
