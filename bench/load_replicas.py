"""Load test of issues 9 and 22: app replicas over one PostgreSQL (or one app process over a DuckDB
file), many people reading and saving at once.

    .venv/bin/python bench/load_replicas.py                      # 2 replicas x 10 users, 60 s, samples + 100 offices
    .venv/bin/python bench/load_replicas.py --seconds 30 --offices 500 --backend duckdb
    .venv/bin/python bench/load_replicas.py --seconds 20 --offices 20
    .venv/bin/python bench/load_replicas.py --pg postgresql://rb:...@127.0.0.1:5432/rbdash_load   # its tables are dropped!

A script, not a timed test; bounded (``--seconds``), loopback only.  Without --pg a throwaway durable
cluster (fsync on, tests/pgcluster.py) is started and removed afterwards.  The sample plans plus
``--offices`` generated offices (rbdash.demo) are imported, then ``--replicas`` worker processes start,
each with one Store on the URL (as each `streamlit run` replica has one, app.get_store) and ``--users``
threads (as Streamlit serves each browser session on a thread of the one process).  With
``--backend duckdb`` the database is a DuckDB file in a temporary folder, which one process at a time
may open: one app process serves the same users (replicas x users threads).  Each user loops:

1. **Page data**: what a visit of Perbandingan at national level asks the store for, through the pages'
   own cached loaders (pages/_ui.loader, the real one, keyed as in the app by the version of what each
   reads -- ``views.cache_key(store)`` narrowed to the year's or the office's version -- so a hit or a
   miss costs what it costs in the app): app.py's ``load_offices``,
   perbandingan's ``load_ranking`` (offices, then provinces: the page opens on provinces above 40
   offices), ``load_summary`` and ``load_heatmap`` (provinces × areas), and pages/_ui's
   ``load_not_submitted``.  The functions are taken from the page sources (their defs only),
   not copied.  Timed.  This is the page's **data**, not the browser: no figures, no websocket, no
   rendering (bench/bench_browser.py measures pages in Chromium).
2. **Save**: pick an activity -- most picks from the user's own slice of the activities, ``--hot-share``
   of them from a small hot set every user shares (to provoke conflicts) -- read its revision through
   Progres' cached loader (``views.progress.plan``), think ``--think-ms``, then
   ``Store.save_progress`` with that revision and a note unique to this attempt.  Timed; the outcome
   is an acknowledged save (new revision returned), a ConflictError, or another error.

At the end the database is checked: every acknowledged save present with its audit row and no two
acknowledgements of one revision (0 lost), every refused attempt absent from the database and counted
by its user (every conflict reported), no duplicate ids in any table.  The figures are printed as a
Markdown table (``--markdown FILE`` appends it).
"""

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

YEAR, AS_OF = 2023, 9


# --------------------------------------------------------------------------------- the pages' loaders

def page_functions(path, names):
    """The named top-level functions of a page, with the page's imports, without running the page
    (perbandingan.py and app.py draw when imported)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
            or (isinstance(n, ast.FunctionDef) and n.name in names)]
    missing = set(names) - {n.name for n in keep if isinstance(n, ast.FunctionDef)}
    assert not missing, f"{path} has no {missing}: the load test must follow the page"
    scope = {"__name__": f"loaded_{Path(path).stem}"}
    exec(compile(ast.Module(body=keep, type_ignores=[]), str(ROOT / path), "exec"), scope)
    return [scope[n] for n in names]


class Loaders:
    def __init__(self):
        import logging

        import streamlit  # noqa: F401 - its loggers exist from here on
        # "No runtime found, using MemoryCacheStorageManager" (once per cached function): bare mode, the
        # same cache code.  A filter, as streamlit resets its loggers' levels when it reads its config
        logging.getLogger("streamlit.runtime.caching.cache_data_api").addFilter(
            lambda record: "No runtime found" not in record.getMessage())
        (self.load_offices,) = page_functions("app.py", ["load_offices"])
        self.load_ranking, self.load_summary, self.load_heatmap = page_functions(
            "pages/perbandingan.py", ["load_ranking", "load_summary", "load_heatmap"])
        (self.progres_load,) = page_functions("pages/progres.py", ["load"])
        from pages._ui import load_not_submitted
        self.load_missing = load_not_submitted


# --------------------------------------------------------------------------------- one replica

def worker(args):
    """One replica: a Store, ``users`` threads; writes its results as JSON to ``args.out``."""
    from rbdash import views
    from rbdash.errors import ConflictError
    from rbdash.store import APP_LINGER, Store

    plan = json.loads(Path(args.plan).read_text())
    store = Store(args.url, linger=APP_LINGER)   # as app.py opens it
    pages = Loaders()
    view = views.View(year=YEAR, satkers=None, areas=None, as_of=AS_OF)
    views.cache_key(store)
    print("ready", flush=True)
    sys.stdin.readline()   # the parent starts every replica at once
    deadline = time.monotonic() + args.seconds
    acts, hot = plan["activities"], plan["hot"]
    users = []

    def user(u):
        gid = args.replica * args.users + u
        rng = random.Random(args.seed * 1000 + gid)
        mine = acts[gid::plan["users"]]
        res = {"user": f"r{args.replica}u{u}", "page_s": [], "page_miss_s": [], "save_s": [], "acks": [],
               "conflicts": [], "errors": [], "visits": 0}
        users.append(res)
        n = 0
        while time.monotonic() < deadline:
            t = time.perf_counter()
            computed.flag = False
            try:
                key = views.cache_key(store)   # every rerun takes it (pages/_ui.context)
                pages.load_offices(store, key)
                pages.load_ranking(store, key, view, "satker")
                pages.load_summary(store, key, view)
                pages.load_ranking(store, key, view, "provinsi")
                pages.load_heatmap(store, key, view, "provinsi", "area", "semua")
                pages.load_missing(store, key, view.year, view.province, view.as_of)
            except Exception as exc:  # noqa: BLE001 - counted, reported
                res["errors"].append(f"page: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            res["page_miss_s" if computed.flag else "page_s"].append(time.perf_counter() - t)
            res["visits"] += 1
            if time.monotonic() >= deadline:
                break
            aid, satker = hot[rng.randrange(len(hot))] if rng.random() < args.hot_share else mine[rng.randrange(len(mine))]
            n += 1
            note = f"{res['user']}#{n}"
            months = sorted(rng.sample(range(1, AS_OF + 1), rng.randint(1, 3)))
            try:
                # what the Progres editor was opened with (its cached loader), then a person's pause
                _, rows = pages.progres_load(store, views.cache_key(store), satker, YEAR, None)
                rev = int(rows.loc[rows["id"] == aid, "revision"].iloc[0])
            except Exception as exc:  # noqa: BLE001
                res["errors"].append(f"read: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            time.sleep(rng.uniform(0, args.think_ms / 1000))
            t = time.perf_counter()
            try:
                new_rev = store.save_progress(aid, months, None, note, expected_revision=rev, actor=res["user"])
            except ConflictError as exc:
                res["conflicts"].append([aid, rev, note, exc.code])
            except Exception as exc:  # noqa: BLE001
                res["errors"].append(f"save: {type(exc).__name__}: {str(exc)[:120]}")
                res["conflicts"].append([aid, rev, note, "error"])  # also must not be in the database
            else:
                res["acks"].append([aid, rev, new_rev, note, months])
            res["save_s"].append(time.perf_counter() - t)

    counted = {"misses": 0}
    # a cache miss of perbandingan's loaders runs views.ranking (load_ranking, and load_heatmap inside
    # views.comparison_heatmap): each call counted here
    real = views.ranking
    lock = threading.Lock()
    computed = threading.local()   # this visit computed perbandingan.load itself (a miss)

    def counting(*a, **kw):
        computed.flag = True
        with lock:
            counted["misses"] += 1
        return real(*a, **kw)
    views.ranking = counting
    threads = [threading.Thread(target=user, args=(u,)) for u in range(args.users)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    store.close()
    Path(args.out).write_text(json.dumps({"replica": args.replica, "users": users, "backend": store.backend,
                                          "load_misses": counted["misses"]}))


# --------------------------------------------------------------------------------- the run

def setup(url, n_offices, seed):
    """Import the samples and ``n_offices`` generated offices; returns (activities [(id, satker)], seconds)."""
    from rbdash import demo, importing, metrics
    from rbdash.store import Store
    tmp = Path(tempfile.mkdtemp(prefix="rbdash-load-"))
    demo.write_samples(tmp / "samples", truth=False)
    taken = {p.stem.rsplit("_", 1)[0] for p in (tmp / "samples").glob("*.xlsx")}
    names = [n for n in demo.office_names() if demo.sample_file_name(n, YEAR).rsplit("_", 1)[0] not in taken]
    for i, name in enumerate(names[:n_offices]):
        family = demo.FAMILIES[i % len(demo.FAMILIES)]
        demo.generate(tmp / "gen" / f"{i:04d}.xlsx", family, name, YEAR, seed=seed + i)
    files = importing.find_files([tmp])
    store = Store(url)
    t = time.perf_counter()
    outcomes = list(importing.import_sources(store, files, "load"))
    took = time.perf_counter() - t
    bad = [o for o in outcomes if o.status.value != "new"]
    assert not bad, [(str(o.source), o.status.value, o.error and o.error.code) for o in bad][:5]
    offices = metrics.offices(store)
    acts = []
    for satker in offices.loc[offices["year"] == YEAR, "satker"]:
        rows = metrics.plan_activities(store, satker, YEAR)
        acts += [[int(i), satker] for i in rows["id"]]
    store.close()
    return acts, len(files), took


def verify(url, results):
    """What the database holds against what every user was told."""
    from rbdash.store import Store
    store = Store(url)
    with store.connect() as con:
        prog = {r[0]: (r[1], r[2]) for r in con.execute(
            "SELECT activity_id, revision, note FROM progress").fetchall()}
        audit = {}
        for aid, detail in con.execute("SELECT activity_id, detail FROM audit_log WHERE action = 'progress'").fetchall():
            note = (json.loads(detail).get("after") or {}).get("note")
            audit.setdefault(note, []).append(aid)
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema = current_schema() ORDER BY 1").fetchall()]
        dup = {}
        for t in tables:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ?", [t]).fetchall()]
            key = "id" if "id" in cols else "activity_id" if t == "progress" else "version" if t == "migrations" else None
            if key:
                dup[t] = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {t}").fetchone()[0]
    store.close()
    acks = [(u["user"], *a) for r in results for u in r["users"] for a in u["acks"]]
    per_rev, last = {}, {}
    for user, aid, rev, new_rev, note, _ in acks:
        per_rev.setdefault((aid, new_rev), []).append(note)
        if new_rev > last.get(aid, (0, None))[0]:
            last[aid] = (new_rev, note)
    lost = {}
    for user, aid, rev, new_rev, note, _ in acks:
        gone = audit.get(note) != [aid] or len(per_rev[(aid, new_rev)]) > 1 or new_rev != rev + 1
        lost[user] = lost.get(user, 0) + gone
    # the latest acknowledged save of each activity is what the progress row holds
    stale_rows = sum(prog.get(aid) != (new_rev, note) for aid, (new_rev, note) in last.items())
    refused_present = {}
    for r in results:
        for u in r["users"]:
            refused_present[u["user"]] = sum(note in audit for _, _, note, _ in u["conflicts"])
    return {"lost": lost, "stale_rows": stale_rows, "refused_present": refused_present, "duplicates": dup,
            "audit_rows": sum(len(v) for v in audit.values())}


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def report(args, results, check):
    rows = []
    groups = [(f"replica {r['replica'] + 1}" if r["backend"] == "postgresql" else "app process", r["users"])
              for r in results]
    groups.append(("all", [u for r in results for u in r["users"]]))
    for name, users in groups:
        hit = [s for u in users for s in u["page_s"]]
        miss = [s for u in users for s in u["page_miss_s"]]
        page = hit + miss
        save = [s for u in users for s in u["save_s"]]
        names = [u["user"] for u in users]
        rows.append([name, len(users), sum(len(u["acks"]) for u in users),
                     sum(1 for u in users for c in u["conflicts"] if c[3] != "error"),
                     sum(check["lost"].get(n, 0) for n in names),
                     sum(check["refused_present"].get(n, 0) for n in names),
                     sum(len(u["errors"]) for u in users), f"{len(page)} ({len(hit)} / {len(miss)})",
                     f"{pct(page, 50) * 1000:.0f} / {pct(page, 95) * 1000:.0f}",
                     f"{pct(hit, 50) * 1000:.0f} / {pct(hit, 95) * 1000:.0f}",
                     f"{pct(miss, 50) * 1000:.0f} / {pct(miss, 95) * 1000:.0f}",
                     f"{pct(save, 50) * 1000:.0f} / {pct(save, 95) * 1000:.0f}"])
    head = ["", "users", "saves acknowledged", "conflicts (reported)", "lost", "refused but stored", "errors",
            "page-data loads (cached / computed)", "page data p50 / p95 ms", "of which cached", "of which computed",
            "save p50 / p95 ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    dup = sum(check["duplicates"].values())
    lines += ["", f"Duplicated ids: {dup} (checked: " + ", ".join(f"{t} {n}" for t, n in check["duplicates"].items())
              + f"). Progress rows not holding their latest acknowledged save: {check['stale_rows']}. "
              f"Audit rows of progress: {check['audit_rows']} (acknowledged saves: {rows[-1][2]})."]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=("postgresql", "duckdb"), default="postgresql",
                    help="replicas over PostgreSQL, or one app process over a DuckDB file (replicas x users threads)")
    ap.add_argument("--pg", default=None, help="an existing PostgreSQL database (its tables are dropped!)")
    ap.add_argument("--offices", type=int, default=100, help="generated offices besides the samples")
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--users", type=int, default=10, help="simulated users per replica")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--hot", type=int, default=6, help="activities every user may pick (conflicts)")
    ap.add_argument("--hot-share", type=float, default=0.3, help="share of saves on the hot activities")
    ap.add_argument("--think-ms", type=float, default=300, help="longest pause between reading and saving")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--markdown", default=None, help="append the table to this file")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    ap.add_argument("--replica", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--plan", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return worker(args)

    import pgcluster
    cluster = None
    tmp = Path(tempfile.mkdtemp(prefix="rbdash-load-run-"))
    if args.backend == "duckdb":
        if args.pg:
            sys.exit("error: --pg is for --backend postgresql")
        url = str(tmp / "load.duckdb")
        workers = [(0, args.replicas * args.users)]    # one process may open the file: the same users as threads
    elif args.pg is None:
        why = pgcluster.available()
        if why:
            sys.exit(f"error: {why}; or pass --pg URL")
        cluster = pgcluster.Cluster(durable=True)
        url = cluster.fresh_database()
        workers = [(k, args.users) for k in range(args.replicas)]
    else:
        url = pgcluster.reset(args.pg)
        workers = [(k, args.users) for k in range(args.replicas)]
    procs = []
    try:
        acts, n_files, took = setup(url, args.offices, args.seed)
        rng = random.Random(args.seed)
        hot = rng.sample(acts, args.hot)
        n_users = args.replicas * args.users
        own = [a for a in acts if a not in hot]
        rng.shuffle(own)
        (tmp / "plan.json").write_text(json.dumps({"activities": own, "hot": hot, "users": n_users}))
        print(f"{n_files} plans imported in {took:.1f} s ({len(acts):,} activities of {YEAR}); "
              f"{args.replicas} replicas x {args.users} users, {args.seconds:.0f} s, "
              f"hot set {args.hot} activities for {args.hot_share:.0%} of saves", flush=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        for k, users in workers:
            procs.append(subprocess.Popen(
                [sys.executable, __file__, "--worker", "--url", url, "--replica", str(k), "--plan", str(tmp / "plan.json"),
                 "--users", str(users), "--seconds", str(args.seconds), "--hot-share", str(args.hot_share),
                 "--think-ms", str(args.think_ms), "--seed", str(args.seed), "--out", str(tmp / f"r{k}.json")],
                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        for p in procs:
            line = p.stdout.readline()
            assert line.strip() == "ready", f"a replica did not start: {line!r}"
        load_before = os.getloadavg()
        started = datetime.now()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        for p in procs:
            p.wait(timeout=args.seconds + 600)
            assert p.returncode == 0, f"a replica failed ({p.returncode})"
        load_after = os.getloadavg()
        results = [json.loads((tmp / f"r{k}.json").read_text()) for k, _ in workers]
        check = verify(url, results)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        if cluster:
            cluster.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    errors = [e for r in results for u in r["users"] for e in u["errors"]]
    misses = sum(r["load_misses"] for r in results)
    where = ("a DuckDB file, one app process" if args.backend == "duckdb"
             else "throwaway durable cluster (fsync on)" if cluster else "given server")
    text = (f"{started:%Y-%m-%d %H:%M}, {args.seconds:.0f} s, {args.backend}, {args.replicas} x {args.users} users, "
            f"{n_files} offices ({len(acts):,} activities); machine: {os.cpu_count()} cores, load average "
            f"{load_before[0]:.1f} before, {load_after[0]:.1f} (1 min) / {load_after[1]:.1f} (5 min) at the end; "
            f"{where}.\n"
            f"Command: `{' '.join(['bench/load_replicas.py', *sys.argv[1:]])}`.\n"
            f"Page data = the store calls of one Perbandingan visit (national level) through the pages' own "
            f"cached loaders, not the browser. A load is 'cached' when perbandingan's ranking was in "
            f"its process's cache (or computed meanwhile by another user there), 'computed' when this user ran it "
            f"({misses} times in all): the year's version changes with every save of that year.\n\n"
            + report(args, results, check))
    if errors:
        text += "\n\nErrors (first 5): " + "; ".join(errors[:5])
    print()
    print(text)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write("\n" + text + "\n")
    bad = sum(check["lost"].values()) + sum(check["refused_present"].values()) + sum(check["duplicates"].values()) \
        + check["stale_rows"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
