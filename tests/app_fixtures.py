"""Fixtures for tests of the dashboard (AppTest and end-to-end).

Use them with ``from tests.app_fixtures import *`` (or ``pytest_plugins``):

* ``sample_db_path``: a DuckDB file imported once per session from
  ``sample_data/`` with the real importer. Treat it as read-only.
* ``sample_db_copy``: a private copy of it, for tests that import or change data.
* ``as_viewer``: ``as_viewer(viewer)`` makes the pages see ``viewer`` as who is logged in.
* ``empty_db_path``: a database with the schema and no data.
* ``run_app(db_path, page=None, user=None, **query)``: an ``AppTest`` of
  ``dashboard/web/app.py`` on that database, with those query parameters (and, if
  given, ``user`` as ``st.user``), after its first run.
* ``page_text(app)``: everything a page sent to the browser, as text.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.privacy.access import Viewer
from dashboard.store.db import DB_ENV_VAR, PROJECT_ROOT, SAMPLE_DATA_DIR, Database
from dashboard.web import session

APP_PATH = PROJECT_ROOT / "dashboard" / "web" / "app.py"
# The first run imports pandas, plotly and the pages; a slow CI machine needs time.
APP_TIMEOUT = 60

__all__ = [
    "APP_PATH",
    "CONSTELLATION_FOLDED",
    "SMALL_DATASET",
    "as_viewer",
    "empty_db_path",
    "make_zip",
    "page_text",
    "run_app",
    "sample_db_copy",
    "sample_db_path",
    "unfold",
]


def _build_sample_db(path: Path) -> Path:
    from dashboard.exchange.importer import import_dataset

    with Database(path) as db:  # closing checkpoints: one self-contained file to copy
        result = import_dataset(db, SAMPLE_DATA_DIR)
        assert result.ok, f"sample_data/ does not import: {list(result.errors)[:5]}"
    return path


@pytest.fixture(scope="session")
def sample_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_sample_db(tmp_path_factory.mktemp("sample-db") / "sample.duckdb")


@pytest.fixture
def sample_db_copy(sample_db_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "sample-copy.duckdb"
    shutil.copyfile(sample_db_path, copy)
    return copy


@pytest.fixture(scope="session")
def empty_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty-db") / "empty.duckdb"
    Database(path).close()
    return path


@pytest.fixture
def run_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Start the app on a database, optionally on a page, with URL parameters;
    ``user`` stands in for the identity ``st.login`` puts in ``st.user``."""

    def start(db_path: Path, page: str | None = None, user: Mapping[str, object] | None = None,
              **query: str) -> AppTest:
        monkeypatch.setenv(DB_ENV_VAR, str(db_path))
        app = AppTest.from_file(str(APP_PATH), default_timeout=APP_TIMEOUT)
        if user is not None:
            app.user = dict(user)
        for key, value in query.items():
            app.query_params[key] = value
        app.run()
        if page is not None:
            app.switch_page(page).run()
        return app

    return start


# A complete, tiny partnership in the interchange format (for upload tests).
SMALL_DATASET: Mapping[str, str] = {
    "schools.csv": "school_id,name,sector\nZS1,Zonnewijzer College,vo\n",
    "institutes.csv": "institute_id,name\nZI1,Hogeschool Zuid\n",
    "trainees.csv": (
        "trainee_id,name,school_id,institute_id,cohort,programme\n"
        "ZT1,Zoë de Zwart,ZS1,ZI1,2030-2031,pabo\n"
        "ZT2,Zeger Zijlstra,ZS1,ZI1,2030-2031,pabo\n"
    ),
    "people.csv": (
        "person_id,name,role,school_id,institute_id\n"
        "ZP1,Zita Zomer,werkplekbegeleider,ZS1,\n"
        "ZP2,Zeno Zand,schoolopleider,ZS1,\n"
        "ZP3,Zara Zee,instituutsopleider,,ZI1\n"
    ),
    "relationships.csv": (
        "trainee_id,person_id,wave,formal,strength,functions,klik\n"
        "ZT1,ZP1,begin,ja,sterk,gastheer;leermeester,ja\n"
        "ZT1,ZP2,begin,ja,zwak,,twijfel\n"
        "ZT2,ZP1,begin,ja,sterk,leermeester,ja\n"
        "ZT2,ZP3,begin,ja,geen,,nee\n"
    ),
}


# The constellation page's folded parts (st.expander with on_change="rerun"): the picker of
# another trainee, the table of relationships and the table of the waves, built once opened.
CONSTELLATION_FOLDED = ("constellation_other_open", "constellation_table_open", "constellation_waves_open")


def unfold(app: AppTest, *keys: str) -> AppTest:
    """Open folded parts (``keys``; without: all of the constellation page's) and run the page again."""
    for key in keys or CONSTELLATION_FOLDED:
        app.session_state[key] = True
    return app.run()


def make_zip(files: Mapping[str, str | bytes], folder: str = "") -> bytes:
    """A zip archive holding ``files`` (name -> text), optionally inside a folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"{folder}{name}", content.encode("utf-8") if isinstance(content, str) else content)
    return buffer.getvalue()


def _walk(node, out: list[str]) -> None:
    proto = getattr(node, "proto", None)
    if proto is not None:
        out.append(str(proto))
    value = getattr(node, "value", None)
    if isinstance(value, pd.DataFrame):
        out.append(value.to_csv())
    for child in getattr(node, "children", {}).values():
        _walk(child, out)


def page_text(app: AppTest) -> str:
    """Everything the page sent to the browser, as text (element protos, tables, chart specs)."""
    out: list[str] = []
    _walk(app._tree, out)
    for chart in app.get("plotly_chart"):
        out.append(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False))
    return "\n".join(out)


@pytest.fixture
def as_viewer(monkeypatch: pytest.MonkeyPatch) -> Callable[[Viewer], Viewer]:
    """``as_viewer(viewer)``: the pages see ``viewer`` (what the login decides is tested in test_auth.py)."""
    def use(viewer: Viewer) -> Viewer:
        monkeypatch.setattr(session, "current_viewer", lambda: viewer)
        return viewer

    return use
