"""Browser benchmark (issue 7.6): every page settled in headless Chromium, 550 offices versus 5.

    .venv/bin/python bench/bench_browser.py --runs 5
    .venv/bin/python bench/bench_browser.py --runs 7 --markdown bench/RESULTS.md
    .venv/bin/python bench/bench_browser.py --runs 5 --history 5 10     # 550 offices, 1 vs 5 vs 10 years of plans
    .venv/bin/python bench/bench_browser.py --runs 5 --pages tren --before ../old   # this code and ../old's, alternated

Two `streamlit run app.py` servers (one per database, built by bench_pages.database and cached in
bench/out/) are driven by Playwright with Debian's /usr/bin/chromium (--headless --no-sandbox
--disable-gpu).  For each page, one warm-up visit per database, then ``--runs`` visits alternating
small and large; each visit is a fresh page load (a new Streamlit session).  With ``--navigate`` a
visit instead opens Beranda (untimed) and then clicks the page's link in the app's navigation, as a
meeting moves between pages: timed from the click, in a tab whose scripts (plotly's too) are running.

Settled = the page's title is there, Streamlit's running indicator (stStatusWidget) is gone, and the
DOM has not changed for ``--quiet`` ms; the time reported is that of the last DOM change, counted
from the start of navigation (a MutationObserver installed before any page script).  Bytes are
what the websocket carried from the server to the browser during the visit (Streamlit's protobuf
deltas: figures, tables, widget state).

Prints a table of medians with the 550/5 ratio; the target is every page under 2 s and within
1.5x of the same page with 5 offices.  With ``--history 5 10`` the servers instead hold the 550 offices'
plans of 1, 5 and 10 years (2,750 and 5,500 plans: bench_pages.database(550, years=...)), and the
target is every page within 1.2x its one-year time (issue 22.5).  ``--floor`` first measures two pages that are not rbdash's --
Streamlit with a title only, and with one 2x2 plotly chart -- the same way, so the table can be read
against what this machine needs for any Streamlit page and for loading plotly at all.  ``--before DIR``
also serves DIR's code (e.g. ``git archive`` of the commit before a change) on the same databases and
alternates its visits with this code's, visit by visit: a busy moment of the shared machine hits the
before and the after alike (columns marked "(before)").
"""

import argparse
import os
import tempfile
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_pages import database  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
YEAR = 2024  # the year bench_import's workbooks are written for
PAGES = [("beranda", "", "Rencana Aksi Reformasi Birokrasi"), ("impor", "impor", "Impor rencana aksi"),
         ("gantt", "gantt", "Gantt rencana aksi"), ("cakupan", "cakupan", "Cakupan area perubahan"),
         ("perbandingan", "perbandingan", "Perbandingan antar satker"), ("progres", "progres", "Progres realisasi"),
         ("riwayat", "riwayat", "Riwayat perubahan"),
         ("tren", "perbandingan?tampilan=trend", "Perbandingan antar satker")]  # Perbandingan's Tren opened
NAV_LABELS = {"beranda": "Beranda", "impor": "Impor", "gantt": "Gantt", "cakupan": "Cakupan Area",
              "perbandingan": "Perbandingan", "progres": "Progres", "riwayat": "Riwayat"}
TARGET_S, TARGET_RATIO = 2.0, 1.5
BEFORE = " (before)"   # the label's mark of the --before code's servers
TARGET_HISTORY = 1.2   # issue 22.5: with 5 or 10 years of plans, each page within 1.2x its one-year time

OBSERVER = """
window.__lastMut = performance.now();
new MutationObserver(() => { window.__lastMut = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""
SETTLED = """([heading, quiet]) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const h = Array.from(document.querySelectorAll('h1')).some(e => e.textContent.trim().startsWith(heading));
  return h && performance.now() - window.__lastMut > quiet;
}"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLOOR_PAGES = {  # reference pages, not rbdash: what any Streamlit page, and plotly, cost on this machine
    "Streamlit, title only": 'import streamlit as st\nst.title("Lantai")\n',
    "Streamlit + one plotly chart": ('import plotly.graph_objects as go\nimport streamlit as st\nst.title("Lantai")\n'
                                     'st.plotly_chart(go.Figure(go.Heatmap(z=[[1, 2], [3, 4]])), theme=None)\n'),
    # the ways of drawing the comparison weighed for issue 7.6 (the pages draw coloured data grids)
    "Streamlit + a 38x9 data grid coloured per cell": (
        'import numpy as np, pandas as pd, streamlit as st\nst.title("Lantai")\n'
        'df = pd.DataFrame(np.random.default_rng(0).random((38, 9)) * 100, columns=[f"A{i}" for i in range(9)])\n'
        'st.dataframe(df.style.map(lambda v: f"background-color: hsl({v * 1.2:.0f}, 70%, 70%)").format("{:.0f}%"))\n'),
    "Streamlit + one Vega-Lite bar chart (st.bar_chart)": (
        'import pandas as pd, streamlit as st\nst.title("Lantai")\n'
        'st.bar_chart(pd.DataFrame({"x": list("abcdefgh"), "y": range(8)}), x="x", y="y")\n'),
    # how the Tren view draws its chart (issue 21.9): an SVG drawn by the app, as a Markdown image
    "Streamlit + one SVG drawing (Markdown image)": (
        'import base64, streamlit as st\nst.title("Lantai")\nsvg = \'<svg xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 400 100"><rect width="300" height="60" fill="#1A9850"/><text x="10" y="90">60%</text></svg>\'\n'
        'st.markdown(f"![Lantai](data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()})")\n'),
}


def start_server(db, script="app.py", cwd=ROOT):
    port = free_port()
    env = dict(os.environ, RBDASH_DB=str(db), BROWSER_PATH=CHROMIUM, RBDASH_SAMPLES=str(ROOT / "bench" / "out" / "none"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"streamlit did not start for {db}")


def _tab(context):
    """A new tab, and a counter of the bytes its websocket receives."""
    page, received = context.new_page(), [0]

    def on_ws(ws):
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))
    page.on("websocket", on_ws)
    return page, received


def _settled(page, heading, quiet_ms, timeout_ms):
    """performance.now() of the last DOM change once the page has settled (see the module docstring)."""
    page.wait_for_function(SETTLED, arg=[heading, quiet_ms], polling=50, timeout=timeout_ms)
    if page.locator('[data-testid="stException"]').count():
        raise SystemExit(f"{page.url}: the page raised an exception")
    return page.evaluate("() => window.__lastMut")


def visit(context, url, heading, quiet_ms, timeout_ms=120_000):
    """(seconds until settled, bytes received over the websocket) of one fresh page load."""
    page, received = _tab(context)
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        settled_ms = _settled(page, heading, quiet_ms, timeout_ms)
    finally:
        page.close()
    return settled_ms / 1000, received[0]


def navigate(context, base, name, heading, quiet_ms, timeout_ms=120_000):
    """(seconds until settled, bytes received) of going to page ``name`` by its link in the app's
    navigation, from Beranda already open (from Perbandingan for Beranda itself): how a meeting moves
    between pages, with Streamlit's and plotly's scripts already started in that tab."""
    start, start_heading = (("perbandingan", "Perbandingan antar satker") if name == "beranda"
                            else ("", "Rencana Aksi Reformasi Birokrasi"))
    page, received = _tab(context)
    try:
        page.goto(f"{base}/{start}?tahun={YEAR}", wait_until="commit", timeout=timeout_ms)
        _settled(page, start_heading, quiet_ms, timeout_ms)
        received[0] = 0
        clicked = page.evaluate("() => performance.now()")
        page.get_by_role("link", name=NAV_LABELS[name], exact=True).first.click()
        settled_ms = _settled(page, heading, quiet_ms, timeout_ms)
    finally:
        page.close()
    return (settled_ms - clicked) / 1000, received[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--large", type=int, default=550)
    ap.add_argument("--small", type=int, default=5)
    ap.add_argument("--quiet", type=int, default=500, help="ms without DOM change that count as settled")
    ap.add_argument("--pages", nargs="*", default=None, help="page names (default: all)")
    ap.add_argument("--markdown", default=None, help="also write the table as Markdown to this file")
    ap.add_argument("--floor", action="store_true", help="first measure a bare Streamlit page and one with a chart")
    ap.add_argument("--navigate", action="store_true",
                    help="time going to each page by the app's navigation (from Beranda open) instead of a fresh load")
    ap.add_argument("--history", type=int, nargs="*", default=None, metavar="YEARS",
                    help="compare --large offices with YEARS years of plans each (e.g. 5 10) against one year")
    ap.add_argument("--code", default=str(ROOT), help="the checkout whose app is served (e.g. the code before a change)")
    ap.add_argument("--before", default=None, metavar="DIR",
                    help="also serve DIR's code on the same databases, its visits alternated with --code's")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    floor = measure_floor(args.runs, args.quiet) if args.floor else []

    if args.history:   # issue 22.5: the same offices with years of plans, each page against one year
        dbs = {f"{y} year{'s' * (y > 1)}": database(args.large, years=y) for y in dict.fromkeys([1, *args.history])}

        def met(base, t):
            return t / base <= TARGET_HISTORY
    else:
        dbs = {f"{args.small} offices": database(args.small), f"{args.large} offices": database(args.large)}

        def met(base, t):
            return t < TARGET_S and t / base <= TARGET_RATIO
    codes = {"": Path(args.code), **({BEFORE: Path(args.before)} if args.before else {})}
    servers = {k + tag: start_server(db, cwd=code) for tag, code in codes.items() for k, db in dbs.items()}
    labels = list(servers)
    base = labels[0]
    pages = [p for p in PAGES if args.pages is None or p[0] in args.pages]
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"])
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(OBSERVER)
            print(f"{'page':14} " + " ".join(f"{k + ': s':>16}" for k in labels) + " "
                  + " ".join(f"{'ratio ' + k.split()[0]:>10}" for k in labels[1:]) + "  KB " + " / ".join(labels)
                  + "  runs (s, per column)", flush=True)
            for name, path, heading in pages:
                urls = {k: f"{url}/{path}{'&' if '?' in path else '?'}tahun={YEAR}" for k, (_, url) in servers.items()}
                if args.navigate:
                    def one(k):
                        return navigate(context, servers[k][1], name, heading, args.quiet)
                else:
                    def one(k):
                        return visit(context, urls[k], heading, args.quiet)
                for k in urls:  # warm-up: the server's caches, the browser's static files
                    one(k)
                times = {k: [] for k in labels}
                sizes = {k: [] for k in labels}
                for _ in range(args.runs):
                    for k in labels:   # alternating, so a busy moment of the machine hits every database alike
                        t, b = one(k)
                        times[k].append(t)
                        sizes[k].append(b)
                median = {k: statistics.median(v) for k, v in times.items()}
                kb = {k: statistics.median(v) / 1024 for k, v in sizes.items()}
                ok = all(met(median[base], median[k]) for k in labels[1:] if not k.endswith(BEFORE))
                rows.append((name, median, kb, ok))
                print(f"{name:14} " + " ".join(f"{median[k]:16.2f}" for k in labels) + " "
                      + " ".join(f"{median[k] / median[base]:10.2f}" for k in labels[1:]) + "  "
                      + " / ".join(f"{kb[k]:.0f}" for k in labels) + "  "
                      + " | ".join(" ".join(f"{t:.2f}" for t in times[k]) for k in labels)
                      + ("" if ok else "  MISSES TARGET"), flush=True)
            browser.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if args.markdown:
        lines = [f"Reference (not rbdash), same machine and method: {name}: {t:.2f} s" for name, t in floor]
        lines += [""] if floor else []
        lines += ["| page | " + " | ".join(f"{k}: median s" for k in labels) + " | "
                  + " | ".join(f"{k} / {base}" for k in labels[1:]) + " | " + " | ".join(f"{k}: KB" for k in labels)
                  + " | target met |",
                  "| --- |" + " ---: |" * (3 * len(labels) - 1) + " --- |"]
        lines += ["| " + " | ".join([n, *(f"{m[k]:.2f}" for k in labels), *(f"{m[k] / m[base]:.2f}" for k in labels[1:]),
                                     *(f"{kb[k]:.0f}" for k in labels), "yes" if ok else "no"]) + " |"
                  for n, m, kb, ok in rows]
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")


def measure_floor(runs, quiet):
    """[(name, median s)] of the reference pages in FLOOR_PAGES, measured as the rbdash pages are."""
    from playwright.sync_api import sync_playwright
    out = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_init_script(OBSERVER)
        for i, (name, code) in enumerate(FLOOR_PAGES.items()):
            script = Path(tmp) / f"floor_{i}.py"
            script.write_text(code, encoding="utf-8")
            proc, url = start_server(Path(tmp) / "none.duckdb", script=str(script), cwd=tmp)
            try:
                visit(context, url, "Lantai", quiet)
                t = statistics.median(visit(context, url, "Lantai", quiet)[0] for _ in range(runs))
            finally:
                proc.terminate()
                proc.wait(10)
            out.append((name, t))
            print(f"reference: {name}: {t:.2f} s", flush=True)
        browser.close()
    return out


if __name__ == "__main__":
    main()
