"""`rbdash import` of one folder by two (or more) code trees, run by run alternated, each into a
fresh DuckDB file: medians of the wall time and of the CPU time of the whole process tree (the
importing process and its parse workers).  On a shared machine the load moves both sides alike
only when they alternate; the CPU seconds are the steadier figure.

    git archive 414ae95 | tar -x -C ../before
    .venv/bin/python bench/alternate_import.py --runs 5 bench/out/550 ../before .
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(tree: Path, folder: Path) -> tuple[float, float]:
    db = Path(tempfile.mkdtemp(prefix="rbdash-alt-"))
    try:
        before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "rbdash", "import", "--db", str(db / "bench.duckdb"), str(folder)],
                           cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall, after = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        shutil.rmtree(db)
    if p.returncode != 0:
        sys.exit(f"{tree}: import failed: {p.stderr.strip()[-300:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("folder", type=Path)
    ap.add_argument("trees", type=Path, nargs="+", help="code trees (the first is the baseline)")
    args = ap.parse_args()
    folder = args.folder.resolve()
    results = {tree: [] for tree in args.trees}
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for i in range(args.runs):
        for tree in args.trees if i % 2 == 0 else args.trees[::-1]:
            results[tree].append(run(tree, folder))
    print(f"load average after:  {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    base = None
    for tree, found in results.items():
        wall, cpu = statistics.median(w for w, _ in found), statistics.median(c for _, c in found)
        base = base or (wall, cpu)
        print(f"{tree}: wall {wall:.2f} s, CPU {cpu:.2f} s (x{wall / base[0]:.2f} wall, x{cpu / base[1]:.2f} CPU); "
              f"runs {', '.join(f'{w:.2f}/{c:.2f}' for w, c in found)}")


if __name__ == "__main__":
    main()
