"""What one progress save costs, two (or more) code trees run by run alternated on copies of one
database: per run the medians of a save's wall time and of its CPU time (the process's, DuckDB's
threads included: the steadier figure on a shared machine, where the wall time follows the load)
over the timed saves (Store.save_progress, as the Progres page calls it, the file kept open between
saves as the app's store keeps it: APP_LINGER), then the medians over the runs.  The database (N
offices of synthetic plans, a quarter of their activities with realisation) is made once by the
first tree; each tree migrates its copy and checkpoints it before the timing.

    git worktree add --detach ../before db78da6
    .venv/bin/python bench/alternate_save.py --offices 500 --runs 5 ../before .
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AREAS = 8
ACTIVITIES = 60   # per office, as the bigger real plans hold
WARM = 10         # saves before the timed ones


def seed(path: Path, offices: int) -> None:
    """The database: ``offices`` plans of 2024, each activity planned in 1-6 months, a quarter of them
    realised in some (monitoring imports).  month_counts is then written afresh in this tree's shape,
    as a later tree's migration writes its own, so neither starts from a table with a history."""
    from rbdash.model import Activity, Plan
    from rbdash.store import Store, counts
    rng = random.Random(22)
    store = Store(path)
    with store.session():
        for o in range(offices):
            acts = []
            for i in range(ACTIVITIES):
                planned = sorted(rng.sample(range(1, 13), rng.randint(1, 6)))
                acts.append(Activity(sheet="Renaksi", row=10 + i, area_no=1 + i % AREAS, kegiatan=f"Kegiatan {i}",
                                     sub_kegiatan=None, indikator=f"Indikator {i}", planned_months=planned,
                                     realized_months=planned[:1] if rng.random() < 0.25 else []))
            store.import_plan(Plan(satker=f"KPU Kabupaten Uji {o:03d}", year=2024, activities=acts, warnings=[],
                                   source_name=f"uji{o}.xlsx", sha256=f"{o:064x}", as_of_month=None,
                                   has_realization=True), actor="bench")
    with store.transaction() as con:
        for sql in ("DROP TABLE month_counts", counts.CREATE[0], counts.REBUILD_ALL[0]):
            con.execute(sql).fetchall()
    with store.connect() as con:
        con.execute("CHECKPOINT").fetchall()


def child(path: Path, saves: int) -> dict:
    """Time ``saves`` saves (each: one activity's realised months toggled) in this process."""
    from rbdash.store import APP_LINGER, Store
    store = Store(path, linger=APP_LINGER)  # migrates (not timed), then both trees start from a checkpointed file
    with store.connect() as con:
        con.execute("CHECKPOINT").fetchall()
    rows = store.query_df("""SELECT a.id, a.planned_mask, COALESCE(p.revision, 0) AS revision
                             FROM activities a LEFT JOIN progress p ON p.activity_id = a.id ORDER BY a.id""")
    rng = random.Random(7)
    picks = [rows.iloc[i] for i in rng.sample(range(len(rows)), saves + WARM)]
    walls, cpus = [], []
    for row in picks:
        months = [m for m in range(1, 13) if int(row["planned_mask"]) >> (m - 1) & 1]
        t, c = time.perf_counter(), time.process_time()
        store.save_progress(int(row["id"]), months[:rng.randint(1, len(months))], None, None,
                            int(row["revision"]), "bench")
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {"wall": statistics.median(walls[WARM:]), "cpu": statistics.median(cpus[WARM:])}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offices", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--saves", type=int, default=200)
    ap.add_argument("--seed", type=Path, help=argparse.SUPPRESS)   # in a child process: make the database
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # in a child process: time the saves
    ap.add_argument("trees", type=Path, nargs="*", help="code trees (the first is the baseline and makes the database)")
    args = ap.parse_args()
    if args.seed:
        return seed(args.seed, args.offices)
    if args.child:
        return print(json.dumps(child(args.child, args.saves)))
    work = Path(tempfile.mkdtemp(prefix="rbdash-save-"))

    def run(tree, *options):
        """This script in a child process importing rbdash from ``tree``."""
        p = subprocess.run([sys.executable, str(Path(__file__).resolve()), *options], cwd=tree,
                           env={**os.environ, "PYTHONPATH": str(tree.resolve())}, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"{tree}: {p.stderr.strip()[-400:]}")
        return p.stdout

    try:
        t = time.perf_counter()
        run(args.trees[0], "--seed", str(work / "seed.duckdb"), "--offices", str(args.offices))
        print(f"database: {args.offices} offices x {ACTIVITIES} activities, made in {time.perf_counter() - t:.0f} s")
        results = {tree: [] for tree in args.trees}
        for _ in range(args.runs):
            for tree in args.trees:
                shutil.copy(work / "seed.duckdb", work / "run.duckdb")
                results[tree].append(json.loads(run(tree, "--child", str(work / "run.duckdb"), "--saves", str(args.saves))))
                for leftover in work.glob("run.duckdb*"):
                    leftover.unlink()
        base = [statistics.median(x[k] for x in results[args.trees[0]]) for k in ("wall", "cpu")]
        for tree, runs in results.items():
            wall, cpu = (statistics.median(x[k] for x in runs) for k in ("wall", "cpu"))
            walls = ", ".join(f"{x['wall'] * 1e3:.2f}" for x in runs)
            cpus = ", ".join(f"{x['cpu'] * 1e3:.2f}" for x in runs)
            print(f"{tree}: a save {wall * 1e3:.2f} ms wall (runs: {walls}; x{wall / base[0]:.2f} of the first), "
                  f"{cpu * 1e3:.2f} ms CPU (runs: {cpus}; x{cpu / base[1]:.2f})")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
