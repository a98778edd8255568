"""Store benchmark: the same imports and page queries on the embedded DuckDB file and on PostgreSQL.

    .venv/bin/python bench/bench_store.py --offices 550 --runs 5
    .venv/bin/python bench/bench_store.py --pg postgresql://rb:...@host:5432/rbdash_bench   # an existing server

The workbooks of bench_import.py (bench/out/N/) are parsed once; each run then imports every plan
into a fresh database (in batches of plans per transaction, as ``rbdash import`` does; parsing
is not timed) and times the page queries: completion by satker (Perbandingan), coverage grid
(Cakupan), one office's activities (Gantt/Progres), the office list (every page) and the data
version (every rerun) -- on DuckDB both as the app reads (the file opened and closed around each
query) and with the file held open.  Backends alternate run by run; medians are printed side by side.  Without
--pg a throwaway local cluster is started with durable settings (fsync on) and removed afterwards.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_import import workbooks  # noqa: E402
from rbdash import importing, metrics  # noqa: E402
from rbdash.excel import parse_workbook  # noqa: E402
from rbdash.store import Store  # noqa: E402


def timed(fn, runs):
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def one_run(store, plans, query_runs, held=False):
    t = time.perf_counter()
    for outcome in importing.import_parsed(store, [importing.Parsed(p.source_name, [p]) for p in plans], "bench"):
        assert outcome.imported, outcome.error
    res = {"import": time.perf_counter() - t}
    if held:  # the DuckDB file kept open across the queries (a batch, not how the app reads)
        with store.session():
            return {**_queries(store, query_runs), "import": res["import"]}
    return {**res, **_queries(store, query_runs)}


def _queries(store, query_runs):
    res = {}
    offices = metrics.offices(store)
    year = int(offices["year"].max())
    office = offices.loc[offices["year"] == year, "satker"].iloc[len(offices) // 2]
    res["completion by satker"] = timed(lambda: metrics.completion(store, 9, year=year), query_runs)
    res["completion by province"] = timed(lambda: metrics.completion(store, 9, year=year, by=("province",)), query_runs)
    res["coverage grid"] = timed(lambda: metrics.coverage(store, year), query_runs)
    res["one office's activities"] = timed(lambda: metrics.plan_activities(store, office, year), query_runs)
    res["office list"] = timed(lambda: metrics.offices(store), query_runs)
    res["data version"] = timed(store.data_version, query_runs * 5)
    res["activities"] = store.counts()["activities"]
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--offices", type=int, default=550)
    ap.add_argument("--runs", type=int, default=3, help="fresh imports per backend")
    ap.add_argument("--query-runs", type=int, default=7, help="timings per query per run")
    ap.add_argument("--pg", default=None, help="an existing PostgreSQL database (its rbdash tables are dropped!)")
    args = ap.parse_args()
    files = workbooks(args.offices)
    t = time.perf_counter()
    plans = [parse_workbook(f) for f in files]
    print(f"{len(plans)} plans parsed in {time.perf_counter() - t:.1f} s")
    import pgcluster
    cluster = None
    if args.pg is None:
        cluster = pgcluster.Cluster(durable=True)
    try:
        results = {"DuckDB file": [], "DuckDB (held open)": [], "PostgreSQL": []}
        for run in range(args.runs):
            for name, held in (("DuckDB file", False), ("DuckDB (held open)", True)):
                with tempfile.TemporaryDirectory() as tmp:
                    store = Store(Path(tmp) / "bench.duckdb")
                    results[name].append(one_run(store, plans, args.query_runs, held))
            url = cluster.fresh_database() if cluster else pgcluster.reset(args.pg)
            store = Store(url)
            results["PostgreSQL"].append(one_run(store, plans, args.query_runs))
            store.close()
            print(f"run {run + 1}: " + ", ".join(f"{k} import {v[-1]['import']:.1f} s" for k, v in results.items()))
    finally:
        if cluster:
            cluster.stop()
    acts = results["DuckDB file"][0]["activities"]
    print(f"\n{args.offices} offices, {acts:,} activities; medians of {args.runs} runs "
          f"(queries: median of {args.query_runs} per run)\n")
    print("| what | DuckDB file, opened per query (as the app reads) | DuckDB file held open | "
          "PostgreSQL 15 via psycopg (pooled connections) |")
    print("| --- | --- | --- | --- |")
    for key in results["DuckDB file"][0]:
        if key == "activities":
            continue
        fmt = (lambda s: f"{s:.1f} s") if key == "import" else (lambda s: f"{s * 1000:.1f} ms")
        cells = [fmt(statistics.median(r[key] for r in results[name])) for name in results]
        print(f"| {key} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
