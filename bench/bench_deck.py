"""Deck benchmark (issue 21.9): the meeting deck at 550 offices, as Perbandingan's "Siapkan PowerPoint"
and "Siapkan PDF" make it, target < 5 s with images.

    .venv/bin/python bench/bench_deck.py --runs 5

Each run is a fresh process (``python -m rbdash report``, the command line's deck: the same
``report.deck_bytes`` the page calls; its trend is native PowerPoint charts since issue 22.6, before
that an image drawn by kaleido and the system Chromium), timed
from start to exit, on bench_pages' 550-office database: the national deck, and a provincial deck
with three offices' Gantt slides.  ``--pdf`` also times the PDFs (LibreOffice) of the national deck and
of a provincial deck with one office's Gantt slide.  ``--years 1 10``: on the 550 offices with one and
with ten years of plans (issue 22.6: the deck's time must not grow with the data).  Prints the median
and the least wall time of the runs and the median CPU time (the process and the children it waited
for: less swayed by other users' load than the wall time); ``--before`` alternates the runs with another checkout's rbdash
(the code before a change) on the same database and prints the ratio of the medians.  The first run of a fresh process is what
the page's first click costs (Python and python-pptx start included).
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_pages import database  # noqa: E402

YEAR, AS_OF = 2024, 9


def cpu():
    """CPU seconds (user + system) of the finished child processes so far (theirs and what they waited for:
    kaleido's Chromium, LibreOffice)."""
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run(argv, env, code=ROOT):
    """(wall seconds, CPU seconds, stderr) of one deck made in a fresh process."""
    t, c = time.perf_counter(), cpu()
    p = subprocess.run([sys.executable, "-m", "rbdash", *argv], cwd=code, env=env, capture_output=True, text=True)
    wall, used = time.perf_counter() - t, cpu() - c
    if p.returncode:
        raise SystemExit(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()}")
    return wall, used, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--offices", type=int, default=550)
    ap.add_argument("--years", type=int, nargs="+", default=[1],
                    help="years of plans per office (bench_pages.database): 1, and e.g. 10 for the history case")
    ap.add_argument("--pdf", action="store_true",
                    help="also the national deck and a provincial deck with one Gantt slide as PDF")
    ap.add_argument("--code", default=str(ROOT), help="the checkout whose rbdash makes the deck")
    ap.add_argument("--before", default=None,
                    help="another checkout (the code before a change): its runs alternate with --code's")
    args = ap.parse_args()
    env = {**os.environ, "BROWSER_PATH": os.environ.get("BROWSER_PATH", "/usr/bin/chromium")}
    codes = {"now": args.code, **({"before": args.before} if args.before else {})}
    print(f"load average at the start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    for years in args.years:
        db = database(args.offices, years=years)
        with tempfile.TemporaryDirectory() as tmp:
            # each checkout reads its own copy: one may migrate the file to a schema the other does not know
            copies = {k: shutil.copy(db, Path(tmp) / f"{k}.duckdb") for k in codes}

            def deck(name, *extra):
                return ["report", "--db", "{db}", "--year", str(YEAR), "--as-of", str(AS_OF),
                        "--out", str(Path(tmp) / name), *extra]
            province = ("--province", "Kalimantan Selatan")
            three = [a for o in ("KPU Provinsi Kalimantan Selatan", "KPU Kabupaten Banjar", "KPU Kabupaten Tapin")
                     for a in ("--office", o)]
            cases = {"national deck with images": deck("deck.pptx"),
                     "Kalimantan Selatan deck, 3 Gantt slides, with images": deck("prov.pptx", *province, *three)}
            if args.pdf:
                cases["national deck as PDF"] = deck("deck.pdf")
                cases["Kalimantan Selatan PDF, 1 Gantt slide"] = deck("prov.pdf", *province, "--office",
                                                                      "KPU Kabupaten Tapin")
            for name, argv in cases.items():
                walls, cpus, noise = {k: [] for k in codes}, {k: [] for k in codes}, ""
                for _ in range(args.runs):
                    for k, code in codes.items():   # alternated: the machine's load falls on both alike
                        wall, used, err = run([a.replace("{db}", str(copies[k])) for a in argv], env, code)
                        walls[k].append(wall)
                        cpus[k].append(used)
                        noise = noise or err.strip()
                line = "; ".join(f"{k}: median {statistics.median(w):.2f} s (least {min(w):.2f}, first {w[0]:.2f}; "
                                 f"CPU median {statistics.median(cpus[k]):.2f} s)" for k, w in walls.items())
                if args.before:
                    line += f"; ratio {statistics.median(walls['now']) / statistics.median(walls['before']):.2f}"
                print(f"{years} year(s), {name}, {args.runs} runs: {line}; stderr: {noise[:200] or 'none'}", flush=True)
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
