"""``python -m dashboard bench``: the benchmark suite, each figure beside its floor.

For every size (trainees, 3 waves) a dataset is generated with
``dashboard.exchange.generator`` and written as CSV (cached in a temp folder by size
and seed, so a rerun starts at once), then measured:

* import: ``importer.import_dataset`` into an empty database, relationships
  validated and written per second; floor: DuckDB's own ``read_csv`` of the
  same files into tables (``queries/tools/bench/floor_import.sql``), no checks;
* analysis: signals (everyone, the largest school), attention (``analysis.triage``)
  for the same filters, coverage by school, measures for the largest school, the
  comparison of every school, suggest for one trainee, the scenario "a mentor
  leaves"; floor: the direct SQL for the same answer (``dashboard.tools.floors``,
  ``queries/tools/bench/floor_*.sql``, checked against the product in
  tests/test_bench_floors.py); the question's own SQL replayed is kept beside it
  (``replayed_sql_s``);
* pages: each page's rerun after a filter change, the constellation page for
  another trainee, the comparison page unfiltered for management and the capture
  page while editing (Streamlit's AppTest, in this process, the scripts compiled
  once as ``serve`` does; what AppTest's recompiling would add is noted apart);
  floor: for the overview and the constellation a lean prototype page of the same
  content (``dashboard/tools/prototypes/``) measured the same way; for the
  comparison its direct SQL plus an empty rerun; else the SQL that very rerun
  executed (recorded at ``Database.cursor`` and at the analysis's scratch
  cursors), replayed on bare cursors, plus the median rerun of an empty Streamlit
  script, which every page keeps as its second floor (``replayed_floor_s``);
* capture: saving one wave; floor: the same rows written by plain SQL;
* concurrency (browser): one ``python -m dashboard serve`` on a free port of
  127.0.0.1, headless Chromium sessions (Playwright) on the overview page
  changing the school filter in the sidebar; a rerun is timed in the page,
  from the click on the option to the end of the script run; p50 and p95 per
  rerun with 10 sessions at once (each its own schools, so no session fills
  another's cache) against one session alone, each phase on a fresh server:
  once back to back (each session changes its filter the moment its rerun
  ended: ten reruns always in flight) and once paced (each session reads the
  page for a seeded random 2-6 s between changes, starting at random moments
  within the first pause); the back-to-back row also gives the least ratio the
  machine allows (sessions x CPU per rerun / cores, against the single p95);
  with ``--replicas R`` also back to back against R ``serve`` replicas, each
  on its own copy of the database, the sessions spread over them in turn;
  the busy cores of serve, of the browser and of the whole machine are noted,
  because client and server share the machine;
* memory (browser): peak RSS (VmHWM) of ``serve`` and its Streamlit child
  after every page was visited, and again after the concurrent sessions.

Absolute times drift on a shared machine; the ratio to the floor measured in
the same run is what to track. Results: a table on stdout and a JSON file
(written after every size, so an interrupted run keeps what it measured).
``--curve FILE.png`` draws the cost curve (time against trainees, log axes)
with plotly, rendered by headless Chromium (no static-export package is
installed); ``--curve FILE.svg`` draws it by hand as SVG. ``--markdown`` writes
the figures as a Markdown table; ``--from-json`` redoes table, curve and
Markdown from an earlier run without measuring.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from dashboard.store.db import DB_ENV_VAR, PROJECT_ROOT, Database, execute_statements, load_sql
from dashboard.core.i18n import normalise_language, t

DEFAULT_SIZES: tuple[int, ...] = (1_000, 10_000, 40_000, 100_000)
DEFAULT_RUNS = 5
DEFAULT_SEED = 2025
DEFAULT_SESSIONS = 10
DEFAULT_OUT = PROJECT_ROOT / "test-output" / "bench.json"
SCENARIOS: tuple[str, ...] = ("import", "analysis", "pages", "concurrency", "memory", "capture")
BROWSER_SCENARIOS: frozenset[str] = frozenset({"concurrency", "memory"})

APP = PROJECT_ROOT / "dashboard" / "web" / "app.py"
# Pages whose content follows the sidebar filters: url path -> page file (as in ui.PAGE_FILES).
FILTER_PAGES: dict[str, str] = {
    "": "views/overzicht.py",
    "signalen": "views/signalen.py",
    "vergelijken": "views/vergelijken.py",
}
CONSTELLATION_PAGE = "views/constellatie.py"
EMPTY_SCRIPT = "import streamlit as st\n\nst.empty()\n"

# The issue's targets (2 cores). The size a target is judged at; None = every size.
TARGET_PAGE_MS = 300
TARGET_PAGE_RATIO = 3.0
TARGET_CONSTELLATION_MS = 150
TARGET_IMPORT_RATE = 100_000
TARGET_RSS_BYTES = 1.5 * 1024**3
TARGET_CONCURRENCY_RATIO = 2.0
# The paced phase: between two filter changes each session reads the page for a
# while, drawn uniformly from this range (seconds; fixed before it was measured:
# a coordinator takes in the headline and the heatmap before choosing again).
# Its first change comes at a random moment within the first such pause, so the
# ten users do not start in step. Seeded: every run draws the same pauses.
THINK_TIME_S = (2.0, 6.0)
THINK_SEED = 6
TARGET_ANALYSIS_S = 1.0  # issue 3: each question under one second on 2 cores
TARGET_CAPTURE_MS = 300  # issue 12: saving one trainee's wave, median, at 40,000 trainees
TARGET_SIZE = 40_000
TARGET_GROWTH_EXPONENT = 1.0  # "grows at most linearly": time ~ trainees^k with k <= 1

# Browser: Debian chromium with the flags of the e2e harness (tests/e2e/harness.py).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}  # room for the sidebar and the page; fewer pixels to paint
# The browsers run at the lowest CPU priority: real users' browsers run on their own machines,
# so here they may use what the server leaves, not take cores from it. Linux's SCHED_IDLE policy
# does that (and is inherited); a nice value alone is not enough, because Chromium sets its
# renderers' nice values itself (0 in the foreground).
BROWSER_NICE = 19
# Set in the served process tree: there every rerun is timed from the websocket's rerun
# request to the end of the script run (install_rerun_timer), one JSON line per rerun.
RERUN_LOG_ENV = "CONSTELLATIEMONITOR_BENCH_RERUN_LOG"
# sitecustomize.py for the served processes (found through PYTHONPATH): once Streamlit's
# AppSession module is loaded, it hands it to install_rerun_timer. Nothing else is imported early.
_RERUN_TIMER_SITECUSTOMIZE = f"""\
# Written by dashboard/tools/bench.py for a benchmark's server; not part of the app.
import os
import sys

if os.environ.get("{RERUN_LOG_ENV}"):
    import importlib.abc
    import importlib.util

    class _RerunTimer(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != "streamlit.runtime.app_session":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                from dashboard.tools.bench import install_rerun_timer
                install_rerun_timer(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, _RerunTimer())
"""
SERVER_START_TIMEOUT_S = 180
RERUN_TIMEOUT_MS = 180_000
RERUN_START_TIMEOUT_MS = 20_000  # a rerun that has not started by then was not asked for
# How often the bench asks a page whether its rerun finished. The page notes the times itself
# (a MutationObserver), so this only delays the bench, not the figure; every ask runs on the
# page's main thread, and ten pages asked every 10 ms kept a core busy.
RERUN_POLL_MS = 50
PICK_ATTEMPTS = 3


# --- figures -----------------------------------------------------------------------


@dataclass
class Figure:
    """One measured figure: times in seconds (bytes for memory), floor, ratio, target."""

    scenario: str
    name: str
    trainees: int
    unit: str  # "s" or "bytes"
    median: float | None
    p95: float | None
    floor: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None  # None: no target at this size
    samples: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def percentile(values: Sequence[float], share: float) -> float:
    """Linear-interpolated percentile (``share`` in 0..1) of at least one value."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * share
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or not floor:
        return None
    return value / floor


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


# --- datasets ----------------------------------------------------------------------


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "constellatiemonitor-bench"


def dataset_folder(n_trainees: int, seed: int, root: Path | None = None) -> Path:
    """The CSV folder for (n, seed), generated once; a marker file says it is complete."""
    folder = (root or cache_root()) / f"{n_trainees}-{seed}" / "csv"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    from dashboard.exchange.generator import generate
    from dashboard.exchange.interchange import write_dataset

    if folder.exists():
        shutil.rmtree(folder)  # a half-written folder of an interrupted run
    folder.parent.mkdir(parents=True, exist_ok=True)
    write_dataset(generate(n_trainees, seed), folder)
    marker.write_text("ok\n", encoding="utf-8")
    return folder


def _fresh(path: Path) -> Path:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path


def bench_import(folder: Path, n_trainees: int, runs: int, work: Path,
                 lang: str) -> tuple[Figure, Path, dict[str, int]]:
    """Import into an empty database ``runs`` times; the last database is kept for the rest."""
    from dashboard.exchange.importer import import_dataset
    from dashboard.exchange.interchange import FILES

    db_path = work / "bench.duckdb"
    times = []
    for _ in range(runs):
        _fresh(db_path)
        with Database(db_path) as db:
            started = time.perf_counter()
            result = import_dataset(db, folder)
            times.append(time.perf_counter() - started)
            if not result.ok:
                details = "; ".join(issue.message(lang) for issue in list(result.errors)[:5])
                raise BenchError(t("bench.import_failed", lang, source=folder, details=details))
            counts = db.table_counts()
    relationships = counts.get("relationships", 0)

    files = {spec.name: str(folder / spec.file_name) for spec in FILES}
    floor_path = work / "floor.duckdb"

    def floor_run() -> None:
        _fresh(floor_path)
        with Database(floor_path) as db:
            cur = db.cursor()
            try:
                execute_statements(cur, "tools/bench/floor_import", files)
            finally:
                cur.close()

    floor_times = timed(floor_run, runs)
    _fresh(floor_path)
    median, floor = statistics.median(times), statistics.median(floor_times)
    rate = relationships / median if median else 0.0
    figure = Figure(
        "import", "import (validated)", n_trainees, "s", median, percentile(times, 0.95), floor, _ratio(median, floor),
        # Fixed costs (reading the database's keys, one transaction) dominate small imports: judged from 40,000 up.
        target=f">= {TARGET_IMPORT_RATE:,} relationships/s (at >= {TARGET_SIZE:,})",
        met=(rate >= TARGET_IMPORT_RATE) if n_trainees >= TARGET_SIZE else None, samples=len(times),
        extra={"relationships": relationships, "relationships_per_s": rate,
               "floor_relationships_per_s": relationships / floor if floor else None},
    )
    return figure, db_path, counts


# --- analysis ------------------------------------------------------------------------


def bench_capture(db_path: Path, n_trainees: int, runs: int, work: Path) -> Figure:
    """Saving one trainee's wave on the capture page (validation, integrity check, revision,
    audit row) beside the floor: the same rows deleted and inserted by plain SQL.

    On a copy of the benchmark database (the saves write). Each run saves another trainee's
    latest wave, changed a little (the valuation), as a coordinator would."""
    from dashboard.exchange import capture
    from dashboard.exchange.importer import arrow_tables

    copy = work / "capture.duckdb"
    shutil.copyfile(db_path, copy)
    times, floor_times = [], []
    with Database(copy) as db:
        chosen = db.query("tools/bench/capture_trainees", {"count": runs})["trainee_id"].tolist()
        for trainee_id in chosen:
            wave = capture.captured_waves(db, trainee_id)[-1]
            form = capture.load_form(db, trainee_id, wave)
            form.support = "deels"
            started = time.perf_counter()
            capture.save_wave(db, form)
            times.append(time.perf_counter() - started)
            # The floor writes the rows the save wrote, as staged by the same validation (untimed).
            _, validator, _ = capture.validate_form(db, form)
            staged = arrow_tables(validator.staged_tables())
            cursor = db.cursor()
            try:
                for table, frame in staged.items():
                    cursor.register(f"staged_{table}", frame)
                started = time.perf_counter()
                cursor.execute("BEGIN TRANSACTION")
                execute_statements(cursor, "tools/bench/floor_capture", {"trainee_id": trainee_id, "wave": wave})
                cursor.execute("COMMIT")
                floor_times.append(time.perf_counter() - started)
            finally:
                cursor.close()
    copy.unlink(missing_ok=True)
    median, floor = statistics.median(times), statistics.median(floor_times)
    return Figure(
        "capture", "capture save (one wave)", n_trainees, "s", median, percentile(times, 0.95), floor,
        _ratio(median, floor), target=f"< {TARGET_CAPTURE_MS} ms (at {TARGET_SIZE:,})",
        met=(median * 1000 < TARGET_CAPTURE_MS) if n_trainees >= TARGET_SIZE else None, samples=len(times),
        # Already a direct floor: the staged rows deleted and inserted by plain SQL (floor_capture.sql).
        extra={"floor_kind": "plain SQL writes"},
    )


def largest_school(db: Database) -> tuple[str, int]:
    return largest_group(db, "school_id")


def largest_group(db: Database, column: str) -> tuple[str, int]:
    """The id of the largest school or institute (``column``) and its number of trainees."""
    from dashboard import analysis

    per_group = analysis.trainees(db)[column].value_counts()
    return str(per_group.index[0]), int(per_group.iloc[0])


class FromTheRules:
    """A handle on which the derived layer never applies (it reports the tables stale), so a
    question evaluates the rules on the stored rows, as before the layer existed; otherwise
    the handle itself."""

    def __init__(self, db: Database):
        self._db = db

    def data_state(self) -> tuple[int, bool]:
        version, _ = self._db.data_state()
        return version, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def _replayed_floor(db: Database, question: Callable[[], object]) -> Callable[[], object]:
    """The question's own SQL, as it ran (recorded once), replayed on bare cursors: the old floor,
    kept beside the direct SQL as ``replayed_sql_s`` (an inefficient statement is its own floor)."""
    with recording_sql() as log:
        question()
    return lambda: replay(db, log)


def timed_beside_floor(db: Database, question: Callable[[], object], floor_run: Callable[[], object],
                       runs: int) -> tuple[list[float], list[float], list[float]]:
    """(question, floor, question's own SQL replayed) seconds, ``runs`` each, after a warm-up
    of each (the first run reads the tables into DuckDB's buffers)."""
    question()
    times = timed(question, runs)
    floor_run()
    floor_times = timed(floor_run, runs)
    return times, floor_times, timed(_replayed_floor(db, question), runs)


def _analysis_figure(name: str, n_trainees: int, times: list[float], floor_times: list[float],
                     replayed_times: list[float], target: str, met: bool | None,
                     extra: Mapping[str, Any] | None = None, floor_kind: str = "direct SQL") -> Figure:
    median, floor = statistics.median(times), statistics.median(floor_times)
    replayed = statistics.median(replayed_times)
    return Figure("analysis", name, n_trainees, "s", median, percentile(times, 0.95), floor, _ratio(median, floor),
                  target=target, met=met, samples=len(times),
                  extra={**(extra or {}), "floor_kind": floor_kind, "replayed_sql_s": replayed,
                         "ratio_to_replayed": _ratio(median, replayed)})


TARGET_COMPARE_S = 0.300  # issue 15: the comparison of all schools (what management opens) under 300 ms at 40,000


def bench_analysis(db: Database, n_trainees: int, runs: int) -> list[Figure]:
    """Each question beside its floor: the direct SQL for the same answer
    (``dashboard.tools.floors``, one statement, checked against the product in
    tests/test_bench_floors.py), and the question's own SQL replayed (``replayed_sql_s``)."""
    from dashboard import analysis
    from dashboard.analysis import Filters, triage
    from dashboard.tools import floors

    school, school_size = largest_school(db)
    bound = floors.inputs(db)
    questions = [
        ("signals (all trainees)", lambda: analysis.signals(db), floors.runner(db, "signals", bound), TARGET_ANALYSIS_S),
        # What signals cost before the derived layer (issue 17's "signals today"): from the rules.
        ("signals from the rules (all trainees)", lambda: analysis.signals(FromTheRules(db)),
         floors.runner(db, "signals", bound), TARGET_ANALYSIS_S),
        # Issue 17: attention (triage) beside signals for the same filter.
        ("attention (all trainees)", lambda: triage.triage(db), floors.runner(db, "triage", bound), TARGET_ANALYSIS_S),
        (f"signals (one school, {school_size} trainees)", lambda: analysis.signals(db, Filters(school=school)),
         floors.runner(db, "signals", bound, school=school), TARGET_ANALYSIS_S),
        (f"attention (one school, {school_size} trainees)", lambda: triage.triage(db, Filters(school=school)),
         floors.runner(db, "triage", bound, school=school), TARGET_ANALYSIS_S),
        ("coverage by school", lambda: analysis.coverage_by(db, "school"),
         floors.runner(db, "coverage_by_school", bound), TARGET_ANALYSIS_S),
        (f"measures (one school, {school_size} trainees)", lambda: analysis.measures(db, Filters(school=school)),
         floors.runner(db, "measures", bound, school=school), TARGET_ANALYSIS_S),
        # Issue 15: what management opens, the comparison of every school.
        ("compare (all schools)", lambda: analysis.compare(db, "school"),
         floors.runner(db, "compare_by_school", bound), None),
    ]
    figures = []
    for name, question, floor_run, target in questions:
        times, floor_times, replayed_times = timed_beside_floor(db, question, floor_run, runs)
        median = statistics.median(times)
        if target is None:  # the comparison: judged at 40,000
            target_text = f"< {TARGET_COMPARE_S * 1000:g} ms (at {TARGET_SIZE:,})"
            met = median < TARGET_COMPARE_S if n_trainees >= TARGET_SIZE else None
        else:
            target_text, met = f"< {target:g} s", median < target
        figures.append(_analysis_figure(name, n_trainees, times, floor_times, replayed_times, target_text, met))
    return figures


TARGET_SUGGEST_S = 0.100  # issue 13: step 6 for one trainee under 100 ms (at 40,000 trainees)
TARGET_SCENARIO_S = 0.300  # issue 13: the scenario for one mentor under 300 ms (at 40,000 trainees)


def bench_step_six(db: Database, n_trainees: int, runs: int) -> list[Figure]:
    """``suggest`` for one trainee with an open need and ``scenario leave`` for the
    mentor with the most no-klik signals (a heavy case), each beside its direct SQL
    (the scenario's leaves out the candidates for a lost function: docs/performance.md)
    and its own SQL replayed."""
    from dashboard import analysis
    from dashboard.analysis import scenarios, suggestions
    from dashboard.tools import floors

    found = analysis.signals(db)
    needy = found[found["code"] == "uncovered_need"]["trainee_id"]
    trainee = str(needy.iloc[0]) if len(needy) else str(found["trainee_id"].dropna().iloc[0])
    mentors = found[found["code"] == "no_klik"]["person_id"].value_counts()
    mentor = str(mentors.index[0]) if len(mentors) else str(found["person_id"].dropna().iloc[0])
    bound = floors.inputs(db)
    questions = [
        ("suggest (one trainee)", lambda: suggestions.candidates(db, trainee),
         floors.runner(db, "suggest", bound, trainee=trainee), TARGET_SUGGEST_S, trainee),
        ("scenario leave (one mentor)", lambda: scenarios.leave(db, mentor),
         floors.runner(db, "scenario", bound, leaving=mentor), TARGET_SCENARIO_S, mentor),
    ]
    figures = []
    for name, question, floor_run, target, subject in questions:
        times, floor_times, replayed_times = timed_beside_floor(db, question, floor_run, runs)
        met = statistics.median(times) < target if n_trainees >= TARGET_SIZE else None
        figures.append(_analysis_figure(name, n_trainees, times, floor_times, replayed_times,
                                        f"< {target * 1000:g} ms (at {TARGET_SIZE:,})", met, {"subject": subject}))
    return figures


TARGET_WHAT_IF_S = 1.0  # issue 14: the steering group "sees within a second" what a proposal changes
TARGET_REPORT_S = 10.0  # issue 14: the meeting report for 40,000 trainees under 10 s
TARGET_REFRESH_FULL_S = 2.0  # issue 15: the derived layer recomputed for every trainee, 40,000
TARGET_REFRESH_ONE_S = 0.050  # issue 15: one trainee's wave, after a capture save, 40,000


WHAT_IF_ROLE = "werkplekbegeleider"


def present_only_proposal(db: Database, present_only: str = WHAT_IF_ROLE) -> dict[str, Any]:
    """Issue 14's question as a proposal: every programme expects ``present_only`` only to be
    present (``zwak``). Issue 14 asked it of the instituutsopleider, whom norm v2 already expects
    at ``zwak``; the werkplekbegeleider (``sterk`` in every shipped norm) is the question that
    still moves trainees."""
    from dashboard import analysis

    current = analysis.load_norms(db)
    return {programme: replace(norm, roles=tuple((role, "zwak" if role == present_only else strength)
                                                 for role, strength in norm.roles))
            for programme, norm in current.items()}


def bench_programme(db: Database, n_trainees: int, runs: int) -> list[Figure]:
    """The programme page's what-if (current norms and a proposal side by side, everyone in view)
    beside its floor, the direct triage SQL under each of the two norms; and the meeting report
    for everyone (a PDF: no SQL floor; its target is absolute)."""
    from dashboard import analysis
    from dashboard.analysis import Filters, what_if
    from dashboard.exchange import meeting_report
    from dashboard.tools import floors

    current = analysis.load_norms(db)
    proposal = present_only_proposal(db)
    def report() -> object:
        return meeting_report.build_report(db, Filters())

    institute, institute_size = largest_group(db, "institute_id")
    figures = []
    for name, filters, floor_values in (
            ("all trainees", Filters(), {}),
            (f"one institute, {institute_size} trainees", Filters(institute=institute), {"institute": institute})):
        floor_current = floors.runner(db, "triage", floors.inputs(db), **floor_values)
        floor_proposal = floors.runner(db, "triage", floors.inputs_for_norms(db, proposal), **floor_values)

        def what_if_floor() -> None:
            floor_current()
            floor_proposal()

        def what_if_question() -> object:
            return what_if.compare_norms(db, filters, current, proposal)

        times, floor_times, replayed_times = timed_beside_floor(db, what_if_question, what_if_floor, runs)
        met = statistics.median(times) < TARGET_WHAT_IF_S if n_trainees >= TARGET_SIZE else None
        figures.append(_analysis_figure(f"what-if, {WHAT_IF_ROLE} present only ({name})", n_trainees, times,
                                        floor_times, replayed_times, f"< {TARGET_WHAT_IF_S:g} s (at {TARGET_SIZE:,})",
                                        met, floor_kind="direct SQL, triage under both norms"))
    report()  # warm-up
    times = timed(report, runs)
    median = statistics.median(times)
    figures.append(Figure("analysis", "meeting report PDF (all trainees)", n_trainees, "s", median,
                          percentile(times, 0.95), target=f"< {TARGET_REPORT_S:g} s (at {TARGET_SIZE:,})",
                          met=median < TARGET_REPORT_S if n_trainees >= TARGET_SIZE else None, samples=len(times),
                          extra={"floor_kind": "none: a typeset PDF has no SQL floor"}))
    return figures


def _refresh_figure(what: str, n_trainees: int, times: list[float], floor_times: list[float], target: float,
                    floor_kind: str) -> Figure:
    median, floor = statistics.median(times), statistics.median(floor_times)
    target_text = f"< {target:g} s" if target >= 1 else f"< {target * 1000:g} ms"
    return Figure("analysis", f"derived refresh ({what})", n_trainees, "s", median, percentile(times, 0.95), floor,
                  _ratio(median, floor), target=f"{target_text} (at {TARGET_SIZE:,})",
                  met=median < target if n_trainees >= TARGET_SIZE else None, samples=len(times),
                  extra={"floor_kind": floor_kind})


def bench_derived(db_path: Path, n_trainees: int, runs: int, work: Path) -> list[Figure]:
    """The derived layer's refresh (issue 15), on a copy of the benchmark database: every
    trainee (what an import or a norm adoption does) and one trainee's last wave (what a capture
    save does), each in its own write transaction, committed. The floor is the direct SQL for
    the same facts, fetched: the signal and coverage floors once per wave for everyone, and on
    the last wave for the one trainee."""
    from dashboard.analysis import derived
    from dashboard.core import domain
    from dashboard.tools import floors

    copy = work / "derived.duckdb"
    shutil.copyfile(db_path, copy)
    figures = []
    try:
        with Database(copy) as db:
            bound = floors.inputs(db)
            chosen = db.query("tools/bench/capture_trainees", {"count": runs})["trainee_id"].tolist()
            last = domain.WAVES[-1]

            def full() -> None:
                with db.transaction(("store/derived/integrity_violations",)) as cursor:
                    derived.refresh(cursor)

            full_floors = [floors.runner(db, name, bound, upto_wave=rank)
                           for rank in range(len(domain.WAVES)) for name in ("signals", "coverage_trainees")]
            full()  # warm-up
            times = timed(full, runs)
            floor_times = timed(lambda: [run() for run in full_floors], runs)
            figures.append(_refresh_figure("every trainee, every wave", n_trainees, times, floor_times,
                                           TARGET_REFRESH_FULL_S, "direct SQL per wave (signals + coverage), fetched"))

            times, floor_times = [], []
            for trainee_id in chosen:
                one_floors = [floors.runner(db, name, bound, trainee=trainee_id, upto_wave=len(domain.WAVES) - 1)
                              for name in ("signals", "coverage_trainees")]
                started = time.perf_counter()
                with db.transaction(("store/derived/integrity_violations",)) as cursor:
                    derived.refresh(cursor, [trainee_id], from_wave=last)
                times.append(time.perf_counter() - started)
                started = time.perf_counter()
                for run in one_floors:
                    run()
                floor_times.append(time.perf_counter() - started)
            figures.append(_refresh_figure("one trainee, last wave", n_trainees, times, floor_times,
                                           TARGET_REFRESH_ONE_S, "direct SQL (signals + coverage) for the trainee, fetched"))
    finally:
        for leftover in (copy, copy.with_name(copy.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return figures


# --- pages (AppTest) -------------------------------------------------------------------


@dataclass
class _Statement:
    sql: str
    params: Any
    tables: dict[str, Any]
    cursor: int = 0  # which recorded cursor ran it: a transaction's statements share one
    scratch: bool = False  # run on analysis's in-memory scratch database (one trainee's copied rows)


class _RecordingCursor:
    """A cursor that notes every statement (with its bound tables) and otherwise is the cursor."""

    _numbers = itertools.count(1)

    def __init__(self, cursor: Any, log: list[_Statement], scratch: bool = False):
        self._cursor = cursor
        self._log = log
        self._tables: dict[str, Any] = {}
        self._number = next(self._numbers)
        self._scratch = scratch

    def register(self, name: str, table: Any) -> Any:
        self._tables[name] = table
        return self._cursor.register(name, table)

    def execute(self, sql: str, params: Any = None) -> Any:
        self._log.append(_Statement(sql, params, dict(self._tables), self._number, self._scratch))
        return self._cursor.execute(sql, params) if params is not None else self._cursor.execute(sql)

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._log.append(_Statement(query, kwargs.get("params"), dict(self._tables), self._number, self._scratch))
        return self._cursor.sql(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __enter__(self) -> _RecordingCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cursor.close()


@contextmanager
def recording_sql() -> Iterator[list[_Statement]]:
    """Every statement run through ``Database.cursor`` inside the block (any thread),
    and through the analysis's scratch cursors (questions on one trainee's copied rows)."""
    from dashboard import analysis

    log: list[_Statement] = []
    original = Database.cursor
    original_scratch = analysis._scratch_cursor

    def cursor(self: Database) -> Any:
        return _RecordingCursor(original(self), log)

    def scratch_cursor() -> Any:
        return _RecordingCursor(original_scratch(), log, scratch=True)

    Database.cursor = cursor  # type: ignore[method-assign]
    analysis._scratch_cursor = scratch_cursor  # type: ignore[assignment]
    try:
        yield log
    finally:
        Database.cursor = original  # type: ignore[method-assign]
        analysis._scratch_cursor = original_scratch  # type: ignore[assignment]


def replay(db: Database, statements: Sequence[_Statement]) -> float:
    """Seconds to run the statements again on bare cursors, every row fetched as Arrow
    (DuckDB's cheapest way to hand over a whole result).

    The statements of one recorded cursor run on one bare cursor, in their
    order: a write transaction (BEGIN, the audit row, the integrity check,
    COMMIT) must stay on its own connection to mean the same thing. A
    statement on one trainee's copied rows runs on the scratch database again.
    """
    from dashboard import analysis

    by_cursor: dict[int, list[_Statement]] = {}
    for statement in statements:
        by_cursor.setdefault(statement.cursor, []).append(statement)
    started = time.perf_counter()
    for group in by_cursor.values():
        cur = analysis._scratch_cursor() if group[0].scratch else db.cursor()
        try:
            registered: dict[str, Any] = {}
            for statement in group:
                for name, table in statement.tables.items():
                    if registered.get(name) is not table:  # as the app did: once per cursor
                        cur.register(name, table)
                        registered[name] = table
                relation = cur.sql(statement.sql, params=statement.params or None)
                if relation is not None:  # a query (not a statement without rows): fetch every row
                    relation.to_arrow_table()
        finally:
            cur.close()
    return time.perf_counter() - started


def _check(app: Any, what: str, lang: str) -> None:
    problems = [e.value for e in app.exception] + [e.value for e in app.error]
    if problems:
        raise BenchError(t("bench.page_failed", lang, page=what, details="; ".join(map(str, problems))[:500]))


def _quiet_streamlit() -> None:
    """AppTest's "missing ScriptRunContext" warnings (bare mode) are noise in a table of figures."""
    import streamlit.runtime.scriptrunner_utils.script_run_context as context

    # A filter, not a level: AppTest sets Streamlit's log levels again when it starts.
    context._LOGGER.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())


def empty_rerun_seconds(runs: int) -> float:
    """Median rerun of a trivial script in AppTest: Streamlit's own cost of a rerun."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_string(EMPTY_SCRIPT, default_timeout=60)
    app.run()
    return statistics.median(timed(app.run, max(runs, 5)))


@contextmanager
def scripts_compiled_once() -> Iterator[None]:
    """AppTest compiles the app script and the page script anew on every run
    (a fresh ``ScriptCache`` per run, for test isolation); ``serve`` compiles
    each once per process and keeps the bytecode. Inside the block every
    AppTest run shares one cache, as ``serve`` does, so that a page's figure
    is its rerun and not AppTest's recompilation (which
    :func:`compile_seconds` measures apart)."""
    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    shared = ScriptCache()
    saved = app_test.ScriptCache, local_script_runner.ScriptCache
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared  # type: ignore[assignment]
    try:
        yield
    finally:
        app_test.ScriptCache, local_script_runner.ScriptCache = saved


def compile_seconds(page: str, runs: int) -> float:
    """Median seconds to compile the app and ``page`` scripts as Streamlit does
    (with "magic"): what AppTest without a shared cache adds to every rerun."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache

    def compile_both() -> None:
        cache = ScriptCache()
        cache.get_bytecode(str(APP))
        cache.get_bytecode(str(APP.parent / page))

    return statistics.median(timed(compile_both, max(runs, 5)))


def _page_app(page: str | None, **query: str) -> Any:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=600)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def _measure_reruns(app: Any, db: Database, changes: Sequence[Callable[[], None]], what: str,
                    lang: str) -> tuple[list[float], list[float], int]:
    """(page seconds, SQL replay seconds, statements) per rerun after each change."""
    page_times, sql_times, statements = [], [], 0
    for change in changes:
        change()
        with recording_sql() as log:
            started = time.perf_counter()
            app.run()
            page_times.append(time.perf_counter() - started)
        _check(app, what, lang)
        sql_times.append(replay(db, log))
        statements += len(log)
    return page_times, sql_times, statements


def bench_pages(db_path: Path, n_trainees: int, runs: int, lang: str) -> list[Figure]:
    os.environ[DB_ENV_VAR] = str(db_path)
    _quiet_streamlit()
    logging.getLogger("dashboard").setLevel(logging.WARNING)  # "opening database ..." per size is noise here
    with scripts_compiled_once():
        return _bench_pages(db_path, n_trainees, runs, lang)


PROTOTYPES = PROJECT_ROOT / "dashboard" / "tools" / "prototypes"
# Issue 15: a page against the lean prototype of the same content, judged from 10,000 trainees up.
TARGET_OVERVIEW_RATIO = 1.0
TARGET_CONSTELLATION_RATIO = 1.3
TARGET_RATIO_FROM = 10_000
TARGET_CAPTURE_EDIT_MS = 200  # issue 12: the capture page's rerun while editing, at 40,000
MANAGEMENT = ("bench@bestuur.nl", "management")


def prototype_reruns(script: str, changes: Sequence[Callable[[Any], None]], lang: str,
                     **query: str) -> list[float]:
    """Seconds per rerun of a lean prototype page (``dashboard/tools/prototypes/``) after each
    change, in AppTest like the real pages (scripts compiled once)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(PROTOTYPES / script), default_timeout=600)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    _check(app, f"prototype {script}", lang)
    times = []
    for change in changes:
        change(app)
        started = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - started)
        _check(app, f"prototype {script}", lang)
    return times


def _bench_pages(db_path: Path, n_trainees: int, runs: int, lang: str) -> list[Figure]:
    from dashboard import analysis
    from dashboard.tools import floors

    empty = empty_rerun_seconds(runs)
    with Database(db_path) as db:  # read-write like the app: DuckDB allows one configuration per file
        schools = [school_id for school_id, _ in analysis.filter_options(db)["schools"]]
        school, _ = largest_school(db)
        trainee_ids = analysis.trainees(db, analysis.Filters(school=school))["trainee_id"].tolist()
        figures = []
        for index, (path, page) in enumerate(FILTER_PAGES.items()):
            label = f"/{path}"
            app = _page_app(page)
            _check(app, label, lang)
            # Another school each run, and other schools per page (the caches are the process's),
            # so the page's cached loaders miss and compute.
            chosen = _sequence(schools, 1 + index * runs, runs, 1)
            changes = [lambda s=s: app.session_state.__setitem__("ui_filter_school", s) for s in chosen]
            page_times, sql_times, statements = _measure_reruns(app, db, changes, label, lang)
            prototype = None
            if path == "":  # the overview: beside its lean prototype, on the same schools
                prototype = prototype_reruns(
                    "overzicht.py", [lambda proto, s=s: proto.session_state.__setitem__("school", s) for s in chosen],
                    lang)
            figures.append(_page_figure(f"{label} (school filter change)", n_trainees, page_times, sql_times,
                                        empty, statements, compile_seconds(page, runs),
                                        kind="overview" if path == "" else "filter", prototype_times=prototype))
        app = _page_app(CONSTELLATION_PAGE, trainee=trainee_ids[0])
        _check(app, "/constellatie", lang)
        chosen = (trainee_ids * (runs // max(len(trainee_ids), 1) + 2))[1: runs + 1]
        changes = [lambda i=i: app.query_params.__setitem__("trainee", i) for i in chosen]
        page_times, sql_times, statements = _measure_reruns(app, db, changes, "/constellatie", lang)
        prototype = prototype_reruns(
            "constellatie.py", [lambda proto, i=i: proto.query_params.__setitem__("trainee", i) for i in chosen],
            lang, trainee=trainee_ids[0])
        figures.append(_page_figure("/constellatie (another trainee)", n_trainees, page_times, sql_times, empty,
                                    statements, compile_seconds(CONSTELLATION_PAGE, runs), kind="constellation",
                                    prototype_times=prototype))
        bound = floors.inputs(db)
        figures.append(_bench_compare_management(db, n_trainees, runs, empty, lang, bound))
        figures.append(_bench_capture_edit(db, n_trainees, runs, empty, lang))
    return figures


def _bench_compare_management(db: Database, n_trainees: int, runs: int, empty: float, lang: str,
                              bound: Mapping[str, Any]) -> Figure:
    """/vergelijken without a filter (every school) as a management viewer: what management opens.
    Before each rerun the comparison's cached answer is dropped (as after a data change), so
    every rerun computes it. Floor: the comparison's direct SQL plus an empty rerun."""
    import streamlit as st

    from dashboard.privacy.access import Viewer
    from dashboard.tools import floors
    from dashboard.web import loaders, session

    cached = getattr(loaders, "_compare", None)
    clear = cached.clear if hasattr(cached, "clear") else st.cache_data.clear
    viewer = Viewer(*MANAGEMENT)
    saved = session.current_viewer
    session.current_viewer = lambda: viewer  # type: ignore[assignment]
    try:
        app = _page_app("views/vergelijken.py")
        _check(app, "/vergelijken (management)", lang)
        page_times, sql_times, statements = _measure_reruns(app, db, [clear] * runs, "/vergelijken", lang)
    finally:
        session.current_viewer = saved  # type: ignore[assignment]
    direct = floors.runner(db, "compare_by_school", bound)
    direct()
    direct_s = statistics.median(timed(direct, runs))
    return _page_figure("/vergelijken (management, all schools)", n_trainees, page_times, sql_times, empty,
                        statements, compile_seconds("views/vergelijken.py", runs), kind="compare",
                        direct_sql_s=direct_s)


def _bench_capture_edit(db: Database, n_trainees: int, runs: int, empty: float, lang: str) -> Figure:
    """/vastleggen while editing: one field of the form (the support question) changed before each
    rerun, nothing saved. Floor: the rerun's own SQL replayed plus an empty rerun (no direct
    floor: the page reads a handful of small rows)."""
    from dashboard.core.domain import SUPPORT
    from dashboard.exchange import capture

    [trainee_id] = db.query("tools/bench/capture_trainees", {"count": 1})["trainee_id"].tolist()
    wave = capture.captured_waves(db, trainee_id)[-1]
    app = _page_app("views/vastleggen.py", trainee=str(trainee_id), wave=wave)
    _check(app, "/vastleggen", lang)
    values = [SUPPORT[i % len(SUPPORT)] for i in range(1, runs + 1)]
    changes = [lambda v=v: app.radio(key="cap_support").set_value(v) for v in values]
    page_times, sql_times, statements = _measure_reruns(app, db, changes, "/vastleggen", lang)
    return _page_figure("/vastleggen (one field changed)", n_trainees, page_times, sql_times, empty, statements,
                        compile_seconds("views/vastleggen.py", runs), kind="capture")


def _page_figure(name: str, n_trainees: int, page_times: list[float], sql_times: list[float], empty: float,
                 statements: int, compile_s: float, *, kind: str, prototype_times: list[float] | None = None,
                 direct_sql_s: float | None = None) -> Figure:
    """A page's figure. Floor: its lean prototype's rerun when it has one, else the direct SQL plus
    an empty rerun, else (no direct SQL) its own SQL replayed plus an empty rerun. The replayed
    floor is always kept (``replayed_floor_s``)."""
    median = statistics.median(page_times)
    replayed = statistics.median(sql_times) + empty
    if prototype_times:
        floor, floor_kind = statistics.median(prototype_times), "prototype page"
    elif direct_sql_s is not None:
        floor, floor_kind = direct_sql_s + empty, "direct SQL + empty rerun"
    else:
        floor, floor_kind = replayed, "replayed SQL + empty rerun"
    ratio = _ratio(median, floor)
    judged = n_trainees >= TARGET_RATIO_FROM
    if kind == "constellation":
        target = f"<= {TARGET_CONSTELLATION_RATIO:g} x prototype (at >= {TARGET_RATIO_FROM:,}); < {TARGET_CONSTELLATION_MS} ms"
        met = median * 1000 < TARGET_CONSTELLATION_MS and (not judged or (ratio is not None and ratio <= TARGET_CONSTELLATION_RATIO))
    elif kind == "overview":
        target = f"<= {TARGET_OVERVIEW_RATIO:g} x prototype (at >= {TARGET_RATIO_FROM:,})"
        met = (ratio is not None and ratio <= TARGET_OVERVIEW_RATIO) if judged else None
    elif kind == "compare":
        target = f"< {TARGET_COMPARE_S * 1000:g} ms (at {TARGET_SIZE:,})"
        met = median < TARGET_COMPARE_S if n_trainees >= TARGET_SIZE else None
    elif kind == "capture":
        target = f"< {TARGET_CAPTURE_EDIT_MS} ms (at {TARGET_SIZE:,})"
        met = median * 1000 < TARGET_CAPTURE_EDIT_MS if n_trainees >= TARGET_SIZE else None
    else:
        target = f"<= {TARGET_PAGE_RATIO:g} x floor and < {TARGET_PAGE_MS} ms (at {TARGET_SIZE:,})"
        met = (median * 1000 < TARGET_PAGE_MS and ratio is not None and ratio <= TARGET_PAGE_RATIO) \
            if n_trainees == TARGET_SIZE else None
    extra = {"floor_kind": floor_kind, "floor_sql_s": statistics.median(sql_times), "floor_empty_rerun_s": empty,
             "replayed_floor_s": replayed, "ratio_to_replayed": _ratio(median, replayed),
             "statements_per_rerun": statements / max(len(page_times), 1),
             # not in the figure: serve compiles the scripts once
             "apptest_script_compile_s": compile_s}
    if prototype_times:
        extra["prototype_s"] = statistics.median(prototype_times)
        extra["prototype_p95_s"] = percentile(prototype_times, 0.95)
    if direct_sql_s is not None:
        extra["direct_sql_s"] = direct_sql_s
    return Figure("pages", name, n_trainees, "s", median, percentile(page_times, 0.95), floor, ratio, target, met,
                  len(page_times), extra=extra)


# --- the real server in a browser ---------------------------------------------------------


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from /proc (all threads' children)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            threads = [entry.name for entry in Path(f"/proc/{pid}/task").iterdir()]
        except OSError:
            continue
        for thread in threads:
            try:
                todo.extend(int(child) for child in Path(f"/proc/{pid}/task/{thread}/children").read_text().split())
            except OSError:
                continue
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """CPU seconds (user + system) the processes used so far, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    """A benchmark that cannot go on; the message is already in the user's language."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def pids(self) -> list[int]:
        """The serve process and all its descendants (the Streamlit child)."""
        return descendants(self.process.pid)

    def cpu_seconds(self) -> float:
        """CPU seconds (user + system) used so far by serve and its children, from /proc."""
        return cpu_seconds(self.pids())

    def peak_rss(self) -> dict[str, int]:
        """VmHWM (peak resident set) in bytes per process, from /proc."""
        peaks = {}
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[str(pid)] = int(line.split()[1]) * 1024
            except OSError:
                continue
        return peaks


@dataclass
class Replicas:
    """Several ``serve`` processes measured as one (sum of CPU, every process's peak);
    ``url`` is the first one's, ``urls`` each one's."""

    servers: list[Server]

    @property
    def url(self) -> str:
        return self.servers[0].url

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    def pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.pids()]

    def cpu_seconds(self) -> float:
        return sum(server.cpu_seconds() for server in self.servers)

    def peak_rss(self) -> dict[str, int]:
        return {pid: peak for server in self.servers for pid, peak in server.peak_rss().items()}


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine have been busy since boot (/proc/stat), for shares of a phase."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    ticks = [int(x) for x in first[:8]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def start_server(db_path: Path, log_path: Path, lang: str, rerun_log: Path | None = None) -> Server:
    """``serve`` on a free port; with ``rerun_log``, its reruns are timed there (see install_rerun_timer)."""
    port = free_port()
    env = dict(os.environ)
    if rerun_log is not None:
        hook = rerun_log.parent / "rerun-timer"
        hook.mkdir(parents=True, exist_ok=True)
        (hook / "sitecustomize.py").write_text(_RERUN_TIMER_SITECUSTOMIZE, encoding="utf-8")
        rerun_log.write_text("", encoding="utf-8")
        env[RERUN_LOG_ENV] = str(rerun_log)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(hook), env.get("PYTHONPATH", "")) if p)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "serve", "--db", str(db_path), "--port", str(port),
             "--address", "127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,  # one process group: serve and its Streamlit child
            cwd=PROJECT_ROOT, env=env,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(t("bench.server_failed", lang, log=log_path))
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    stop_server(server)
    raise BenchError(t("bench.server_failed", lang, log=log_path))


def stop_server(server: Server) -> None:
    """End serve and its Streamlit child, and wait until both are gone (the child holds the database)."""
    pids = server.pids()
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=20)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids[1:]):
        time.sleep(0.1)
    for pid in pids[1:]:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


# Notes every change of Streamlit's script state with its time, and the time of
# the click (or Enter) that picks a selectbox option, so a rerun is timed inside the page
# (from the user's choice to the end of the script run) without a round trip.
_OBSERVER_JS = """() => {
  if (window.__bench) return;
  window.__bench = {t0: null, states: []};
  // The whole document, not one element: React may replace the app's root element.
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      window.__bench.states.push([m.target.getAttribute('data-test-script-state'), performance.now()]);
    }
  }).observe(document.body, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
  const chosen = () => { window.__bench.t0 = performance.now(); window.__bench.states = []; };
  window.addEventListener('keydown', (event) => { if (event.key === 'Enter') chosen(); }, true);
  window.addEventListener('pointerdown', (event) => {
    if (event.target.closest && event.target.closest('[role="option"]')) chosen();
  }, true);
}"""
# Finished: the script state went running -> notRunning after the pick. A browser
# too busy to paint may apply both in one update, so the state never shows
# "running"; then the URL (the script writes the school into it while it runs)
# naming the chosen school, with the script not running, counts as finished.
_RERUN_DONE_JS = """(school) => {
  const b = window.__bench;
  if (b.t0 === null) return null;
  let ran = false;
  for (const [state, at] of b.states) {
    if (state === 'running') ran = true;
    else if (ran && state === 'notRunning') return at - b.t0;
  }
  const app = document.querySelector('[data-testid="stApp"]');
  if (new URLSearchParams(location.search).get('school') === school
      && app && app.getAttribute('data-test-script-state') === 'notRunning') return performance.now() - b.t0;
  return null;
}"""
_RERUN_STARTED_JS = """(school) => window.__bench.t0 !== null
  && (window.__bench.states.length > 0 || new URLSearchParams(location.search).get('school') === school)"""
_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


async def _open(browser: Any, url: str) -> Any:
    context = await browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    page = await context.new_page()
    await page.goto(url, wait_until="domcontentloaded", timeout=RERUN_TIMEOUT_MS)
    await page.wait_for_function(_IDLE_JS, timeout=RERUN_TIMEOUT_MS)
    return page


async def _choose_school(page: Any, label: str, choice: tuple[str, str]) -> float:
    """Pick ``option`` in the school selectbox; milliseconds until the rerun finished.

    Under load a pick is now and then lost (the list closes before the click
    lands, and no rerun starts): then the pick is made again, and timed anew.
    """
    option, school_id = choice
    box = page.get_by_test_id("stSidebarUserContent").get_by_role("combobox", name=label, exact=True)
    for _ in range(PICK_ATTEMPTS):
        await box.click()
        await box.fill(option)
        item = page.get_by_role("option", name=option, exact=True).first
        await item.wait_for(timeout=RERUN_TIMEOUT_MS)
        await page.evaluate("() => { window.__bench.t0 = null; }")
        await item.click()
        try:
            await page.wait_for_function(_RERUN_STARTED_JS, arg=school_id, timeout=RERUN_START_TIMEOUT_MS,
                                         polling=RERUN_POLL_MS)
        except Exception:  # noqa: BLE001 - the pick was lost; make it again
            await page.keyboard.press("Escape")
            continue
        try:
            handle = await page.wait_for_function(_RERUN_DONE_JS, arg=school_id, timeout=RERUN_TIMEOUT_MS,
                                                  polling=RERUN_POLL_MS)
        except Exception as exc:  # noqa: BLE001 - a stuck rerun is reported with what the page saw
            seen = await page.evaluate("() => JSON.stringify(window.__bench)")
            raise BenchError(f"no finished rerun after choosing {option!r}: {seen}") from exc
        return float(await handle.json_value())
    seen = await page.evaluate("""() => {
      const app = document.querySelector('[data-testid="stApp"]');
      return JSON.stringify({url: location.href, connection: app && app.getAttribute('data-test-connection-state'),
                             script: app && app.getAttribute('data-test-script-state'), bench: window.__bench});
    }""")
    raise BenchError(f"no rerun started after choosing {option!r} {PICK_ATTEMPTS} times: {seen}")


async def _opened(browser: Any, url: str) -> Any:
    """A page of its own (own context: own cookies, own Streamlit session), loaded and observed."""
    page = await _open(browser, url)
    await page.evaluate(_OBSERVER_JS)
    return page


async def _session(page: Any, label: str, options: Sequence[tuple[str, str]],
                   pauses: Sequence[float] = ()) -> list[float]:
    """Choose each school in turn on an opened page; seconds per rerun, as the page saw them.
    With ``pauses``: wait ``pauses[i]`` seconds before the i-th choice (a user reading the page)."""
    times = []
    for i, option in enumerate(options):
        if i < len(pauses):
            await asyncio.sleep(pauses[i])
        times.append(await _choose_school(page, label, option) / 1000)
    # The context stays open until the browser closes: its CPU time still counts in the phase's shares.
    return times


async def _visit_all(browser: Any, base: str, trainee_id: str) -> None:
    for path in ("/", "/signalen", f"/constellatie?trainee={trainee_id}", "/vergelijken", "/gegevens"):
        page = await _open(browser, base + path)
        await page.context.close()


def install_rerun_timer(app_session_module: Any) -> None:
    """In the served Streamlit process: log every rerun of every session to ``$RERUN_LOG_ENV``.

    A rerun is timed at the server, from the moment the rerun request (a
    filter change) arrives over the session's websocket to the moment the
    script run has finished: queueing behind other sessions' work included,
    the browser's drawing excluded. A request that arrives while its session
    still waits keeps the earlier start; a run stopped for a newer request does
    not end the wait. One JSON line per rerun: session, requested, finished
    (``time.time()``, comparable across processes).
    """
    import threading

    from streamlit.runtime.scriptrunner import ScriptRunnerEvent

    log_path = os.environ[RERUN_LOG_ENV]
    lock = threading.Lock()
    waiting: dict[str, float] = {}
    finished = {ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR}
    session_class = app_session_module.AppSession
    handle_backmsg, on_event = session_class.handle_backmsg, session_class._on_scriptrunner_event

    def timed_handle_backmsg(self: Any, msg: Any) -> Any:
        if msg.WhichOneof("type") == "rerun_script":
            with lock:
                waiting.setdefault(self.id, time.time())
        return handle_backmsg(self, msg)

    def timed_on_event(self: Any, sender: Any, event: Any, *args: Any, **kwargs: Any) -> Any:
        if event in finished:
            now = time.time()
            with lock:
                started = waiting.pop(self.id, None)
                if started is not None:
                    with open(log_path, "a", encoding="utf-8") as log:
                        log.write(json.dumps({"session": self.id, "requested": started, "finished": now}) + "\n")
        return on_event(self, sender, event, *args, **kwargs)

    session_class.handle_backmsg = timed_handle_backmsg
    session_class._on_scriptrunner_event = timed_on_event


def server_reruns(rerun_log: Path, since: float, until: float) -> dict[str, list[float]]:
    """Seconds per rerun at the server, per session, for reruns requested between ``since`` and ``until``."""
    per_session: dict[str, list[float]] = {}
    for line in rerun_log.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rerun = json.loads(line)
        if since <= rerun["requested"] <= until:
            per_session.setdefault(rerun["session"], []).append(rerun["finished"] - rerun["requested"])
    return per_session


def lower_priority(pids: Sequence[int], nice: int = BROWSER_NICE) -> None:
    """Run every thread of ``pids`` only when the CPU has nothing else to do (SCHED_IDLE, and the nice
    value ``nice`` where that policy is not available); the processes and threads they start later
    inherit it. Linux keeps both per thread, so the threads are set one by one."""
    idle = getattr(os, "SCHED_IDLE", None)
    for pid in pids:
        try:
            threads = [int(entry.name) for entry in Path(f"/proc/{pid}/task").iterdir()]
        except OSError:
            continue
        for thread in threads:
            try:
                os.setpriority(os.PRIO_PROCESS, thread, nice)
                if idle is not None:
                    os.sched_setscheduler(thread, idle, os.sched_param(0))
            except OSError:
                continue  # gone meanwhile


async def _browser_phase(server: Server | Replicas, plan: Callable[[Any], Any]) -> Any:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        # Before any page exists: every renderer is forked later from these (zygote included).
        lower_priority(_browser_pids(server))
        try:
            return await plan(browser)
        finally:
            await browser.close()


def _school_labels(db_path: Path) -> list[tuple[str, str]]:
    """(name as the sidebar shows it, school_id), only for unique names (an exact pick)."""
    from dashboard import analysis

    with Database(db_path) as db:
        schools = analysis.filter_options(db)["schools"]
    pairs = [(str(name), str(school_id)) for school_id, name in schools]
    counts: dict[str, int] = {}
    for name, _ in pairs:
        counts[name] = counts.get(name, 0) + 1
    return [(name, school_id) for name, school_id in pairs if counts[name] == 1]


def _browser_pids(server: Server | Replicas) -> list[int]:
    # This process's descendants other than the server: the Playwright driver and Chromium.
    serving = set(server.pids())
    return [pid for pid in descendants(os.getpid()) if pid != os.getpid() and pid not in serving]


def _usage(server: Server | Replicas) -> dict[str, float]:
    """CPU seconds so far of serve, the browser (with its driver) and the whole machine; and the clock."""
    return {"serve": server.cpu_seconds(), "browser": cpu_seconds(_browser_pids(server)),
            "machine": machine_busy_seconds(), "wall": time.perf_counter()}


def _shares(server: Server | Replicas, before: Mapping[str, float]) -> dict[str, float]:
    """Busy cores during a phase: serve (with its child), the browser, the whole machine (others included).

    Browser processes that ended during the phase are missed; contexts stay open until the phase ends.
    """
    now = _usage(server)
    wall = now["wall"] - before["wall"]
    shares = {name: (now[name] - before[name]) / wall for name in ("serve", "browser", "machine")}
    return {**shares, "wall_s": wall, "serve_cpu_s": now["serve"] - before["serve"]}


def least_ratio_back_to_back(sessions: int, cpu_per_rerun: float | None, single_p95: float | None,
                             cores: int | None = None) -> float | None:
    """The smallest concurrent/single p95 ratio the machine allows when ``sessions`` sessions rerun
    back to back: with that many reruns in flight and each needing ``cpu_per_rerun`` CPU seconds,
    the server finishes at most cores / cpu_per_rerun reruns a second, so a rerun waits at least
    sessions * cpu_per_rerun / cores (Little's law; the browsers' own time between reruns only
    lowers the number in flight, hence "about")."""
    cores = cores or os.cpu_count() or 1
    if not cpu_per_rerun or not single_p95:
        return None
    return sessions * cpu_per_rerun / cores / single_p95


def _per_rerun(usage: Mapping[str, float] | None, reruns: Sequence[float]) -> float | None:
    """CPU seconds serve spent per rerun in a phase: its own cost of a filter change, without the browser's."""
    if not usage or not reruns:
        return None
    return usage["serve_cpu_s"] / len(reruns)


def think_pauses(sessions: int, count: int, seed: int = THINK_SEED,
                 think: tuple[float, float] = THINK_TIME_S) -> list[list[float]]:
    """Per session ``count`` pauses before its choices: the first within ``[0, think max)`` (a staggered
    start), the others uniform in ``think``. The same for every run with the same seed."""
    import random

    draw = random.Random(seed)
    low, high = think
    return [[draw.uniform(0.0, high)] + [draw.uniform(low, high) for _ in range(count - 1)]
            for _ in range(sessions)]


def _sequence(labels: Sequence[Any], start: int, count: int, stride: int) -> list[Any]:
    """``count`` labels from ``start`` in steps of ``stride`` (wrapping), never the same twice in a row:
    choosing the option already chosen would not rerun the script. With one distinct label, that label."""
    if len(set(labels)) < 2:
        return [labels[0]] * count if labels else []
    chosen: list[Any] = []
    position = start
    while len(chosen) < count:
        option = labels[position % len(labels)]
        if chosen and option == chosen[-1]:
            position += 1
            continue
        chosen.append(option)
        position += stride
    return chosen


@dataclass
class _Phase:
    """What one phase of sessions against a fresh server gave."""

    times: list[float]  # seconds per rerun, as the pages saw them
    per_session: list[list[float]]
    failed: list[str]
    usage: dict[str, float]
    window: tuple[float, float]
    peaks: dict[str, int]
    rerun_logs: list[Path] = field(default_factory=list)

    def at_server(self) -> dict[str, list[float]]:
        """Seconds per rerun at the server(s), per session (see :func:`server_reruns`)."""
        found: dict[str, list[float]] = {}
        for log in self.rerun_logs:
            found.update(server_reruns(log, *self.window))
        return found


def _sessions_phase(served: Path, work: Path, lang: str, rerun_log: Path, label: str,
                    plans: Sequence[Sequence[tuple[str, str]]], pauses: Sequence[Sequence[float]] | None,
                    replicas: int = 1) -> _Phase:
    """One session per plan against fresh ``serve`` processes (empty caches), all working at the same time.

    Without ``pauses`` every session changes its filter the moment its previous rerun ended (back to
    back: ten reruns always in flight); with them, each waits its pauses first (users reading).
    Each session its own schools (where there are enough), so the sessions do not fill each other's caches.
    With ``replicas`` > 1, that many servers each on their own copy of the database (as replicas on
    snapshots, docs/deployment.md), the sessions spread over them in turn (a sticky proxy's outcome).
    """
    name = rerun_log.stem.removeprefix("reruns-")
    logs = [rerun_log] + [rerun_log.with_name(f"{rerun_log.stem}-{i}.jsonl") for i in range(1, replicas)]
    databases = [served] + [work / f"serve-{name}-{i}.duckdb" for i in range(1, replicas)]
    for copy in databases[1:]:
        shutil.copyfile(served, copy)
    started: list[Server] = []
    try:
        for i, (database, log) in enumerate(zip(databases, logs)):
            started.append(start_server(database, work / f"serve-{name}{f'-{i}' if i else ''}.log", lang, log))
        server = Replicas(started)

        async def plan(browser: Any) -> tuple[list[Any], dict[str, float], tuple[float, float]]:
            # All pages open first (one browser, a context each), then the sessions start together.
            opened = await asyncio.gather(
                *(_opened(browser, server.urls[i % replicas] + "/") for i in range(len(plans))),
                return_exceptions=True)
            pages = [page for page in opened if not isinstance(page, BaseException)]
            before, began = _usage(server), time.time()
            found = await asyncio.gather(
                *(_session(page, label, options, pauses[i] if pauses else ())
                  for i, (page, options) in enumerate(zip(pages, plans))),
                return_exceptions=True)
            used, window = _shares(server, before), (began, time.time())
            return [*found, *(failure for failure in opened if isinstance(failure, BaseException))], used, window

        outcomes, used, window = asyncio.run(_browser_phase(server, plan))
        per_session = [list(times) for times in outcomes if not isinstance(times, BaseException)]
        failed = [str(outcome) for outcome in outcomes if isinstance(outcome, BaseException)]
        times = [x for session in per_session for x in session]
        if not times:
            raise BenchError("; ".join(failed))
        peaks = server.peak_rss()
    finally:
        for each in started:
            stop_server(each)
        for copy in databases[1:]:
            for leftover in (copy, copy.with_name(copy.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return _Phase(times, per_session, failed, used, window, peaks, logs)


def bench_browser(db_path: Path, n_trainees: int, runs: int, sessions: int, work: Path, scenarios: set[str],
                  lang: str, replicas: int = 1) -> list[Figure]:
    """Memory and concurrency against the real server; each phase on a fresh server (empty caches)."""
    if not CHROMIUM.exists():
        raise BenchError(t("bench.no_chromium", lang, path=CHROMIUM))
    served = work / "serve.duckdb"  # a copy: this process may still hold the original open
    shutil.copyfile(db_path, served)
    with Database(served) as db:
        school, _ = largest_school(db)
        from dashboard import analysis

        trainee_id = str(analysis.trainees(db, analysis.Filters(school=school))["trainee_id"].iloc[0])
    labels = _school_labels(served)
    if len(labels) < 2:
        raise BenchError(t("bench.too_few_schools", lang))
    label = t("filters.school", "nl")
    figures: list[Figure] = []
    peaks_visit: dict[str, int] = {}
    single: list[float] = []
    usage: dict[str, dict[str, float]] = {}  # busy cores of serve and of the whole machine, per phase
    windows: dict[str, tuple[float, float]] = {}  # per phase: when its timed reruns began and ended
    rerun_logs = {"single": work / "reruns-single.jsonl"}

    server = start_server(served, work / "serve-single.log", lang, rerun_logs["single"])
    try:
        async def single_plan(browser: Any) -> list[float]:
            await _visit_all(browser, server.url, trainee_id)
            peaks_visit.update(server.peak_rss())
            if "concurrency" not in scenarios:
                return []
            page = await _opened(browser, server.url + "/")
            before, began = _usage(server), time.time()
            times = await _session(page, label, _sequence(labels, 1, runs * 2, 1))
            usage["single"], windows["single"] = _shares(server, before), (began, time.time())
            return times

        single = asyncio.run(_browser_phase(server, single_plan))
        peaks_single = server.peak_rss()
    finally:
        stop_server(server)

    if "memory" in scenarios:
        total = sum(peaks_visit.values())
        figures.append(Figure(
            "memory", "peak RSS of serve, all pages visited", n_trainees, "bytes", total, total,
            target=f"< {TARGET_RSS_BYTES / 1024**3:g} GB (at {TARGET_SIZE:,})",
            met=(total < TARGET_RSS_BYTES) if n_trainees == TARGET_SIZE else None, samples=1,
            extra={"per_process_bytes": peaks_visit, "after_single_session_bytes": sum(peaks_single.values())},
        ))
    if "concurrency" not in scenarios:
        return figures

    per_session = max(2, min(runs, len(labels) // sessions))
    plans = [_sequence(labels, s + 1, per_session, sessions) for s in range(sessions)]
    phases: dict[str, _Phase] = {}
    runs_of = [("concurrent", None, 1), ("paced", think_pauses(sessions, per_session), 1)]
    if replicas > 1:
        runs_of.append(("replicas", None, replicas))
    for phase, pauses, count in runs_of:
        phases[phase] = _sessions_phase(served, work, lang, work / f"reruns-{phase}.jsonl", label, plans, pauses,
                                        replicas=count)
        usage[phase], windows[phase] = phases[phase].usage, phases[phase].window
    peaks_concurrent = phases["concurrent"].peaks

    at_server = {"single": server_reruns(rerun_logs["single"], *windows["single"]),
                 **{phase: found.at_server() for phase, found in phases.items()}}
    server_single = [x for times in at_server["single"].values() for x in times]
    single_p95 = percentile(single, 0.95)
    server_single_p95 = percentile(server_single, 0.95) if server_single else None
    browser_note = "none here: timed in the browser, its drawing included"
    figures.append(Figure(
        "concurrency", "single session (school filter change)", n_trainees, "s", statistics.median(single),
        single_p95, samples=len(single), target=browser_note,
        extra={"busy_cores": usage.get("single"), "rerun_s": single,
               "serve_cpu_s_per_rerun": _per_rerun(usage.get("single"), single)}))
    for phase, title in (("concurrent", f"{sessions} sessions at once, back to back"),
                         ("paced", f"{sessions} sessions at once, with reading time"),
                         ("replicas", f"{sessions} sessions at once, back to back, {replicas} replicas")):
        if phase not in phases:
            continue
        found = phases[phase]
        p95 = percentile(found.times, 0.95)
        figures.append(Figure(
            "concurrency", f"{title} (school filter change)", n_trainees, "s",
            statistics.median(found.times), p95, single_p95, _ratio(p95, single_p95),
            target=browser_note, samples=len(found.times),
            extra={"sessions": sessions, "reruns_per_session": per_session,
                   "peak_rss_bytes": sum(found.peaks.values()),
                   "busy_cores": usage.get(phase), "failed_sessions": found.failed,
                   "serve_cpu_s_per_rerun": _per_rerun(usage.get(phase), found.times),
                   "rerun_s_per_session": found.per_session},
        ))
    if server_single:
        figures.append(Figure(
            "concurrency", "single session, at the server (school filter change)", n_trainees, "s",
            statistics.median(server_single), server_single_p95, samples=len(server_single),
            extra={"rerun_s": server_single}))
    for phase, title in (("concurrent", f"{sessions} sessions at once, back to back"),
                         ("paced", f"{sessions} sessions at once, reading {THINK_TIME_S[0]:g}-{THINK_TIME_S[1]:g} s"
                                   " between changes"),
                         ("replicas", f"{sessions} sessions at once, back to back, {replicas} replicas")):
        if phase not in at_server:
            continue
        reruns = [x for times in at_server[phase].values() for x in times]
        if not server_single or not reruns:
            continue
        p95 = percentile(reruns, 0.95)
        ratio = _ratio(p95, server_single_p95)
        cpu_per_rerun = _per_rerun(usage.get(phase), phases[phase].times)
        extra: dict[str, Any] = {
            "sessions": len(at_server[phase]), "rerun_s_per_session": list(at_server[phase].values()),
            "browser_reruns": len(phases[phase].times), "serve_cpu_s_per_rerun": cpu_per_rerun,
        }
        target = f"p95 <= {TARGET_CONCURRENCY_RATIO:g} x single-session p95"
        if phase == "paced":
            extra["think_time_s"] = list(THINK_TIME_S)
        else:
            extra["replicas"] = replicas if phase == "replicas" else 1
            bound = least_ratio_back_to_back(sessions, cpu_per_rerun, server_single_p95)
            extra["least_possible_ratio"] = bound
            if bound is not None:
                target += f" (back to back on {os.cpu_count()} cores: >= {bound:.1f}x)"
        figures.append(Figure(
            "concurrency", f"{title}, at the server (school filter change)", n_trainees, "s",
            statistics.median(reruns), p95, server_single_p95, ratio, target=target,
            met=ratio is not None and ratio <= TARGET_CONCURRENCY_RATIO, samples=len(reruns), extra=extra))
    if "memory" in scenarios:
        figures.append(Figure(
            "memory", f"peak RSS of serve, {sessions} sessions", n_trainees, "bytes",
            sum(peaks_concurrent.values()), sum(peaks_concurrent.values()), samples=1,
            extra={"per_process_bytes": peaks_concurrent}))
    return figures


# --- the whole run ------------------------------------------------------------------------


def machine_facts() -> dict[str, Any]:
    import duckdb
    import streamlit

    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "streamlit": streamlit.__version__,
        "load_average_at_start": list(os.getloadavg()),
    }


def growth(figures: Sequence[Figure]) -> list[dict[str, Any]]:
    """Per measure, the exponent k of time ~ trainees^k between the smallest and largest size measured."""
    by_name: dict[tuple[str, str], list[Figure]] = {}
    for figure in figures:
        if figure.unit == "s" and figure.median:
            by_name.setdefault((figure.scenario, figure.name), []).append(figure)
    found = []
    for (scenario, name), series in by_name.items():
        sizes = sorted({f.trainees for f in series})
        if len(sizes) < 2:
            continue
        at = {f.trainees: f.median for f in series}

        def slope(low: int, high: int) -> float:
            return math.log(at[high] / at[low]) / math.log(high / low)

        # Fixed costs flatten the small sizes, so the step between the two largest sizes is judged too.
        exponent, upper = slope(sizes[0], sizes[-1]), slope(sizes[-2], sizes[-1])
        found.append({"scenario": scenario, "name": name, "from": sizes[0], "to": sizes[-1],
                      "exponent": exponent, "upper_from": sizes[-2], "upper_exponent": upper,
                      "target": f"<= {TARGET_GROWTH_EXPONENT:g} (at most linear)",
                      "met": max(exponent, upper) <= TARGET_GROWTH_EXPONENT})
    return found


def _stable_name(name: str) -> str:
    # "measures (one school, 51 trainees)": the school's size differs per dataset; the curve joins by measure.
    for group in ("one school", "one institute"):
        if f"({group}" in name:
            return name.split(f" ({group}")[0] + f" ({group})"
    return name


def run(sizes: Sequence[int], runs: int, seed: int, scenarios: set[str], sessions: int, out: Path,
        cache: Path | None, lang: str, echo: Callable[[str], None] = print, replicas: int = 1) -> dict[str, Any]:
    """Measure every size in turn; the JSON file is rewritten after each size."""
    result: dict[str, Any] = {
        "machine": machine_facts(), "settings": {"sizes": list(sizes), "runs": runs, "seed": seed,
                                                 "scenarios": sorted(scenarios), "sessions": sessions,
                                                 "replicas": replicas},
        "datasets": [], "figures": [], "growth": [], "errors": [],
    }
    for n in sizes:
        work = (cache or cache_root()) / f"{n}-{seed}"
        echo(t("bench.generating", lang, trainees=n))
        started = time.perf_counter()
        folder = dataset_folder(n, seed, cache)
        result_size: list[Figure] = []
        echo(t("bench.measuring", lang, trainees=n, what="import"))
        if "import" in scenarios or not (work / "bench.duckdb").exists():
            figure, db_path, counts = bench_import(folder, n, runs if "import" in scenarios else 1, work, lang)
            if "import" in scenarios:
                result_size.append(figure)
        else:
            db_path = work / "bench.duckdb"
            with Database(db_path) as db:
                counts = db.table_counts()
        result["datasets"].append({"trainees": n, "seed": seed, "relationships": counts.get("relationships", 0),
                                   "people": counts.get("people", 0), "consultations": counts.get("consultations", 0),
                                   "prepared_s": time.perf_counter() - started})
        if "analysis" in scenarios:
            echo(t("bench.measuring", lang, trainees=n, what="analysis"))
            with Database(db_path) as db:
                result_size += bench_analysis(db, n, runs)
                result_size += bench_step_six(db, n, runs)
                result_size += bench_programme(db, n, runs)
            result_size += bench_derived(db_path, n, runs, work)
        if "pages" in scenarios:
            echo(t("bench.measuring", lang, trainees=n, what="pages"))
            result_size += bench_pages(db_path, n, runs, lang)
        if "capture" in scenarios:
            echo(t("bench.measuring", lang, trainees=n, what="capture"))
            result_size.append(bench_capture(db_path, n, runs, work))
        if scenarios & BROWSER_SCENARIOS:
            echo(t("bench.measuring", lang, trainees=n, what="concurrency/memory"))
            try:
                result_size += bench_browser(db_path, n, runs, sessions, work, scenarios, lang, replicas)
            except Exception as exc:  # noqa: BLE001 - the other figures of this size still count
                result["errors"].append({"trainees": n, "scenario": "concurrency/memory", "error": str(exc)[:2000]})
                echo(t("bench.scenario_failed", lang, trainees=n, what="concurrency/memory", error=str(exc)[:500]))
        for figure in result_size:
            figure.name = _stable_name(figure.name)
        result["figures"] += [asdict(f) for f in result_size]
        result["growth"] = growth([Figure(**f) for f in result["figures"]])
        write_json(result, out)
        if len(sizes) > 1:
            echo(table([Figure(**f) for f in result["figures"] if f["trainees"] == n], lang))
    return result


def write_json(result: Mapping[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(out)


# --- output -----------------------------------------------------------------------------


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "bytes":
        return f"{value / 1024**2:,.0f} MB"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def replayed_floor(figure: Figure) -> float | None:
    """The old floor kept beside the new one: the figure's own SQL replayed (pages: plus an empty rerun)."""
    return figure.extra.get("replayed_sql_s", figure.extra.get("replayed_floor_s"))


def table(figures: Sequence[Figure], lang: str) -> str:
    yes, no = t("bench.yes", lang), t("bench.no", lang)
    headers = [t(f"bench.column.{c}", lang) for c in
               ("scenario", "measure", "trainees", "median", "p95", "floor", "ratio", "replayed", "target", "met")]
    rows = []
    for f in figures:
        met = "-" if f.met is None else (yes if f.met else no)
        median = _amount(f.median, f.unit)
        if f.scenario == "import":
            median += f" ({f.extra.get('relationships_per_s', 0):,.0f}/s)"
        rows.append([f.scenario, f.name, f"{f.trainees:,}", median, _amount(f.p95, f.unit),
                     _amount(f.floor, f.unit), "-" if f.ratio is None else f"{f.ratio:.1f}x",
                     _amount(replayed_floor(f), f.unit), f.target, met])
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(headers, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def summary(result: Mapping[str, Any], lang: str) -> str:
    facts = result["machine"]
    lines = [t("bench.machine", lang, cores=facts["cores"], memory=facts["memory_bytes"] / 1024**3,
               python=facts["python"], duckdb=facts["duckdb"], streamlit=facts["streamlit"])]
    for d in result["datasets"]:
        lines.append(t("bench.dataset", lang, trainees=d["trainees"], relationships=d["relationships"],
                       seed=d["seed"]))
    for g in result["growth"]:
        lines.append(t("bench.growth", lang, name=f"{g['scenario']}: {g['name']}", low=g["from"], high=g["to"],
                       exponent=g["exponent"], upper_low=g.get("upper_from", g["from"]),
                       upper=g.get("upper_exponent", g["exponent"]),
                       met=t("bench.yes" if g["met"] else "bench.no", lang)))
    for error in result.get("errors", []):
        lines.append(t("bench.scenario_failed", lang, trainees=error["trainees"], what=error["scenario"],
                       error=error["error"][:500]))
    return "\n".join(lines)


def markdown_table(result: Mapping[str, Any]) -> str:
    """The figures as a Markdown table (English: docs/performance.md), by scenario, measure and size."""
    order = {name: i for i, name in enumerate(SCENARIOS)}
    figures = sorted((Figure(**f) for f in result["figures"]),
                     key=lambda f: (order.get(f.scenario, 99), f.name, f.trainees))
    lines = ["| scenario | measure | trainees | median | p95 | floor | ratio | replayed | target | met |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for f in figures:
        median = _amount(f.median, f.unit)
        if f.scenario == "import":
            median += f" ({f.extra.get('relationships_per_s', 0):,.0f} rel/s)"
        met = "" if f.met is None else ("yes" if f.met else "**no**")
        lines.append(f"| {f.scenario} | {f.name} | {f.trainees:,} | {median} | {_amount(f.p95, f.unit)} | "
                     f"{_amount(f.floor, f.unit)} | {'' if f.ratio is None else f'{f.ratio:.1f}x'} | "
                     f"{_amount(replayed_floor(f), f.unit) if replayed_floor(f) is not None else ''} | "
                     f"{f.target.replace('|', '/')} | {met} |")
    return "\n".join(lines) + "\n"


def _svg_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def curve_svg(result: Mapping[str, Any]) -> str:
    """The cost curve: median seconds against trainees, both axes logarithmic, one line per measure.

    Drawn by hand (no static image export is installed): plain SVG from the JSON numbers.
    """
    series = _curve_series(result)
    width, height, left, right, top, bottom = 960, 560, 70, 330, 30, 50
    points = [p for values in series.values() for p in values]
    if not points:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>\n'
    xs = [math.log10(x) for x, _ in points]
    ys = [math.log10(y) for _, y in points]
    x_low, x_high = math.floor(min(xs)), math.ceil(max(xs))
    y_low, y_high = math.floor(min(ys)), math.ceil(max(ys))
    x_high = max(x_high, x_low + 1)
    y_high = max(y_high, y_low + 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (math.log10(x) - x_low) / (x_high - x_low) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (math.log10(y) - y_low) / (y_high - y_low) * plot_h

    colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
               "#bcbd22", "#17becf"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for e in range(x_low, x_high + 1):
        x = left + (e - x_low) / (x_high - x_low) * plot_w
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{10 ** e:,}</text>')
    for e in range(y_low, y_high + 1):
        y = top + plot_h - (e - y_low) / (y_high - y_low) * plot_h
        label = f"{10 ** e * 1000:g} ms" if e < 0 else f"{10 ** e:g} s"
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    # A dashed line of slope 1 from the first point of the slowest measure: linear growth, for comparison.
    x0, y0 = min(points, key=lambda p: (p[0], -p[1]))
    x1 = 10 ** x_high
    out.append(f'<line x1="{px(x0):.1f}" y1="{py(y0):.1f}" x2="{px(x1):.1f}" y2="{py(y0 * x1 / x0):.1f}" '
               f'stroke="#999" stroke-dasharray="6 4"/>')
    out.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#333"/>')
    out.append(f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">trainees (log)</text>')
    out.append(f'<text x="16" y="{top + plot_h / 2}" text-anchor="middle" '
               f'transform="rotate(-90 16 {top + plot_h / 2})">median time (log)</text>')
    out.append(f'<clipPath id="plot"><rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}"/></clipPath>')
    for i, (name, values) in enumerate(series.items()):
        colour = colours[i % len(colours)]
        values = sorted(values)
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in values)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" clip-path="url(#plot)"/>')
        out += [f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>' for x, y in values]
        ly = top + 14 + i * 18
        out.append(f'<line x1="{width - right + 14}" y1="{ly - 4}" x2="{width - right + 34}" y2="{ly - 4}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 40}" y="{ly}">{_svg_escape(name)}</text>')
    ly = top + 14 + len(series) * 18
    out.append(f'<line x1="{width - right + 14}" y1="{ly - 4}" x2="{width - right + 34}" y2="{ly - 4}" '
               f'stroke="#999" stroke-dasharray="6 4"/>')
    out.append(f'<text x="{width - right + 40}" y="{ly}">linear growth (slope 1)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _curve_series(result: Mapping[str, Any]) -> dict[str, list[tuple[int, float]]]:
    series: dict[str, list[tuple[int, float]]] = {}
    for f in result["figures"]:
        if f["unit"] == "s" and f["median"] and f["scenario"] in ("import", "analysis", "pages", "capture"):
            series.setdefault(f"{f['scenario']}: {f['name']}", []).append((f["trainees"], f["median"]))
    return {name: sorted(values) for name, values in series.items()}


def curve_figure(result: Mapping[str, Any]) -> Any:
    """The cost curve as a plotly figure: median seconds against trainees, log axes, one line per measure."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for name, values in _curve_series(result).items():
        figure.add_trace(go.Scatter(x=[x for x, _ in values], y=[y for _, y in values], mode="lines+markers",
                                    name=_svg_escape(name)))
    sizes = sorted({f["trainees"] for f in result["figures"]})
    if sizes:
        # Linear growth from the slowest measure at the smallest size, for comparison.
        start = max((values[0][1] for values in _curve_series(result).values() if values[0][0] == sizes[0]),
                    default=None)
        if start is not None:
            figure.add_trace(go.Scatter(x=[sizes[0], sizes[-1]], y=[start, start * sizes[-1] / sizes[0]],
                                        mode="lines", name="linear growth (slope 1)",
                                        line={"dash": "dash", "color": "#999"}))
    facts = result["machine"]
    figure.update_layout(
        title=f"Cost curve: median time against trainees ({facts['cores']} cores, DuckDB {facts['duckdb']})",
        xaxis={"type": "log", "title": "trainees (3 waves)"}, yaxis={"type": "log", "title": "median time (s)"},
        width=1100, height=620, template="plotly_white", legend={"font": {"size": 11}},
    )
    return figure


def curve_png(result: Mapping[str, Any], path: Path) -> None:
    """The plotly figure as PNG, rendered by headless Chromium (no static-export package is installed)."""
    # Playwright's sync API refuses a thread that runs an asyncio loop (a
    # process already driving a browser has one); a fresh worker thread has none.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(_render_curve_png, result, path).result()


def _render_curve_png(result: Mapping[str, Any], path: Path) -> None:
    import plotly.io as pio
    from playwright.sync_api import sync_playwright

    html = pio.to_html(curve_figure(result), include_plotlyjs=True, full_html=True, config={"staticPlot": True})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1140, "height": 660})
            page.set_content(html, wait_until="load")
            page.wait_for_selector(".main-svg")
            page.locator(".plotly-graph-div").first.screenshot(path=str(path))
        finally:
            browser.close()


def write_curve(result: Mapping[str, Any], path: Path) -> None:
    """``path`` ending in .png: the plotly figure (needs Chromium); anything else: a hand-drawn SVG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".png" and CHROMIUM.exists():
        curve_png(result, path)
    else:
        path.write_text(curve_svg(result), encoding="utf-8")


# --- command line ---------------------------------------------------------------------------


def command_bench(args: argparse.Namespace) -> int:
    lang = normalise_language(getattr(args, "lang", "nl"))
    sizes = args.trainees or list(DEFAULT_SIZES)
    scenarios = set(args.scenarios or SCENARIOS)
    if args.skip_browser:
        scenarios -= BROWSER_SCENARIOS
    replicas = getattr(args, "replicas", 1)
    if any(n < 1 for n in sizes) or args.runs < 1 or args.sessions < 1 or replicas < 1:
        print(t("bench.invalid_number", lang), file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else DEFAULT_OUT
    curve = Path(args.curve) if args.curve else None
    if args.from_json:
        try:
            result = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            print(t("bench.cannot_read", lang, path=args.from_json, reason=exc), file=sys.stderr)
            return 2
    else:
        try:
            result = run(sizes, args.runs, args.seed, scenarios, args.sessions, out,
                         Path(args.cache) if args.cache else None, lang,
                         echo=lambda line: print(line, flush=True), replicas=replicas)
        except BenchError as exc:
            print(exc, file=sys.stderr)
            return 1
    print()
    print(summary(result, lang))
    print(table([Figure(**f) for f in result["figures"]], lang))
    if curve is not None:
        write_curve(result, curve)
        print(t("bench.curve_written", lang, path=curve))
    if args.markdown:
        Path(args.markdown).write_text(markdown_table(result), encoding="utf-8")
    if not args.from_json:
        print(t("bench.json_written", lang, path=out))
    return 0
