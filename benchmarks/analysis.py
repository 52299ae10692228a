"""Speed of the analysis layer on a national-size dataset (a benchmark, not a test).

    python benchmarks/analysis.py [--trainees 40000] [--seed 2025] [--runs 7] [--db FILE]

Generates the dataset with ``dashboard.generator`` and imports it with
``dashboard.importer`` into a DuckDB file (kept and reused when ``--db`` names
an existing file), then times, as the pages ask them:

* signals for everyone (each trainee's latest wave),
* coverage by school,
* measures for one school (the largest),
* and, for scale, signals for that one school (what a schoolopleider asks),

each as the median of several runs, beside the same SQL executed directly
on a DuckDB cursor (the floor: no Python around it). Target: each under one
second on a 2-core machine. Prints one table with the machine and data size.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from dashboard import analysis
from dashboard.analysis import Filters
from dashboard.db import Database, bind_used, load_sql


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
        ok = getattr(result, "ok", True)
        print(f"generated in {generated - started:.1f} s, imported in {time.perf_counter() - generated:.1f} s"
              f" (ok={ok})", file=sys.stderr)
        if not ok:
            raise SystemExit("import failed; see dashboard.importer output")


def timed(action: Callable[[], object], runs: int) -> tuple[list[float], list[float], object]:
    """Wall-clock and CPU seconds (all threads of this process) per run."""
    times, cpu, result = [], [], None
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = action()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return times, cpu, result


def sql_floor(db: Database, parts: list[str], params: dict) -> Callable[[], object]:
    """The question's SQL alone, on its own cursor, with the same bound tables and parameters."""
    # The private helpers are used on purpose: the floor must run exactly the statement analysis runs.
    sql = "\n".join(load_sql(part) for part in parts)
    bound = bind_used(sql, params)
    tables = {**analysis._analysis_tables(db, None), **analysis._message_tables(db, "nl")}

    def run() -> object:
        cur = db.cursor()
        try:
            for name, frame in tables.items():
                cur.register(name, frame)
            return cur.execute(sql, bound).fetchall()
        finally:
            cur.close()

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path, help="database file to use (built when missing)")
    args = parser.parse_args(argv)

    path = args.db or Path(tempfile.gettempdir()) / f"cm-bench-{args.trainees}-{args.seed}.duckdb"
    if not path.exists():
        build_database(path, args.trainees, args.seed)

    with Database(path, read_only=True) as db:
        counts = db.table_counts()
        per_school = analysis.trainees(db)["school_id"].value_counts()
        school, school_size = str(per_school.index[0]), int(per_school.iloc[0])
        no_filters = {"school": None, "institute": None, "cohort": None, "programme": None, "wave": None,
                      "trainee": None}
        questions = [
            ("signals (all trainees)",
             lambda: analysis.signals(db),
             sql_floor(db, ["analysis/_scope", "analysis/_coverage", "analysis/signals"], no_filters)),
            ("coverage_by school",
             lambda: analysis.coverage_by(db, "school"),
             sql_floor(db, ["analysis/_scope", "analysis/_coverage", "analysis/coverage_by"],
                       {**no_filters, "by": "school"})),
            (f"signals (school {school})",
             lambda: analysis.signals(db, Filters(school=school)),
             sql_floor(db, ["analysis/_scope", "analysis/_coverage", "analysis/signals"],
                       {**no_filters, "school": school})),
            (f"measures (school {school}, {school_size} trainees)",
             lambda: analysis.measures(db, Filters(school=school)),
             sql_floor(db, ["analysis/_scope", "analysis/measures"], {**no_filters, "school": school})),
        ]
        rows = []
        for label, full, floor in questions:
            full()  # warm-up: first run loads the files and fills DuckDB's caches
            full_times, full_cpu, result = timed(full, args.runs)
            floor_times, floor_cpu, _ = timed(floor, args.runs)
            rows.append((label, len(result), statistics.median(full_times), min(full_times),
                         statistics.median(full_cpu), statistics.median(floor_times), statistics.median(floor_cpu)))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")
    print(f"dataset: {counts.get('trainees', 0):,} trainees, {counts.get('people', 0):,} people, "
          f"{counts.get('relationships', 0):,} relationships, {counts.get('consultations', 0):,} consultations, "
          f"{counts.get('needs', 0):,} needs (seed {args.seed}); {args.runs} runs each, median")
    print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
          "(above the core count, other processes share the CPU and wall times grow)")
    print()
    header = (f"{'question':<42} {'rows':>8} {'median s':>9} {'min s':>7} {'cpu s':>6}"
              f" {'SQL only s':>11} {'SQL cpu s':>10} {'< 1 s':>6}")
    print(header)
    print("-" * len(header))
    for label, n_rows, median, fastest, cpu, floor, floor_cpu in rows:
        print(f"{label:<42} {n_rows:>8,} {median:>9.3f} {fastest:>7.3f} {cpu:>6.2f}"
              f" {floor:>11.3f} {floor_cpu:>10.2f} {'yes' if median < 1 else 'NO':>6}")
    print("\n(median s / min s: wall clock of the public function; cpu s: CPU seconds of all threads;"
          " SQL only: the same statement on a bare DuckDB cursor, rows fetched, no DataFrame)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
