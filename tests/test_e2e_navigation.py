"""The office in focus survives every way of moving between pages, in a real browser (issue 13.1:
after "Buka Gantt" the top bar used to open Progres on the first office of the list, so progress
could be recorded against the wrong office)."""

import re
from urllib.parse import quote_plus, unquote_plus

from e2e_fixtures import ARTIFACTS, app_url, browser, choose, needs_chromium, page, wait_idle  # noqa: F401

pytestmark = needs_chromium
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
    wait_idle(page)
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
    for _ in range(4):
        page.go_back()
        wait_idle(page)
        page.wait_for_timeout(500)
        shown = office_heading(page)
        fokus = re.search(r"fokus=([^&]+)", page.url)
        assert fokus and unquote_plus(fokus.group(1)) in shown, (page.url, shown)
        if page.get_by_role("heading", name="Gantt rencana aksi").count():
            break
    assert "/gantt" in page.url and TARGET in office_heading(page)
