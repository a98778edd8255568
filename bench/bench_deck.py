"""Deck benchmark (issue 21.9): the meeting deck at 550 offices, as Perbandingan's "Siapkan PowerPoint"
and "Siapkan PDF" make it, target < 5 s with images.

    .venv/bin/python bench/bench_deck.py --runs 5

Each run is a fresh process (``python -m rbdash report``, the command line's deck: the same
``report.deck_bytes`` the page calls, with the trend drawn by kaleido and the system Chromium), timed
from start to exit, on bench_pages' 550-office database: the national deck, and a provincial deck
with three offices' Gantt slides.  ``--pdf`` also times the PDF (LibreOffice) of the national deck.
Prints the median and the least wall time of the runs; ``--code`` times another checkout's rbdash (the
code before a change) on the same database.  The first run of a fresh process is what
the page's first click costs (Python, python-pptx and kaleido's Chromium start included).
"""

import argparse
import os
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


def run(argv, env, code=ROOT):
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "rbdash", *argv], cwd=code, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode:
        raise SystemExit(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr.strip()}")
    return wall, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--offices", type=int, default=550)
    ap.add_argument("--pdf", action="store_true", help="also the national deck as PDF")
    ap.add_argument("--code", default=str(ROOT), help="the checkout whose rbdash makes the deck (e.g. the code before)")
    args = ap.parse_args()
    db = database(args.offices)
    env = {**os.environ, "BROWSER_PATH": os.environ.get("BROWSER_PATH", "/usr/bin/chromium")}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck.pptx"
        base = ["report", "--db", str(db), "--year", str(YEAR), "--as-of", str(AS_OF), "--out", str(out)]
        cases = {"national deck with images": base,
                 "Kalimantan Selatan deck, 3 Gantt slides, with images":
                     [*base, "--province", "Kalimantan Selatan",
                      *[a for o in ("KPU Provinsi Kalimantan Selatan", "KPU Kabupaten Banjar", "KPU Kabupaten Tapin")
                        for a in ("--office", o)]]}
        if args.pdf:
            cases["national deck as PDF"] = [*base[:-1], str(Path(tmp) / "deck.pdf")]
        for name, argv in cases.items():
            walls, noise = [], ""
            for _ in range(args.runs):
                wall, err = run(argv, env, args.code)
                walls.append(wall)
                noise = noise or err.strip()
            print(f"{name}: median {statistics.median(walls):.2f} s (least {min(walls):.2f} s, first "
                  f"{walls[0]:.2f} s) over {args.runs} runs; stderr: {noise[:200] or 'none'}", flush=True)


if __name__ == "__main__":
    main()
