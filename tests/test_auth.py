"""Modes and login (dashboard/web/auth.py, dashboard/web/server.py, the gate in app.py).

Server mode is tested in AppTest with ``at.user`` standing in for the
identity that Streamlit's ``st.login`` puts in ``st.user``; the real login
flow against an OpenID Connect provider is in tests/e2e/test_login_e2e.py.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from dashboard.privacy import audit
from dashboard.web import auth, server, session
from dashboard.web.prepare import count_users
from dashboard.privacy.access import LOCAL_VIEWER, AccessDenied
from dashboard.cli import build_parser
from dashboard.store.db import SAMPLE_DATA_DIR, Database
from dashboard.privacy.users import add_user
from tests.app_fixtures import *  # noqa: F403

SECRET = "0123456789abcdef0123456789abcdef"
GOOD_AUTH = {
    "redirect_uri": "https://dashboard.school.nl/oauth2callback",
    "cookie_secret": SECRET,
    "client_id": "dashboard.school.nl",
    "client_secret": "geheim",
    "server_metadata_url": "https://connect.surfconext.nl/.well-known/openid-configuration",
}

BEHEERDER = "beheer@partnerschap.nl"
OPLEIDER_A = "s.opleider@school-a.nl"
INSTITUUT_1 = "i.opleider@hogeschool.nl"
MANAGER = "directie@partnerschap.nl"
SCHOOL_A, SCHOOL_B = "S01", "S02"


def _toml(section: dict[str, object]) -> str:
    lines = ["[auth]"]
    for key, value in section.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def _write_auth(tmp_path: Path, **changes: object) -> Path:
    section = {**GOOD_AUTH, **changes}
    section = {key: value for key, value in section.items() if value is not None}
    path = tmp_path / "secrets.toml"
    path.write_text(_toml(section), encoding="utf-8")
    return path


# --- mode ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (None, "local"), ("", "local"), ("local", "local"), ("server", "server"), (" Server ", "server"), ("prod", "local"),
])
def test_mode_follows_the_environment_that_serve_sets(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(session.MODE_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(session.MODE_ENV_VAR, value)
    assert session.mode() == expected


def test_local_mode_viewer_is_the_local_beheerder(monkeypatch):
    monkeypatch.delenv(session.MODE_ENV_VAR, raising=False)
    assert session.current_viewer() == LOCAL_VIEWER


def test_server_mode_without_a_login_has_no_viewer(monkeypatch):
    monkeypatch.setenv(session.MODE_ENV_VAR, "server")
    with pytest.raises(AccessDenied):
        session.current_viewer()


@pytest.mark.parametrize(("headers", "local"), [
    ({}, True),
    ({"Host": "127.0.0.1:8501"}, True),
    ({"Host": "localhost:8501"}, True),
    ({"host": "LOCALHOST"}, True),
    ({"Host": "[::1]:8501"}, True),
    ({"Host": "dashboard.school.nl"}, False),
    ({"Host": "192.168.1.20:8501"}, False),
    ({"Host": "127.0.0.1.evil.example:8501"}, False),
    ({"Host": "127.0.0.1:8501", "X-Forwarded-For": "203.0.113.9"}, False),
    ({"Host": "127.0.0.1:8501", "Forwarded": "for=203.0.113.9"}, False),
])
def test_local_mode_answers_only_requests_to_this_machine(headers, local):
    assert session.is_loopback_request(headers) is local


# --- serve: address and [auth] checks -------------------------------------------


def test_find_auth_file_uses_option_then_default_with_auth_section(tmp_path):
    assert server.find_auth_file("elders.toml", tmp_path) == Path("elders.toml")
    assert server.find_auth_file(None, tmp_path) is None
    default = tmp_path / ".streamlit" / "secrets.toml"
    default.parent.mkdir()
    default.write_text('[database]\npassword = "x"\n', encoding="utf-8")
    assert server.find_auth_file(None, tmp_path) is None  # secrets, but no login
    default.write_text(_toml(GOOD_AUTH), encoding="utf-8")
    assert server.find_auth_file(None, tmp_path) == default
    default.write_text("[auth\n", encoding="utf-8")
    with pytest.raises(server.ServeError, match="geen geldig TOML-bestand"):
        server.find_auth_file(None, tmp_path)


def test_valid_auth_section_is_accepted(tmp_path):
    settings = server.read_auth_settings(_write_auth(tmp_path))
    assert settings.redirect_uri == GOOD_AUTH["redirect_uri"]
    assert settings.public_url == "https://dashboard.school.nl/"
    assert settings.path == (tmp_path / "secrets.toml").resolve()


def test_plain_http_is_allowed_on_this_machine_only(tmp_path):
    settings = server.read_auth_settings(_write_auth(
        tmp_path, redirect_uri="http://127.0.0.1:8501/oauth2callback",
        server_metadata_url="http://localhost:9000/.well-known/openid-configuration"))
    assert settings.public_url == "http://127.0.0.1:8501/"


@pytest.mark.parametrize("key", server.AUTH_KEYS)
def test_a_missing_auth_key_is_named(tmp_path, key):
    with pytest.raises(server.ServeError) as raised:
        server.read_auth_settings(_write_auth(tmp_path, **{key: None}))
    message = str(raised.value)
    assert f"ontbreekt {key}." in message
    assert "[auth]" in message and str(tmp_path / "secrets.toml") in message


def test_all_missing_keys_are_named_at_once(tmp_path):
    with pytest.raises(server.ServeError) as raised:
        server.read_auth_settings(_write_auth(tmp_path, client_id="", client_secret=None))
    assert "ontbreekt client_id, client_secret." in str(raised.value)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"client_secret": 12345}, "client_secret moet een tekst zijn"),
    ({"client_id": "   "}, "client_id moet een tekst zijn"),
    ({"cookie_secret": "kort"}, "cookie_secret is te kort (4 tekens)"),
    ({"redirect_uri": "https://dashboard.school.nl/"}, "moet een volledig adres zijn dat eindigt op /oauth2callback"),
    ({"redirect_uri": "/oauth2callback"}, "moet een volledig adres zijn dat eindigt op /oauth2callback"),
    ({"redirect_uri": " https://dashboard.school.nl/oauth2callback"}, "eindigt op /oauth2callback"),
    ({"redirect_uri": "ftp://dashboard.school.nl/oauth2callback"}, "eindigt op /oauth2callback"),
    ({"redirect_uri": "https://dashboard.school.nl:99999/oauth2callback"}, "eindigt op /oauth2callback"),
    ({"redirect_uri": "http://dashboard.school.nl/oauth2callback"}, "gebruikt http; buiten deze computer is https verplicht"),
    ({"server_metadata_url": "connect.surfconext.nl"}, "server_metadata_url 'connect.surfconext.nl' moet een volledig adres"),
    ({"server_metadata_url": "http://connect.surfconext.nl/.well-known/openid-configuration"}, "https verplicht"),
])
def test_bad_auth_values_get_a_dutch_message(tmp_path, changes, expected):
    with pytest.raises(server.ServeError) as raised:
        server.read_auth_settings(_write_auth(tmp_path, **changes))
    assert expected in str(raised.value)


def test_auth_file_problems_are_named(tmp_path):
    with pytest.raises(server.ServeError, match="bestaat niet"):
        server.read_auth_settings(tmp_path / "geen.toml")
    no_section = tmp_path / "no-section.toml"
    no_section.write_text('[other]\nx = 1\n', encoding="utf-8")
    with pytest.raises(server.ServeError, match=r"heeft geen sectie \[auth\]"):
        server.read_auth_settings(no_section)
    broken = tmp_path / "broken.toml"
    broken.write_text('[auth]\nclient_id = "x\n', encoding="utf-8")
    with pytest.raises(server.ServeError, match=r"geen geldig TOML-bestand: .*line 2"):
        server.read_auth_settings(broken)


class _Started:
    """Stands in for subprocess.Popen: records what serve would start."""

    calls: list[tuple[list[str], dict[str, str]]]

    def __init__(self) -> None:
        self.calls = []

    def __call__(self, command, env):
        self.calls.append((command, env))
        return self

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def popen(monkeypatch) -> _Started:
    started = _Started()
    monkeypatch.setattr(server.subprocess, "Popen", started)
    return started


USERS_FOUND = 3


@pytest.fixture
def prepared(monkeypatch, tmp_path) -> list[Path]:
    """prepare_database stubbed: serve tests need no real database."""
    calls: list[Path] = []

    def prepare(path, lang="nl", count_users=False):
        calls.append(path)
        # server mode asks the preparing child how many may log in
        return server.PreparedDatabase(Path(path).resolve(), False, 2, users=USERS_FOUND if count_users else None)

    monkeypatch.setattr(server, "prepare_database", prepare)
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml of the developer's
    return calls


def _serve(*options: str) -> int:
    return server.command_serve(build_parser().parse_args(["serve", "--db", "x.duckdb", *options]))


def _option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "dashboard.school.nl"])
def test_local_mode_refuses_other_addresses_before_starting_anything(popen, prepared, capsys, address):
    assert _serve("--address", address) == 2
    assert popen.calls == [] and prepared == []
    err = capsys.readouterr().err
    assert f"--address {address} is geweigerd" in err
    assert "--auth" in err and "docs/deployment.md" in err


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_local_mode_starts_on_this_machine(popen, prepared, capsys, monkeypatch, address):
    monkeypatch.setenv(session.MODE_ENV_VAR, "server")  # left in the shell: must not decide the mode
    assert _serve("--address", address) == 0
    (command, env), = popen.calls
    assert env[session.MODE_ENV_VAR] == "local"
    assert _option(command, "--server.address") == address
    assert "--secrets.files" not in command
    assert "Lokale modus" in capsys.readouterr().out


def test_server_mode_passes_the_secrets_file_and_allows_any_address(popen, prepared, tmp_path, capsys):
    secrets = _write_auth(tmp_path)
    assert _serve("--auth", str(secrets), "--address", "0.0.0.0", "--port", "8600") == 0
    (command, env), = popen.calls
    assert env[session.MODE_ENV_VAR] == "server"
    assert _option(command, "--secrets.files") == str(secrets.resolve())
    assert _option(command, "--server.address") == "0.0.0.0"
    assert _option(command, "--server.enableXsrfProtection") == "true"
    out = capsys.readouterr().out
    assert "Server mode" in out and "3 gebruiker(s)" in out
    assert "https://dashboard.school.nl/" in out


def test_server_mode_from_the_default_secrets_file(popen, prepared, tmp_path):
    default = tmp_path / ".streamlit" / "secrets.toml"
    default.parent.mkdir()
    default.write_text(_toml(GOOD_AUTH), encoding="utf-8")
    assert _serve("--address", "0.0.0.0") == 0
    (command, env), = popen.calls
    assert env[session.MODE_ENV_VAR] == "server"
    assert _option(command, "--secrets.files") == str(default.resolve())


def test_server_mode_warns_when_nobody_has_access(popen, prepared, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys.modules[__name__], "USERS_FOUND", 0)
    assert _serve("--auth", str(_write_auth(tmp_path))) == 0
    assert "er zijn nog geen gebruikers" in capsys.readouterr().err


def test_invalid_auth_section_stops_serve_with_the_key_named(popen, prepared, tmp_path, capsys):
    assert _serve("--auth", str(_write_auth(tmp_path, cookie_secret=None)), "--address", "0.0.0.0") == 2
    assert popen.calls == [] and prepared == []
    assert "ontbreekt cookie_secret" in capsys.readouterr().err


def test_missing_auth_file_stops_serve(popen, prepared, tmp_path, capsys):
    assert _serve("--auth", str(tmp_path / "geen.toml")) == 2
    assert popen.calls == []
    assert "bestaat niet" in capsys.readouterr().err


def test_server_mode_without_authlib_says_what_to_install(popen, prepared, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(server, "_authlib_installed", lambda: False)
    assert _serve("--auth", str(_write_auth(tmp_path))) == 2
    assert popen.calls == []
    assert "Authlib" in capsys.readouterr().err


def test_authlib_is_installed_for_streamlit_login():
    assert server._authlib_installed()


def test_streamlit_knows_the_secrets_files_option():
    # serve hands the secrets file to Streamlit with --secrets.files FILE.
    from streamlit import config

    option = config.get_config_options()["secrets.files"]
    assert option.multiple


def test_count_users_reads_the_users_table(sample_db_copy):
    with Database(sample_db_copy) as db:
        add_user(db, MANAGER, "management")
    assert count_users(sample_db_copy) == 1


# --- the gate in the app (AppTest) ------------------------------------------------


@pytest.fixture(scope="module")
def users_db(tmp_path_factory, sample_db_path) -> Path:
    """The sample data with one user of each role."""
    path = tmp_path_factory.mktemp("auth-db") / "users.duckdb"
    shutil.copyfile(sample_db_path, path)
    with Database(path) as db:
        add_user(db, BEHEERDER, "beheerder")
        add_user(db, OPLEIDER_A, "schoolopleider", schools=[SCHOOL_A])
        add_user(db, INSTITUUT_1, "instituutsopleider", institutes=["I1"])
        add_user(db, MANAGER, "management")
    return path


@pytest.fixture
def fresh_users_db(users_db, tmp_path) -> Path:
    """A private copy, for tests that count audit rows."""
    copy = tmp_path / "users-copy.duckdb"
    shutil.copyfile(users_db, copy)
    return copy


@pytest.fixture(scope="module")
def sample_names() -> dict[str, set[str]]:
    """Trainee names per school id, and every trainee name under ``*`` (from sample_data/)."""
    with (SAMPLE_DATA_DIR / "trainees.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_school: dict[str, set[str]] = {"*": {row["name"] for row in rows}}
    for row in rows:
        by_school.setdefault(row["school_id"], set()).add(row["name"])
    return by_school


@pytest.fixture
def server_app(run_app, monkeypatch) -> Callable[..., AppTest]:
    """``server_app(db_path, user, **query)``: the app in server mode, logged in as ``user``."""
    monkeypatch.setenv(session.MODE_ENV_VAR, "server")

    def start(db_path: Path, user: dict[str, object], page: str | None = None, **query: str) -> AppTest:
        return run_app(db_path, page=page, user=user, **query)

    return start


def _logged_in(email: str, **claims: object) -> dict[str, object]:
    return {"is_logged_in": True, "email": email, "sub": f"sub-{email}", **claims}


def _every_text(app: AppTest) -> str:
    """All text the run showed: elements, widget labels and options, table cells."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success", "exception", "code", "metric"):
        for element in app.get(kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "label", "")))
    for kind in ("selectbox", "multiselect", "radio", "button", "download_button"):
        for widget in app.get(kind):
            parts.append(str(widget.label))
            parts.extend(str(option) for option in getattr(widget, "options", []))
    for table in app.get("dataframe") + app.get("table"):
        value = table.value
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
    for chart in app.get("plotly_chart"):
        parts.append(str(chart.proto.spec))
    return "\n".join(parts)


def _audit_rows(db_path: Path, action: str) -> pd.DataFrame:
    with Database(db_path) as db:
        return audit.audit_log(db, action=action)


def _no_data_shown(app: AppTest, names: set[str]) -> None:
    assert not app.exception
    assert not app.get("dataframe") and not app.get("plotly_chart")
    assert not app.sidebar.selectbox  # no filters: nothing to filter
    shown = _every_text(app)
    assert not [name for name in names if name in shown]


def test_logged_out_sees_the_login_page_only(server_app, users_db, sample_names, monkeypatch):
    logins = []
    monkeypatch.setattr(streamlit, "login", lambda provider=None: logins.append(provider))
    app = server_app(users_db, {"is_logged_in": False}, trainee="T0001")
    _no_data_shown(app, sample_names["*"])
    assert [t.value for t in app.title] == ["Inloggen"]
    assert "persoonsgegevens" in " ".join(m.value for m in app.markdown)
    assert logins == []
    app.button(key="auth_login").click().run()
    assert logins == [None]  # the default provider of [auth]
    _no_data_shown(app, sample_names["*"])


def test_login_page_in_english_on_request(server_app, users_db):
    app = server_app(users_db, {"is_logged_in": False}, lang="en")
    assert [t.value for t in app.title] == ["Log in"]
    assert app.sidebar.radio[0].value == "en"


def test_unknown_email_sees_no_access_and_is_recorded_once(server_app, fresh_users_db, sample_names):
    stranger = "Onbekend@Elders.nl"
    app = server_app(fresh_users_db, _logged_in(stranger))
    _no_data_shown(app, sample_names["*"])
    assert [t.value for t in app.title] == ["Geen toegang"]
    assert stranger in [t.value for t in app.text]  # as plain text
    assert app.button(key="auth_logout").label == "Uitloggen"
    app.run()
    app.run()
    denied = _audit_rows(fresh_users_db, "login_denied")
    assert len(denied) == 1
    row = denied.iloc[0]
    assert row["actor"] == "onbekend@elders.nl" and pd.isna(row["role"]) and pd.isna(row["subject_id"])
    assert json.loads(row["detail"]) == {"reason": "unknown_email"}
    assert _audit_rows(fresh_users_db, "login").empty


def test_an_email_that_looks_like_markup_stays_plain_text(server_app, users_db):
    email = "[klik](https://evil.example)<img src=x onerror=alert(1)>@x.nl"
    app = server_app(users_db, _logged_in(email))
    assert [t.value for t in app.text] == [email]
    markdown = " ".join(m.value for m in app.markdown)
    assert "evil.example" not in markdown and "<img" not in markdown


def test_login_without_email_claim_is_refused(server_app, fresh_users_db, caplog):
    app = server_app(fresh_users_db, {"is_logged_in": True, "sub": "urn:collab:person:x"})
    assert [t.value for t in app.title] == ["Geen toegang"]
    assert "geen e-mailadres" in " ".join(m.value for m in app.markdown)
    app.run()
    # The administrator learns why, once per session, in the server log.
    assert len([r for r in caplog.records if "without an email claim" in r.getMessage()]) == 1
    denied = _audit_rows(fresh_users_db, "login_denied")
    assert list(denied["actor"]) == ["urn:collab:person:x"]
    assert json.loads(denied["detail"].iloc[0]) == {"reason": "no_email"}


def test_unverified_email_of_a_known_user_is_refused(server_app, fresh_users_db, sample_names):
    app = server_app(fresh_users_db, _logged_in(BEHEERDER, email_verified=False))
    _no_data_shown(app, sample_names["*"])
    assert [t.value for t in app.title] == ["Geen toegang"]
    assert json.loads(_audit_rows(fresh_users_db, "login_denied")["detail"].iloc[0]) == {"reason": "email_unverified"}


@pytest.mark.parametrize(("email", "role", "label"), [
    (BEHEERDER, "beheerder", "beheerder"),
    (OPLEIDER_A, "schoolopleider", "schoolopleider"),
    (INSTITUUT_1, "instituutsopleider", "instituutsopleider"),
    (MANAGER, "management", "management"),
])
def test_known_user_gets_in_and_the_login_is_recorded_once(server_app, fresh_users_db, email, role, label):
    app = server_app(fresh_users_db, _logged_in(email.upper()))  # providers differ in case
    assert not app.exception and not app.error
    assert [t.value for t in app.title] != ["Inloggen"]
    captions = " ".join(c.value for c in app.sidebar.caption)
    assert f"Rol: {label}" in captions and "Ingelogd als" in captions
    assert [t.value for t in app.sidebar.text] == [email]
    assert app.sidebar.button(key="auth_logout").label == "Uitloggen"
    assert "Lokale modus" not in _every_text(app)
    app.run()
    app.run()
    logins = _audit_rows(fresh_users_db, "login")
    assert len(logins) == 1
    row = logins.iloc[0]
    assert (row["actor"], row["role"]) == (email, role)
    assert pd.isna(row["subject_id"])
    detail = json.loads(row["detail"])
    assert set(detail) == {"schools", "institutes"}
    assert _audit_rows(fresh_users_db, "login_denied").empty


def test_schoolopleider_sees_only_their_school(server_app, users_db, sample_names):
    app = server_app(users_db, _logged_in(OPLEIDER_A))
    assert not app.exception
    school = next(s for s in app.sidebar.selectbox if s.label == "School")
    assert len(school.options) == 2  # "Alle" and school A
    assert "Scholen: S01" in " ".join(c.value for c in app.sidebar.caption)
    shown = _every_text(app)
    only_b = sample_names[SCHOOL_B] - sample_names[SCHOOL_A]
    assert not [name for name in only_b if name in shown]


def test_schoolopleider_cannot_choose_another_school_through_the_url(server_app, users_db, sample_names):
    app = server_app(users_db, _logged_in(OPLEIDER_A), school=SCHOOL_B)
    assert not app.exception
    assert app.session_state["ui_filter_school"] is None  # unknown to this viewer: dropped with a warning
    shown = _every_text(app)
    assert not [name for name in sample_names[SCHOOL_B] - sample_names[SCHOOL_A] if name in shown]


def test_management_sees_no_names_on_the_overview(server_app, users_db, sample_names):
    app = server_app(users_db, _logged_in(MANAGER))
    assert not app.exception
    shown = _every_text(app)
    assert not [name for name in sample_names["*"] if name in shown]


def test_logout_ends_the_login(server_app, users_db, sample_names):
    app = server_app(users_db, _logged_in(BEHEERDER))
    assert app.sidebar.selectbox
    app.sidebar.button(key="auth_logout").click().run()
    assert not app.error  # nothing of the page is drawn for the viewer who left
    app.run()
    _no_data_shown(app, sample_names["*"])
    assert [t.value for t in app.title] == ["Inloggen"]


def test_a_new_email_in_the_session_is_looked_up_again(server_app, fresh_users_db):
    app = server_app(fresh_users_db, _logged_in("onbekend@elders.nl"))
    assert [t.value for t in app.title] == ["Geen toegang"]
    app.user = _logged_in(MANAGER)
    app.run()
    assert [t.value for t in app.title] != ["Geen toegang"]
    assert list(_audit_rows(fresh_users_db, "login")["actor"]) == [MANAGER]
    assert list(_audit_rows(fresh_users_db, "login_denied")["actor"]) == ["onbekend@elders.nl"]


def test_failing_audit_write_shows_no_data(server_app, fresh_users_db, sample_names, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    app = server_app(fresh_users_db, _logged_in(BEHEERDER))
    _no_data_shown(app, sample_names["*"])
    assert any("auditlogboek" in e.value for e in app.error)


def test_local_mode_shows_the_banner_and_records_no_login(run_app, sample_db_copy, monkeypatch):
    monkeypatch.delenv(session.MODE_ENV_VAR, raising=False)
    app = run_app(sample_db_copy)
    assert not app.exception
    assert app.sidebar.selectbox
    sidebar = " ".join(str(getattr(e, "value", "")) for e in app.sidebar.get("caption"))
    assert "Lokale modus: geen inlog; alleen bereikbaar op deze computer (127.0.0.1)" in sidebar
    assert not app.get("button") or all(b.key != "auth_logout" for b in app.button)
    assert _audit_rows(sample_db_copy, "login").empty


def test_local_mode_reached_through_another_host_shows_no_data(run_app, sample_db_path, sample_names, monkeypatch):
    monkeypatch.delenv(session.MODE_ENV_VAR, raising=False)
    monkeypatch.setattr(auth, "_request_headers", lambda: {"Host": "dashboard.school.nl", "X-Forwarded-For": "203.0.113.9"})
    app = run_app(sample_db_path)
    _no_data_shown(app, sample_names["*"])
    assert any("alleen te gebruiken op de computer zelf" in e.value for e in app.error)
