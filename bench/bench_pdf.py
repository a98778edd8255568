"""PDF decree benchmark (issue 19.7): parse time of a 10-page decree, target < 2 s.

    .venv/bin/python bench/bench_pdf.py --runs 7

Times ``parse_workbook`` (open the PDF, find its tables, join broken rows, read fills and the
decree's heading, walk the plan) in this process on a generated 10-page decree (rbdash.demo.pdf:
filled months with stacked rectangles, rows broken across pages, borders as thin rectangles as Word
draws them) and, when ../shared is there, on the plans3 decrees.  Prints the median and the least
wall time and the median CPU time of the runs (CPU time says more on a shared, busy machine).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rbdash.demo.pdf import decree_pdf  # noqa: E402
from rbdash.excel import parse_workbook  # noqa: E402

PLANS3 = ROOT.parent / "shared" / "fixtures" / "plans3"
TEN_PAGES = {"coverage": 0.95, "font_size": 8.0, "page": "a4", "marks": "fill", "stacked": True, "break_rows": True,
             "per_indicator": False, "borders": "rects", "numbering": True}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    data, truth = decree_pdf("KPU Kabupaten Poso", 2025, 3, variation=TEN_PAGES)
    files = {f"generated ({truth['pages']} pages, {len(truth['records'])} rows)": data}
    for path in sorted(PLANS3.glob("*.pdf")):
        files[path.name] = path.read_bytes()
    for name, content in files.items():
        wall, cpu = [], []
        for _ in range(args.runs):
            t, c = time.perf_counter(), time.process_time()
            plan = parse_workbook(content, "keputusan.pdf")
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"{name}: {len(plan.activities)} activities; wall median {statistics.median(wall):.2f} s "
              f"(least {min(wall):.2f} s), CPU median {statistics.median(cpu):.2f} s")


if __name__ == "__main__":
    main()
