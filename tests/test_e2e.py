"""End to end in a real browser: `streamlit run app.py`, Debian's chromium driven by Playwright.

Starts the app on a fresh database (filled with the sample plans on first start), uploads a fixture
workbook on Impor, opens its Gantt, reads the comparison heatmap's values out of the plotly chart and
checks them against the database.  Screenshots land in test-artifacts/e2e/.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PLANS, ROOT, truth

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is installed by ./dev test")
FIXTURE = "kpu_kabupaten_tanah_laut_2023"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = dict(os.environ, RBDASH_DB=str(tmp / "e2e.duckdb"), BROWSER_PATH=str(CHROMIUM))
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
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def wait_idle(page, heading=None):
    """Wait for the page's heading, then for Streamlit's running indicator to go away."""
    page.wait_for_selector('[data-testid="stApp"]')
    if heading:
        page.get_by_role("heading", name=heading).wait_for()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(300)


def plotly_figures(page):
    """[{data, layout}] of every plotly chart on the page, as the browser holds them."""
    page.wait_for_selector(".js-plotly-plot")
    return page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                         ".map(p => ({data: p.data, layout: p.layout}))")


def test_upload_then_gantt_then_comparison(app_url, page):
    url, db = app_url
    page.goto(f"{url}/impor")
    wait_idle(page, "Impor rencana aksi")
    page.screenshot(path=ARTIFACTS / "01_impor.png", full_page=True)
    page.set_input_files('[data-testid="stFileUploader"] input[type=file]', str(PLANS / f"{FIXTURE}.xlsx"))
    page.get_by_text("KPU Kabupaten Tanah Laut").first.wait_for()
    page.get_by_role("button", name="Impor 1 file").click()
    page.get_by_text("Hasil impor").wait_for()
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "02_impor_hasil.png", full_page=True)
    assert page.get_by_text("berhasil", exact=True).count() >= 1

    page.goto(f"{url}/gantt?tahun=2023&fokus=KPU+Kabupaten+Tanah+Laut")
    wait_idle(page, "Gantt rencana aksi")
    figures = plotly_figures(page)
    page.screenshot(path=ARTIFACTS / "03_gantt.png", full_page=True)
    hover = " ".join(str(t.get("customdata", "")) + str(t.get("text", "")) + str(t.get("hovertext", ""))
                     for fig in figures for t in fig["data"])
    records = truth(FIXTURE)["records"]
    first_area = [r for r in records if r["area_no"] == records[0]["area_no"]]
    # the expanded first area's chart carries every activity of that area, with its source row
    for r in first_area:
        assert f"baris {r['row']}" in hover.lower()

    page.goto(f"{url}/perbandingan?tahun=2023&bulan=9")
    wait_idle(page, "Perbandingan antar satker")
    heat = plotly_figures(page)[0]
    page.screenshot(path=ARTIFACTS / "04_perbandingan.png", full_page=True)
    values = heat["data"][-1]  # the coloured layer; offices without data sit in a grey layer below
    rows = heat["layout"]["yaxis"].get("ticktext") or values["y"]
    sat = "KPU Provinsi Kalimantan Selatan"
    from rbdash import metrics
    from rbdash.store import Store
    expected = metrics.completion(Store(db), 9, year=2023, by=("satker",)).set_index("satker")
    i = list(rows).index(sat)
    assert values["text"][i][-1] == f"{expected.loc[sat, 'rate'] * 100:.1f}%".replace(".", ",")  # Total column
    no_data = [s for s in expected.index if not expected.loc[s, "has_data"]]
    assert no_data and all(values["text"][list(rows).index(s)][-1] == "" for s in no_data)
