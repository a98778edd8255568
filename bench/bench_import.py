"""Import benchmark: rbdash parse+import versus pandas.read_excel(engine="openpyxl") on the same files.

    .venv/bin/python bench/bench_import.py --offices 120 --runs 5
    .venv/bin/python bench/bench_import.py --offices 550 --runs 3

Generates N synthetic offices' workbooks (every fixture family, random variations, fixed seeds) once
into bench/out/N/, then alternates the two contenders run by run (machines are noisy: comparing
medians taken in the same run is fairer than absolute numbers) and prints the ratio of medians, of
wall time and of CPU time (rbdash's: the importing process and its parse workers; on a machine shared
with other work the CPU ratio is the steadier one).
"""

import argparse
import contextlib
import io
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from rbdash import cli, demo, workers  # noqa: E402
from rbdash.excel import parse_workbook  # noqa: E402
from rbdash.store import Store  # noqa: E402


def workbooks(n):
    folder = ROOT / "bench" / "out" / str(n)
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(folder.glob("*.xlsx"))
    if len(files) == n:
        return files
    names = demo.office_names()
    for i in range(n):
        family = demo.FAMILIES[i % len(demo.FAMILIES)]
        demo.generate(folder / f"{i:04d}_{family}.xlsx", family, names[i], 2024, seed=i)
    return sorted(folder.glob("*.xlsx"))


def cpu_seconds():
    """CPU time of this process, of its reaped children and of the parse workers' zygote with the
    workers it has reaped (it outlives an import, as it does in the app)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime + workers.zygote_cpu_seconds()


def run_rbdash(files):
    """`rbdash import` of every file into a fresh database (in-process, output discarded), then the
    parse alone per file; returns (import total s, import CPU s, per-file parse s, activities stored)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        c0, t0 = cpu_seconds(), time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main.main(["import", "--db", str(db), *map(str, files)], standalone_mode=False)
        total, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        acts = Store(db).counts()["activities"]
    per_file = []
    for f in files:
        t1 = time.perf_counter()
        parse_workbook(f)
        per_file.append(time.perf_counter() - t1)
    return total, cpu, per_file, acts


def run_pandas(files):
    per_file = []
    c0, t0 = cpu_seconds(), time.perf_counter()
    for f in files:
        t1 = time.perf_counter()
        pd.read_excel(f, sheet_name=None, engine="openpyxl", header=None)
        per_file.append(time.perf_counter() - t1)
    return time.perf_counter() - t0, cpu_seconds() - c0, per_file


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offices", type=int, default=120)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-pandas", action="store_true", help="only time rbdash (e.g. for 550 offices)")
    args = ap.parse_args()
    t = time.perf_counter()
    files = workbooks(args.offices)
    print(f"{len(files)} workbooks ready in {time.perf_counter() - t:.1f} s "
          f"({sum(f.stat().st_size for f in files) / 1e6:.1f} MB)")
    ours, theirs, ours_pf, theirs_pf, ours_cpu, theirs_cpu = [], [], [], [], [], []
    acts = 0
    for i in range(args.runs):
        total, cpu, per_file, acts = run_rbdash(files)
        ours.append(total)
        ours_cpu.append(cpu)
        ours_pf.append(statistics.median(per_file))
        line = (f"run {i + 1}: rbdash import {total:6.2f} s, CPU {cpu:6.2f} s "
                f"(median parse {ours_pf[-1] * 1000:5.1f} ms/file)")
        if not args.no_pandas:
            total, cpu, per_file = run_pandas(files)
            theirs.append(total)
            theirs_cpu.append(cpu)
            theirs_pf.append(statistics.median(per_file))
            line += f" | pandas.read_excel {total:6.2f} s, CPU {cpu:6.2f} s ({theirs_pf[-1] * 1000:5.1f} ms/file)"
        print(line, flush=True)
    print(f"\n{args.offices} offices, {acts} activities, {args.runs} runs (medians)")
    print(f"  rbdash parse+import total   {statistics.median(ours):7.2f} s   CPU {statistics.median(ours_cpu):7.2f} s   "
          f"per-file parse {statistics.median(ours_pf) * 1000:6.1f} ms")
    if theirs:
        print(f"  pandas.read_excel openpyxl  {statistics.median(theirs):7.2f} s   CPU {statistics.median(theirs_cpu):7.2f} s   "
              f"per-file read  {statistics.median(theirs_pf) * 1000:6.1f} ms")
        print(f"  ratio total (rbdash / pandas)    {statistics.median(ours) / statistics.median(theirs):.2f}")
        print(f"  ratio CPU (rbdash / pandas)      {statistics.median(ours_cpu) / statistics.median(theirs_cpu):.2f}")
        print(f"  ratio per-file (rbdash / pandas) {statistics.median(ours_pf) / statistics.median(theirs_pf):.2f}")


if __name__ == "__main__":
    main()
