"""Speed of the dashboard pages on a national-size dataset (a benchmark, not a test).

    python benchmarks/pages.py [--trainees 40000] [--seed 2025] [--runs 7] [--db FILE]

Builds the dataset with ``dashboard.generator`` and ``dashboard.importer``
(kept and reused when ``--db`` names an existing file), then drives the real
app with Streamlit's AppTest, in one process, as a server would:

* per page: the median time of a rerun after a filter change (each run picks
  another school, so the page's cached loaders miss and recompute), plus the
  first, unfiltered run (all 40,000 trainees, cold cache);
* the constellation page for one trainee (another trainee each run).

Targets (issue 4): a filter change reruns any page in under 300 ms median;
the constellation page for one trainee under 150 ms. Prints one table with
the machine and the data size.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from dashboard.db import DB_ENV_VAR, PROJECT_ROOT, Database

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
PAGES = {
    "overzicht": "views/overzicht.py",
    "signalen": "views/signalen.py",
    "vergelijken": "views/vergelijken.py",
}
TARGET_FILTER_MS = 300
TARGET_CONSTELLATION_MS = 150


def build_database(path: Path, n_trainees: int, seed: int) -> None:
    from dashboard.generator import generate
    from dashboard.importer import import_dataset
    from dashboard.interchange import write_dataset

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_dataset(generate(n_trainees, seed), Path(folder))
        generated = time.perf_counter()
        with Database(path) as db:
            result = import_dataset(db, Path(folder))
        print(f"generated in {generated - started:.1f} s, imported in {time.perf_counter() - generated:.1f} s",
              file=sys.stderr)
        if not result.ok:
            raise SystemExit(f"import failed: {list(result.errors)[:5]}")


def app_on(page: str | None, **query: str):
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(APP, default_timeout=600)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def check(app) -> None:
    if app.exception or app.error:
        raise SystemExit(f"the page failed: {[e.value for e in app.exception] or [e.value for e in app.error]}")


def timed_run(app) -> float:
    started = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - started
    check(app)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="database file to use (built when missing)")
    args = parser.parse_args(argv)

    db_path = args.db or Path(tempfile.gettempdir()) / f"constellatiemonitor-pages-{args.trainees}-{args.seed}.duckdb"
    if not db_path.exists():
        build_database(db_path, args.trainees, args.seed)
    os.environ[DB_ENV_VAR] = str(db_path)
    with Database(db_path) as db:
        schools = db.query("analysis/filter_schools")["school_id"].tolist()
        n_trainees = db.table_counts()["trainees"]
        n_relationships = db.table_counts()["relationships"]
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    rows: list[tuple[str, float, float, float, float]] = []  # page, first run, median, max, cached (ms)
    for name, page in PAGES.items():
        started = time.perf_counter()
        # Every page is opened with switch_page, so that all run alike in AppTest
        # (the sidebar is then not drawn, and its filters come from the session).
        app = app_on(page)
        first = time.perf_counter() - started
        check(app)
        times = []
        for school in schools[1: args.runs + 1]:
            app.session_state["ui_filter_school"] = school
            times.append(timed_run(app))
        cached = statistics.median([timed_run(app) for _ in range(args.runs)])
        rows.append((f"/{'' if name == 'overzicht' else name} (school filter change)", first * 1000,
                     statistics.median(times) * 1000, max(times) * 1000, cached * 1000))

    # The constellation page: another trainee each run (no cache hit).
    from dashboard import analysis

    with Database(db_path) as db:
        ids = analysis.trainees(db, analysis.Filters(school=schools[0]))["trainee_id"].tolist()
    app = app_on("views/constellatie.py", trainee=ids[0])
    check(app)
    times = []
    for trainee_id in ids[1: args.runs + 1]:
        app.query_params["trainee"] = trainee_id
        times.append(timed_run(app))
    cached = statistics.median([timed_run(app) for _ in range(args.runs)])
    rows.append(("/constellatie?trainee=… (another trainee)", float("nan"), statistics.median(times) * 1000,
                 max(times) * 1000, cached * 1000))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"data: {n_trainees:,} trainees, {n_relationships:,} relationships ({db_path})")
    print(f"runs per figure: {args.runs}; targets: filter change < {TARGET_FILTER_MS} ms, "
          f"constellation < {TARGET_CONSTELLATION_MS} ms (median)")
    print("first run: cold cache, no filter; median/max: reruns after the change; cached: rerun with nothing changed")
    print(f"{'page':48} {'first run':>10} {'median':>10} {'max':>10} {'cached':>10}")
    for label, first, median, worst, cached in rows:
        first_text = "" if first != first else f"{first:,.0f} ms"
        print(f"{label:48} {first_text:>10} {median:>7,.0f} ms {worst:>7,.0f} ms {cached:>7,.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
