"""Browser fixtures for the end-to-end tests: `streamlit run app.py` on a fresh database (filled with the
sample plans on first start) and Debian's chromium driven by Playwright.  Screenshots land in
test-artifacts/e2e/.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is installed by ./dev test")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    # the test hook makes a parse worker die on files named *TESTHOOK_crash* (tests/test_e2e.py)
    env = dict(os.environ, RBDASH_DB=str(tmp / "e2e.duckdb"), BROWSER_PATH=str(CHROMIUM),
               RBDASH_TEST_CRASH_MARK="TESTHOOK")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + proc.stdout.read()[-2000:])
    yield url, tmp / "e2e.duckdb"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.add_init_script(WATCH_JS)
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


# What the waits below look at, kept by the page itself (installed before the app's scripts by
# add_init_script, or by the first wait on a page made elsewhere): how many script runs have started
# (Streamlit's data-test-script-state on stApp turning "running"), when the document last changed,
# and which document this is (a full reload starts a new count).
WATCH_JS = """
if (!window.__rb) {
  window.__rb = {runs: 0, changed: performance.now(), doc: Math.random()};
  new MutationObserver(records => {
    window.__rb.changed = performance.now();
    for (const r of records)
      if (r.type === 'attributes' && r.attributeName === 'data-test-script-state'
          && r.target.getAttribute('data-test-script-state') === 'running') window.__rb.runs++;
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
}
"""
IDLE_JS = """(quiet) => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stStatusWidget"]')
      && performance.now() - window.__rb.changed > quiet;
}"""
QUIET_MS = 250   # the document unchanged this long after the run: a rerun the run asked for has begun by then


def _watched(page):
    """The page's run count and document (installing the watch on a page made without it)."""
    return page.evaluate(f"() => {{ {WATCH_JS}; return [window.__rb.runs, window.__rb.doc]; }}")


def wait_idle(page, heading=None, timeout=60_000):
    """Wait until the app has finished its runs: connected, no script running (Streamlit's own
    attribute, and no running indicator), ``heading`` shown, and the document unchanged for
    QUIET_MS -- so a rerun a run asked for (st.rerun, a page switch) is waited for as well.  After
    an action, wrap it in ``rerun(page)`` instead: that also waits for the run the action starts."""
    _watched(page)
    if heading:
        page.get_by_role("heading", name=heading).wait_for(timeout=timeout)
    page.wait_for_function(IDLE_JS, arg=QUIET_MS, timeout=timeout)


@contextmanager
def rerun(page, heading=None, timeout=60_000):
    """``with rerun(page): button.click()`` -- wait for the run the action starts (a run begun after
    it, or a new document), then for the app to be idle (``wait_idle``)."""
    runs, doc = _watched(page)
    yield
    page.wait_for_function("([runs, doc]) => !window.__rb || window.__rb.doc !== doc || window.__rb.runs > runs",
                           arg=[runs, doc], timeout=timeout)
    wait_idle(page, heading, timeout)


# the selectbox's list shows the option, or a run has started since (its redraw closes the list)
OPTION_OR_RUN = """([name, runs]) => window.__rb.runs > runs
  || Array.from(document.querySelectorAll('[role="option"]')).some(o => o.textContent.trim() === name)"""


def choose(page, box, option, runs_allowed=3):
    """Pick ``option`` in a selectbox and wait for the run the choice starts.  A run that starts while
    the list is open -- one the page's last run asked for, late on a loaded machine -- redraws the
    selectbox and closes its list: that is seen (the run count), waited out, and the list opened
    again, never guessed from a timeout."""
    for _ in range(runs_allowed + 1):
        wait_idle(page)
        if box.locator("input").first.input_value() == option:  # already chosen: picking it again starts no run
            return
        runs, _doc = _watched(page)
        box.click()
        page.wait_for_function(OPTION_OR_RUN, arg=[option, runs])
        if page.evaluate("(runs) => window.__rb.runs > runs", runs):
            continue
        with rerun(page):
            page.get_by_role("option", name=option).click()
        return
    raise AssertionError(f"the list of {option!r} was closed by {runs_allowed + 1} runs in a row")


def grid_rows(page, nth=0, min_rows=1):
    """The rows of the ``nth`` data grid on the page as lists of cell texts, header first, read from
    the grid's accessible copy (the grid itself is a canvas).  Raw values: numbers unformatted, empty
    cells ''.  Only the rows and columns the grid has drawn are there; waits for ``min_rows``."""
    page.wait_for_function("([n, k]) => { const g = document.querySelectorAll('[data-testid=\"stDataFrame\"]')[n];"
                           " return g && g.querySelectorAll('table tr').length > k; }", arg=[nth, min_rows])
    return page.evaluate("(n) => Array.from(document.querySelectorAll('[data-testid=\"stDataFrame\"]')[n]"
                         ".querySelectorAll('table tr')).map(tr => Array.from(tr.children).map(c => c.textContent))",
                         nth)


GRID_ROWS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).flatMap(g =>
    Array.from(g.querySelectorAll('table tr')).slice(1).map(tr => Array.from(tr.children).map(c => c.textContent)))"""


def rows_of_every_grid(page, done, timeout=15_000):
    """The rows (header rows left out) of every data grid on the page, once ``done(rows)`` holds.  The grids
    fill their accessible copies one by one after the page has settled, and a reused grid can show its
    previous content for a moment: so wait for the rows the test expects rather than read at once."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        rows = page.evaluate(GRID_ROWS_JS)
        if done(rows) or time.monotonic() > deadline:
            return rows
        page.wait_for_timeout(250)


HEADER_ROW = ROW = 35   # px: a data grid's header and row heights


def edit_cell(page, column, text, row=0):
    """Type ``text`` into a cell of the first editable grid as a person does: select the row's first
    cell, move to ``column`` with the arrow keys, Enter opens the cell editor, type, Enter commits (the
    page reruns).  On a loaded machine a key can be lost while the page reruns: the editor is opened
    only once the grid says the cell is selected, else the moves are made again.  A choice cell (a
    Progres month) takes the option's text: the first option matching it is chosen."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    cell = f'[data-testid="glide-cell-{column}-{row}"]'
    for attempt in range(4):
        wait_idle(page)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.evaluate("g => g.scrollIntoView({block: 'center'})")  # its first row in view, below the top bar
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + HEADER_ROW + ROW * row + ROW / 2)
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        try:
            page.wait_for_selector(f'{cell}[aria-selected="true"]', state="attached", timeout=5_000)
        except PlaywrightTimeout:
            continue
        page.keyboard.press("Enter")
        editor = page.locator("#portal textarea, #portal input").first
        try:
            editor.wait_for(timeout=10_000)
        except PlaywrightTimeout:
            continue
        editor.fill(text)
        with rerun(page):
            page.keyboard.press("Enter")
            page.wait_for_function(f"""() => {{ const c = document.querySelector('{cell}');
                                              return c && c.textContent === {text!r}; }}""", timeout=15_000)
        return
    raise AssertionError(f"could not open the cell {column} of row {row} for editing")


def pick_row(page, i, nth=0):
    """Choose row ``i`` (0: the first below the header) of the ``nth`` data grid by the selection box on
    its left, as a user clicks it (rows are 35 px, the header too)."""
    page.locator('[data-testid="stDataFrame"]').nth(nth).click(position={"x": 18, "y": 35 * (i + 1) + 17})


class Server:
    """One ``streamlit run app.py`` (or ``script``: serve.py) on a free loopback port with ``env`` added
    (e.g. RBDASH_DB): the replica tests start two over one database.  ``start()`` returns at once;
    ``wait()`` for health."""

    def __init__(self, script="app.py", **env):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile("w+")   # a file, not a pipe nobody drains
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=dict(os.environ, BROWSER_PATH=str(CHROMIUM), **env),
            stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def wait(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"streamlit on port {self.port} did not start: " + self.output()[-2000:])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
