"""The concurrency scenario's instruments (dashboard/tools/bench.py): reruns timed at the server, browsers niced.

The figures themselves come from ``python -m dashboard bench`` (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import ScriptRunnerEvent

from dashboard.tools import bench
from dashboard.store.db import PROJECT_ROOT


class _Message:
    def __init__(self, kind: str):
        self.kind = kind

    def WhichOneof(self, field: str) -> str:  # noqa: N802 - protobuf's name
        assert field == "type"
        return self.kind


def _fake_app_session_module() -> tuple[types.ModuleType, list[tuple]]:
    calls: list[tuple] = []

    class AppSession:
        def __init__(self, session_id: str):
            self.id = session_id

        def handle_backmsg(self, msg):
            calls.append(("backmsg", self.id, msg.kind))

        def _on_scriptrunner_event(self, sender, event, forward_msg=None, **rest):
            calls.append(("event", self.id, event))

    module = types.ModuleType("fake_app_session")
    module.AppSession = AppSession
    return module, calls


def test_rerun_timer_times_each_request_until_its_run_finished(tmp_path, monkeypatch):
    log = tmp_path / "reruns.jsonl"
    monkeypatch.setenv(bench.RERUN_LOG_ENV, str(log))
    module, calls = _fake_app_session_module()
    clock = iter([100.0, 100.5, 101.0, 103.0, 104.0, 105.0, 110.0, 111.5])
    monkeypatch.setattr(bench.time, "time", lambda: next(clock))
    bench.install_rerun_timer(module)
    a, b = module.AppSession("a"), module.AppSession("b")

    a.handle_backmsg(_Message("rerun_script"))  # 100.0
    b.handle_backmsg(_Message("rerun_script"))  # 100.5
    a.handle_backmsg(_Message("rerun_script"))  # 101.0: a still waits since 100.0
    a._on_scriptrunner_event(None, ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN)  # not finished: no time taken
    a._on_scriptrunner_event(None, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS)  # 103.0
    b.handle_backmsg(_Message("app_heartbeat"))  # not a rerun
    b._on_scriptrunner_event(None, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS)  # 104.0
    b._on_scriptrunner_event(None, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS)  # no request waiting: nothing
    b.handle_backmsg(_Message("rerun_script"))  # 110.0
    b._on_scriptrunner_event(None, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR)  # 111.5

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(x["session"], x["requested"], x["finished"]) for x in lines] == [
        ("a", 100.0, 103.0), ("b", 100.5, 104.0), ("b", 110.0, 111.5)]
    assert len([c for c in calls if c[0] == "backmsg"]) == 5  # every message still reaches Streamlit
    assert len([c for c in calls if c[0] == "event"]) == 5
    assert bench.server_reruns(log, 100.0, 105.0) == {"a": [3.0], "b": [3.5]}
    assert bench.server_reruns(log, 105.0, 120.0) == {"b": [1.5]}


def test_served_process_loads_the_rerun_timer_through_sitecustomize(tmp_path):
    hook = tmp_path / "rerun-timer"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(bench._RERUN_TIMER_SITECUSTOMIZE, encoding="utf-8")
    check = ("import sys; assert 'streamlit' not in sys.modules; "
             "from streamlit.runtime.app_session import AppSession; "
             "print(AppSession.handle_backmsg.__name__, AppSession._on_scriptrunner_event.__name__)")
    env = {**os.environ, "PYTHONPATH": str(hook), bench.RERUN_LOG_ENV: str(tmp_path / "reruns.jsonl")}
    timed = subprocess.run([sys.executable, "-c", check], env=env, cwd=PROJECT_ROOT, capture_output=True,
                           text=True, timeout=120)
    assert timed.stdout.split() == ["timed_handle_backmsg", "timed_on_event"], timed.stderr
    env.pop(bench.RERUN_LOG_ENV)
    plain = subprocess.run([sys.executable, "-c", check], env=env, cwd=PROJECT_ROOT, capture_output=True,
                           text=True, timeout=120)
    assert plain.stdout.split() == ["handle_backmsg", "_on_scriptrunner_event"], plain.stderr


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_lower_priority_sets_every_thread_and_what_it_starts_later():
    script = ("import os, threading, time, subprocess, sys\n"
              "threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n"
              "sys.stdin.readline()\n"
              "child = subprocess.run([sys.executable, '-c', 'import os; print(os.getpriority(os.PRIO_PROCESS, 0),"
              " os.sched_getscheduler(0))'], capture_output=True, text=True)\n"
              "print(child.stdout.strip(), flush=True)\n")
    process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    try:
        for _ in range(100):  # wait for the second thread
            if len(list(Path(f"/proc/{process.pid}/task").iterdir())) >= 2:
                break
            subprocess.run(["sleep", "0.05"])
        bench.lower_priority([process.pid], nice=15)
        threads = [int(entry.name) for entry in Path(f"/proc/{process.pid}/task").iterdir()]
        assert len(threads) >= 2
        assert {os.getpriority(os.PRIO_PROCESS, thread) for thread in threads} == {15}
        assert {os.sched_getscheduler(thread) for thread in threads} == {os.SCHED_IDLE}
        out, _ = process.communicate("\n", timeout=60)
        assert out.split() == ["15", str(os.SCHED_IDLE)]  # a process started afterwards inherits both
    finally:
        process.kill()


class _FakeServer:
    def __init__(self, url: str, pids: list[int], cpu: float, peaks: dict[str, int]):
        self.url, self._pids, self._cpu, self._peaks = url, pids, cpu, peaks

    def pids(self) -> list[int]:
        return self._pids

    def cpu_seconds(self) -> float:
        return self._cpu

    def peak_rss(self) -> dict[str, int]:
        return self._peaks


def test_replicas_are_measured_as_one_server():
    one = _FakeServer("http://127.0.0.1:1", [10, 11], 1.5, {"10": 100, "11": 200})
    two = _FakeServer("http://127.0.0.1:2", [20, 21], 2.0, {"20": 300, "21": 400})
    both = bench.Replicas([one, two])
    assert both.url == one.url and both.urls == [one.url, two.url]
    assert both.pids() == [10, 11, 20, 21]
    assert both.cpu_seconds() == pytest.approx(3.5)
    assert both.peak_rss() == {"10": 100, "11": 200, "20": 300, "21": 400}
    # the browser's processes are this process's descendants other than every replica's
    assert not set(bench._browser_pids(both)) & {10, 11, 20, 21}


def test_a_phase_reads_the_reruns_of_every_replica(tmp_path):
    logs = [tmp_path / "reruns-replicas.jsonl", tmp_path / "reruns-replicas-1.jsonl"]
    logs[0].write_text(json.dumps({"session": "a", "requested": 100.0, "finished": 100.5}) + "\n")
    logs[1].write_text(json.dumps({"session": "b", "requested": 101.0, "finished": 103.0}) + "\n"
                       + json.dumps({"session": "c", "requested": 99.0, "finished": 99.2}) + "\n")  # before the window
    phase = bench._Phase([0.6, 2.1], [[0.6], [2.1]], [], {}, (100.0, 110.0), {}, logs)
    assert phase.at_server() == {"a": [pytest.approx(0.5)], "b": [pytest.approx(2.0)]}


def test_bench_refuses_fewer_than_one_replica(capsys):
    from dashboard import cli

    assert cli.main(["bench", "--trainees", "30", "--replicas", "0", "--skip-browser"]) == 2
    assert capsys.readouterr().err.strip()
