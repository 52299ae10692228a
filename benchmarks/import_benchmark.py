"""Import and export speed on a generated partnership; prints figures.

    python benchmarks/import_benchmark.py [N_TRAINEES ...]

For each size: the dataset is generated once (dashboard.generator) and written
as CSV; then a dry run (validation only), a first import into an empty
database, the same import again as a merge (every row already there), a
replace, and an export are timed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from dashboard.db import Database
from dashboard.exporter import export_dataset
from dashboard.generator import generate
from dashboard.importer import import_dataset
from dashboard.interchange import write_dataset


def _timed(label: str, relationships: int, action) -> None:
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    ok = getattr(result, "ok", True)
    print(f"  {label:<28} {seconds:7.2f} s   {relationships / seconds:10,.0f} relationships/s   ok={ok}")


def run(n_trainees: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        tables = generate(n_trainees, 2025)
        source = write_dataset(tables, root / "data")
        n = len(tables["relationships"])
        rows = sum(len(frame) for frame in tables.values())
        print(f"{n_trainees} trainees: {n} relationships, {rows} rows in {len(tables)} files")
        with Database(root / "bench.duckdb") as db:
            _timed("dry run (validate only)", n, lambda: import_dataset(db, source, dry_run=True))
            _timed("import into empty db", n, lambda: import_dataset(db, source))
            _timed("merge, all rows existing", n, lambda: import_dataset(db, source))
            _timed("replace", n, lambda: import_dataset(db, source, replace=True))
            _timed("export (csv)", n, lambda: export_dataset(db, root / "out"))


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [400, 4000, 40000]:
        run(size)
