"""``python -m dashboard serve`` as a process (issue 16): a taken port is
refused in Dutch before any URL is printed, and SIGTERM / SIGINT stop the
Streamlit child and free the database lock."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.store.db import PROJECT_ROOT, Database
from tests.app_fixtures import *  # noqa: F403
from tests.e2e.harness import free_port, start_server, stop_server


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_taken_port_is_refused_in_dutch_before_any_url(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "dashboard", "serve", "--db", str(tmp_path / "x.duckdb"), "--port", str(port)],
            capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120,
        )
    assert done.returncode != 0
    assert f"Poort {port} op 127.0.0.1 is al in gebruik" in done.stderr
    assert "Traceback" not in done.stderr
    assert "draait op" not in done.stdout and "http://" not in done.stdout
    assert not (tmp_path / "x.duckdb").exists()  # refused before anything was prepared


def test_a_free_port_passes_the_check():
    from dashboard.web import server

    server.check_port_free("127.0.0.1", free_port())


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_streamlit_child_and_frees_the_lock(tmp_path, sample_db_path, stop_signal):
    db_path = tmp_path / "served.duckdb"
    shutil.copy(sample_db_path, db_path)
    handle = start_server(db_path, tmp_path / "serve.log")
    try:
        children = _children(handle.process.pid)
        assert children, "serve runs Streamlit as its child"
        # The signal goes to serve alone (as `kill PID` or a service manager
        # sends it), not to the process group.
        os.kill(handle.process.pid, stop_signal)
        assert handle.process.wait(timeout=60) == 0, handle.log()
        assert not [c for c in children if _alive(c)], handle.log()
        with Database(db_path) as db:  # a write connection: the lock is free
            assert db.table_counts()["trainees"] > 0
        # The port is free again too.
        port = int(handle.url.rsplit(":", 1)[1])
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))
    finally:
        stop_server(handle)
