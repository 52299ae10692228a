"""How long the generator takes, and how big its output is, for growing N.

Run: python benchmarks/generator_benchmark.py [N ...]   (default 1000 10000 40000 100000)
Prints one line per N: seconds to generate the frames and to write the CSV
folder (CPU seconds of this process, which a busy machine disturbs less than
wall-clock time; wall time in brackets), rows of relationships and people,
and peak memory of the process so far.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from dashboard.generator import generate
from dashboard.interchange import write_dataset


def main(sizes: list[int]) -> None:
    print(f"{'trainees':>9} {'generate s (wall)':>18} {'write csv s (wall)':>19} {'relationships':>14} "
          f"{'people':>8} {'peak MB':>8}")
    for n in sizes:
        cpu, wall = time.process_time(), time.perf_counter()
        tables = generate(n, 2025)
        generated = (time.process_time() - cpu, time.perf_counter() - wall)
        with tempfile.TemporaryDirectory() as folder:
            cpu, wall = time.process_time(), time.perf_counter()
            write_dataset(tables, Path(folder) / "out")
            written = (time.process_time() - cpu, time.perf_counter() - wall)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>9} {generated[0]:>9.2f} ({generated[1]:>6.2f}) {written[0]:>10.2f} ({written[1]:>6.2f}) "
              f"{len(tables['relationships']):>14} {len(tables['people']):>8} {peak_mb:>8.0f}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000, 40000, 100000])
