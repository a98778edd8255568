"""Page benchmark: every page's script run (AppTest) with 550 offices loaded versus 5 offices.

    .venv/bin/python bench/bench_pages.py --runs 5

Builds (once, cached in bench/out/) a database with N synthetic offices of ~80 activities each (the
monev and row-pair families carry realisation), then times each page: the first (cold-cache) run and the median of the
following runs, side by side for the small and the large database.
"""

import argparse
import contextlib
import dataclasses
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from app_fixtures import warm_pages_manager  # noqa: E402
from bench_import import workbooks  # noqa: E402
from rbdash import cli, importing  # noqa: E402
from rbdash.store import Store  # noqa: E402


def database(n, years=1):
    """The database of ``n`` generated offices (built once, cached in bench/out/).  With ``years`` > 1
    each office has that many years of plans, up to 2024 (history, issue 22.5): the 2024 workbooks
    parsed once and stored again per earlier year, as offices keep last year's plan."""
    db = ROOT / "bench" / "out" / (f"pages_{n}.duckdb" if years == 1 else f"pages_{n}_{years}y.duckdb")
    if db.exists():
        return db
    files = workbooks(550)[:n]
    if years == 1:
        with contextlib.redirect_stdout(io.StringIO()):
            cli.main.main(["import", "--db", str(db), *map(str, files)], standalone_mode=False)
        return db
    plans = [plan for parsed in importing.parse_sources(files) for plan in parsed.plans]
    store = Store(db)
    for year in range(2024 - years + 1, 2025):
        store.import_plans([dataclasses.replace(plan, year=year) for plan in plans], "bench")
    store.close()
    return db


def pages():
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))


def time_page(db, page, runs):
    """(cold, median warm) seconds of the page's script run; checks the page really rendered."""
    from streamlit.testing.v1 import AppTest
    os.environ["RBDASH_DB"] = str(db)
    times, title = [], None
    for _ in range(runs + 1):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        if at.exception:
            raise SystemExit(f"{page}: {at.exception[0].message}")
        title = at.title[0].value if len(at.title) else None
    return times[0], statistics.median(times[1:]), title


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--large", type=int, default=550)
    ap.add_argument("--small", type=int, default=5)
    args = ap.parse_args()
    small, large = database(args.small), database(args.large)
    for db, n in ((small, args.small), (large, args.large)):
        c = Store(db).counts()
        print(f"{n} offices: {c['activities']} activities, {c['progress']} progress rows")
    os.chdir(ROOT)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warm_pages_manager()  # time the pages themselves, as a server that has run app.py serves them
    print(f"\n{'page':24} {'small cold':>10} {'small med':>10} {'large cold':>10} {'large med':>10} {'ratio':>6}"
          "  rendered")
    for page in pages():
        s_cold, s_med, _ = time_page(small, page, args.runs)
        l_cold, l_med, title = time_page(large, page, args.runs)
        print(f"{page:24} {s_cold:10.2f} {s_med:10.2f} {l_cold:10.2f} {l_med:10.2f} {l_med / s_med:6.2f}  {title}",
              flush=True)


if __name__ == "__main__":
    main()
