"""The office in focus survives every way of moving between pages, in a real browser (issue 13.1:
after "Buka Gantt" the top bar used to open Progres on the first office of the list, so progress
could be recorded against the wrong office)."""

import re
import shutil
from urllib.parse import parse_qs, quote_plus, unquote_plus

from app_fixtures import sample_db_file  # noqa: F401 (fixture)
from e2e_fixtures import (ARTIFACTS, WATCH_JS, Server, app_url, browser, choose, needs_chromium, page,  # noqa: F401
                          pick_row, rerun, rows_of_every_grid, wait_idle)

pytestmark = needs_chromium
SHOTS = ARTIFACTS / "1366"  # screenshots at a meeting projector's size (tests/test_e2e_meeting.py)
TARGET = "KPU Kabupaten Hulu Sungai Selatan"   # not the first office of the sample list
OTHER = "KPU Kota Banjarbaru"


def office_heading(page):
    return page.locator("h3").filter(has_text=re.compile(r"· tahun \d{4}")).first.inner_text()


def top_bar(page, name):
    page.locator('[data-testid="stTopNavLink"]', has_text=name).first.click()


def assert_focus(page, heading, office):
    wait_idle(page, heading)
    assert office in office_heading(page)
    page.wait_for_url(re.compile(f"fokus={re.escape(quote_plus(office))}"), timeout=5_000)


def test_buka_gantt_then_top_bar_keeps_the_office(app_url, page):
    url, _ = app_url
    page.goto(f"{url}/perbandingan?tahun=2023")
    wait_idle(page, "Perbandingan antar satker")
    choose(page, page.locator('[data-testid="stSelectbox"]').filter(has_text="Satker").last, TARGET)
    page.get_by_role("button", name="Buka Gantt").click()
    assert_focus(page, "Gantt rencana aksi", TARGET)
    top_bar(page, "Progres")
    assert_focus(page, "Progres realisasi", TARGET)
    page.screenshot(path=ARTIFACTS / "nav_progres_after_buka_gantt.png")
    top_bar(page, "Gantt")
    assert_focus(page, "Gantt rencana aksi", TARGET)
    top_bar(page, "Beranda")
    wait_idle(page, "Rencana Aksi Reformasi Birokrasi")
    top_bar(page, "Progres")
    assert_focus(page, "Progres realisasi", TARGET)


def test_link_with_fokus_then_top_bar(app_url, page):
    url, _ = app_url
    page.goto(f"{url}/gantt?tahun=2023&fokus={quote_plus(OTHER)}")
    assert_focus(page, "Gantt rencana aksi", OTHER)
    top_bar(page, "Progres")
    assert_focus(page, "Progres realisasi", OTHER)


def test_browser_back_shows_the_office_of_each_entry(app_url, page):
    """Gantt(TARGET) -> top bar Progres -> choose OTHER -> back, back...: every page the browser
    returns to shows the office its address names, and the way back ends on Gantt with TARGET."""
    url, _ = app_url
    page.goto(f"{url}/gantt?tahun=2023&fokus={quote_plus(TARGET)}")
    assert_focus(page, "Gantt rencana aksi", TARGET)
    top_bar(page, "Progres")
    assert_focus(page, "Progres realisasi", TARGET)
    choose(page, page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text="Satker").first,
           OTHER)
    assert_focus(page, "Progres realisasi", OTHER)
    for _ in range(2):  # one entry per action (issue 21.2): two presses back to the Gantt
        page.go_back()
        wait_idle(page)
        shown_as_named(page)
        shown = office_heading(page)
        fokus = re.search(r"fokus=([^&]+)", page.url)
        assert fokus and unquote_plus(fokus.group(1)) in shown, (page.url, shown)
        if page.get_by_role("heading", name="Gantt rencana aksi").count():
            break
    assert "/gantt" in page.url and TARGET in office_heading(page)


# every navigation link and page title the browser ever draws, however briefly (a MutationObserver
# installed before the app's own scripts run)
RECORD_NAV = """
window.__links = new Set(); window.__titles = new Set();
new MutationObserver(() => {
  document.querySelectorAll('[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"], '
                            + '[data-testid="stTopNavLink"]').forEach(a => {
    const label = a.cloneNode(true);   // the link's text without its icon's ligature name
    label.querySelectorAll('[data-testid="stIconMaterial"]').forEach(i => i.remove());
    window.__links.add(label.textContent.trim());
  });
  document.querySelectorAll('h1').forEach(h => window.__titles.add(h.textContent.trim()));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
PAGE_TITLES = {"Beranda", "Impor", "Gantt", "Cakupan Area", "Perbandingan", "Progres", "Verifikasi", "Riwayat"}


# the page's office heading names the office of the address's fokus (the page has drawn the entry the
# browser went back to: going back changes the address at once, the page a run later)
SHOWN_AS_NAMED = """() => {
  const fokus = new URLSearchParams(location.search).get('fokus');
  return !!fokus && Array.from(document.querySelectorAll('h3'))
    .some(h => /· tahun \\d{4}/.test(h.textContent) && h.textContent.includes(fokus));
}"""


def shown_as_named(page, timeout=15_000):
    """Wait until the page shows the office its address names (the asserts then say what differs)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_function(SHOWN_AS_NAMED, timeout=timeout)
    except PlaywrightTimeout:
        pass


def back_to(page, heading, office, steps=1):
    """The browser's back button until ``heading`` shows -- one press: a page switch is one entry
    (issue 21.2; it used to be two: the switch and the address the page then wrote) --, every entry
    on the way showing ``office``."""
    for _ in range(steps):
        with rerun(page):  # the run the step back starts, not the page it leaves (a cold server is slow)
            page.go_back()
        shown_as_named(page)
        assert office in office_heading(page)
        if page.get_by_role("heading", name=heading).count():
            return assert_focus(page, heading, office)
    raise AssertionError(f"{heading} not reached by going back {steps} times: {page.url}")


def test_first_request_of_a_fresh_server_is_a_deep_link(sample_db_file, tmp_path, page):
    """Issue 18.1: the very first request after a restart is a shared link to one office's Gantt.  The
    pages/ folder used to start Streamlit in its legacy mode: the sidebar listed the internal modules
    (app, auth, filters, ui ...), the page stayed blank or bounced through Beranda, and the office
    could change on the next click.  Now it opens like on a warm server, and stays on that office."""
    db = tmp_path / "cold.duckdb"
    shutil.copy(sample_db_file, db)
    server = Server(RBDASH_DB=str(db), RBDASH_SAMPLES=str(tmp_path / "no-samples")).wait()  # no page served yet
    try:
        page.add_init_script(RECORD_NAV)
        page.goto(f"{server.url}/gantt?tahun=2023&fokus={quote_plus(TARGET)}")
        assert_focus(page, "Gantt rencana aksi", TARGET)
        assert page.evaluate("Array.from(window.__titles)") == ["Gantt rencana aksi"]  # never another page first
        top_bar(page, "Progres")
        assert_focus(page, "Progres realisasi", TARGET)
        top_bar(page, "Gantt")
        assert_focus(page, "Gantt rencana aksi", TARGET)
        back_to(page, "Progres realisasi", TARGET)
        back_to(page, "Gantt rencana aksi", TARGET)
        page.screenshot(path=ARTIFACTS / "nav_cold_deep_link.png")
        links = set(page.evaluate("Array.from(window.__links)"))
        assert links == PAGE_TITLES, links   # the app's own top bar only, never the pages/ folder's files
    finally:
        server.stop()


# --- issue 21.2 and 21.8: one history entry per action, back restores each view, a new view at its top ----

# what a view is: the address, what the page writes (headings, captions, labels), the values chosen in
# the sidebar and on the page, and the rows of its grids
VIEW_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return {address: location.pathname + location.search, text: main.innerText,
          chosen: Array.from(document.querySelectorAll('[data-testid="stSelectbox"] input')).map(i => i.value),
          tags: Array.from(document.querySelectorAll('[data-testid="stMultiSelect"] [data-baseweb="tag"]'))
                .map(t => t.textContent),
          pressed: Array.from(main.querySelectorAll('[role="radio"][aria-checked="true"], input[type="radio"]:checked'))
                   .map(r => r.textContent || r.value)};
}"""
HEADING_BOX = "() => { const r = document.querySelector('h1').getBoundingClientRect(); return [r.top, r.bottom]; }"


def view_of(page, rows=None):
    """The view the page shows, once its grids hold ``rows`` (a view recorded earlier) or, recording
    it, once they have drawn their rows (the same rows read twice in a row)."""
    if rows is None:
        seen = []
        rows = rows_of_every_grid(page, lambda r: bool(r) and (seen[-1:] == [r] or seen.append(r)))
    return {**page.evaluate(VIEW_JS), "rows": rows_of_every_grid(page, lambda r: r == rows)}


def address(path_and_query):
    """An address as (path, {name: values}) pairs, to compare regardless of the order of its names."""
    path, _, query = path_and_query.partition("?")
    return {(path, name, tuple(values)) for name, values in parse_qs(query).items()}


def test_back_button_one_entry_per_action_and_each_view_restored(app_url, browser):
    """Issue 21.2 and 21.8 at 1366x768: Beranda narrowed to a province -> 'Perbandingan nasional' -> a
    province's row -> an office's row (its Gantt).  Each action is one history entry (each page used
    to be pushed twice, and opening the app wrote a second entry of the same view); each press of the
    back button lands on the previous view exactly -- level, province, office, view choice (one step
    back used to show a one-row 'Per provinsi' grid nobody had seen).  A drill opens its view at the
    heading, not where the previous view was scrolled to."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    url, _ = app_url
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    ctx.add_init_script(WATCH_JS)
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{url}/?tahun=2023&provinsi=Kalimantan+Selatan")
        wait_idle(page, "Rencana Aksi Reformasi Birokrasi")
        assert page.evaluate("history.length") == 2  # about:blank, and the address opened: once
        views = [view_of(page)]
        page.screenshot(path=SHOTS / "nav_1_beranda.png")

        with rerun(page, "Perbandingan antar satker"):
            page.get_by_role("link", name="Perbandingan nasional").click()
        views.append(view_of(page))
        assert "tingkat=provinsi" in page.url and "provinsi=" not in page.url.replace("tingkat=provinsi", "")
        assert page.evaluate("history.length") == 3
        page.screenshot(path=SHOTS / "nav_2_nasional.png")

        # scrolled so far that the heading is out of sight, the province's row still in it
        page.evaluate("""() => { const main = document.querySelector('[data-testid="stMain"]');
                                 main.scrollTop = document.querySelector('h1').getBoundingClientRect().bottom; }""")
        assert page.evaluate(HEADING_BOX)[1] <= 0
        with rerun(page):
            pick_row(page, 0)
        page.wait_for_url(lambda u: "provinsi=Kalimantan+Selatan" in u and "tingkat=satker" in u)
        wait_idle(page)
        top, bottom = page.evaluate(HEADING_BOX)
        assert 0 <= top and bottom <= 768, (top, bottom)  # the new view's heading in sight
        views.append(view_of(page))
        assert page.evaluate("history.length") == 4
        page.screenshot(path=SHOTS / "nav_3_satu_provinsi.png")

        offices = [row[0] for row in views[-1]["rows"]]
        with rerun(page, "Gantt rencana aksi"):
            pick_row(page, offices.index(TARGET))
        assert_focus(page, "Gantt rencana aksi", TARGET)
        assert page.evaluate("history.length") == 5

        for expected in reversed(views):
            with rerun(page):
                page.go_back()
            wait_idle(page)
            shown = view_of(page, expected["rows"])
            # the address of the entry; the one opened first now with the defaults it left out (bulan=9)
            assert address(shown["address"]) >= address(expected["address"])
            assert {**shown, "address": None} == {**expected, "address": None}
        assert page.evaluate("history.length") == 5
    finally:
        ctx.close()
